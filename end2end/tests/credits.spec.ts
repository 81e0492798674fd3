import { expect, test } from "@playwright/test";
import { logIn, uniqueText } from "./helpers";

test("the pool stands under the counter, and its page shows the ledger and keeps the threshold", async ({ page }) => {
  await logIn(page);
  const left = page.locator("p.credits-left");
  await expect(left).toContainText(/Pozostało [\d\u00a0]+ SMS/);

  // A message sent holds its SMS: the ledger shows it.
  const text = uniqueText("Pula");
  await page.getByLabel("Telefon").fill("600100200");
  await page.getByLabel("Treść").fill(text);
  await page.getByRole("button", { name: "Wyślij", exact: true }).click();
  await expect(page).toHaveURL(/\/messages$/);

  await page.goto("/admin");
  const pool = page.getByRole("region", { name: "Pula SMS" });
  await expect(pool.locator("dd.available")).toContainText("SMS");
  await pool.getByRole("link", { name: "Pula SMS, zużycie i historia" }).click();
  await expect(page.getByRole("heading", { name: "Pula SMS", level: 1 })).toBeVisible();
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  const ledger = page.locator("table.ledger");
  await expect(ledger.locator("tr", { hasText: "Pula startowa danych demonstracyjnych" })).toContainText("Korekta");
  await expect(ledger.locator("tr[data-kind=hold]").first()).toContainText("Rezerwacja");
  await expect(page.getByRole("link", { name: "Pobierz CSV" }).first()).toHaveAttribute("href", /\/credits\/usage\.csv/);

  // The threshold is kept (low enough that no banner shows for the other tests).
  const threshold = page.getByLabel("Ostrzegaj, gdy w puli zostanie mniej niż (SMS)");
  await threshold.fill("5");
  await page.getByRole("button", { name: "Zapisz" }).click();
  await expect(page.getByText("Zapisano.")).toBeVisible();
  await page.reload();
  await expect(threshold).toHaveValue("5");
  await expect(page.locator("p.banner.low-credit")).toHaveCount(0);

  // Nothing is wider than the screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
