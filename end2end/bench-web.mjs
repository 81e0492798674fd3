// First-load figures of the release build on a phone, as BENCHMARKS.md gives them:
//   make bench-web        (builds in release, then runs this)
//   node end2end/bench-web.mjs [runs]
// Starts target/release/server on a fresh SQLite file, logs in, runs Lighthouse (mobile, its
// default simulated throttling, Debian's Chromium) on /login, / and /messages `runs` times each
// (default 3) and prints the median figures and, for one run, the bytes of every file; then
// visits / twice in one browser profile and counts what the second visit downloads.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "@playwright/test";

const root = new URL("..", import.meta.url).pathname;
const tools = join(root, ".tools/lighthouse/node_modules");
const { default: lighthouse } = await import(join(tools, "lighthouse/core/index.js"));
const chromeLauncher = await import(join(tools, "chrome-launcher/dist/index.js"));

const runs = Number(process.argv[2] ?? 3);
const port = 3198;
const base = `http://127.0.0.1:${port}`;
const password = "bench-Haslo-123";
const chromePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const chromeFlags = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

const data = mkdtempSync(join(tmpdir(), "esemes-bench-web-"));
const server = spawn(join(root, "target/release/server"), [], {
  cwd: root,
  env: {
    ...process.env,
    DATABASE_URL: `sqlite://${data}/esemes.db`,
    ESEMES_BIND: `127.0.0.1:${port}`,
    ESEMES_ADMIN_PASSWORD: password,
    LEPTOS_SITE_ROOT: "target/site",
    LEPTOS_ENV: "PROD",
    RUST_LOG: "warn",
  },
  stdio: ["ignore", "ignore", "inherit"],
});
const stop = () => {
  server.kill("SIGTERM");
  rmSync(data, { recursive: true, force: true });
};
process.on("exit", stop);

async function waitForServer() {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the server did not start");
}

async function logIn() {
  const response = await fetch(`${base}/api/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ login: "admin", password }),
  });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith("esemes_session="));
  if (!cookie) throw new Error(`login failed: ${response.status}`);
  return cookie.split(";")[0];
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function audit(path, cookie) {
  const chrome = await chromeLauncher.launch({ chromePath, chromeFlags });
  try {
    const { lhr } = await lighthouse(`${base}${path}`, {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      onlyCategories: ["performance", "accessibility", "best-practices"],
      extraHeaders: cookie ? { Cookie: cookie } : undefined,
    });
    if (lhr.runtimeError) throw new Error(`${path}: ${lhr.runtimeError.message}`);
    const files = lhr.audits["network-requests"].details.items
      .filter((r) => r.url.startsWith(base))
      .map((r) => ({ url: r.url.slice(base.length), bytes: r.transferSize, type: r.resourceType }));
    return {
      performance: lhr.categories.performance.score,
      accessibility: lhr.categories.accessibility.score,
      bestPractices: lhr.categories["best-practices"].score,
      fcp: lhr.audits["first-contentful-paint"].numericValue,
      lcp: lhr.audits["largest-contentful-paint"].numericValue,
      tti: lhr.audits["interactive"].numericValue,
      tbt: lhr.audits["total-blocking-time"].numericValue,
      transferred: files.reduce((sum, f) => sum + f.bytes, 0),
      lcpElement: lhr.audits["lcp-breakdown-insight"]?.details?.items?.find((i) => i.type === "node")?.selector,
      files,
      failed: Object.values(lhr.audits)
        .filter((a) => a.score !== null && a.score < 1 && ["accessibility", "best-practices"].some((c) =>
          lhr.categories[c].auditRefs.some((ref) => ref.id === a.id)))
        .map((a) => a.id),
    };
  } finally {
    await chrome.kill();
  }
}

/// Visits `/` twice in one browser profile and sums what each visit fetched over the network.
async function secondVisit(cookie) {
  const browser = await chromium.launch({ executablePath: chromePath, args: chromeFlags.slice(1) });
  const context = await browser.newContext();
  const [name, value] = cookie.split("=");
  await context.addCookies([{ name, value, url: base }]);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const visits = [];
  const responses = new Map();
  cdp.on("Network.responseReceived", (e) => responses.set(e.requestId, e.response));
  cdp.on("Network.loadingFinished", (e) => {
    const response = responses.get(e.requestId);
    if (!response || !visits.length) return;
    const cached = response.fromDiskCache || response.fromMemoryCache || response.fromPrefetchCache;
    visits.at(-1).push({ url: response.url.slice(base.length), bytes: cached ? 0 : e.encodedDataLength });
  });
  for (let i = 0; i < 2; i++) {
    visits.push([]);
    await page.goto(`${base}/`);
    await page.locator("html[data-hydrated]").waitFor();
    await page.waitForLoadState("networkidle");
  }
  await browser.close();
  return visits.map((files) => ({
    total: files.reduce((sum, f) => sum + f.bytes, 0),
    wasm: files.filter((f) => f.url.endsWith(".wasm")).reduce((sum, f) => sum + f.bytes, 0),
  }));
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;

await waitForServer();
const cookie = await logIn();
const pages = [
  ["/login", null],
  ["/", cookie],
  ["/messages", cookie],
];
console.log(`Lighthouse ${(await import(join(tools, "lighthouse/package.json"), { with: { type: "json" } })).default.version}, mobile, simulated throttling; median of ${runs} runs\n`);
console.log("| page | performance | TTI | LCP | FCP | TBT | accessibility | best practices | transferred |");
console.log("|---|---|---|---|---|---|---|---|---|");
const details = [];
for (const [path, pageCookie] of pages) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await audit(path, pageCookie));
  const m = (key) => median(results.map((r) => r[key]));
  console.log(
    `| \`${path}\` | ${m("performance").toFixed(2)} | ${s(m("tti"))} | ${s(m("lcp"))} | ${s(m("fcp"))} | ${Math.round(m("tbt"))} ms | ${m("accessibility").toFixed(2)} | ${m("bestPractices").toFixed(2)} | ${kb(m("transferred"))} |`,
  );
  details.push([path, results[0]]);
}
for (const [path, result] of details) {
  console.log(`\n\`${path}\`: ${kb(result.transferred)} in ${result.files.length} files; largest paint: ${result.lcpElement}`);
  for (const f of result.files) console.log(`  ${kb(f.bytes).padStart(9)}  ${f.type.padEnd(10)} ${f.url}`);
  if (result.failed.length) console.log(`  audits below 1: ${result.failed.join(", ")}`);
}
const [first, second] = await secondVisit(cookie);
console.log(`\nSecond visit to \`/\` in the same profile: ${kb(second.total)} transferred (wasm ${kb(second.wasm)}); first visit ${kb(first.total)} (wasm ${kb(first.wasm)})`);
process.exit(0);
