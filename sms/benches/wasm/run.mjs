#!/usr/bin/env node
// Times `sms::analyze` compiled to wasm in headless Chromium: builds this
// crate (release = the app's size-optimised wasm settings, and -O3 for
// comparison), runs wasm-bindgen --target web, serves the result from
// 127.0.0.1 and drives /usr/bin/chromium with playwright-core from
// end2end/node_modules. See README.md.
//
//   node sms/benches/wasm/run.mjs [--iterations 10000] [--rounds 9] [--no-build]
//
// Environment: CARGO_TARGET_DIR (default <repo>/target), CHROMIUM (default
// /usr/bin/chromium), ESEMES_WASM_BENCH_DIR (output folder for the built
// packages and the page; default $TMPDIR/esemes-wasm-bench).

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ITERATIONS = arg('iterations', 10000);
const ROUNDS = arg('rounds', 9);
const BUILD = !args.includes('--no-build');

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..', '..');
const targetDir = process.env.CARGO_TARGET_DIR || join(repo, 'target');
const out = process.env.ESEMES_WASM_BENCH_DIR || join(process.env.TMPDIR || tmpdir(), 'esemes-wasm-bench');
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
const PROFILES = ['release', 'release-o3'];

function run(cmd, cmdArgs, options = {}) {
  console.error(`$ ${cmd} ${cmdArgs.join(' ')}`);
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', ...options });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

mkdirSync(out, { recursive: true });
const sizes = {};
for (const profile of PROFILES) {
  const wasm = join(targetDir, 'wasm32-unknown-unknown', profile, 'sms_bench_wasm.wasm');
  if (BUILD) {
    run('cargo', ['build', '--profile', profile, '--target', 'wasm32-unknown-unknown'], { cwd: here });
    run('wasm-bindgen', ['--target', 'web', '--out-dir', join(out, profile), wasm]);
  }
  sizes[profile] = statSync(join(out, profile, 'sms_bench_wasm_bg.wasm')).size;
}

writeFileSync(join(out, 'index.html'), `<!doctype html>
<meta charset="utf-8">
<title>sms analyze wasm timing</title>
<script type="module">
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
window.bench = async (profile, iterations, rounds) => {
  const m = await import('./' + profile + '/sms_bench_wasm.js');
  await m.default();
  const texts = { gsm_1530: m.text_gsm_1530(), gsm_extended_1530: m.text_gsm_extended_1530(), polish_1530: m.text_polish_1530() };
  const results = {};
  for (const [name, text] of Object.entries(texts)) {
    // Warm-up, then rounds of \`iterations\` analyses; µs per analysis.
    m.analyze_n(text, 1000);
    for (let i = 0; i < 1000; i++) m.analyze_once(text);
    const loop = [], calls = [];
    let parts = 0;
    for (let r = 0; r < rounds; r++) {
      let t0 = performance.now();
      m.analyze_n(text, iterations);
      loop.push((performance.now() - t0) * 1000 / iterations);
      t0 = performance.now();
      for (let i = 0; i < iterations; i++) parts = m.analyze_once(text);
      calls.push((performance.now() - t0) * 1000 / iterations);
    }
    results[name] = { chars: [...text].length, parts, analyze_us: median(loop), analyze_us_rounds: loop,
      call_from_js_us: median(calls), call_from_js_us_rounds: calls };
  }
  return results;
};
window.ready = true;
</script>
`);

// Static server on loopback only.
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  const file = join(out, path === '/' ? 'index.html' : path);
  try {
    const body = readFileSync(file);
    res.writeHead(200, { 'content-type': types[extname(file)] || 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${server.address().port}/`;

const require = createRequire(join(repo, 'end2end', 'package.json'));
const { chromium: launcher } = require('playwright-core');
const browser = await launcher.launch({
  executablePath: chromium,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.ready === true);
  console.log(`Chromium ${browser.version()}, ${ITERATIONS} analyses per round, median of ${ROUNDS} rounds`);
  const all = {};
  for (const profile of PROFILES) {
    const results = await page.evaluate(([p, n, r]) => window.bench(p, n, r), [profile, ITERATIONS, ROUNDS]);
    all[profile] = { wasm_bytes: sizes[profile], results };
    console.log(`\n${profile} (${profile === 'release' ? "opt-level 'z', lto, the app's wasm-release settings" : 'opt-level 3, lto'}; ` +
      `${sizes[profile]} bytes of wasm, no wasm-opt)`);
    for (const [name, r] of Object.entries(results)) {
      console.log(`  ${name.padEnd(18)} ${r.parts} parts: analyze ${r.analyze_us.toFixed(2)} µs; ` +
        `one call from JS incl. string copy ${r.call_from_js_us.toFixed(2)} µs`);
    }
  }
  writeFileSync(join(out, 'results.json'), JSON.stringify({ date: new Date().toISOString(), all }, null, 2));
  console.log(`\nresults: ${join(out, 'results.json')}`);
} finally {
  await browser.close();
  server.close();
}
