import { expect, test } from "@playwright/test";
import { logIn } from "./helpers";

test("an administrator buys 3 packages through PayU and 900 SMS are added once", async ({ page }) => {
  await logIn(page);
  await page.goto("/credits");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  const purchase = page.getByRole("region", { name: "Zakup SMS" });
  await purchase.getByLabel("Liczba pakietów (po 300 SMS)").fill("3");
  await expect(purchase.locator("dd.value")).toHaveText("147,00\u00a0zł");
  await purchase.getByLabel("PayU").check();
  await purchase.getByRole("button", { name: "Przejdź do płatności" }).click();

  // PayU's payment page (the simulator), then back to the order.
  await expect(page).toHaveURL(/\/sim\/payu\/authorize\//);
  await page.getByRole("button", { name: /approve/i }).click();
  await expect(page).toHaveURL(/\/credits\/orders\/\d+$/);
  await expect(page.locator("dd.order-status")).toHaveText("opłacone");
  await expect(page.getByText("Zapłacone: SMS-y są w puli.")).toBeVisible();
  await expect(page.locator("dd", { hasText: "3 × 300 SMS = 900 SMS" })).toBeVisible();
  const paid = page.locator("ol.order-history li[data-event=paid]");
  await expect(paid).toHaveCount(1);
  await page.reload();
  await expect(paid).toHaveCount(1);

  // In the pool's history: the purchase, +900.
  await page.getByRole("link", { name: "Wróć do puli SMS" }).click();
  await expect(page.locator("table.ledger tr[data-kind=purchase]").first()).toContainText("+900");
  await expect(page.locator("table.orders tr[data-status=paid]").first()).toContainText("PayU");
});

test("a payment through Przelewy24 comes back to its order, paid", async ({ page }) => {
  await logIn(page);
  await page.goto("/credits");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  const purchase = page.getByRole("region", { name: "Zakup SMS" });
  await purchase.getByLabel("Przelewy24").check();
  await purchase.getByRole("button", { name: "Przejdź do płatności" }).click();
  await expect(page).toHaveURL(/\/trnRequest\//);
  await page.getByRole("button", { name: "Zapłać" }).click();
  await expect(page).toHaveURL(/\/credits\/orders\/\d+$/);
  await expect(page.locator("dd.order-status")).toHaveText("opłacone");
  await expect(page.locator("ol.order-history li[data-event=paid]")).toHaveCount(1);
});
