import { expect, Page, test } from "@playwright/test";
import { logIn, uniqueText } from "./helpers";

/** Opens a new template for the sales invoice form, interactive. */
async function newTemplate(page: Page) {
  await logIn(page);
  await page.goto("/templates/new?procedure=sales_invoice_form");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await expect(page.getByRole("heading", { name: "Dodaj szablon" })).toBeVisible();
  return page.getByLabel("Treść");
}

const caret = (body: ReturnType<Page["getByLabel"]>) =>
  body.evaluate((el: HTMLTextAreaElement) => [el.selectionStart, el.selectionEnd]);

test("right-click in the template editor inserts a macro at the caret", async ({ page, isMobile }) => {
  test.skip(isMobile, "phones have no right button: the next test long-presses");
  const body = await newTemplate(page);
  await body.fill("Dzień dobry, ");
  // Clicked below the text, the caret goes to its end.
  await body.click({ button: "right" });
  const menu = page.getByRole("menu", { name: "Makra" });
  await expect(menu).toBeVisible();
  // Grouped by source, each macro with its description and example.
  await expect(menu.getByRole("group", { name: "Dokument" })).toBeVisible();
  const firstName = menu.getByRole("menuitem", { name: /\{imie\}/ });
  await expect(firstName).toContainText("Imię (osoby; firma nie ma)");
  await expect(firstName).toContainText("np. Jan");
  // The first macro has the focus; arrow keys move it.
  await expect(menu.getByRole("menuitem").first()).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(menu.getByRole("menuitem", { name: /\{nazwa\}/ })).toBeFocused();
  await firstName.click();
  await expect(menu).toBeHidden();
  await expect(body).toHaveValue("Dzień dobry, {imie}");
  await expect(body).toBeFocused();
  expect(await caret(body)).toEqual([19, 19]);

  // A selection is replaced, and Escape closes the menu with the focus back in the text.
  await body.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(0, 5));
  await page.getByRole("button", { name: "Wstaw makro" }).click();
  await expect(menu).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(menu).toBeHidden();
  await expect(body).toBeFocused();
  await page.getByRole("button", { name: "Wstaw makro" }).click();
  await menu.getByRole("menuitem", { name: /\{firma\}/ }).click();
  await expect(body).toHaveValue("{firma} dobry, {imie}");
  expect(await caret(body)).toEqual([7, 7]);

  // Typing { offers completion, filtered as the name is typed; Enter inserts.
  await body.press("End");
  await body.pressSequentially(", faktura {num");
  const completion = page.getByRole("listbox", { name: "Makra" });
  await expect(completion.getByRole("option")).toHaveText([/\{numer_dokumentu\}/]);
  await body.press("Enter");
  await expect(completion).toBeHidden();
  await expect(body).toHaveValue("{firma} dobry, {imie}, faktura {numer_dokumentu}");

  // Macros are highlighted; an unknown one is flagged with the engine's message.
  await expect(page.locator(".highlight-layer mark.macro:not(.bad)")).toHaveCount(3);
  await body.pressSequentially(" {zadanie}");
  await expect(page.locator(".highlight-layer mark.bad")).toHaveText(["{zadanie}"]);
  await expect(page.locator(".template-problems")).toContainText("Makro {zadanie} nie jest dostępne w tej procedurze");
  await expect(page.locator(".estimate")).toContainText(/Szablon ma \d+ znak/);

  // Saving is refused until the macro is available: attached to the task form too, it is.
  const name = uniqueText("Szablon testowy");
  await page.getByLabel("Nazwa").fill(name);
  await page.getByRole("button", { name: "Zapisz" }).click();
  await expect(page.getByRole("alert")).toContainText("Treść: popraw makra: Makro {zadanie} nie jest dostępne");
  await page.getByRole("checkbox", { name: "Formularz zadania (przypomnienia)" }).check();
  await expect(page.locator(".highlight-layer mark.bad")).toHaveCount(0);
  await page.getByRole("button", { name: "Zapisz" }).click();
  await expect(page).toHaveURL(/\/templates\?procedure=sales_invoice_form$/);
  await expect(page.locator("li.template", { hasText: name })).toContainText("Formularz zadania (przypomnienia)");
});

