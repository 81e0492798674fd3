import { expect, Page } from "@playwright/test";
import { adminPassword } from "../playwright.config";

/** Logs in as the demo administrator; lands on the composer. */
export async function logIn(page: Page, { waitForHydration = true } = {}) {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel("Login").fill("admin");
  await page.getByLabel("Hasło").fill(adminPassword);
  await page.getByRole("button", { name: "Zaloguj się" }).click();
  await expect(page.getByRole("heading", { name: "Nowa wiadomość SMS" })).toBeVisible();
  if (waitForHydration) {
    await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  }
}

/** A text no other test uses, to find this test's row in the shared list. */
export function uniqueText(prefix: string) {
  return `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}
