import { expect, test } from "@playwright/test";
import { logIn, uniqueText } from "./helpers";

test("the counter switches to 70-character SMS when Polish letters are typed", async ({ page }) => {
  await logIn(page);
  const body = page.getByLabel("Treść");
  const counter = page.locator("#counter");
  await expect(counter).toContainText("Pozostało 160 znaków w tym SMS");

  await body.pressSequentially("Zazolc gesla jazn");
  await expect(counter).toHaveAttribute("data-encoding", "gsm7");
  await expect(counter).toContainText("Pozostały 143 znaki w tym SMS");
  await expect(counter).toContainText("1 SMS");

  await body.pressSequentially(" ż");
  await expect(counter).toHaveAttribute("data-encoding", "ucs2");
  await expect(counter).toContainText("Pozostało 51 znaków w tym SMS");
  await expect(counter.locator(".unicode-chars mark")).toHaveText(["ż"]);

  // 19 characters of Unicode text plus 60 more: over 70, so two parts of 67.
  await body.pressSequentially("x".repeat(60));
  await expect(counter).toHaveAttribute("data-segments", "2");
  await expect(counter).toContainText("Pozostało 55 znaków w tym SMS");
  await expect(counter).toContainText("2 SMS");
});

test("the offer to send without Polish characters shows the saving and can be undone", async ({ page }) => {
  await logIn(page);
  const body = page.getByLabel("Treść");
  const counter = page.locator("#counter");
  const text =
    "Dzień dobry, przypominamy o płatności za fakturę FS/123/2026 na kwotę 1 234,56 zł. " +
    "Termin płatności: 30.11.2026. Prosimy o wpłatę. Hurtownia Mazur";
  await body.fill(text);
  await expect(counter).toHaveAttribute("data-segments", "3");
  const offer = counter.locator(".offer");
  await expect(offer).toContainText("Bez polskich znaków: 3 SMS → 1 SMS");

  // The forcing characters can be found in the text.
  await counter.getByRole("button", { name: "ł" }).click();
  await expect(body).toBeFocused();
  expect(await body.evaluate((el: HTMLTextAreaElement) => el.value.slice(el.selectionStart, el.selectionEnd))).toBe("ł");

  await offer.getByRole("button", { name: "Zamień na litery bez ogonków" }).click();
  await expect(body).toHaveValue(text.replace("ń", "n").replaceAll("ł", "l").replaceAll("ś", "s").replaceAll("ę", "e"));
  await expect(counter).toHaveAttribute("data-segments", "1");
  await expect(counter).toHaveAttribute("data-encoding", "gsm7");

  await offer.getByRole("button", { name: "Cofnij" }).click();
  await expect(body).toHaveValue(text);
  await expect(counter).toHaveAttribute("data-segments", "3");
});

test("an SMS sent to the simulator is shown delivered in the list", async ({ page }) => {
  await logIn(page);
  const text = uniqueText("Zamówienie gotowe do odbioru");
  await page.getByLabel("Telefon").fill("600 100 200");
  await page.getByLabel("Treść").fill(text);
  await page.getByRole("button", { name: "Wyślij" }).click();

  await expect(page).toHaveURL(/\/messages$/);
  const row = page.locator("tr", { hasText: text });
  await expect(row).toContainText("+48 600 100 200");
  // The list polls until the simulator's delivery report arrives.
  await expect(row.locator(".status")).toHaveText("doręczona");
});

test("a long message is listed by its beginning and its whole text is shown on demand", async ({ page }) => {
  await logIn(page);
  const start = uniqueText("Długa wiadomość");
  const text = `${start} ${"i dalej treść ".repeat(20)}koniec.`;
  await page.getByLabel("Telefon").fill("600 100 200");
  await page.getByLabel("Treść").fill(text);
  await page.getByRole("button", { name: "Wyślij" }).click();
  await expect(page).toHaveURL(/\/messages$/);

  const row = page.locator("tr", { hasText: start });
  await expect(row.locator("td.body")).not.toContainText("koniec.");
  await row.getByRole("link", { name: "Pokaż całą treść" }).click();
  await expect(page).toHaveURL(/show=\d+/);
  await expect(row.locator("td.body")).toHaveText(text);
  await expect(row.getByRole("link", { name: "Pokaż całą treść" })).toHaveCount(0);
});

test("an invalid phone number gets a clear message and nothing is sent", async ({ page }) => {
  await logIn(page);
  const text = uniqueText("Nie do wysłania");
  await page.getByLabel("Telefon").fill("12 34");
  await page.getByLabel("Treść").fill(text);
  await page.getByRole("button", { name: "Wyślij" }).click();

  await expect(page.getByRole("alert")).toHaveText("Telefon: Numer telefonu jest za krótki.");
  await expect(page.getByLabel("Telefon")).toHaveAttribute("aria-invalid", "true");
  // The form keeps what was typed.
  await expect(page.getByLabel("Treść")).toHaveValue(text);
  await page.goto("/messages");
  await expect(page.locator("tr", { hasText: text })).toHaveCount(0);
});

test("Ctrl+Enter saves a draft, shown green, which can be opened and sent", async ({ page }) => {
  await logIn(page);
  const text = uniqueText("Szkic przypomnienia");
  await page.getByLabel("Telefon").fill("+48 601 200 300");
  await page.getByLabel("Treść").fill(text);
  await page.getByLabel("Treść").press("Control+Enter");

  await expect(page).toHaveURL(/\/messages$/);
  const row = page.locator("tr.draft", { hasText: text });
  await expect(row.locator(".status")).toHaveText("robocza");
  await expect(row).toHaveCSS("color", "rgb(29, 122, 52)");

  await row.getByRole("link", { name: "Edytuj wersję roboczą" }).click();
  await expect(page.getByRole("heading", { name: "Wersja robocza SMS" })).toBeVisible();
  await expect(page.getByLabel("Treść")).toHaveValue(text);
  await expect(page.getByLabel("Telefon")).toHaveValue("+48 601 200 300");
  await page.getByRole("button", { name: "Wyślij" }).click();

  await expect(page).toHaveURL(/\/messages$/);
  await expect(page.locator("tr", { hasText: text }).locator(".status")).toHaveText("doręczona");
  await expect(page.locator("tr.draft", { hasText: text })).toHaveCount(0);
});

test("English can be chosen and is remembered", async ({ page }) => {
  await logIn(page);
  await page.getByRole("link", { name: "English" }).click();
  await expect(page.getByRole("heading", { name: "New SMS" })).toBeVisible();
  await page.goto("/messages");
  await expect(page.getByRole("heading", { name: "SMS messages" })).toBeVisible();
  await page.getByRole("link", { name: "Polski" }).click();
  await expect(page.getByRole("heading", { name: "Wiadomości SMS" })).toBeVisible();
});

test("a wrong password is refused with a message", async ({ page }) => {
  await page.goto("/login");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await page.getByLabel("Login").fill("admin");
  await page.getByLabel("Hasło").fill("nie-to-haslo");
  await page.getByRole("button", { name: "Zaloguj się" }).click();
  await expect(page.getByRole("alert")).toHaveText("Nieprawidłowy login lub hasło.");
  await expect(page).toHaveURL(/\/login/);
});

test("logging out ends the session", async ({ page }) => {
  await logIn(page);
  await page.getByRole("button", { name: "Wyloguj" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/messages");
  await expect(page).toHaveURL(/\/login$/);
});
