import { expect, test } from "@playwright/test";
import { logIn } from "./helpers";

test("a payment reminder from an invoice goes to its counterparty with the invoice filled in", async ({ page }) => {
  await logIn(page);
  await page.getByRole("link", { name: "Dokumenty" }).click();
  // The counterparty "Łódź Trans" typed without Polish letters.
  await page.getByRole("searchbox").fill("lodz");
  await page.getByRole("searchbox").press("Enter");
  await expect(page).toHaveURL(/q=lodz/);
  const records = page.locator("li.record");
  await expect(records).toHaveCount(1);
  await expect(records).toContainText("do zapłaty 420,50 zł");
  await records.getByRole("link").click();
  await expect(page.getByRole("heading", { name: "Faktura sprzedaży FS/88/2026" })).toBeVisible();

  await page.getByRole("link", { name: "Wyślij SMS" }).click();
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await expect(page.getByText("Dotyczy:")).toContainText("Faktura sprzedaży FS/88/2026");
  await expect(page.locator(".chip-label")).toHaveText("ŁÓDŹ-TRANS — Łódź Trans s.c.");
  await expect(page.getByLabel("Telefon", { exact: true })).toHaveValue("+48 604 500 600");
  await expect(page.locator("#template option:checked")).toHaveText(/^Przypomnienie o płatności/);
  const body = page.getByLabel("Treść");
  await expect(body).toHaveValue(/\{numer_dokumentu\}.*\{pozostalo_do_zaplaty\}/);
  // The preview fills the macros in the browser as the operator types.
  const preview = page.getByRole("region", { name: "Podgląd dla odbiorcy" });
  await expect(preview).toContainText("za fakturę FS/88/2026 na kwotę 420,50 zł");
  await expect(preview).toContainText("2 SMS");
  await body.press("Control+End");
  await body.pressSequentially(" {przedstawiciel}");
  await expect(preview.getByRole("alert")).toContainText("Brak danych dla makra {przedstawiciel}");
  await body.press("Control+End");
  for (let i = 0; i < " {przedstawiciel}".length; i++) await body.press("Backspace");
  await expect(preview.getByRole("alert")).toHaveCount(0);
  // "zł" and the counterparty's name bring Polish letters the template may not have: the offer
  // to send without them is made on the filled text.
  await preview.getByLabel(/Bez polskich znaków/).check();
  await expect(preview).toContainText("za fakture FS/88/2026 na kwote 420,50 zl");
  await expect(preview).toContainText("1 SMS");
  // Another run may have sent this reminder already: then the composer asks first.
  page.on("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Wyślij", exact: true }).click();

  await expect(page).toHaveURL(/\/messages$/);
  await expect(page.getByText("za fakture FS/88/2026 na kwote 420,50 zl").first()).toBeVisible();

  // Opened again, the composer says this template already went to this number about it, and
  // suggests the numbers of the invoice's people.
  await page.goBack();
  await expect(page).toHaveURL(/\?document=\d+$/);
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await expect(page.locator(".sent-before")).toContainText("Ten szablon został już wysłany na ten numer");
  const suggestions = page.locator(".suggestions button");
  await expect(suggestions).toHaveText([/ŁÓDŹ-TRANS — Łódź Trans s\.c\. \+48 604 500 600/, /Paweł Wiśniewski \+48 605 600 700/]);
  await suggestions.nth(1).click();
  await expect(page.getByLabel("Telefon", { exact: true })).toHaveValue("+48 605 600 700");
  await expect(page.locator(".chip-label")).toHaveText("ŁÓDŹ-TRANS — Łódź Trans s.c. / Paweł Wiśniewski");
  await expect(page.locator(".sent-before")).toHaveCount(0);
  // Leaving with changes asks first.
  let asked = "";
  page.removeAllListeners("dialog");
  page.once("dialog", (dialog) => { asked = dialog.message(); dialog.dismiss(); });
  await page.getByRole("link", { name: "Anuluj" }).click();
  await expect(page).toHaveURL(/\?document=\d+$/);
  expect(asked).toBe("Porzucić zmiany w tej wiadomości?");
});

test("open tasks come soonest first and a reminder names the task and its start", async ({ page }) => {
  await logIn(page);
  // The demo's tasks (other tests add their own).
  await page.goto("/tasks?q=demo-task");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  const records = page.locator("li.record");
  await expect(records.first()).toContainText("Przegląd instalacji");
  await expect(records).toHaveCount(2);
  await page.getByRole("link", { name: "Wykonane" }).click();
  await expect(records).toHaveText([/Telefon w sprawie dostawy/]);
  await page.getByRole("link", { name: "Do zrobienia" }).click();
  // The tab's list replaces the previous one when it has loaded.
  await expect(records).toHaveText([/Przegląd instalacji/, /Podpisanie umowy ramowej/]);
  await records.first().getByRole("link").click();
  await expect(page.getByRole("heading", { name: "Przegląd instalacji" })).toBeVisible();

  await page.getByRole("link", { name: "Wyślij SMS" }).click();
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await expect(page.getByText("Procedura:")).toContainText("Formularz zadania");
  await expect(page.getByLabel("Treść")).toHaveValue(/\{zadanie\}, \{termin_od\}/);
  await page.getByRole("button", { name: "Wyślij", exact: true }).click();
  await expect(page).toHaveURL(/\/messages$/);
  await expect(
    page.getByText(/Przypominamy o wizycie: Przegląd instalacji, \d\d\.\d\d\.\d{4} 10:30/).first(),
  ).toBeVisible();
});
