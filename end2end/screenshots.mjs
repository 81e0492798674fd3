// Screenshots of the running app for the README and for looking at the UI as a user would:
//   node screenshots.mjs [base URL] [password]   (defaults: http://127.0.0.1:3000, $ESEMES_ADMIN_PASSWORD)
import { chromium } from "@playwright/test";

const base = process.argv[2] ?? "http://127.0.0.1:3000";
const password = process.argv[3] ?? process.env.ESEMES_ADMIN_PASSWORD;
const out = new URL("../docs/", import.meta.url).pathname;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
for (const [name, viewport] of [["desktop", { width: 1280, height: 800 }], ["phone", { width: 360, height: 740 }]]) {
  const page = await browser.newPage({ viewport, deviceScaleFactor: name === "phone" ? 2 : 1 });
  await page.goto(`${base}/login`);
  await page.screenshot({ path: `${out}login-${name}.png` });
  await page.getByLabel("Login").fill("admin");
  await page.getByLabel("Hasło").fill(password);
  await page.getByRole("button", { name: "Zaloguj się" }).click();
  await page.locator("html[data-hydrated]").waitFor();
  await page.getByRole("button", { name: "Wybierz z książki adresowej" }).click();
  await page.getByRole("dialog").getByRole("searchbox").fill("lodz");
  await page.getByRole("option").nth(1).waitFor();
  await page.screenshot({ path: `${out}picker-${name}.png` });
  await page.getByRole("option").first().click();
  await page.getByLabel("Telefon", { exact: true }).fill("600 100 200");
  await page.getByLabel("Treść").pressSequentially("Dzień dobry, przypominamy o płatności za fakturę FS/123/2026 na kwotę 1 234,56 zł. Termin: 30.11.2026.");
  await page.screenshot({ path: `${out}composer-${name}.png`, fullPage: true });
  await page.getByRole("button", { name: "Wyślij" }).click();
  await page.waitForURL(/messages/);
  await page.locator("table.messages .status-delivered").first().waitFor();
  await page.screenshot({ path: `${out}messages-${name}.png`, fullPage: true });
  await page.goto(`${base}/address-book?kind=contractor`);
  await page.locator("html[data-hydrated]").waitFor();
  await page.screenshot({ path: `${out}address-book-${name}.png`, fullPage: true });
  await page.locator("li.subject a").first().click();
  await page.getByRole("button", { name: "Dodaj przedstawiciela" }).waitFor();
  await page.screenshot({ path: `${out}subject-${name}.png`, fullPage: true });
  await page.goto(`${base}/documents`);
  await page.locator("html[data-hydrated]").waitFor();
  await page.screenshot({ path: `${out}documents-${name}.png`, fullPage: true });
  await page.getByRole("link", { name: /FS\/88\/2026/ }).click();
  await page.getByRole("link", { name: "Wyślij SMS" }).waitFor();
  await page.screenshot({ path: `${out}document-${name}.png`, fullPage: true });
  await page.getByRole("link", { name: "Wyślij SMS" }).click();
  await page.getByText("Dotyczy").waitFor();
  await page.locator("html[data-hydrated]").waitFor();
  await page.screenshot({ path: `${out}composer-invoice-${name}.png`, fullPage: true });
  await page.goto(`${base}/tasks`);
  await page.locator("html[data-hydrated]").waitFor();
  await page.screenshot({ path: `${out}tasks-${name}.png`, fullPage: true });
  await page.goto(`${base}/templates`);
  await page.locator("html[data-hydrated]").waitFor();
  await page.screenshot({ path: `${out}templates-${name}.png`, fullPage: true });
  await page.locator("ul.templates a.name").first().click();
  await page.locator("html[data-hydrated]").waitFor();
  await page.getByRole("button", { name: "Wstaw makro" }).click();
  await page.getByRole("menu").waitFor();
  await page.screenshot({ path: `${out}template-editor-${name}.png`, fullPage: true });
  await page.goto(`${base}/inbox`);
  await page.locator("html[data-hydrated]").waitFor();
  await page.screenshot({ path: `${out}inbox-${name}.png`, fullPage: true });
  await page.goto(`${base}/admin`);
  await page.locator("html[data-hydrated]").waitFor();
  await page.screenshot({ path: `${out}admin-${name}.png`, fullPage: true });
  await page.getByRole("button", { name: "Edytuj" }).first().click();
  await page.getByText("Godziny wysyłki i wypisania").waitFor();
  await page.screenshot({ path: `${out}admin-company-${name}.png`, fullPage: true });
  await page.goto(`${base}/credits`);
  await page.locator("html[data-hydrated]").waitFor();
  await page.screenshot({ path: `${out}credits-${name}.png`, fullPage: true });
  // A serial send: the contractors ticked, the composer for them, the batch's preview.
  await page.goto(`${base}/address-book?kind=contractor`);
  await page.locator("html[data-hydrated]").waitFor();
  for (const box of await page.locator("input.select-row").all()) await box.check();
  await page.screenshot({ path: `${out}selection-${name}.png`, fullPage: true });
  await page.getByRole("region", { name: "Wyślij SMS" }).getByRole("link", { name: "Wyślij SMS" }).click();
  await page.locator(".serial-count").waitFor();
  await page.locator("html[data-hydrated]").waitFor();
  await page.getByLabel("Treść").fill("Dzień dobry, {nazwa}: przypominamy o płatności. Kod klienta {podmiot}.");
  await page.screenshot({ path: `${out}composer-serial-${name}.png`, fullPage: true });
  await page.getByRole("button", { name: /Podgląd wysyłki/ }).click();
  await page.locator(".batch-state[data-state=ready]").waitFor();
  await page.screenshot({ path: `${out}batch-${name}.png`, fullPage: true });
  await page.getByRole("button", { name: "Odrzuć" }).waitFor();
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Odrzuć" }).click();
  await page.locator(".batch-state[data-state=discarded]").waitFor();
  await page.goto(`${base}/messages?status=all&sender=1`);
  await page.locator("html[data-hydrated]").waitFor();
  await page.screenshot({ path: `${out}messages-filters-${name}.png`, fullPage: true });
  // E-mail, reminders and correspondence.
  for (const [shot, path] of [["email-settings", "/email/settings"], ["reminders", "/reminders?day=tomorrow"], ["correspondence", "/correspondence"]]) {
    await page.goto(`${base}${path}`);
    await page.locator("html[data-hydrated]").waitFor();
    await page.screenshot({ path: `${out}${shot}-${name}.png`, fullPage: true });
  }
  await page.goto(`${base}/tasks`);
  await page.locator("li.record a").first().click();
  await page.getByRole("region", { name: "Automatyczne przypomnienia" }).waitFor();
  await page.locator("html[data-hydrated]").waitFor();
  await page.screenshot({ path: `${out}task-reminders-${name}.png`, fullPage: true });
  await page.getByRole("link", { name: "Wyślij e-mail" }).click();
  await page.getByRole("heading", { name: "Nowy e-mail" }).waitFor();
  await page.locator("html[data-hydrated]").waitFor();
  await page.screenshot({ path: `${out}email-compose-${name}.png`, fullPage: true });
  await page.close();
}
await browser.close();
