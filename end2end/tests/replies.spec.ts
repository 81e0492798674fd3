import { expect, test } from "@playwright/test";
import { logIn, uniqueText } from "./helpers";

/** A mobile number no other test uses: 600 followed by six random digits. */
function uniqueNumber() {
  const digits = Math.floor(Math.random() * 1_000_000).toString().padStart(6, "0");
  return `600${digits}`;
}

function displayed(number: string) {
  return `+48 ${number.slice(0, 3)} ${number.slice(3, 6)} ${number.slice(6)}`;
}

test("a number opted out in the inbox is shown in the composer and gets no marketing", async ({ page }) => {
  await logIn(page);
  const number = uniqueNumber();
  await page.getByRole("navigation", { name: "Menu główne" }).getByRole("link", { name: "Odpowiedzi" }).click();
  await expect(page.getByRole("heading", { name: "Odpowiedzi SMS" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Wypisane numery" })).toBeVisible();
  await page.getByLabel("Numer telefonu").fill(number);
  await page.getByRole("button", { name: "Wypisz" }).click();
  const change = page.locator("table.opt-out-changes tr", { hasText: displayed(number) });
  await expect(change).toContainText("wypisał się (STOP)");
  await expect(change).toContainText("operator");

  await page.goto("/");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await page.getByLabel("Telefon").fill(number);
  await expect(page.locator("p.warning.opted-out")).toContainText("Ten numer wypisał się (STOP)");
  const text = uniqueText("Promocja");
  await page.getByLabel("Treść").fill(text);
  await page.getByLabel("Rodzaj wiadomości").selectOption({ label: "Marketingowa" });
  await page.getByRole("button", { name: "Wyślij", exact: true }).click();
  await expect(page.getByRole("alert")).toContainText("odbiorca wypisał się (STOP)");
  await expect(page.getByLabel("Treść")).toHaveValue(text);

  // A transactional message still goes.
  await page.getByLabel("Rodzaj wiadomości").selectOption({ label: "Transakcyjna (faktura, zamówienie, wizyta)" });
  await page.getByRole("button", { name: "Wyślij", exact: true }).click();
  await expect(page).toHaveURL(/\/messages$/);
  await expect(page.locator("tr", { hasText: text })).toBeVisible();

  // Back in: the warning is gone.
  await page.goto("/inbox");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await page.getByLabel("Numer telefonu").fill(number);
  await page.getByRole("button", { name: "Przywróć" }).click();
  await expect(page.locator("table.opt-out-changes tr", { hasText: displayed(number) }).first()).toContainText("zapisał się ponownie");
  await page.goto("/");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await page.getByLabel("Telefon").fill(number);
  await page.getByLabel("Treść").fill("x");
  await expect(page.locator("p.warning.opted-out")).toHaveCount(0);
});

test("a message scheduled for tomorrow is listed as scheduled, and cancelling keeps it as a draft", async ({ page }) => {
  await logIn(page);
  const text = uniqueText("Zaplanowana");
  const tomorrow = new Date(Date.now() + 24 * 3600 * 1000).toISOString().slice(0, 10);
  await page.getByLabel("Telefon").fill(uniqueNumber());
  await page.getByLabel("Treść").fill(text);
  await page.getByLabel("Wyślij o (opcjonalnie)").fill(`${tomorrow}T10:00`);
  await page.getByRole("button", { name: "Wyślij", exact: true }).click();
  await expect(page).toHaveURL(/\/messages$/);
  const row = page.locator("tr", { hasText: text });
  await expect(row.locator(".status-scheduled")).toContainText("Zaplanowana na");
  await expect(row.locator(".status-scheduled")).toContainText("10:00");
  await row.getByRole("button", { name: "Anuluj wysyłkę (zostanie wersja robocza)" }).click();
  await expect(row.getByRole("link", { name: "Edytuj wersję roboczą" })).toBeVisible();
  await expect(row.locator(".status-scheduled")).toHaveCount(0);
});

test("a reply is in the inbox with the message it answers, and on that message's invoice and subject", async ({ page }) => {
  await logIn(page);
  await page.goto("/inbox");
  const reply = page.locator("li.reply", { hasText: "Dziękuję, zapłacę jutro rano." });
  await expect(reply.locator(".answered")).toContainText("Przypominamy o płatności faktury FS/101/2026");
  await expect(page.locator("li.reply", { hasText: "STOP" }).locator(".badge")).toHaveText("wypisał się (STOP)");

  await reply.getByRole("link", { name: "FS/101/2026" }).click();
  await expect(page.getByRole("heading", { name: /FS\/101\/2026/ })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Odpowiedzi" })).toBeVisible();
  await expect(page.locator("li.reply")).toContainText("Dziękuję, zapłacę jutro rano.");

  await page.goto("/inbox");
  await page.locator("li.reply", { hasText: "Dziękuję, zapłacę jutro rano." }).locator(".reply-from a").click();
  await expect(page.locator("li.reply", { hasText: "Dziękuję, zapłacę jutro rano." })).toBeVisible();
});
