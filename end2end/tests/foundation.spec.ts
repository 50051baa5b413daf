import { expect, test } from "@playwright/test";
import { logIn, PASSWORD, ready, signUp, switchTo, uniqueEmail, watchConsole } from "./helpers";

test("sign up, log out, log in, and a wrong password", async ({ page }, info) => {
  const errors = watchConsole(page);
  const email = uniqueEmail("ada", info);
  await signUp(page, info, "Ada Lovelace", email);

  // Sign-up made the agent's own workgroup, named after them, with them as Administrator.
  await expect(page.getByTestId("current-workgroup")).toHaveText("Ada Lovelace");
  await expect(page.getByLabel("Workgroup", { exact: true })).toHaveValue(/.+/);
  await expect(page.getByText("Administrator").first()).toBeVisible();
  await page.goto("/settings/workgroups");
  await ready(page, info);
  await expect(page.locator(".facts").getByText("Free training subscriptions")).toBeVisible();

  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login$/);

  // Pages behind sign-in send a signed-out visitor to Log in.
  await page.goto("/settings/workgroups");
  await expect(page).toHaveURL(/\/login$/);

  await logIn(page, info, email, "not the password");
  await expect(page.getByText("That email and password do not match an account.")).toBeVisible();
  await expect(page).toHaveURL(/\/login/);

  // An unknown email gets the very same answer.
  await logIn(page, info, uniqueEmail("nobody", info), PASSWORD);
  await expect(page.getByText("That email and password do not match an account.")).toBeVisible();

  // Emails are not case-sensitive.
  await logIn(page, info, email.toUpperCase());
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("current-workgroup")).toHaveText("Ada Lovelace");

  // The session cookie cannot be read by scripts and is not sent cross-site.
  const cookie = (await page.context().cookies()).find((c) => c.name === "tandem_session");
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe("Lax");
  expect(errors).toEqual([]);
});

test("signing up twice with one email is refused next to the field", async ({ page }, info) => {
  const errors = watchConsole(page);
  const email = uniqueEmail("grace", info);
  await signUp(page, info, "Grace Hopper", email);
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login$/);

  await page.goto("/signup");
  await ready(page, info);
  await page.getByLabel("Name").fill("Grace Again");
  await page.getByLabel("Email").fill(email.toUpperCase());
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.locator("#email-error")).toHaveText(/already exists/);
  expect(errors).toEqual([]);
});

test("create, rename and switch workgroups", async ({ page }, info) => {
  const errors = watchConsole(page);
  await signUp(page, info, "Linus Ops", uniqueEmail("linus", info));
  await page.goto("/settings/workgroups");
  await ready(page, info);

  // A new workgroup: its creator is its Administrator and it becomes current.
  await page.getByLabel("New workgroup name").fill("East Coast");
  await page.getByRole("button", { name: "Create workgroup" }).click();
  await expect(page.getByTestId("current-workgroup")).toHaveText("East Coast");
  await ready(page, info);
  await expect(page.getByLabel("Workgroup name", { exact: true })).toHaveValue("East Coast");

  // Rename it; the selector and the top bar follow.
  await page.getByLabel("Workgroup name", { exact: true }).fill("East Coast MSP");
  await page.getByLabel("Workgroup name", { exact: true }).press("Enter");
  await expect(page.getByTestId("current-workgroup")).toHaveText("East Coast MSP");
  await ready(page, info);
  await expect(page.getByLabel("Workgroup", { exact: true }).locator("option", { hasText: "East Coast MSP" })).toHaveCount(1);

  // Default agent cost: bad input is explained next to the field and changes nothing.
  await page.getByLabel("Default agent cost per hour (USD)").fill("ninety");
  await page.getByRole("button", { name: "Save cost" }).click();
  await expect(page.locator("#cost-error")).toContainText("Enter an amount");
  await ready(page, info);
  await page.getByLabel("Default agent cost per hour (USD)").fill("95.50");
  await page.getByRole("button", { name: "Save cost" }).click();
  if (info.project.name === "hydrated") {
    await expect(page.getByText("Cost saved.")).toBeVisible();
  } else {
    await expect(page.locator("#cost-error")).toHaveCount(0);
  }
  await page.reload();
  await ready(page, info);
  await expect(page.getByLabel("Default agent cost per hour (USD)")).toHaveValue("95.50");

  // Switch back with the selector: the whole page changes, and stays after a reload.
  await switchTo(page, info, "Linus Ops");
  await expect(page.getByLabel("Workgroup name", { exact: true })).toHaveValue("Linus Ops");
  await expect(page.getByLabel("Default agent cost per hour (USD)")).toHaveValue("0.00");
  await page.reload();
  await expect(page.getByTestId("current-workgroup")).toHaveText("Linus Ops");
  await ready(page, info);

  await switchTo(page, info, "East Coast MSP");
  await expect(page.getByLabel("Default agent cost per hour (USD)")).toHaveValue("95.50");

  // There is no way to delete a workgroup.
  await expect(page.getByRole("button", { name: /delete/i })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("every page carries the security headers", async ({ request }) => {
  const res = await request.get("/login");
  expect(res.status()).toBe(200);
  const headers = res.headers();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["content-security-policy"]).toContain("'wasm-unsafe-eval'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  const health = await request.get("/healthz");
  expect(await health.json()).toEqual({ status: "ok", database: "up" });
});
