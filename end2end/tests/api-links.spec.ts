import { expect, test } from "@playwright/test";
import { adminPassword } from "../playwright.config";
import { apiToken, logIn } from "./helpers";

test("the ERP's Send SMS button opens the composer about its invoice, after the login", async ({ page, request }) => {
  const token = apiToken();
  const answer = await request.post("/api/v1/companies/1/composer-links", {
    headers: { Authorization: `Bearer ${token}` },
    data: { document_external_id: "FS-88-2026" },
  });
  expect(answer.status()).toBe(201);
  const { path } = await answer.json();

  await page.goto(path);
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByLabel("Login").fill("admin");
  await page.getByLabel("Hasło").fill(adminPassword);
  await page.getByRole("button", { name: "Zaloguj się" }).click();
  await expect(page).toHaveURL(/\/\?document=\d+$/);
  await expect(page.getByText("Dotyczy:")).toContainText("Faktura sprzedaży FS/88/2026");
  await expect(page.locator(".chip-label")).toHaveText("ŁÓDŹ-TRANS — Łódź Trans s.c.");
});

test("the administrator sets the status webhook and gets its secret once", async ({ page }) => {
  await logIn(page);
  await page.goto("/admin");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  const section = page.getByRole("region", { name: "Powiadomienia o statusach (webhook)" });
  await section.getByLabel("Adres (https://…)").fill("ftp://erp");
  await section.getByRole("button", { name: "Zapisz" }).click();
  await expect(section.getByRole("alert")).toContainText("Adres webhooka");
  await section.getByLabel("Adres (https://…)").fill("https://erp.example.com/esemes");
  await section.getByRole("button", { name: "Zapisz" }).click();
  await expect(section.locator(".secret code")).toHaveText(/^whsec_[0-9a-f]{64}$/);
  await page.reload();
  await expect(section.getByLabel("Adres (https://…)")).toHaveValue("https://erp.example.com/esemes");
  await expect(section.locator(".secret")).toHaveCount(0);
  // Off again, so other runs start without it.
  await section.getByLabel("Adres (https://…)").fill("");
  await section.getByRole("button", { name: "Zapisz" }).click();
  await expect(section.getByLabel("Adres (https://…)")).toHaveValue("");
});
