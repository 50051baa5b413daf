import { expect, Page, TestInfo } from "@playwright/test";

export const PASSWORD = "correct horse battery";

/** An email no other run has used. */
export function uniqueEmail(prefix: string, info: TestInfo): string {
  const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
  return `${prefix}.${info.project.name}.${stamp}@example.com`;
}

/**
 * Collects console errors and uncaught exceptions. Refusals the test provokes
 * on purpose (4xx answers to bad input) are expected; a 5xx never is.
 */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (msg) => {
    const text = msg.text();
    if (msg.type() === "error" && !/status of 4\d\d/.test(text)) errors.push(`${page.url()}: ${text}`);
  });
  page.on("pageerror", (err) => errors.push(`${page.url()}: ${err}`));
  return errors;
}

/** With JavaScript on, wait until the app has hydrated before clicking. */
export async function ready(page: Page, info: TestInfo) {
  if (info.project.name === "hydrated") {
    await page.waitForFunction(() => document.documentElement.classList.contains("js"));
  }
}

export async function signUp(page: Page, info: TestInfo, name: string, email: string) {
  await page.goto("/signup");
  await ready(page, info);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await ready(page, info);
}

export async function logIn(page: Page, info: TestInfo, email: string, password = PASSWORD) {
  await page.goto("/login");
  await ready(page, info);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

/** Chooses a workgroup in the selector; without JavaScript, presses Switch. */
export async function switchTo(page: Page, info: TestInfo, name: string) {
  await page.getByLabel("Workgroup", { exact: true }).selectOption({ label: name });
  if (info.project.name === "ssr") {
    await page.getByRole("button", { name: "Switch" }).click();
  }
  await expect(page.getByTestId("current-workgroup")).toHaveText(name);
  await ready(page, info);
}
