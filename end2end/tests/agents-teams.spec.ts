import { expect, test } from "@playwright/test";
import { mailedLink, PASSWORD, ready, signUp, switchTo, uniqueEmail, verifyEmail, watchConsole } from "./helpers";

test("invite an agent, who accepts, switches in and has the chosen role; teams get members", async ({ browser }, info) => {
  const js = info.project.name === "hydrated";
  const olivia = await browser.newPage({ javaScriptEnabled: js });
  const oliviaErrors = watchConsole(olivia);
  await signUp(olivia, info, "Olivia Owner", uniqueEmail("olivia", info));

  // Invite Max as a Manager.
  const maxEmail = uniqueEmail("max", info);
  await olivia.getByRole("link", { name: "Agents" }).click();
  await expect(olivia.getByRole("heading", { name: "Agents", level: 1 })).toBeVisible();
  await ready(olivia, info);
  await olivia.getByLabel("Emails").fill(maxEmail);
  await olivia.getByLabel("Role", { exact: true }).selectOption({ label: "Manager" });
  await olivia.getByRole("button", { name: "Invite" }).click();
  const row = olivia.getByTestId(`invitation-${maxEmail}`);
  await expect(row).toContainText("Pending");
  await expect(row).toContainText("Manager");
  // The link is in Max's mail only, never on the page.
  await expect(olivia.locator("main")).not.toContainText("/invitations/");
  const link = mailedLink(maxEmail, "/invitations/");
  expect(link).toMatch(/^\/invitations\/[A-Za-z0-9_-]{43}$/);

  // Max follows the link in another browser, signs up and accepts.
  const maxContext = await browser.newContext({ javaScriptEnabled: js });
  const max = await maxContext.newPage();
  const maxErrors = watchConsole(max);
  await max.goto(link);
  await ready(max, info);
  await expect(max.getByText("Olivia Owner invited you to join Olivia Owner as Manager.")).toBeVisible();
  await max.getByRole("link", { name: "Sign up to accept" }).click();
  await ready(max, info);
  await expect(max.getByLabel("Email")).toHaveValue(maxEmail);
  await max.getByLabel("Name").fill("Max Manager");
  await max.getByLabel("Password").fill(PASSWORD);
  await max.getByRole("button", { name: "Sign up" }).click();
  await expect(max).toHaveURL(/\/invitations\//);
  await ready(max, info);
  // Not verified yet: told so, with no way to accept.
  await expect(max.getByText("Verify your email address first.")).toBeVisible();
  await expect(max.getByRole("button", { name: "Accept invitation" })).toHaveCount(0);
  await expect(max.getByRole("button", { name: "Resend link" })).toBeVisible();
  // The verification mail's link leads back to the invitation.
  await verifyEmail(max, info, maxEmail);
  await expect(max).toHaveURL(/\/invitations\//);
  await ready(max, info);
  await max.getByRole("button", { name: "Accept invitation" }).click();

  // In Olivia's workgroup now, as a Manager.
  await expect(max.getByTestId("current-workgroup")).toHaveText("Olivia Owner");
  await expect(max.locator(".topbar .agent")).toContainText("Manager");
  await ready(max, info);
  await expect(max.getByTestId(`member-${maxEmail}`)).toBeVisible();
  // Max can switch to his own workgroup and back.
  await switchTo(max, info, "Max Manager");
  await expect(max.locator(".topbar .agent")).toContainText("Administrator");
  await switchTo(max, info, "Olivia Owner");
  await expect(max.locator(".topbar .agent")).toContainText("Manager");

  // Olivia sees Max as an active Manager and the invitation accepted.
  await olivia.reload();
  await ready(olivia, info);
  await expect(olivia.getByTestId(`invitation-${maxEmail}`)).toContainText("Accepted");
  await expect(olivia.getByLabel("Role of Max Manager")).toHaveValue("manager");

  // Olivia gives Max an hourly rate (Enter saves).
  await olivia.getByLabel("Hourly rate of Max Manager").fill("95");
  await olivia.getByLabel("Hourly rate of Max Manager").press("Enter");
  if (js) await expect(olivia.getByText("Saved.")).toBeVisible();
  else await expect(olivia).toHaveURL(/\/agents\?$/);
  await olivia.reload();
  await ready(olivia, info);
  await expect(olivia.getByLabel("Hourly rate of Max Manager")).toHaveValue("95.00");

  // A team with both of them.
  await olivia.getByRole("link", { name: "Teams" }).click();
  await expect(olivia.getByRole("heading", { name: "Teams", level: 1 })).toBeVisible();
  await ready(olivia, info);
  await olivia.getByLabel("Team name").fill("Migrations");
  await olivia.getByLabel("Mode", { exact: true }).selectOption({ label: "Pull from queue" });
  await olivia.getByRole("button", { name: "Create team" }).click();
  const team = olivia.getByTestId("team-Migrations");
  await expect(team).toContainText("No members yet.");
  await ready(olivia, info);
  await team.getByLabel("Add an agent to Migrations").selectOption({ label: "Max Manager" });
  await team.getByRole("button", { name: "Add" }).click();
  await expect(team.locator(".members")).toContainText("Max Manager");
  await ready(olivia, info);
  await team.getByLabel("Add an agent to Migrations").selectOption({ label: "Olivia Owner" });
  await team.getByRole("button", { name: "Add" }).click();
  await expect(team.locator(".members li")).toHaveCount(2);
  await expect(team.locator(".badge")).toHaveText("Pull from queue");

  // Max sees the team too.
  await max.getByRole("link", { name: "Teams" }).click();
  await expect(max.getByTestId("team-Migrations").locator(".members")).toContainText("Olivia Owner");

  expect(oliviaErrors).toEqual([]);
  expect(maxErrors).toEqual([]);
  await maxContext.close();
});
