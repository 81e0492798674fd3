import { expect, Page, test } from "@playwright/test";
import { logIn, uniqueText } from "./helpers";

/** Saves a draft to ALFA from the composer; returns its text. */
async function saveDraft(page: Page, text: string) {
  await page.goto("/?subject=1");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await expect(page.locator(".chip-label")).toHaveText("ALFA — Alfa Budownictwo Sp. z o.o.");
  await page.getByLabel("Treść").fill(text);
  await page.getByRole("button", { name: /Zapisz/ }).click();
  await expect(page).toHaveURL(/\/messages/);
}

test("drafts found by a word are sent from the list, one is copied and one deleted", async ({ page }) => {
  await logIn(page);
  const word = uniqueText("Lista").replace(" ", "");
  await saveDraft(page, `${word} pierwsza dla {podmiot}`);
  await saveDraft(page, `${word} druga`);
  await saveDraft(page, `${word} trzecia`);

  await page.goto(`/messages?status=drafts&q=${encodeURIComponent(word)}`);
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  const rows = page.locator("table.messages tbody tr");
  await expect(rows).toHaveCount(3);
  await expect(rows.first()).toHaveClass(/draft/);
  await expect(rows.first()).toContainText("ALFA");
  await expect(rows.first()).toContainText("Alfa Budownictwo");

  // Send two of them: the macro is filled as it goes.
  await rows.filter({ hasText: "pierwsza" }).locator("input.select-row").check();
  await rows.filter({ hasText: "druga" }).locator("input.select-row").check();
  await page.getByRole("button", { name: "Wyślij zaznaczone robocze" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Wysłano do kolejki: 2." })).toBeVisible();
  await expect(rows).toHaveCount(1);

  await page.goto(`/messages?status=sent&q=${encodeURIComponent(word)}`);
  await expect(page.locator("table.messages tbody tr", { hasText: `${word} pierwsza dla ALFA` })).toHaveCount(1);

  // A sent message is copied into a new one, to the same recipient.
  await page.locator("table.messages tbody tr", { hasText: "druga" }).getByRole("link", { name: "Kopiuj" }).click();
  await expect(page.getByLabel("Treść")).toHaveValue(`${word} druga`);
  await expect(page.locator(".chip-label")).toHaveText("ALFA — Alfa Budownictwo Sp. z o.o.");

  // The last draft is deleted from its context menu.
  await page.goto(`/messages?status=drafts&q=${encodeURIComponent(word)}`);
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await expect(rows).toHaveCount(1);
  page.once("dialog", (dialog) => dialog.accept());
  await rows.first().locator("td.body").click({ button: "right" });
  await page.getByRole("menu").getByRole("menuitem", { name: "Usuń" }).click();
  await expect(page.getByText("Usunięto wiadomości robocze: 1.")).toBeVisible();
  await expect(page.locator("p.empty")).toBeVisible();
});

test("the list pages to older messages and filters by subject", async ({ page }) => {
  await logIn(page);
  await page.goto("/messages?status=all");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await page.getByRole("button", { name: "Wybierz z książki adresowej" }).click();
  await page.getByRole("dialog").getByText("Alfa Budownictwo Sp. z o.o.").first().click();
  await expect(page).toHaveURL(/subject=1/);
  const codes = page.locator("table.messages tbody td.code");
  await expect(codes.first()).toHaveText("ALFA");
  const shown = await codes.allTextContents();
  expect(shown.every((code) => code === "ALFA")).toBe(true);
  await page.getByRole("link", { name: "Wszystkie podmioty" }).click();
  await expect(page).not.toHaveURL(/subject=/);
});

test("documents and a CRM contact are linked to a draft on its [Dokumenty] tab, and to a sent message", async ({ page }) => {
  await logIn(page);
  const word = uniqueText("Powiazania").replace(" ", "");
  await saveDraft(page, `${word} szkic`);
  await page.goto(`/messages?status=drafts&q=${encodeURIComponent(word)}`);
  await page.locator("table.messages tbody tr").first().getByRole("link", { name: "Edytuj wersję roboczą" }).click();
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await page.getByRole("tab", { name: "Dokumenty" }).click();
  await expect(page.getByText("Wiadomość nie jest powiązana")).toBeVisible();
  await page.getByLabel("Szukaj numeru, tytułu, kontrahenta").fill("FS/88");
  const candidate = page.locator("ul.candidates li", { hasText: "FS/88/2026" });
  await candidate.getByRole("button", { name: "Dołącz" }).click();
  const linked = page.locator("ul.linked li");
  await expect(linked).toHaveCount(1);
  await expect(linked.first()).toContainText("FS/88/2026");
  await page.getByLabel("Nowy kontakt CRM (notatka)").fill(`${word}: klient prosi o kontakt po 15:00`);
  await page.getByRole("button", { name: "Dodaj kontakt i dołącz" }).click();
  await expect(linked).toHaveCount(2);
  await expect(linked.nth(1)).toContainText("klient prosi o kontakt");
  // Back on [Ogólne] the text is as it was; the draft is sent, and still linked afterwards.
  await page.getByRole("tab", { name: "Ogólne" }).click();
  await expect(page.getByLabel("Treść")).toHaveValue(`${word} szkic`);
  await page.getByRole("button", { name: "Wyślij", exact: true }).click();
  await expect(page).toHaveURL(/\/messages$/);
  await page.goto(`/messages?status=sent&q=${encodeURIComponent(word)}`);
  await page.locator("table.messages tbody tr").first().getByRole("link", { name: "Dokumenty" }).click();
  await expect(page.getByRole("heading", { name: "Dokumenty" })).toBeVisible();
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await expect(linked).toHaveCount(2);
  // The candidates load below; the click waits until the tab has settled.
  await expect(page.locator("ul.candidates li").first()).toBeVisible();
  await linked.first().getByRole("button", { name: "Odłącz" }).click();
  await expect(linked).toHaveCount(1);
  await expect(linked.first()).toContainText("klient prosi o kontakt");
});
