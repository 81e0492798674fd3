import { expect, test } from "@playwright/test";
import { logIn, uniqueText } from "./helpers";

// With JavaScript disabled the pages are rendered by the server and the forms post directly.
test("server-rendered pages work without JavaScript", async ({ page }) => {
  await logIn(page, { waitForHydration: false });
  await expect(page.locator("#counter")).toContainText("Pozostało 160 znaków w tym SMS");

  const text = uniqueText("Bez JavaScriptu");
  await page.getByLabel("Telefon").fill("600 100 201");
  await page.getByLabel("Treść").fill(text);
  await page.getByRole("button", { name: "Wyślij" }).click();

  await expect(page).toHaveURL(/\/messages$/);
  const row = page.locator("tr", { hasText: text });
  await expect(row).toContainText("+48 600 100 201");
  // No polling without JavaScript: reload until the delivery report has arrived.
  await expect(async () => {
    await page.reload();
    await expect(row.locator(".status")).toHaveText("doręczona", { timeout: 1000 });
  }).toPass();
});

test("a wrong password is reported without JavaScript", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Login").fill("admin");
  await page.getByLabel("Hasło").fill("zle");
  await page.getByRole("button", { name: "Zaloguj się" }).click();
  await expect(page.getByRole("alert")).toHaveText("Nieprawidłowy login lub hasło.");
});

test("the address book searches and pages without JavaScript", async ({ page }) => {
  await logIn(page, { waitForHydration: false });
  await page.goto("/address-book");
  await page.getByRole("searchbox", { name: "Szukaj podmiotu" }).fill("LODZ");
  await page.getByRole("button", { name: "Szukaj" }).click();
  await expect(page).toHaveURL(/kind=contractor&q=LODZ/);
  await expect(page.locator("li.subject")).toHaveCount(1);
  await expect(page.locator("li.subject")).toContainText("Łódź Trans s.c.");
  await page.getByRole("link", { name: "Urzędy" }).click();
  await expect(page.locator("li.subject")).toContainText("Urząd Skarbowy Łódź-Śródmieście");
});

test("the import page says it needs JavaScript", async ({ page }) => {
  await logIn(page, { waitForHydration: false });
  await page.goto("/address-book/import");
  await expect(page.getByRole("note")).toHaveText(
    "Import wymaga włączonej obsługi JavaScriptu w przeglądarce: plik jest odczytywany na tej stronie.",
  );
  await expect(page.getByLabel("Plik (.csv, .txt, .vcf)")).toBeDisabled();
});

test("template configuration lists and the Send arrow work without JavaScript", async ({ page }) => {
  await logIn(page, { waitForHydration: false });
  await page.goto("/templates");
  await page.getByLabel("Procedura").selectOption({ label: "Formularz faktury sprzedaży" });
  await page.getByRole("button", { name: "Szukaj" }).click();
  await expect(page).toHaveURL(/procedure=sales_invoice_form/);
  const reminder = page.locator("li.template", { hasText: "Przypomnienie o płatności" });
  await expect(reminder.locator(".badge.default").first()).toHaveText("domyślny");
  await expect(page.locator("li.template", { hasText: "Powitanie" })).toHaveCount(0);

  // The arrow's links reload the composer with the template.
  await page.goto("/");
  await page.locator("summary", { hasText: "▾" }).click();
  await page.getByRole("link", { name: "Powitanie" }).click();
  await expect(page).toHaveURL(/template=\d+/);
  await expect(page.getByLabel("Treść")).toHaveValue("Dzień dobry {imie|Państwu}, dziękujemy za współpracę. {firma}");
});

test("documents are found and a reminder about one is sent without JavaScript", async ({ page }) => {
  await logIn(page, { waitForHydration: false });
  await page.goto("/documents");
  await page.getByLabel("Rodzaj").selectOption({ label: "Faktura sprzedaży" });
  await page.getByLabel("Tylko z kwotą do zapłaty").check();
  await page.getByRole("button", { name: "Szukaj" }).click();
  await expect(page).toHaveURL(/kind=sales_invoice&unpaid=1/);
  await expect(page.locator("li.record .number")).toHaveText(["FS/101/2026", "FS/88/2026"]);
  await page.getByRole("link", { name: /FS\/101\/2026/ }).click();
  await page.getByRole("link", { name: "Wyślij SMS" }).click();
  await expect(page.locator(".chip-label")).toHaveText("ALFA — Alfa Budownictwo Sp. z o.o.");
  await page.getByRole("button", { name: "Wyślij", exact: true }).click();
  await expect(page).toHaveURL(/\/messages$/);
  await expect(page.getByText("za fakturę FS/101/2026 na kwotę 1 845,00 zł").first()).toBeVisible();
});

test("the delivery report filters and opens a message's parts without JavaScript", async ({ page }) => {
  await logIn(page, { waitForHydration: false });
  const id = uniqueText("Bez JS");
  await page.getByLabel("Telefon").fill("600 100 200");
  await page.getByLabel("Treść").fill(`${id} ${"i dalej ".repeat(25)}`);
  await page.getByRole("button", { name: "Wyślij", exact: true }).click();
  await expect(page).toHaveURL(/\/messages$/);

  await page.goto("/reports");
  await page.getByPlaceholder("Kod lub nazwa").fill("");
  await page.getByRole("button", { name: "Pokaż" }).click();
  await expect(page).toHaveURL(/from=\d{4}-\d{2}-\d{2}&to=/);
  const row = page.locator("tr", { hasText: id });
  await row.getByRole("link", { name: "Części (2)" }).click();
  await expect(page).toHaveURL(/parts=\d+/);
  await expect(page.locator("li.part")).toHaveCount(2);
});

test("SMS are bought without JavaScript: the form goes to the payment page and back", async ({ page }) => {
  await logIn(page, { waitForHydration: false });
  await page.goto("/credits");
  const purchase = page.getByRole("region", { name: "Zakup SMS" });
  await purchase.getByLabel("Liczba pakietów (po 300 SMS)").fill("2");
  await purchase.getByLabel("Przelewy24").check();
  await purchase.getByRole("button", { name: "Przejdź do płatności" }).click();
  await expect(page).toHaveURL(/\/trnRequest\//);
  await expect(page.getByText("Kwota: 98.00 PLN")).toBeVisible();
  await page.getByRole("button", { name: "Zapłać" }).click();
  await expect(page).toHaveURL(/\/credits\/orders\/\d+$/);
  await expect(page.locator("dd.order-status")).toHaveText("opłacone");
});
