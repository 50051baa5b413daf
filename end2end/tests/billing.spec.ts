import { expect, Page, test, TestInfo } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { ready, signUp, uniqueEmail, watchConsole } from "./helpers";

async function payByCard(page: Page, info: TestInfo, number: string) {
  await ready(page, info);
  await page.getByLabel("Cardholder name").fill("Ada Lovelace");
  await page.getByLabel("Card number").fill(number);
  await page.getByLabel("Expiry (MM/YY)").fill("12/39");
  await page.getByLabel("CVC").fill("123");
  await page.getByRole("button", { name: "Checkout" }).click();
}

/// The billing address step of the cart (shipped to it), then Next.
async function enterBillingAddress(page: Page, info: TestInfo, name: string, street: string, city: string, postal: string) {
  await ready(page, info);
  const billing = page.getByRole("group", { name: "Billing address" });
  await billing.getByLabel("Name").fill(name);
  await billing.getByLabel("Street address").fill(street);
  await billing.getByLabel("City").fill(city);
  await billing.getByLabel("Postal code").fill(postal);
  await billing.getByLabel("Country").selectOption({ label: "United Kingdom" });
}

test("buy Mailbox Migration licenses by card, see them, and export the order", async ({ page }, info) => {
  const errors = watchConsole(page);
  await signUp(page, info, "Ada Buyer", uniqueEmail("ada", info));

  // The purchase icon in the top bar opens the cart; pick a type, a count, Next.
  await page.locator(".topbar").getByRole("link", { name: "Shopping Cart" }).click();
  await expect(page).toHaveURL(/\/settings\/cart$/);
  await ready(page, info);
  await page.getByRole("navigation", { name: "Buy Products" }).getByRole("link", { name: /Mailbox Migration/ }).click();
  await expect(page.getByRole("heading", { name: "Mailbox Migration" })).toBeVisible();
  await ready(page, info);
  await page.getByLabel("Number of licenses").fill("3");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page).toHaveURL(/\/settings\/cart$/);
  await expect(page.getByTestId("cart")).toContainText("Mailbox Migration");
  await expect(page.getByTestId("cart-total")).toHaveText("$36.00");
  await ready(page, info);

  // Purchase, the billing address (shipped to it), Next.
  await page.getByRole("link", { name: "Purchase" }).click();
  await expect(page).toHaveURL(/\/settings\/cart\/address$/);
  await enterBillingAddress(page, info, "Ada Buyer", "1 Analytical Way", "London", "N1 9GU");
  await expect(page.getByLabel("Ship to billing address")).toBeChecked();
  await expect(page.getByRole("group", { name: "Shipping address" })).toBeHidden();
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page).toHaveURL(/\/settings\/cart\/complete/);
  await expect(page.getByTestId("purchase")).toContainText("$36.00");

  // A declined card says so and buys nothing.
  await payByCard(page, info, "4000 0000 0000 0002");
  await expect(page.locator("#number-error")).toHaveText("Your card was declined.");
  await expect(page).toHaveURL(/\/settings\/cart\/complete/);

  // The test card that succeeds.
  await payByCard(page, info, "4242 4242 4242 4242");
  await expect(page).toHaveURL(/\/settings\/billing\/[0-9a-f-]{36}\?paid=1$/);
  await expect(page.getByTestId("order-status")).toHaveText("Paid");
  await expect(page.getByText("Thank you: the payment went through.")).toBeVisible();
  await expect(page.getByTestId("order-lines")).toContainText("Mailbox Migration");

  // The licenses are on the Licenses tab.
  await page.goto("/settings/licenses");
  await ready(page, info);
  const pack = page.getByTestId("packs").locator("tbody tr").first();
  await expect(pack).toContainText("Mailbox Migration");
  await expect(pack).toContainText("Purchased");
  await expect(pack.locator("td").nth(4)).toHaveText("3");

  // One order on Billing History (the declined card made none), exported.
  await page.goto("/settings/billing");
  await ready(page, info);
  const rows = page.getByTestId("billing-history").locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("3 × Mailbox Migration");
  await expect(rows.first()).toContainText("$36.00");
  await expect(rows.first()).toContainText("Visa •••• 4242");
  await expect(rows.first()).toContainText("Paid");
  await expect(page.getByTestId("cart")).toHaveCount(0);
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^billing-history-\d{4}-\d{2}-\d{2}\.xlsx$/);
  const file = readFileSync((await download.path())!);
  expect(file.subarray(0, 2).toString()).toBe("PK"); // an .xlsx is a zip

  // The cart is empty again.
  await page.goto("/settings/cart");
  await expect(page.getByText("Your cart is empty.")).toBeVisible();
  expect(errors).toEqual([]);
});

test("a quote says what to put on the wire transfer; the licenses arrive when the operator records it", async ({ page }, info) => {
  const errors = watchConsole(page);
  await signUp(page, info, "Wes Wire", uniqueEmail("wes", info));
  await page.goto("/settings/cart?type=document_migration");
  await ready(page, info);
  await page.getByLabel("Number of licenses").fill("2");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByTestId("cart")).toContainText("Document Migration");
  await ready(page, info);
  await page.getByRole("link", { name: "Purchase" }).click();
  await expect(page).toHaveURL(/\/settings\/cart\/address$/);
  await enterBillingAddress(page, info, "Wes Wire", "2 Transfer Lane", "Leeds", "LS1 1AA");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page).toHaveURL(/\/settings\/cart\/complete/);
  await page.getByRole("link", { name: "Pay via Wire Transfer" }).click();
  await expect(page.getByText("the licenses arrive when the transfer is received")).toBeVisible();
  await ready(page, info);
  await page.getByRole("button", { name: "Create Quote" }).click();

  // The printable quote: the reference to quote, and when the licenses come.
  await expect(page).toHaveURL(/\/settings\/billing\/[0-9a-f-]{36}\/quote$/);
  const quote = page.getByTestId("quote");
  await expect(quote).toContainText(/Quote #\d+/);
  const number = (await quote.locator("h2").innerText()).replace(/\D/g, "");
  await expect(page.getByTestId("wire-instructions")).toContainText(`quote TANDEM-${number} (your order number, ${number})`);
  await expect(page.getByTestId("wire-instructions")).toContainText("The licenses are added to your workgroup when the transfer is received.");

  // Nobody in the workgroup can mark it paid: the order page offers no such thing.
  const orderUrl = page.url().replace(/\/quote$/, "");
  await page.goto(orderUrl);
  await expect(page.getByTestId("order-status")).toHaveText("Open");
  await expect(page.getByTestId("wire-instructions")).toContainText(`TANDEM-${number}`);
  await expect(page.getByRole("button", { name: /paid/i })).toHaveCount(0);

  // The operator lists it, records the transfer, and the licenses are there.
  const listed = execFileSync("../target/release/tandem", ["orders", "list", "--open"], { encoding: "utf8" });
  expect(listed).toContain(`TANDEM-${number}`);
  const total = "3000"; // 2 × $15.00
  execFileSync("../target/release/tandem", ["orders", "mark-paid", number, "--reference", "BANK 7781", "--amount", total], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  await page.goto(orderUrl);
  await expect(page.getByTestId("order-status")).toHaveText("Paid");
  await expect(page.getByText("BANK 7781")).toBeVisible();
  await page.goto("/settings/licenses");
  const pack = page.getByTestId("packs").locator("tbody tr").first();
  await expect(pack).toContainText("Document Migration");
  expect(errors).toEqual([]);
});
