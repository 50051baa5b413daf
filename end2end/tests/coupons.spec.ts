import { expect, test } from "@playwright/test";
import { checkAndApply, distributorCoupon, ready, signUp, uniqueEmail, watchConsole } from "./helpers";

test("generate a coupon in one workgroup and redeem it in another", async ({ browser }, info) => {
  const js = info.project.name === "hydrated";
  const ada = await browser.newPage({ javaScriptEnabled: js });
  const adaErrors = watchConsole(ada);
  await signUp(ada, info, "Ada Admin", uniqueEmail("ada", info));

  // Ada's workgroup gets 5 licenses from a distributor coupon.
  const distributor = distributorCoupon(5);
  await checkAndApply(ada, info, distributor.toLowerCase(), /5 Mailbox Migration licenses/);
  await ada.goto("/settings/licenses");
  await ready(ada, info);
  const adaPacks = ada.getByTestId("packs");
  await expect(adaPacks).toContainText("Mailbox Migration");
  await expect(adaPacks.locator("tbody tr").first().locator("td").nth(4)).toHaveText("5");

  // She moves 2 of them into a coupon.
  await ada.goto("/settings/coupons");
  await ready(ada, info);
  await ada.getByRole("link", { name: "Generate a coupon" }).click();
  await ready(ada, info);
  await ada.getByLabel("Label").fill("For Bob");
  await ada.getByLabel("Number of licenses").fill("2");
  await ada.getByRole("button", { name: "Generate the Coupon Code" }).click();
  const generated = ada.getByTestId("generated-coupons");
  await expect(generated.locator("tbody tr").first()).toContainText("For Bob");
  const code = (await generated.locator("tbody tr").first().locator("code.coupon-code").textContent())!.trim();
  expect(code).toMatch(/^[2-9A-HJ-NP-Z]{5}(-[2-9A-HJ-NP-Z]{5}){3}$/);

  // Bob, in his own workgroup, checks then applies it.
  const bobContext = await browser.newContext({ javaScriptEnabled: js });
  const bob = await bobContext.newPage();
  const bobErrors = watchConsole(bob);
  await signUp(bob, info, "Bob Buyer", uniqueEmail("bob", info));
  await checkAndApply(bob, info, code, /2 Mailbox Migration licenses/);
  await bob.goto("/settings/licenses");
  await ready(bob, info);
  const bobRow = bob.getByTestId("packs").locator("tbody tr").first();
  await expect(bobRow).toContainText("Coupon");
  await expect(bobRow.locator("td").nth(4)).toHaveText("2");

  // The same code again is refused; Ada's pack has 3 left, and the log says why.
  await bob.goto(`/settings/coupons?codes=${code}`);
  await expect(bob.getByTestId("coupon-outcomes")).toContainText("Already redeemed.");
  await ada.goto("/settings/licenses");
  await ready(ada, info);
  await expect(ada.getByTestId("packs").locator("tbody tr").first().locator("td").nth(4)).toHaveText("3");
  await expect(ada.getByTestId("license-log")).toContainText("Moved to coupon");

  expect(adaErrors).toEqual([]);
  expect(bobErrors).toEqual([]);
  await bobContext.close();
});
