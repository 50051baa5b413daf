import { execFileSync } from "node:child_process";
import { expect, Page, test } from "@playwright/test";
import { ready, signUp, uniqueEmail, watchConsole } from "./helpers";

const ONBOARD_RUNBOOK = "8f2b6a4e-0001-4c1a-9d2e-000000000001";

/**
 * Adds a customer straight into the database (the Customers pages live in
 * another part of Tandem). The server's database: DATABASE_URL, or the
 * embedded cluster of TANDEM_DATA_DIR.
 */
function addCustomer(workgroupId: string, name: string): string {
  const url =
    process.env.DATABASE_URL ??
    execFileSync(process.env.TANDEM_BIN ?? "../target/release/tandem", ["db", "url"], { env: process.env }).toString().trim();
  const sql = `INSERT INTO customers (id, workgroup_id, name) VALUES (gen_random_uuid(), '${workgroupId}', '${name}') RETURNING id`;
  return execFileSync("psql", [url, "-qtAc", sql]).toString().trim();
}

/** The bell's figure; without JavaScript a page shows it as it was when loaded. */
async function expectBell(page: Page, js: boolean, count: number) {
  if (!js) await page.reload();
  await expect(page.getByTestId("bell-count")).toHaveText(String(count));
}

test("dashboard charts show their figures; the bell counts what concerns me, live", async ({ browser }, info) => {
  const js = info.project.name === "hydrated";

  // Max has an account of his own.
  const maxContext = await browser.newContext({ javaScriptEnabled: js });
  const max = await maxContext.newPage();
  const maxErrors = watchConsole(max);
  const maxEmail = uniqueEmail("max", info);
  await signUp(max, info, "Max Marsh", maxEmail);
  await expect(max.getByTestId("bell-count")).toHaveText("0");

  // Olivia lands on her Dashboard: charts drawn on the server, with their figures.
  const olivia = await browser.newPage({ javaScriptEnabled: js });
  const oliviaErrors = watchConsole(olivia);
  await signUp(olivia, info, "Olivia Owner", uniqueEmail("olivia", info));
  await expect(olivia.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
  const seats = olivia.getByTestId("chart-seats");
  await expect(seats.locator("figcaption")).toHaveText("Seats: 1 used, 2 free of 3");
  await expect(seats.locator("svg")).toHaveAttribute("aria-label", "Seats: 1 used, 2 free of 3. Used: 1; Free: 2.");
  await expect(olivia.getByTestId("chart-weeks").locator("rect")).toHaveCount(12);
  await expect(olivia.getByTestId("chart-licenses").locator("svg")).toContainText("Mailbox Migration");

  // She invites Max: it reaches his bell, in his own workgroup.
  await olivia.getByRole("link", { name: "Agents" }).click();
  await ready(olivia, info);
  await olivia.getByLabel("Emails").fill(maxEmail);
  await olivia.getByLabel("Role", { exact: true }).selectOption({ label: "Associate" });
  await olivia.getByRole("button", { name: "Invite" }).click();
  await expect(olivia.getByTestId(`invitation-${maxEmail}`)).toContainText("Pending");
  await expectBell(max, js, 1);
  await max.getByTestId("bell-count").click();
  await expect(max.getByRole("heading", { name: "Notifications", level: 1 })).toBeVisible();
  await ready(max, info);
  await max.getByRole("button", { name: "Olivia Owner invited you to join Olivia Owner as Associate", exact: true }).click();
  await expect(max).toHaveURL(/\/invitations\//);
  await ready(max, info);
  await max.getByRole("button", { name: "Accept invitation" }).click();
  await expect(max.getByTestId("current-workgroup")).toHaveText("Olivia Owner");
  await ready(max, info);
  await expect(max.getByTestId("bell-count")).toHaveText("0");

  // Olivia assigns a runbook's tasks to Max: his bell rises (live, with JavaScript).
  const workgroupId = await olivia.getByLabel("Workgroup", { exact: true }).inputValue();
  const acme = addCustomer(workgroupId, "Acme");
  await olivia.goto(`/services/new?runbook=${ONBOARD_RUNBOOK}&customer=${acme}`);
  await ready(olivia, info);
  await olivia.getByLabel("Assign tasks to").selectOption({ label: "Max Marsh" });
  await olivia.getByRole("button", { name: "Assign", exact: true }).click();
  await expect(olivia).toHaveURL(/\/services\/[0-9a-f-]{36}$/);
  await expectBell(max, js, 1);

  // He reads it: the count falls.
  await max.getByTestId("bell-count").click();
  await ready(max, info);
  const notice = max.getByTestId("notification").filter({ hasText: "assigned you 4 tasks of Onboard a new employee for Acme" });
  await expect(notice).toBeVisible();
  await notice.getByRole("button", { name: /^Mark read/ }).click();
  await expect(max.getByTestId("bell-count")).toHaveText("0");
  await expect(notice.getByRole("button", { name: /^Mark read/ })).toHaveCount(0);

  // The Dashboard and the Feed now show the work.
  await olivia.getByRole("link", { name: "Dashboard" }).click();
  await ready(olivia, info);
  await expect(olivia.getByTestId("tile-open-tasks")).toContainText("4");
  await expect(olivia.getByTestId("chart-services").locator("figcaption")).toHaveText("Services by status (1 service)");
  await expect(olivia.getByTestId("chart-services").locator("svg")).toHaveAttribute(
    "aria-label",
    "Services by status (1 service). In progress: 1; Blocked: 0; Completed: 0.",
  );
  await expect(olivia.getByTestId("chart-seats").locator("figcaption")).toHaveText("Seats: 2 used, 1 free of 3");
  await olivia.getByRole("link", { name: "Feed" }).click();
  await ready(olivia, info);
  await expect(olivia.getByTestId("feed-entry").first()).toContainText("Olivia Owner assigned 4 tasks of Onboard a new employee to Max Marsh");
  await olivia.getByLabel("What").selectOption({ label: "Agent joined" });
  await olivia.getByRole("button", { name: "Show" }).click();
  await expect(olivia.getByTestId("feed-entry")).toHaveCount(1);
  await expect(olivia.getByTestId("feed-entry")).toContainText("Max Marsh joined as Associate");

  // Reports: the export is a real download.
  await olivia.getByRole("link", { name: "Reports" }).click();
  await ready(olivia, info);
  await expect(olivia.getByText("No task was completed in this range.")).toBeVisible();
  const res = await olivia.request.get((await olivia.getByRole("link", { name: "Export to .xlsx" }).getAttribute("href"))!);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("spreadsheetml");

  expect(oliviaErrors).toEqual([]);
  expect(maxErrors).toEqual([]);
  await maxContext.close();
});