test("on a phone a long-press or the button opens the macro menu", async ({ page, isMobile }) => {
  test.skip(!isMobile, "touch screens only");
  const body = await newTemplate(page);
  await body.fill("Płatność do . Dziękujemy");
  await body.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(12, 12));

  // A long-press: a touch held still, through the browser's own input pipeline.
  const box = (await body.boundingBox())!;
  const cdp = await page.context().newCDPSession(page);
  const point = { x: box.x + 20, y: box.y + box.height - 20 };
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [point] });
  const menu = page.getByRole("menu", { name: "Makra" });
  await expect(menu).toBeVisible();
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  // A sheet over the bottom of the screen; tapping outside closes it.
  const sheet = (await menu.boundingBox())!;
  expect(Math.round(sheet.x)).toBe(0);
  expect(Math.round(sheet.width)).toBe(360);
  await page.locator(".menu-backdrop").tap({ position: { x: 180, y: 40 } });
  await expect(menu).toBeHidden();

  // The visible button opens the same menu; the caret is where it was.
  await body.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(12, 12));
  await page.getByRole("button", { name: "Wstaw makro" }).tap();
  await expect(menu).toBeVisible();
  await menu.getByRole("menuitem", { name: /\{termin_platnosci\}/ }).tap();
  await expect(menu).toBeHidden();
  await expect(body).toHaveValue("Płatność do {termin_platnosci}. Dziękujemy");
  await expect(body).toBeFocused();
  expect(await caret(body)).toEqual([30, 30]);
  await page.screenshot({ path: "test-results/template-editor-phone.png", fullPage: true });
});

test("the composer opens with the procedure's default template and fills its macros at sending", async ({ page }) => {
  await logIn(page);
  await page.goto("/?procedure=sales_invoice_form");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  const template = page.getByLabel("Szablon", { exact: true });
  const body = page.getByLabel("Treść");
  await expect(template.locator("option:checked")).toHaveText("Przypomnienie o płatności (domyślny)");
  await expect(body).toHaveValue(/^Dzień dobry, przypominamy o płatności za fakturę \{numer_dokumentu\}/);

  // Without an invoice (the composer opened from the SMS menu, not from one) the macros cannot
  // be filled.
  await page.getByLabel("Telefon").fill("600 100 200");
  // The preview says so before sending, and the server refuses to send.
  const preview = page.getByRole("region", { name: "Podgląd dla odbiorcy" });
  await expect(preview.getByRole("alert")).toContainText("Brak danych dla makra {numer_dokumentu}");
  await page.getByRole("button", { name: "Wyślij" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Treść:" })).toHaveText(
    "Treść: nie wysłano, bo nie da się wypełnić makr: Brak danych dla makra {numer_dokumentu}; " +
      "Brak danych dla makra {pozostalo_do_zaplaty}; Brak danych dla makra {termin_platnosci}",
  );
  await expect(page).toHaveURL(/procedure=sales_invoice_form/);
});

test("the arrow of Send substitutes a template, asking first when the text was edited", async ({ page }) => {
  await logIn(page);
  const body = page.getByLabel("Treść");
  await expect(body).toHaveValue("");
  await page.locator("summary", { hasText: "▾" }).click();
  await page.getByRole("link", { name: "Powitanie" }).click();
  await expect(body).toHaveValue("Dzień dobry {imie|Państwu}, dziękujemy za współpracę. {firma}");
  await expect(page.getByLabel("Szablon", { exact: true }).locator("option:checked")).toHaveText("Powitanie");

  // Edited, the text is replaced only when the operator agrees.
  const text = uniqueText(" Zapraszamy ponownie.");
  await body.press("End");
  await body.pressSequentially(text);
  page.once("dialog", (dialog) => dialog.dismiss());
  await page.getByLabel("Szablon", { exact: true }).selectOption({ label: "Podziękowanie za wpłatę" });
  await expect(body).toHaveValue(`Dzień dobry {imie|Państwu}, dziękujemy za współpracę. {firma}${text}`);

  // Sent to a number without a subject: the fallback and the company fill the macros.
  await page.getByLabel("Telefon").fill("600 100 200");
  await page.getByRole("button", { name: "Wyślij" }).click();
  await expect(page).toHaveURL(/\/messages$/);
  await expect(page.locator("tr", { hasText: text })).toContainText(
    "Dzień dobry Państwu, dziękujemy za współpracę. Hurtownia Mazur",
  );
});
