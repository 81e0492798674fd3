import { expect, test } from "@playwright/test";
import { logIn, uniqueText } from "./helpers";

test("a serial send to three selected contractors shows each text, names the row without a phone and sends the others once", async ({ page }) => {
  await logIn(page);
  await page.goto("/address-book?kind=contractor");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  const bar = page.getByRole("region", { name: "Wyślij SMS" });
  await expect(bar).toContainText("Zaznacz wiersze");
  await expect(bar.getByRole("button", { name: "Wyczyść zaznaczenie" })).toBeHidden();
  await expect(bar.getByRole("link", { name: "Wyślij SMS" })).toHaveCount(0);
  for (const name of ["Alfa Budownictwo", "Gamma Handel", "Żubr Meble"]) {
    await page.locator("li.subject", { hasText: name }).locator("input.select-row").check();
  }
  await expect(bar.locator(".selected-count")).toHaveText("Zaznaczono: 3");
  await bar.getByRole("link", { name: "Wyślij SMS" }).click();

  // The composer stands {podmiot} and {telefon} for each row's subject and phone.
  await expect(page.locator(".serial-count")).toHaveText("3 odbiorcy");
  await expect(page.getByLabel("Telefon", { exact: true })).toHaveValue("{telefon}");
  const text = uniqueText("Seria");
  await page.getByLabel("Treść").fill(`${text} dla {podmiot}`);
  await page.getByRole("button", { name: "Podgląd wysyłki (3)" }).click();

  await expect(page).toHaveURL(/\/batches\/\d+$/);
  await expect(page.locator(".batch-state")).toHaveAttribute("data-state", "ready");
  const rows = page.locator("table.batch-rows tbody tr");
  await expect(rows).toHaveCount(3);
  // The row that cannot be sent comes first, with its reason.
  await expect(rows.nth(0)).toContainText("GAMMA");
  await expect(rows.nth(0).locator(".problem")).toHaveText("brak telefonu SMS");
  await expect(rows.nth(1).locator(".text")).toHaveText(`${text} dla ALFA`);
  await expect(rows.nth(2).locator(".text")).toHaveText(`${text} dla ŻUBR`);
  await expect(page.locator(".valid-count")).toHaveText("2");
  await expect(page.locator(".invalid-count")).toHaveText("1");
  await expect(page.locator(".total-sms")).toHaveText("2");

  const send = page.getByRole("button", { name: "Wyślij poprawne (2)" });
  await send.click();
  await expect(page.locator(".batch-state")).toHaveAttribute("data-state", "sent");
  await expect(page.locator("p.done")).toContainText("Wysłano do kolejki 2 wiadomości");
  // Going back to the preview and reloading sends nothing again.
  await page.reload();
  await expect(page.locator(".batch-state")).toHaveAttribute("data-state", "sent");
  await expect(page.getByRole("button", { name: /Wyślij poprawne/ })).toHaveCount(0);
  await page.locator("p.done").getByRole("link").click();
  await expect(page.locator("table.messages tbody tr", { hasText: text })).toHaveCount(2);
});

test("a batch from the documents list fills each unpaid invoice's number, and Shift ticks a range", async ({ page }) => {
  await logIn(page);
  await page.goto("/documents?q=&kind=sales_invoice&unpaid=1");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  const boxes = page.locator("li.record input.select-row");
  const invoices = await boxes.count();
  expect(invoices).toBeGreaterThan(1);
  await boxes.first().check();
  await boxes.last().click({ modifiers: ["Shift"] });
  const bar = page.getByRole("region", { name: "Wyślij SMS" });
  await expect(bar.locator(".selected-count")).toHaveText(`Zaznaczono: ${invoices}`);
  await bar.getByRole("button", { name: "Wyczyść zaznaczenie" }).click();
  await bar.getByRole("button", { name: "Zaznacz wszystkie pasujące" }).click();
  await expect(bar.locator(".selected-count")).toHaveText("Zaznaczono wszystkie pasujące do wyszukiwania");
  await bar.getByRole("link", { name: "Wyślij SMS" }).click();

  await expect(page.locator(".serial-count")).toContainText(String(invoices));
  const text = uniqueText("Faktura");
  await page.getByLabel("Treść").fill(`${text} {numer_dokumentu}`);
  await page.getByRole("button", { name: /Podgląd wysyłki/ }).click();
  await expect(page.locator(".batch-state")).toHaveAttribute("data-state", "ready");
  await expect(page.locator("table.batch-rows tbody tr", { hasText: "FS/88/2026" }).locator(".text"))
    .toHaveText(`${text} FS/88/2026`);
  // Nothing is sent: every row is kept as a draft instead.
  await page.getByRole("button", { name: "Zapisz wszystkie jako robocze" }).click();
  await expect(page.locator(".batch-state")).toHaveAttribute("data-state", "saved");
  await page.locator("p.done").getByRole("link").click();
  await expect(page).toHaveURL(/status=drafts/);
  await expect(page.locator("table.messages tbody tr.draft", { hasText: text })).toHaveCount(invoices);
});
