import { expect, test } from "@playwright/test";
import { logIn, uniqueText } from "./helpers";

test("the delivery report shows a sent message with its parts, filters by status and downloads as CSV", async ({ page }) => {
  await logIn(page);
  // The simulator reports a number ending in 999 undelivered.
  const id = uniqueText("Raport");
  const text = `${id}: ${"wiadomość na dwie części. ".repeat(4)}`;
  await page.getByLabel("Telefon").fill("600 100 999");
  await page.getByLabel("Treść").fill(text);
  await page.getByRole("button", { name: "Wyślij" }).click();
  await expect(page).toHaveURL(/\/messages$/);
  await expect(page.locator("tr", { hasText: id }).locator(".status")).toHaveText("niedoręczona");

  await page.getByRole("navigation", { name: "Menu główne" }).getByRole("link", { name: "Raport" }).click();
  await expect(page.getByRole("heading", { name: "Raport wysłanych SMS" })).toBeVisible();
  await page.getByLabel("Status", { exact: true }).selectOption({ label: "niedoręczona" });
  await page.getByRole("button", { name: "Pokaż" }).click();
  await expect(page).toHaveURL(/status=undelivered/);
  const row = page.locator("tr", { hasText: id });
  await expect(row).toContainText("absent subscriber");
  await expect(row).toContainText("+48 600 100 999");
  await expect(page.locator("tbody tr .status").first()).toHaveText("niedoręczona");

  await row.getByRole("link", { name: "Części (2)" }).click();
  const parts = page.locator("li.part");
  await expect(parts).toHaveCount(2);
  await expect(parts.first()).toContainText("Część 1: niedoręczona");

  const csv = await page.request.get(await page.getByRole("link", { name: "Pobierz CSV" }).getAttribute("href") ?? "");
  expect(csv.headers()["content-type"]).toBe("text/csv; charset=utf-8");
  const body = await csv.text();
  expect(body).toContain(`"niedoręczona";"'+48 600 100 999"`);
  expect(body).toContain(text);
});
