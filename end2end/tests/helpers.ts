import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { expect, Page } from "@playwright/test";
import { adminPassword, maildir, smtpPort } from "../playwright.config";

/** Logs in as the demo administrator; lands on the composer. */
export async function logIn(page: Page, { waitForHydration = true } = {}) {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel("Login").fill("admin");
  await page.getByLabel("Hasło").fill(adminPassword);
  await page.getByRole("button", { name: "Zaloguj się" }).click();
  await expect(page.getByRole("heading", { name: "Nowa wiadomość SMS" })).toBeVisible();
  if (waitForHydration) {
    await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  }
}

/** A text no other test uses, to find this test's row in the shared list. */
export function uniqueText(prefix: string) {
  return `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** An API token of the demo account, made as the installation's operator would. */
export function apiToken(): string {
  const out = execFileSync("../target/debug/server", ["token", "create", "--account-id", "1", "--name", "e2e"], {
    env: { ...process.env, DATABASE_URL: "sqlite://../target/e2e/esemes.db", ESEMES_DEMO_DATA: "false" },
  }).toString();
  return out.split("\n").find((line) => line.startsWith("esk_"))!.trim();
}

/** `date` (YYYY-MM-DD) at `time` (HH:MM) on the company's clock (Europe/Warsaw), as RFC 3339. */
export function warsaw(date: string, time: string): string {
  const probe = new Date(`${date}T12:00:00Z`);
  const offset = new Intl.DateTimeFormat("en", { timeZone: "Europe/Warsaw", timeZoneName: "longOffset" })
    .formatToParts(probe)
    .find((p) => p.type === "timeZoneName")!
    .value.replace("GMT", "");
  return `${date}T${time}:00${offset || "+00:00"}`;
}

/** Today (+ `days`) on the company's clock, YYYY-MM-DD. */
export function warsawDate(days = 0): string {
  const at = new Date(Date.now() + days * 86_400_000);
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Warsaw" }).format(at);
}

/** The company's e-mail account: the test SMTP server. */
export async function setUpCompanyMail(page: Page) {
  await page.goto("/email/settings");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  const company = page.getByRole("region", { name: "Konto e-mail firmy" });
  await company.getByLabel("Serwer SMTP").fill("127.0.0.1");
  await company.getByLabel("Port").fill(String(smtpPort));
  await company.getByLabel("Szyfrowanie").selectOption("none");
  await company.getByLabel("Nazwa nadawcy").fill("Hurtownia Zefir");
  await company.getByLabel("Adres nadawcy").fill("biuro@zefir.example");
  await company.getByRole("button", { name: "Zapisz" }).click();
  await expect(company.getByText("Zapisano.")).toBeVisible();
}

/** The mail the test SMTP server stored for `to`: each one's decoded subject and raw text. */
export function mails(to: string): { subject: string; raw: string }[] {
  let files: string[] = [];
  try {
    files = readdirSync(`${maildir}/new`);
  } catch {
    return [];
  }
  return files
    .map((file) => readFileSync(`${maildir}/new/${file}`, "utf8"))
    .filter((raw) => new RegExp(`^To: .*${to}`, "m").test(raw))
    .map((raw) => {
      const header = raw.match(/^Subject: (.*(?:\r?\n[ \t].*)*)/m)![1].replace(/\r?\n[ \t]/g, "");
      const subject = header
        .replace(/=\?utf-8\?b\?([^?]*)\?=\s*/gi, (_, b64) => Buffer.from(b64, "base64").toString("utf8"))
        .trim();
      return { subject, raw };
    });
}

/** The decoded subjects of the mail stored for `to`. */
export function mailSubjects(to: string): string[] {
  return mails(to).map((mail) => mail.subject);
}
