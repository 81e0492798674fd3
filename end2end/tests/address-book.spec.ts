import { expect, test } from "@playwright/test";
import { logIn, uniqueText } from "./helpers";

test("the picker finds a contractor by a query without Polish letters and picks a representative", async ({ page, isMobile }) => {
  await logIn(page);
  const phone = page.getByLabel("Telefon", { exact: true });
  await page.getByRole("button", { name: "Wybierz z książki adresowej" }).click();
  const picker = page.getByRole("dialog", { name: "Książka adresowa" });
  await expect(picker).toBeVisible();
  const search = picker.getByRole("searchbox", { name: "Szukaj podmiotu" });
  await expect(search).toBeFocused();
  await search.fill("lodz");
  const options = picker.getByRole("option");
  // The contractor, then its active representative.
  await expect(options).toHaveCount(2);
  await expect(options.nth(0)).toContainText("ŁÓDŹ-TRANS — Łódź Trans s.c.");
  await expect(options.nth(1)).toContainText("Paweł Wiśniewski");
  if (isMobile) {
    await options.nth(1).tap();
  } else {
    await search.press("ArrowDown");
    await expect(options.nth(1)).toHaveAttribute("aria-selected", "true");
    await search.press("Enter");
  }
  await expect(picker).toBeHidden();
  await expect(page.locator(".recipient .chip")).toContainText("Łódź Trans s.c. / Paweł Wiśniewski");
  await expect(phone).toHaveValue("+48 605 600 700");

  // From one subject to another: the phone follows the new subject.
  await page.getByRole("button", { name: "Wybierz z książki adresowej" }).click();
  await picker.getByRole("tab", { name: "Pracownicy" }).click();
  await search.fill("zielinski");
  await expect(options).toHaveCount(1);
  await options.first().click();
  await expect(phone).toHaveValue("+48 608 900 100");

  // The message remembers its recipient: saved as a draft and opened again.
  await page.getByLabel("Treść").fill(uniqueText("Do pracownika"));
  await page.getByRole("button", { name: "Zapisz" }).click();
  await expect(page).toHaveURL(/\/messages$/);
});

test("a number typed by hand is kept when a subject is chosen", async ({ page }) => {
  await logIn(page);
  const phone = page.getByLabel("Telefon", { exact: true });
  await phone.fill("501 200 300");
  await page.getByRole("button", { name: "Wybierz z książki adresowej" }).click();
  const picker = page.getByRole("dialog", { name: "Książka adresowa" });
  await picker.getByRole("searchbox").fill("alfa");
  await picker.getByRole("option").first().click();
  await expect(page.locator(".recipient .chip")).toContainText("ALFA");
  await expect(phone).toHaveValue("501 200 300");
  // Another subject then replaces the number with its own; one without a number empties it.
  await page.getByRole("button", { name: "Wybierz z książki adresowej" }).click();
  await picker.getByRole("searchbox").fill("zubr");
  await picker.getByRole("option").first().click();
  await expect(page.locator(".recipient .chip")).toContainText("ŻUBR");
  await expect(phone).toHaveValue("+48 606 700 800");
  await page.getByRole("button", { name: "Wybierz z książki adresowej" }).click();
  await picker.getByRole("searchbox").fill("gamma");
  await picker.getByRole("option").first().click();
  await expect(page.locator(".recipient .chip")).toContainText("GAMMA");
  await expect(phone).toHaveValue("");
});

test("the address book adds a contractor with a representative and names a wrong field in Polish", async ({ page }) => {
  await logIn(page);
  await page.getByRole("navigation", { name: "Menu główne" }).getByRole("link", { name: "Książka adresowa" }).click();
  await expect(page.getByRole("heading", { name: "Książka adresowa" })).toBeVisible();
  await page.getByRole("link", { name: "Dodaj podmiot" }).click();
  await expect(page.getByRole("heading", { name: /Dodaj podmiot · Kontrahent/ })).toBeVisible();
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);

  const code = `E2E${Date.now().toString(36).toUpperCase()}`;
  await page.getByLabel("Kod").fill(code);
  await page.getByLabel("Nazwa").fill("Świętokrzyska Spółdzielnia");
  await page.getByLabel("Telefon SMS").first().fill("22 123 45 67");
  await page.getByRole("button", { name: "Dodaj przedstawiciela" }).click();
  await page.getByPlaceholder("Imię i nazwisko").fill("Zofia Źdźbło");
  await page.getByRole("button", { name: "Zapisz" }).click();
  // A Warsaw landline cannot receive SMS: the server says so, naming the field.
  await expect(page.getByRole("alert")).toContainText("Telefon SMS: To nie jest numer komórkowy");
  await expect(page.locator("#subject-sms_phone")).toHaveAttribute("aria-invalid", "true");

  await page.locator("#subject-sms_phone").fill("609 100 200");
  await page.getByRole("button", { name: "Zapisz" }).click();
  await expect(page).toHaveURL(/\/address-book\?kind=contractor$/);

  // Found without Polish letters, the representative under it.
  await page.getByRole("searchbox", { name: "Szukaj podmiotu" }).fill("swietokrzyska zdzblo");
  await page.getByRole("button", { name: "Szukaj" }).click();
  const item = page.locator("li.subject", { hasText: code });
  await expect(item).toContainText("Świętokrzyska Spółdzielnia");
  await expect(item.locator(".representatives")).toContainText("Zofia Źdźbło");
});
