import { expect, test } from "@playwright/test";
import { logIn, mailedLink, outbox, PASSWORD, ready, signUp, uniqueEmail, verifyEmail, watchConsole } from "./helpers";

test("an unverified agent is told to verify first, resends the link, verifies and accepts", async ({ browser }, info) => {
  const js = info.project.name === "hydrated";
  const olivia = await browser.newPage({ javaScriptEnabled: js });
  const oliviaErrors = watchConsole(olivia);
  await signUp(olivia, info, "Olivia Owner", uniqueEmail("olivia", info));

  // Max signs up but does not open his verification mail yet.
  const maxEmail = uniqueEmail("max", info);
  const maxContext = await browser.newContext({ javaScriptEnabled: js });
  const max = await maxContext.newPage();
  const maxErrors = watchConsole(max);
  await signUp(max, info, "Max Marsh", maxEmail, { verify: false });
  expect(outbox(maxEmail).map((m) => m.subject)).toEqual(["Verify your email address for Tandem"]);

  // Olivia invites him: the mail goes out, but his unverified account hears nothing.
  await olivia.goto("/agents");
  await ready(olivia, info);
  await olivia.getByLabel("Emails").fill(maxEmail);
  await olivia.getByLabel("Role", { exact: true }).selectOption({ label: "Manager" });
  await olivia.getByRole("button", { name: "Invite" }).click();
  const row = olivia.getByTestId(`invitation-${maxEmail}`);
  await expect(row).toContainText("Pending");
  await expect(row.getByRole("button", { name: "Resend" })).toBeVisible();
  await expect(row.getByRole("button", { name: "Revoke" })).toBeVisible();
  await max.reload();
  await expect(max.getByTestId("bell-count")).toHaveText("0");

  // Following the invitation: told to verify first, and no Accept.
  await max.goto(mailedLink(maxEmail, "/invitations/"));
  await ready(max, info);
  await expect(max.getByText("Verify your email address first.")).toBeVisible();
  await expect(max.getByRole("button", { name: "Accept invitation" })).toHaveCount(0);
  await max.getByRole("button", { name: "Resend link" }).click();
  await expect.poll(() => outbox(maxEmail).filter((m) => m.subject.startsWith("Verify")).length).toBe(2);

  // The newest link verifies and leads back to the invitation.
  await verifyEmail(max, info, maxEmail);
  await expect(max).toHaveURL(/\/invitations\//);
  await ready(max, info);
  await max.getByRole("button", { name: "Accept invitation" }).click();
  await expect(max.getByTestId("current-workgroup")).toHaveText("Olivia Owner");
  await expect(max.locator(".topbar .agent")).toContainText("Manager");
  await ready(max, info);
  await max.getByRole("link", { name: "Account" }).click();
  await expect(max.getByTestId("email-status")).toHaveText("Verified");

  expect(oliviaErrors).toEqual([]);
  expect(maxErrors).toEqual([]);
  await maxContext.close();
});

test("the Account page renames, changes the password and signs the other session out", async ({ browser }, info) => {
  const js = info.project.name === "hydrated";
  const email = uniqueEmail("ada", info);
  const page = await browser.newPage({ javaScriptEnabled: js });
  const errors = watchConsole(page);
  await signUp(page, info, "Ada Lovelace", email);

  // The same person on a second computer.
  const laptopContext = await browser.newContext({ javaScriptEnabled: js });
  const laptop = await laptopContext.newPage();
  await logIn(laptop, info, email);
  await expect(laptop).toHaveURL(/\/dashboard$/);

  await page.getByRole("link", { name: "Account" }).click();
  await expect(page.getByRole("heading", { name: "Account", level: 1 })).toBeVisible();
  await ready(page, info);
  await expect(page.getByTestId("email-status")).toHaveText("Verified");
  await expect(page.getByTestId("sessions").locator("tbody tr")).toHaveCount(2);
  await expect(page.getByTestId("sessions-elsewhere")).toHaveText("You are signed in in 1 other place.");
  await expect(page.getByTestId("sessions")).toContainText("This session");

  // A new name shows at the top.
  await page.getByLabel("Your name").fill("Ada King");
  await page.getByRole("button", { name: "Save name" }).click();
  await expect(page.locator(".topbar .agent")).toContainText("Ada King");
  await ready(page, info);

  // A wrong current password is refused next to its field; nothing changes.
  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password").fill("a brand new password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("That is not your current password.")).toBeVisible();
  await ready(page, info);
  await laptop.goto("/account");
  await expect(laptop.getByRole("heading", { name: "Account", level: 1 })).toBeVisible();

  // The right one: this session stays, the laptop is signed out.
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password").fill("a brand new password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByTestId("sessions-elsewhere")).toHaveText("You are signed in here only.");
  await expect(page.getByTestId("sessions").locator("tbody tr")).toHaveCount(1);
  await laptop.goto("/dashboard");
  await expect(laptop).toHaveURL(/\/login/);

  // The laptop signs in with the new password; "Sign out everywhere else" ends it again.
  await logIn(laptop, info, email, "a brand new password");
  await expect(laptop).toHaveURL(/\/dashboard$/);
  await page.reload();
  await ready(page, info);
  await expect(page.getByTestId("sessions-elsewhere")).toHaveText("You are signed in in 1 other place.");
  await page.getByRole("button", { name: "Sign out everywhere else" }).click();
  await expect(page.getByTestId("sessions-elsewhere")).toHaveText("You are signed in here only.");
  await laptop.goto("/dashboard");
  await expect(laptop).toHaveURL(/\/login/);

  expect(errors).toEqual([]);
  await laptopContext.close();
});

test("sign-in with a next that leaves the site lands on the Dashboard", async ({ page }, info) => {
  const email = uniqueEmail("grace", info);
  await signUp(page, info, "Grace Hopper", email);
  await page.context().clearCookies();
  await page.goto("/login?next=/%09/evil.example");
  await ready(page, info);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/dashboard$|localhost:\d+\/dashboard$/);
});
