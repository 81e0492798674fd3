import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { logIn } from "./helpers";

/** The Windows-1250 fixture with its placeholder codes made unique to this run, byte for byte
 *  (the token is ASCII, so the Polish letters around it keep their Windows-1250 bytes). */
function fixture(token: string): Buffer {
  const bytes = readFileSync(join(__dirname, "../fixtures/kontrahenci-cp1250.csv"));
  return Buffer.from(bytes.toString("latin1").replaceAll("XXXX", token), "latin1");
}

test("a Windows-1250 CSV is previewed with its row error and its valid rows are imported", async ({ page }) => {
  await logIn(page);
  await page.getByRole("navigation", { name: "Menu główne" }).getByRole("link", { name: "Książka adresowa" }).click();
  await page.getByRole("link", { name: "Importuj z pliku" }).click();
  await expect(page.getByRole("heading", { name: "Import do książki adresowej" })).toBeVisible();
  await expect(page.getByText("Import wymaga włączonej obsługi JavaScriptu")).toBeHidden();

  const token = (Date.now().toString(36) + Math.random().toString(36).slice(2, 5)).toUpperCase();
  await page.getByLabel("Plik (.csv, .txt, .vcf)").setInputFiles({
    name: "kontrahenci.csv",
    mimeType: "text/csv",
    buffer: fixture(token),
  });
  const summary = page.locator(".import-summary");
  await expect(summary).toContainText("kodowanie Windows-1250, separator „;”");
  await expect(summary).toContainText("Poprawne wiersze: 2 (nowe: 2, do aktualizacji: 0). Wiersze z błędami: 1.");
  // The columns were recognised by their Polish names.
  await expect(page.getByLabel("Tel. kom.")).toHaveValue("phone");
  await expect(page.getByLabel("Nazwa pełna")).toHaveValue("name");
  // Polish letters read right, and the quoted name with a semicolon kept whole.
  const rows = page.locator("table.import-rows tbody tr");
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText(`Żabka Zakład Ślusarski ${token}`);
  await expect(rows.nth(2)).toContainText(`Gęś i Syn; Hurtownia ${token}`);

  const error = page.locator("table.import-errors tbody tr");
  await expect(error).toHaveCount(1);
  await expect(error).toContainText("3");
  await expect(error).toContainText(`ŁOŚ-${token}`);
  await expect(error).toContainText("Telefon SMS");
  await expect(error).toContainText("To nie jest numer komórkowy");

  await expect(page.getByRole("button", { name: "Importuj", exact: true })).toBeDisabled();
  const importValid = page.getByRole("button", { name: "Importuj poprawne wiersze (2)" });
  await importValid.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "Zaimportowano" })).toHaveText(
    "Zaimportowano. Dodane: 2, zaktualizowane: 0, pominięte wiersze z błędami: 1.",
  );

  await page.getByRole("link", { name: "Przejdź do książki adresowej" }).click();
  await page.getByRole("searchbox", { name: "Szukaj podmiotu" }).fill(`zabka ${token}`);
  await page.getByRole("button", { name: "Szukaj" }).click();
  await expect(page.locator("li.subject")).toHaveCount(1);
  await expect(page.locator("li.subject")).toContainText(`ŻABKA-${token}`);
  await expect(page.locator("li.subject")).toContainText("+48 600 700 800");
});
