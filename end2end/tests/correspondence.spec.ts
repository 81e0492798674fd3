import { expect, test } from "@playwright/test";
import { apiToken, logIn, uniqueText } from "./helpers";

test("two letters registered for a client send one notification naming both senders", async ({ page, request }) => {
  const name = uniqueText("Biuro Łąka");
  const code = name.replace(/\s+/g, "-").slice(-12).toUpperCase();
  const client = await request.put(`/api/v1/companies/1/subjects/${code}`, {
    headers: { Authorization: `Bearer ${apiToken()}` },
    data: {
      kind: "contractor",
      code,
      name,
      notification_numbers: [
        { country_code: "48", phone: "600 200 300" },
        { country_code: "49", phone: "151 12345678" },
      ],
    },
  });
  expect(client.ok()).toBeTruthy();

  await logIn(page);
  await page.goto("/correspondence");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  // The settings: on, with a text whose Polish letters the editor takes out.
  const settings = page.locator("details.notification-settings");
  if (!(await settings.evaluate((details: HTMLDetailsElement) => details.open))) {
    await settings.locator("summary").click();
  }
  await settings.getByLabel("Aktywuj powiadomienia SMS").check();
  await settings.getByLabel("Treść powiadomienia").fill("Dzień dobry, [klient]: nowa poczta od: [nadawca].");
  await settings.getByRole("button", { name: "Zapisz" }).click();
  await expect(settings.getByRole("alert")).toContainText("Treść powiadomienia");
  await settings.getByRole("button", { name: "Usuń polskie znaki" }).click();
  await expect(settings.getByLabel("Treść powiadomienia")).toHaveValue("Dzien dobry, [klient]: nowa poczta od: [nadawca].");
  await settings.getByRole("button", { name: "Zapisz" }).click();
  await expect(settings.getByText("Zapisano.")).toBeVisible();
  await page.reload();
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);

  // Two letters at once for the client.
  await page.getByRole("button", { name: "Wybierz klienta…" }).click();
  await page.getByRole("dialog").getByRole("searchbox").fill(name);
  await page.getByRole("option", { name: new RegExp(code) }).first().click();
  await page.getByLabel("Nadawca", { exact: true }).fill("ZUS");
  await page.getByRole("button", { name: "Dodaj kolejną" }).click();
  await page.locator("#item-1-sender").fill("Urząd Skarbowy");
  await page.locator("#item-1-description").fill("decyzja");
  await expect(page.getByLabel("Wyślij powiadomienie SMS")).toBeChecked();
  const preview = page.locator(".notice-preview");
  const ascii = name.replace("Ł", "L").replace("ą", "a");
  await expect(preview).toContainText(`Dzien dobry, ${ascii}: nowa poczta od: ZUS, Urzad Skarbowy.`);
  await expect(preview).toContainText("+48 600 200 300");
  await expect(preview).toContainText("+49");
  await page.getByRole("button", { name: "Zapisz korespondencję" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Zapisano pozycji: 2." })).toContainText(
    "Powiadomienie SMS wysłane na 2 numer(y).",
  );
  const rows = page.locator("table.correspondence tr", { hasText: name });
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: "wysłane" })).toHaveCount(2);
  const clientPage = await rows.first().getByRole("link").getAttribute("href");

  // The two SMS, one per number, in the messages list.
  await page.goto(`/messages?q=${encodeURIComponent("nowa poczta od: ZUS, Urzad Skarbowy")}`);
  await expect(page.locator("table.messages tbody tr", { hasText: ascii })).toHaveCount(2);

  // The client's second number is German: its country picked by flag and code.
  await page.goto(clientPage!);
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  const countries = page.getByLabel("Kierunkowy kraju");
  await expect(countries.nth(1)).toHaveValue("49");
  await expect(countries.nth(1).locator("option:checked")).toHaveText("🇩🇪 +49 DE");
});
