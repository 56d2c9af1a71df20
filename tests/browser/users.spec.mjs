// Drives the console's Users page against a running local host: an admin adds a user, issues a token (shown once),
// revokes it, disables the user and reads the history; a nurse has no Users page. Environment: IOMT_URL,
// ADMIN_TOKEN, NURSE_TOKEN, SCREENSHOTS (folder), CHROMIUM (default /usr/bin/chromium).
// Exits 0 when every check passes; otherwise prints what failed and exits 1.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { audit } from "./audit.mjs";

const { IOMT_URL: url, ADMIN_TOKEN: admin, NURSE_TOKEN: nurse, SCREENSHOTS: shots = "screenshots", CHROMIUM = "/usr/bin/chromium" } = process.env;
mkdirSync(shots, { recursive: true });
const me = async (token) => (await fetch(new URL("api/me", url), { headers: { Authorization: `Bearer ${token}` } })).status;
const check = (condition, message) => {
  if (!condition) throw new Error(message);
  console.log(`ok - ${message}`);
};

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const errors = [];
page.on("pageerror", (error) => errors.push(error.message));
try {
  const signIn = async (token) => {
    await page.goto(url);
    await page.getByLabel("API token").fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Alerts" }).waitFor();
  };

  // 1. The admin adds a nurse of ward-42; a bad role is refused with the API's words.
  await signIn(admin);
  await page.getByRole("link", { name: "Users" }).click();
  await page.getByRole("heading", { name: "Users" }).waitFor();
  await page.getByLabel("User id").fill("nurse-42");
  await page.getByLabel("Roles").fill("surgeon");
  await page.getByRole("button", { name: "Save user" }).click();
  await page.locator("#users-error", { hasText: "Unknown role" }).waitFor();
  check(true, "an unknown role is refused with the API's message");
  await page.getByLabel("Roles").fill("nurse");
  await page.getByLabel("Care teams").fill("ward-42");
  await page.getByRole("button", { name: "Save user" }).click();
  const row = page.locator("#user-list tbody tr", { hasText: "nurse-42" });
  await row.waitFor();
  check((await row.textContent()).includes("ward-42"), "the new user is listed with their care team");
  await audit(page, "users-1-list", shots, check);

  // 2. A token for the nurse: its secret is shown once and signs the nurse in.
  await page.getByRole("link", { name: "nurse-42" }).click();
  await page.getByRole("heading", { name: /^nurse-42/ }).waitFor();
  await page.getByLabel("Label").fill("ward tablet");
  await page.getByLabel("Valid for (days, 1–365)").fill("30");
  await page.getByRole("button", { name: "Issue token" }).click();
  await page.locator("#new-token").waitFor();
  const secret = (await page.locator("#new-token-value").textContent()).trim();
  await page.locator("#tokens td", { hasText: "ward tablet" }).waitFor();
  check(secret.startsWith("iomt_"), "the new token is shown");
  check(await me(secret) === 200, "and signs the nurse in");
  await page.screenshot({ path: join(shots, "users-2-token.png"), fullPage: true });

  // 3. Revoked, it stops working; disabled, the user says so; the history has every change by the admin.
  await page.getByRole("button", { name: "Revoke token ward tablet" }).click();
  await page.locator("#tokens", { hasText: "No tokens." }).waitFor();
  check(await page.locator("#new-token").isHidden(), "the secret is not shown again");
  check(await me(secret) === 401, "the revoked token no longer signs in");
  await page.getByRole("button", { name: "Disable" }).click();
  await page.getByRole("heading", { name: /disabled$/ }).waitFor();
  const history = await page.locator("#user-history li").allTextContents();
  check(["user.disabled", "token.revoked", "token.issued", "user.saved"].every((action, i) => history[i]?.includes(`${action} admin`)),
    `the history lists every change by the admin (${history.length} entries)`);
  await audit(page, "users-3-history", shots, check);

  // 4. The Devices page: every device with its patient; the admin disables one (the API says so) and enables it again.
  await page.getByRole("link", { name: "Devices" }).click();
  const monitor = page.locator("#device-list tbody tr", { hasText: "sim-patient-002-monitor" });
  await monitor.waitFor();
  check((await monitor.textContent()).includes("sim-patient-002"), "the devices page lists the monitor with its patient");
  await page.getByRole("button", { name: "Disable sim-patient-002-monitor" }).click();
  await page.getByRole("button", { name: "Enable sim-patient-002-monitor" }).waitFor();
  const device = async () => (await (await fetch(new URL("api/devices/sim-patient-002-monitor", url), { headers: { Authorization: `Bearer ${admin}` } })).json()).status;
  check(await device() === "disabled", "disabling it from the page disables the device");
  await audit(page, "devices", shots, check);
  await page.getByRole("button", { name: "Enable sim-patient-002-monitor" }).click();
  await page.getByRole("button", { name: "Disable sim-patient-002-monitor" }).waitFor();
  check(await device() === "enabled", "and enabling it enables it again");

  // 5. A nurse has no Users page, and the API refuses them.
  await page.getByRole("button", { name: "Sign out" }).click();
  await signIn(nurse);
  check(await page.getByRole("link", { name: "Users" }).isHidden(), "a nurse has no Users link");
  check(await page.getByRole("link", { name: "Devices" }).isHidden(), "nor a Devices link");
  await page.goto(`${url}#/users`);
  await page.locator("#users-error", { hasText: "Only admins" }).waitFor();
  check(true, "and the page says only admins manage users");
  check(errors.length === 0, `no script errors in the page${errors.length ? `: ${errors.join("; ")}` : ""}`);
} catch (error) {
  await page.screenshot({ path: join(shots, "users-failure.png"), fullPage: true }).catch(() => {});
  console.error(`not ok - ${error.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
