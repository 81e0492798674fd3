import { expect, test } from "@playwright/test";
import { apiToken, logIn, mailSubjects, setUpCompanyMail, uniqueText, warsaw, warsawDate } from "./helpers";

test("the administrator switches the automaton on; the dry run lists a task's reminders; the service sends each once", async ({ page, request }) => {
  test.setTimeout(120_000);
  const token = apiToken();
  const api = { headers: { Authorization: `Bearer ${token}` } };
  const name = uniqueText("Klient przypomnień");
  const code = name.replace(/\s+/g, "-").slice(-12).toUpperCase();
  const subject = await request.put(`/api/v1/companies/1/subjects/${code}`, {
    ...api,
    data: { kind: "contractor", code, name, sms_phone: "600 700 800", email: "klient@example.com" },
  });
  expect(subject.ok()).toBeTruthy();
  // A visit tomorrow at 10:00, and one in 90 minutes whose reminders are due already.
  const tomorrow = uniqueText("Wizyta jutro");
  const soon = uniqueText("Wizyta zaraz");
  const inNinety = new Date(Date.now() + 90 * 60_000).toISOString().replace(/\.\d+Z$/, "Z");
  for (const [key, title, starts_at] of [
    [`${code}-A`, tomorrow, warsaw(warsawDate(1), "10:00")],
    [`${code}-B`, soon, inNinety],
  ]) {
    const task = await request.put(`/api/v1/companies/1/tasks/${key}`, {
      ...api,
      data: { title, starts_at, subject_external_id: code, operator_login: "admin" },
    });
    expect(task.ok()).toBeTruthy();
  }

  await logIn(page);
  await setUpCompanyMail(page);
  await page.goto("/reminders");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await page.getByLabel("Automatyczne przypomnienia dla zadań").check();
  const clients = page.getByRole("group", { name: "Ustawienia domyślne dla klientów" });
  await clients.getByLabel("Przypominaj klientom").check();
  await clients.getByLabel("Forma").selectOption("sms");
  await clients.getByLabel("Przypomnienie SMS").selectOption("1440");
  const operators = page.getByRole("group", { name: "Ustawienia domyślne dla operatorów" });
  await operators.getByLabel("Przypominaj operatorom").check();
  await operators.getByLabel("Forma").selectOption("email");
  await operators.getByLabel("Przypomnienie e-mail").selectOption("120");
  await page.getByRole("button", { name: "Zapisz" }).click();
  await expect(page.getByText("Zapisano.")).toBeVisible();

  // Beforehand: today the client's SMS at 10:00, tomorrow the operator's e-mail at 08:00.
  await page.reload();
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  const todayRow = page.locator("table.reminders tr", { hasText: tomorrow });
  await expect(todayRow).toHaveCount(1);
  await expect(todayRow).toContainText("10:00");
  await expect(todayRow).toContainText("SMS");
  await expect(todayRow).toContainText("+48 600 700 800");
  await expect(todayRow).toContainText(tomorrow);
  await page.getByRole("link", { name: "Podgląd na jutro" }).click();
  const tomorrowRow = page.locator("table.reminders tr", { hasText: tomorrow });
  await expect(tomorrowRow).toHaveCount(1);
  await expect(tomorrowRow).toContainText("08:00");
  await expect(tomorrowRow).toContainText("e-mail");
  await expect(tomorrowRow).toContainText("admin@example.com");
  await expect(tomorrowRow).toContainText(`Przypomnienie: ${tomorrow}`);

  // The visit in 90 minutes: both its reminders go at the service's next cycle, once.
  await expect(async () => {
    await page.goto("/reminders");
    const sent = page.locator("table.reminder-log tr", { hasText: soon });
    await expect(sent).toHaveCount(2, { timeout: 1000 });
    await expect(sent.filter({ hasText: "wysłane" })).toHaveCount(2, { timeout: 1000 });
  }).toPass({ timeout: 60_000 });
  await expect(page.locator("table.reminder-log tr", { hasText: soon }).filter({ hasText: "SMS" })).toContainText(name);
  await expect.poll(() => mailSubjects("admin@example.com").filter((s) => s.includes(soon)).length, { timeout: 30_000 }).toBe(1);
  // More cycles pass; still one of each.
  await page.waitForTimeout(5000);
  await page.reload();
  await expect(page.locator("table.reminder-log tr", { hasText: soon })).toHaveCount(2);
  const subjects = mailSubjects("admin@example.com").filter((s) => s.includes(soon));
  expect(subjects).toHaveLength(1);
  expect(subjects[0]).toMatch(new RegExp(`^Przypomnienie: ${soon}, \\d\\d\\.\\d\\d\\.\\d{4} \\d\\d:\\d\\d$`));
  await expect(page.getByText("Działa.")).toBeVisible();

  // Tomorrow's task gets its own settings on its page: the client's SMS two hours before.
  await page.goto("/reminders?day=tomorrow");
  await page.locator("table.reminders a", { hasText: tomorrow }).click();
  await expect(page.getByRole("heading", { name: tomorrow })).toBeVisible();
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  const section = page.getByRole("region", { name: "Automatyczne przypomnienia" });
  await section.getByLabel("Własne ustawienia przypomnień dla tego zadania").check();
  await section.getByRole("group", { name: "Dla klienta" }).getByLabel("Przypomnienie SMS").selectOption("120");
  await section.getByRole("button", { name: "Zapisz" }).click();
  const coming = section.locator("table.reminders tr", { hasText: "SMS" });
  await expect(coming).toHaveCount(1);
  await expect(coming).toContainText(`${warsawDate(1).split("-").reverse().join(".")} 08:00`);
  await expect(section.getByLabel("Własne ustawienia przypomnień dla tego zadania")).toBeChecked();
});
