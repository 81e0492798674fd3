import { expect, test } from "@playwright/test";
import { logIn } from "./helpers";

test("each page's code arrives when the page is first opened", async ({ page }) => {
  const wasm: string[] = [];
  page.on("request", (request) => {
    if (request.url().endsWith(".wasm")) wasm.push(new URL(request.url()).pathname);
  });
  await logIn(page);
  const atStart = wasm.length;
  expect(atStart).toBeGreaterThan(0);

  await page.getByRole("link", { name: "Zadania", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Zadania" })).toBeVisible();
  // The tasks page was not part of the first load: its code came now.
  expect(wasm.length).toBeGreaterThan(atStart);
});

test("when a page's code cannot be loaded the operator is told to reload", async ({ page }) => {
  await logIn(page);
  // As after a deploy: the files the open tab knows of are gone.
  await page.route(/\/pkg\/.*\.wasm$/, (route) => route.fulfill({ status: 404, body: "" }));
  await page.getByRole("link", { name: "Zadania", exact: true }).click();
  const notice = page.getByRole("alert").filter({ hasText: "Strona przestała działać" });
  await expect(notice).toBeVisible();
  await page.unroute(/\/pkg\/.*\.wasm$/);
  // The reload brings the page the tab showed, now with the new version's code.
  await notice.getByRole("link", { name: "Odśwież stronę" }).click();
  await expect(page.getByRole("heading", { name: "Nowa wiadomość SMS" })).toBeVisible();
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await expect(page.getByRole("alert").filter({ hasText: "Strona przestała działać" })).toHaveCount(0);
  await page.getByRole("link", { name: "Zadania", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Zadania" })).toBeVisible();
});

test("the pages work under their Content-Security-Policy, with nothing refused", async ({ page, isMobile }) => {
  const refused: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) refused.push(message.text());
  });
  await logIn(page);
  await page.getByLabel("Treść").pressSequentially("Dzień dobry");
  await expect(page.locator("#counter")).toHaveAttribute("data-encoding", "ucs2");
  // The macro menu is placed by a style attribute; templates are a lazy page (split code).
  await page.goto("/templates/new?procedure=sales_invoice_form");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await page.getByRole("button", { name: "Wstaw makro" }).click();
  await expect(page.getByRole("menu", { name: "Makra" })).toBeVisible();
  expect(refused).toEqual([]);
});
