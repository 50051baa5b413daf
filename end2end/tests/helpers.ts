import { Browser, expect, Page, TestInfo } from "@playwright/test";
import { execFileSync } from "node:child_process";

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

/**
 * Signs up and, unless told not to, verifies the address with the link of
 * the verification mail (read from the outbox), landing on the Dashboard.
 */
export async function signUp(page: Page, info: TestInfo, name: string, email: string, { verify = true } = {}) {
  await page.goto("/signup");
  await ready(page, info);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await ready(page, info);
  if (verify) {
    await verifyEmail(page, info, email);
    await expect(page).toHaveURL(/\/dashboard$/);
    await ready(page, info);
  }
}

export interface Mail {
  to: string;
  subject: string;
  body: string;
}

/** The mail waiting for `to`, oldest first, as the operator command prints it. */
export function outbox(to: string): Mail[] {
  const out = execFileSync("../target/release/tandem", ["mail", "outbox", "--to", to], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return out
    .split(/^----$/m)
    .map((m) => m.trim())
    .filter((m) => m.length > 0)
    .map((m) => {
      const [head, ...rest] = m.split("\n\n");
      const header = (name: string) => head.match(new RegExp(`^${name}: (.*)$`, "m"))?.[1] ?? "";
      return { to: header("To"), subject: header("Subject"), body: rest.join("\n\n") };
    });
}

/** The path (with its query) of the newest link to `path` mailed to `to`. */
export function mailedLink(to: string, path: string): string {
  const links = outbox(to).flatMap((m) => m.body.match(new RegExp(`https?://[^\\s/]+${path}[^\\s]+`, "g")) ?? []);
  expect(links.length, `a ${path} link mailed to ${to}`).toBeGreaterThan(0);
  const url = new URL(links[links.length - 1]);
  return url.pathname + url.search;
}

/** Opens the newest verification link mailed to `email` and confirms it. */
export async function verifyEmail(page: Page, info: TestInfo, email: string) {
  await page.goto(mailedLink(email, "/verify-email/"));
  await ready(page, info);
  await page.getByRole("button", { name: "Verify my email address" }).click();
  await expect(page).not.toHaveURL(/\/verify-email\//);
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

/** A distributor coupon, made with the operator command against the running server's database. */
export function distributorCoupon(count: number): string {
  const out = execFileSync(
    "../target/release/tandem",
    ["coupons", "create", "--type", "mailbox_migration", "--count", String(count), "--expires", "2099-12-31"],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  return out.trim().split("\n").pop()!.trim();
}

export async function checkAndApply(page: Page, info: TestInfo, code: string, expected: RegExp) {
  await page.goto("/settings/coupons");
  await ready(page, info);
  await page.getByLabel("Coupon codes").fill(code);
  await page.getByRole("button", { name: "Check" }).click();
  await expect(page.getByTestId("coupon-outcomes")).toContainText(expected);
  await ready(page, info);
  await page.getByRole("button", { name: "Apply" }).click();
  if (info.project.name === "hydrated") {
    await expect(page.getByRole("heading", { name: "Applied" })).toBeVisible();
  } else {
    await expect(page).toHaveURL(/\/settings\/coupons/);
  }
}

/**
 * The owner invites a new person with a role; they sign up in a browser of
 * their own and accept. Answers that person's page, inside the owner's workgroup.
 */
export async function inviteAndJoin(owner: Page, browser: Browser, info: TestInfo, name: string, role: string): Promise<Page> {
  const email = uniqueEmail(name.split(" ")[0].toLowerCase(), info);
  await owner.goto("/agents");
  await ready(owner, info);
  await owner.getByLabel("Emails").fill(email);
  await owner.getByLabel("Role", { exact: true }).selectOption({ label: role });
  await owner.getByRole("button", { name: "Invite" }).click();
  await expect(owner.getByTestId(`invitation-${email}`)).toContainText("Pending");
  const link = mailedLink(email, "/invitations/");
  const context = await browser.newContext({ javaScriptEnabled: info.project.name === "hydrated" });
  const page = await context.newPage();
  await page.goto(link);
  await ready(page, info);
  await page.getByRole("link", { name: "Sign up to accept" }).click();
  await ready(page, info);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page).toHaveURL(/\/invitations\//);
  await ready(page, info);
  // Accepting waits for the address to be verified; the link leads back here.
  await expect(page.getByText("Verify your email address first.")).toBeVisible();
  await verifyEmail(page, info, email);
  await expect(page).toHaveURL(/\/invitations\//);
  await ready(page, info);
  await page.getByRole("button", { name: "Accept invitation" }).click();
  await expect(page.locator(".topbar .agent")).toContainText(role);
  await ready(page, info);
  return page;
}
