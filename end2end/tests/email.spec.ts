import { expect, test } from "@playwright/test";
import { apiToken, logIn, mails, setUpCompanyMail, uniqueText } from "./helpers";

test("an e-mail about an invoice proposes the template's file and the invoice's printout; the one left ticked goes", async ({ page, request }) => {
  test.setTimeout(90_000);
  const api = { headers: { Authorization: `Bearer ${apiToken()}` } };
  const tag = uniqueText("E").replace(/\s+/g, "").toUpperCase().slice(-8);
  const to = `ksiegowosc-${tag.toLowerCase()}@klient.example`;
  const subject = await request.put(`/api/v1/companies/1/subjects/M-${tag}`, {
    ...api,
    data: { kind: "contractor", code: `M-${tag}`, name: `Klient ${tag}`, email: to },
  });
  expect(subject.ok()).toBeTruthy();
  const number = `FV/${tag}/2026`;
  // Paid, so the lists of unpaid invoices other tests count stay as they are.
  const document = await request.put(`/api/v1/companies/1/documents/FV-${tag}`, {
    ...api,
    data: { kind: "sales_invoice", number, issue_date: "2026-12-01", gross_amount: 123456, left_to_pay: 0, subject_external_id: `M-${tag}` },
  });
  expect(document.ok()).toBeTruthy();
  const printout = await request.put(`/api/v1/companies/1/documents/FV-${tag}/printout?name=FV-${tag}.pdf`, {
    headers: { ...api.headers, "Content-Type": "application/pdf" },
    data: Buffer.from("%PDF-1.4 faktura"),
  });
  expect(printout.ok()).toBeTruthy();

  await logIn(page);
  await setUpCompanyMail(page);
  // The settings are a page of the "E-mail" section.
  const menu = page.getByRole("navigation", { name: "Menu główne" });
  await expect(menu.getByRole("link", { name: "E-mail" })).toHaveAttribute("aria-current", "page");
  await expect(menu.getByRole("link", { name: "Nowy SMS" })).not.toHaveAttribute("aria-current", "page");
  // A template for invoices, with the terms of payment attached.
  const template = `Faktura ${tag}`;
  await page.locator("details.new-template > summary").click();
  await page.locator("#email-template-0-name").fill(template);
  await page.locator("#email-template-0-procedure").selectOption("sales_invoice_form");
  await page.locator("#email-template-0-title").fill("Faktura {numer_dokumentu}");
  await page.locator("#email-template-0-body").fill("Dzień dobry,\n\nprzesyłamy fakturę {numer_dokumentu} na {kwota_brutto}.\n\n{firma}");
  await page.locator("details.new-template").getByRole("button", { name: "Zapisz" }).click();
  const listed = page.locator("ul.email-templates > li", { hasText: template });
  await expect(listed).toHaveCount(1);
  await listed.locator("summary").click();
  await listed.locator('input[type="file"]').setInputFiles({
    name: `Regulamin-${tag}.pdf`,
    mimeType: "application/pdf",
    buffer: Buffer.from("%PDF-1.4 regulamin"),
  });
  await expect(listed.locator("ul.files")).toContainText(`Regulamin-${tag}.pdf`);

  // From the invoice's page.
  await page.goto(`/documents?q=${encodeURIComponent(number)}`);
  await page.getByRole("link", { name: new RegExp(number) }).first().click();
  await page.getByRole("link", { name: "Wyślij e-mail" }).click();
  await expect(page.getByRole("heading", { name: "Nowy e-mail" })).toBeVisible();
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await expect(page.getByLabel("Do (adres e-mail)")).toHaveValue(to);
  await page.getByLabel("Szablon").selectOption({ label: template });
  await expect(page.getByLabel("Temat")).toHaveValue(`Faktura ${number}`);
  await expect(page.getByLabel("Treść")).toHaveValue(/1 234,56 zł/);
  const files = page.getByRole("group", { name: "Załączniki (odznacz, by nie wysyłać)" });
  await expect(files.getByLabel(`FV-${tag}.pdf (wydruk dokumentu)`)).toBeChecked();
  await files.getByLabel(`Regulamin-${tag}.pdf`).uncheck();
  await page.getByRole("button", { name: "Wyślij e-mail" }).click();
  await expect(page.getByText("E-mail jest w kolejce do wysłania.")).toBeVisible();

  // Sent, with the printout alone; listed as sent.
  await expect.poll(() => mails(to).length, { timeout: 30_000 }).toBe(1);
  const [mail] = mails(to);
  expect(mail.subject).toBe(`Faktura ${number}`);
  expect(mail.raw).toContain(`FV-${tag}.pdf`);
  expect(mail.raw).not.toContain(`Regulamin-${tag}.pdf`);
  await expect(async () => {
    await page.goto("/email");
    await expect(page.locator("table.emails tr", { hasText: `Faktura ${number}` })).toContainText("wysłany", { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
});
