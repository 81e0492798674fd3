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
