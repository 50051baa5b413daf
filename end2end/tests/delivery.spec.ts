import { expect, test } from "@playwright/test";
import { checkAndApply, distributorCoupon, inviteAndJoin, ready, signUp, uniqueEmail, watchConsole } from "./helpers";

test("assign a licensed runbook to a team queue; a claim leaves the queue everywhere; work it and see licenses and progress move", async ({ browser }, info) => {
  test.setTimeout(120_000);
  const js = info.project.name === "hydrated";
  const olivia = await browser.newPage({ javaScriptEnabled: js });
  const oliviaErrors = watchConsole(olivia);
  await signUp(olivia, info, "Olivia Owner", uniqueEmail("olivia", info));

  // Asa joins as an Associate; both are in a pull-from-queue team.
  const asa = await inviteAndJoin(olivia, browser, info, "Asa Associate", "Associate");
  const asaErrors = watchConsole(asa);
  await olivia.goto("/teams");
  await ready(olivia, info);
  await olivia.getByLabel("Team name").fill("Movers");
  await olivia.getByLabel("Mode", { exact: true }).selectOption({ label: "Pull from queue" });
  await olivia.getByRole("button", { name: "Create team" }).click();
  const team = olivia.getByTestId("team-Movers");
  await expect(team).toContainText("No members yet.");
  for (const member of ["Asa Associate", "Olivia Owner"]) {
    await ready(olivia, info);
    await team.getByLabel("Add an agent to Movers").selectOption({ label: member });
    await team.getByRole("button", { name: "Add" }).click();
    await expect(team.locator(".members")).toContainText(member);
  }

  // Five Mailbox Migration licenses from a distributor coupon.
  await checkAndApply(olivia, info, distributorCoupon(5), /5 Mailbox Migration licenses/);

  // A customer with two users, added one at a time.
  await olivia.goto("/customers");
  await ready(olivia, info);
  await olivia.getByLabel("Customer name").fill("Contoso");
  await olivia.getByRole("button", { name: "Create customer" }).click();
  await expect(olivia.getByRole("heading", { name: "Contoso", level: 1 })).toBeVisible();
  for (const [name, email] of [["Grace Hopper", "grace@contoso.example"], ["Alan Turing", "alan@contoso.example"]]) {
    await ready(olivia, info);
    await olivia.getByLabel("Name", { exact: true }).fill(name);
    await olivia.getByLabel("Email", { exact: true }).fill(email);
    await olivia.getByRole("button", { name: "Add user" }).click();
    await expect(olivia.getByText(email)).toBeVisible();
  }

  // Assign the mailbox migration to both users, tasks to the Movers queue.
  await olivia.goto("/runbooks");
  await ready(olivia, info);
  await olivia.getByRole("link", { name: "Mailbox migration to Office 365" }).click();
  await expect(olivia.getByRole("heading", { name: /Mailbox migration to Office 365/, level: 1 })).toBeVisible();
  await ready(olivia, info);
  await olivia.getByRole("link", { name: "Assign to a customer" }).click();
  await expect(olivia.getByRole("heading", { name: "Assign a runbook to a customer" })).toBeVisible();
  await ready(olivia, info);
  await olivia.getByLabel("Customer").selectOption({ label: "Contoso" });
  if (!js) await olivia.getByRole("button", { name: "Choose" }).click();
  await expect(olivia.getByLabel("Grace Hopper")).toBeVisible();
  await ready(olivia, info);
  await olivia.getByLabel("Grace Hopper").check();
  await olivia.getByLabel("Alan Turing").check();
  await olivia.getByLabel("Assign tasks to").selectOption({ label: "Movers (queue)" });
  await olivia.getByRole("button", { name: "Assign", exact: true }).click();
  await expect(olivia).toHaveURL(/\/services\/[0-9a-f-]{36}/);
  await expect(olivia.getByTestId("service-progress")).toContainText("0/4");

  // Olivia watches the queue on My Tasks while Asa claims in his browser.
  await olivia.goto("/my-tasks");
  await ready(olivia, info);
  const oliviaQueue = olivia.getByTestId("queue-Movers");
  await expect(oliviaQueue).toContainText("4 waiting");
  const claim = "Claim Migrate the mailbox · Grace Hopper";
  await expect(oliviaQueue.getByRole("button", { name: claim })).toBeVisible();

  await asa.goto("/my-tasks");
  await ready(asa, info);
  await asa.getByTestId("queue-Movers").getByRole("button", { name: claim }).click();
  await expect(asa.getByTestId("my-tasks")).toContainText("Grace Hopper");

  // The task leaves Olivia's queue: live with JavaScript, on reload without.
  if (!js) await olivia.reload();
  await expect(oliviaQueue).toContainText("3 waiting");
  await expect(oliviaQueue.getByRole("button", { name: claim })).toHaveCount(0);

  // Asa starts (a license is reserved) and completes (it is consumed).
  await ready(asa, info);
  await asa.getByRole("button", { name: "Start: Migrate the mailbox · Grace Hopper" }).click();
  await expect(asa.getByTestId("my-tasks")).toContainText("In progress");
  await ready(asa, info);
  await asa.getByRole("button", { name: "Complete: Migrate the mailbox · Grace Hopper", exact: true }).click();
  await expect(asa.getByText("Nothing assigned to you right now.")).toBeVisible();

  // Licenses: 4 of 5 left. Delivery Center: one task of four done.
  await olivia.goto("/settings/licenses");
  await ready(olivia, info);
  const pack = olivia.getByTestId("packs").getByRole("row", { name: /Mailbox Migration/ });
  await expect(pack.locator("td.num")).toHaveText(["4", "0", "1"]);
  await olivia.goto("/delivery");
  await ready(olivia, info);
  const services = olivia.getByTestId("services");
  await expect(services).toContainText("Contoso");
  await expect(services.getByRole("progressbar", { name: "1 of 4 tasks completed" })).toBeVisible();

  expect(oliviaErrors).toEqual([]);
  expect(asaErrors).toEqual([]);
});
