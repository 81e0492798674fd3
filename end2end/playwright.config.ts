import { defineConfig, devices } from "@playwright/test";

// The server under test: the debug build from `cargo leptos build`, on its own port, with a
// fresh SQLite file, the simulator gateway (quick delivery reports) and a known admin password.
// ESEMES_E2E_PORT lets two checkouts run their tests side by side on one machine.
const port = Number(process.env.ESEMES_E2E_PORT ?? 3107);
export const adminPassword = "e2e-Haslo-123";

const chromium = {
  browserName: "chromium" as const,
  launchOptions: {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  },
};

const desktop = { viewport: { width: 1280, height: 800 } };
const phone = {
  viewport: { width: 360, height: 740 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  userAgent: devices["Pixel 7"].userAgent,
};

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: "pl-PL",
    ...chromium,
  },
  projects: [
    { name: "desktop", testIgnore: /no-js/, use: { ...desktop } },
    { name: "phone", testIgnore: /no-js/, use: { ...phone } },
    { name: "desktop-no-js", testMatch: /no-js/, use: { ...desktop, javaScriptEnabled: false } },
    { name: "phone-no-js", testMatch: /no-js/, use: { ...phone, javaScriptEnabled: false } },
  ],
  webServer: {
    command: "rm -f ../target/e2e/esemes.db* && ../target/debug/server",
    url: `http://127.0.0.1:${port}/health`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      DATABASE_URL: "sqlite://../target/e2e/esemes.db",
      ESEMES_BIND: `127.0.0.1:${port}`,
      ESEMES_ADMIN_PASSWORD: adminPassword,
      ESEMES_SIMULATOR_DELAY_MS: "300",
      LEPTOS_SITE_ROOT: "../target/site",
      RUST_LOG: "warn",
    },
  },
});
