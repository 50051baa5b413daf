import { expect, Page, test, TestInfo } from "@playwright/test";
import { ready, signUp, uniqueEmail, watchConsole } from "./helpers";

async function addUser(page: Page, info: TestInfo, name: string, email: string) {
  const form = page.locator("section", { has: page.getByRole("heading", { name: "Add user" }) });
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByLabel("Email", { exact: true }).fill(email);
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByTestId(`user-${email}`)).toBeVisible();
  await ready(page, info);
}

test("a customer with users added one at a time, a CSV import with a bad row, and a group", async ({ page }, info) => {
  const errors = watchConsole(page);
  await signUp(page, info, "Olivia Owner", uniqueEmail("olivia", info));

  // A new customer opens its own page.
  await page.getByRole("link", { name: "Customers" }).click();
  await expect(page.getByRole("heading", { name: "Customers", level: 1 })).toBeVisible();
  await ready(page, info);
  await expect(page.getByText("No customers yet.")).toBeVisible();
  await page.getByLabel("Customer name").fill("Contoso");
  await page.getByRole("button", { name: "Create customer" }).click();
  await expect(page.getByRole("heading", { name: "Contoso", level: 1 })).toBeVisible();
  await expect(page).toHaveURL(/\/customers\/[0-9a-f-]{36}/);
  await ready(page, info);

  // Two users, one at a time; a bad email is refused next to its field.
  await addUser(page, info, "Grace Hopper", "grace@contoso.example");
  await addUser(page, info, "Alan Turing", "alan@contoso.example");
  await expect(page.getByRole("heading", { name: "Users (2)" })).toBeVisible();

  // With JavaScript, a chosen file's text lands in the box (without it, the file input is hidden).
  if (info.project.name === "hydrated") {
    const text = "name,email\nFrom File,file@contoso.example\n";
    await page.getByLabel("CSV file").setInputFiles({ name: "users.csv", mimeType: "text/csv", buffer: Buffer.from(text) });
    await expect(page.getByLabel("Rows to import")).toHaveValue(text);
  } else {
    await expect(page.getByLabel("CSV file")).toBeHidden();
  }

  // Import three rows, one of them bad (and one already a user).
  await page.getByLabel("Rows to import").fill("name,email\nAda Lovelace,ada@contoso.example\nNo Address,not-an-email\n\"Hopper, Grace\",GRACE@contoso.example\n");
  await page.getByRole("button", { name: "Import" }).click();
  const report = page.getByTestId("import-report");
  await expect(report).toContainText("Imported 1 user; 2 rows were refused.");
  await expect(report).toContainText("Line 3: Bad email");
  await expect(report).toContainText("Line 4: Already a user of this customer.");
  await expect(page.getByTestId("user-ada@contoso.example")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Users (3)" })).toBeVisible();
  await ready(page, info);

  // A group with one user.
  await page.getByLabel("New group").fill("New hires");
  await page.getByRole("button", { name: "Create group" }).click();
  const group = page.getByTestId("group-New hires");
  await expect(group).toContainText("No users yet");
  await ready(page, info);
  const ada = page.getByTestId("user-ada@contoso.example");
  await ada.getByLabel("Add Ada Lovelace to a group").selectOption({ label: "New hires" });
  await ada.getByRole("button", { name: "Add to group" }).click();
  await expect(group.locator(".members li")).toHaveCount(1);
  await expect(group).toContainText("Ada Lovelace · ada@contoso.example");
  await expect(page.getByTestId("user-ada@contoso.example")).toContainText("New hires");

  // The list counts them.
  await page.getByRole("link", { name: "← Customers" }).click();
  const row = page.getByTestId("customer-Contoso");
  await expect(row).toContainText("3");
  await expect(row).toContainText("1");

  expect(errors).toEqual([]);
});
