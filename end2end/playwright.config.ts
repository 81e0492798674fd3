import { mkdirSync, writeFileSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";

// The server under test: the debug build from `cargo leptos build`, on its own port, with a
// fresh SQLite file, the simulator gateway (quick delivery reports) and a known admin password.
// ESEMES_E2E_PORT lets two checkouts run their tests side by side on one machine.
const port = Number(process.env.ESEMES_E2E_PORT ?? 3107);
export const adminPassword = "e2e-Haslo-123";
// Buying SMS: the PayU simulator (PyPI, installed by `make test-tools`) and the Przelewy24
// double on the next ports, named in the app's payments file.
const payuPort = port + 1;
const p24Port = port + 2;
// E-mail: a real SMTP server (aiosmtpd from PyPI) storing what it takes in a Maildir the tests
// read.
export const smtpPort = port + 3;
export const maildir = "../target/e2e/maildir";
mkdirSync("../target/e2e", { recursive: true });
writeFileSync(
  "../target/e2e/payments.toml",
  `public_url = "http://127.0.0.1:${port}"
[prices]
PLN = 4900
[przelewy24]
url = "http://127.0.0.1:${p24Port}"
merchant_id = 64195
api_key = "e2e-api-key"
crc = "e2e-crc"
[payu]
url = "http://127.0.0.1:${payuPort}/payu"
pos_id = "300746"
client_id = "300746"
client_secret = "e2e"
second_key = "e2e-second-key"
`,
);

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
    { name: "desktop", testIgnore: /no-js|sender-names/, use: { ...desktop } },
    { name: "phone", testIgnore: /no-js|sender-names/, use: { ...phone } },
    { name: "desktop-no-js", testMatch: /no-js/, use: { ...desktop, javaScriptEnabled: false } },
    { name: "phone-no-js", testMatch: /no-js/, use: { ...phone, javaScriptEnabled: false } },
    // A sender name waiting for authorisation stops every send: this runs after all the others.
    {
      name: "sender-names",
      testMatch: /sender-names/,
      dependencies: ["desktop", "phone", "desktop-no-js", "phone-no-js"],
      use: { ...phone },
    },
  ],
  webServer: [
    {
      command: `../.tools/payu/bin/getpaid-simulator --host 127.0.0.1 --port ${payuPort} --log-level WARNING`,
      url: `http://127.0.0.1:${payuPort}/`,
      timeout: 30_000,
      reuseExistingServer: false,
      env: { SIMULATOR_PAYU_SECOND_KEY: "e2e-second-key" },
    },
    {
      command: `node fixtures/p24/p24.mjs --port ${p24Port} --merchant-id 64195 --api-key e2e-api-key --crc e2e-crc`,
      url: `http://127.0.0.1:${p24Port}/control/transactions`,
      timeout: 30_000,
      reuseExistingServer: false,
    },
    {
      command: `rm -rf ${maildir} && ../.tools/smtp/bin/python -m aiosmtpd -n -l 127.0.0.1:${smtpPort} -c aiosmtpd.handlers.Mailbox ${maildir}`,
      port: smtpPort,
      timeout: 30_000,
      reuseExistingServer: false,
    },
    {
      command: "rm -f ../target/e2e/esemes.db* ../target/e2e/secret.key && ../target/debug/server",
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
        ESEMES_PAYMENTS: "../target/e2e/payments.toml",
        ESEMES_SECRET_KEY_FILE: "../target/e2e/secret.key",
        ESEMES_REMINDERS_EVERY_MS: "2000",
        RUST_LOG: "warn",
      },
    },
  ],
});
