import { chromium } from "@playwright/test";
const base = process.argv[2]; const password = process.argv[3];
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
for (const [name, viewport] of [["desktop", { width: 1280, height: 800 }], ["phone", { width: 360, height: 740 }]]) {
  const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
  page.on("pageerror", (e) => console.log("pageerror", e.message));
  await page.goto(`${base}/login`);
  await page.getByLabel("Login").fill("admin");
  await page.getByLabel("Hasło").fill(password);
  await page.getByRole("button", { name: "Zaloguj się" }).click();
  await page.locator("html[data-hydrated]").waitFor();
  for (const path of ["/email/settings", "/reminders", "/reminders?day=tomorrow", "/correspondence", "/tasks/1", "/email/new?document=1", "/email"]) {
    await page.goto(base + path);
    await page.locator("html[data-hydrated]").waitFor();
    await page.waitForTimeout(500);
    await page.screenshot({ path: `/tmp/s15/${path.replace(/[\/?=]/g, "_")}-${name}.png`, fullPage: true });
  }
  await page.close();
}
await browser.close();
