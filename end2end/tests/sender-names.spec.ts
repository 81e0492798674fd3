import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { logIn, uniqueText } from "./helpers";

test("a sender name is added with the owner's statement, and used once it is authorised", async ({ page }) => {
  await logIn(page);
  await page.goto("/admin");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  const section = page.getByRole("region", { name: "Nazwa nadawcy" });
  await section.getByLabel("Nazwa (do 11 znaków)").fill("Żubr");
  await section.getByLabel("Akceptuję oświadczenie").check();
  await section.getByRole("button", { name: "Dodaj i wyślij oświadczenie" }).click();
  await expect(section.getByRole("alert")).toContainText("Nazwa nadawcy: znak „Ż” jest niedozwolony");

  await section.getByLabel("Nazwa (do 11 znaków)").fill("MAZUR");
  // The statement starts from the company stamp.
  await expect(section.getByLabel("NIP")).toHaveValue("7251801126");
  await section.getByRole("button", { name: "Dodaj i wyślij oświadczenie" }).click();
  await expect(section.locator("table.sender-names tr", { hasText: "MAZUR" })).toContainText("czeka na autoryzację");

  // Waiting for authorisation: the composer says so, and only the gateway's number can be sent from.
  await page.goto("/");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await expect(page.locator("p.sender-pending")).toContainText("Nazwa nadawcy „MAZUR” czeka na autoryzację");
  await expect(page.getByLabel("Nadawca", { exact: true })).toHaveValue("true");
  await expect(page.getByLabel("Nadawca", { exact: true }).locator("option[value=false]")).toBeDisabled();
  const text = uniqueText("Od nadawcy");
  await page.getByLabel("Telefon").fill("600100200");
  await page.getByLabel("Treść").fill(`${text} z numeru`);
  await page.getByRole("button", { name: "Wyślij", exact: true }).click();
  await expect(page).toHaveURL(/\/messages$/);
  // The sender name is a column the operator asks for.
  await page.getByLabel("Pokaż nazwę nadawcy").check();
  await page.getByRole("button", { name: "Pokaż", exact: true }).click();
  await expect(page).toHaveURL(/sender=1/);
  await expect(page.locator("tr", { hasText: `${text} z numeru` }).locator("td.sender")).toHaveText("");

  // The installation's operator authorises it.
  execFileSync("../target/debug/server", ["sender-names", "authorise", "MAZUR"], {
    env: { ...process.env, DATABASE_URL: "sqlite://../target/e2e/esemes.db", ESEMES_DEMO_DATA: "false" },
  });
  await page.goto("/");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await expect(page.getByLabel("Nadawca", { exact: true })).toHaveValue("false");
  await expect(page.getByLabel("Nadawca", { exact: true }).locator("option:checked")).toContainText("MAZUR");
  await page.getByLabel("Telefon").fill("600100200");
  await page.getByLabel("Treść").fill(`${text} od {nadawca}`);
  await page.getByRole("button", { name: "Wyślij", exact: true }).click();
  await expect(page).toHaveURL(/\/messages$/);
  await page.goto("/messages?sender=1");
  const sent = page.locator("tr", { hasText: `${text} od MAZUR` });
  await expect(sent.locator("td.sender")).toHaveText("MAZUR");
});
