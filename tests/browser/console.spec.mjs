// Drives the care console against a running local host, as a nurse of the simulated ward and as a nurse of another
// ward. Environment: IOMT_URL, NURSE_TOKEN, OTHER_TOKEN, PHYSICIAN_TOKEN (a physician of the simulated ward),
// HOME_PATIENT (a patient of the ward at home with an incomplete NEWS2), LOW_MEDIUM_PATIENT (one whose NEWS2 of 3 is a
// single parameter scoring 3), SCREENSHOTS (folder), CHROMIUM (default /usr/bin/chromium).
// Exits 0 when every check passes; otherwise prints what failed and exits 1.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { audit } from "./audit.mjs";

const { IOMT_URL: url, NURSE_TOKEN: nurse, OTHER_TOKEN: other, PHYSICIAN_TOKEN: physician, HOME_PATIENT: home, LOW_MEDIUM_PATIENT: lowMedium, SCREENSHOTS: shots = "screenshots", CHROMIUM = "/usr/bin/chromium" } = process.env;
mkdirSync(shots, { recursive: true });
const api = async (path, token, put) => {
  const response = await fetch(new URL(`api/${path}`, url), {
    method: put ? "PUT" : "GET",
    headers: { Authorization: `Bearer ${token}`, ...(put ? { "Content-Type": "application/json" } : {}) },
    body: put ? JSON.stringify(put) : undefined,
  });
  return { status: response.status, body: await response.json() };
};
const check = (condition, message) => {
  if (!condition) throw new Error(message);
  console.log(`ok - ${message}`);
};

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const errors = [];
page.on("pageerror", (error) => errors.push(error.message));
try {
  let signedInOnce = false;
  const signIn = async (token) => {
    await page.goto(url);
    if (!signedInOnce) await audit(page, "0-sign-in", shots, check);
    signedInOnce = true;
    await page.getByLabel("API token").fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Alerts" }).waitFor();
  };

  // 1. A simulated desaturation appears in the nurse's inbox, live.
  await signIn(nurse);
  const desaturation = page.locator("#alerts tbody tr", { hasText: "SpO2 low" }).filter({ hasText: "sim-patient-002" });
  await desaturation.first().waitFor({ timeout: 120_000 });
  check(await page.getByRole("status").textContent() === "live", "the inbox follows the live feed");
  check((await page.locator("#who-name").textContent()) === "nurse · team sim-ward", `the header names the user once, with role and team (${await page.locator("#who-name").textContent()})`);
  const rows = await page.locator("#alerts tbody tr").evaluateAll((trs) => trs.map((tr) => ({
    value: tr.querySelector(".value")?.textContent ?? "", patient: tr.cells[2]?.textContent ?? "", text: tr.textContent })));
  const bare = rows.filter((r) => !/\d/.test(r.value) || !r.patient.trim());
  check(rows.length > 0 && bare.length === 0, `every inbox row shows a value and a patient (${rows.length} rows${bare.length ? `; not: ${bare.map((r) => r.text).join(" | ")}` : ""})`);
  const spo2Row = await desaturation.first().textContent();
  check(/Bram Simulated/.test(spo2Row) && /ward Simulation · room 1 · bed B/.test(spo2Row) && /\d+ %, limit \d+/.test(spo2Row),
    `the desaturation's row names the patient, the bed, the value with its unit and the limit (${spo2Row})`);
  await audit(page, "1-inbox", shots, check);
  const alertId = await desaturation.first().getAttribute("data-alert-id");
  check(alertId?.startsWith("sim-patient-002:spo2-low:"), `the desaturation is in the inbox (${alertId})`);

  // 2. Keyboard: the row opens with Enter; Acknowledge stops the escalation (checked through the API).
  await desaturation.first().focus();
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "SpO2 low" }).waitFor();
  await page.getByRole("button", { name: "Acknowledge" }).click();
  await page.locator("#facts dd", { hasText: "acknowledged" }).first().waitFor();
  await audit(page, "2-acknowledged", shots, check);
  const { body: detail } = await api(`alerts/${encodeURIComponent(alertId)}`, nurse);
  const acknowledgedAt = Date.parse(detail.alert.acknowledgedAt);
  check(detail.alert.status === "acknowledged" && detail.alert.acknowledgedBy === "nurse", "the API says the nurse acknowledged it");
  check(Date.parse(detail.alert.nextStepAt) - acknowledgedAt === 30 * 60_000, "its next step is the acknowledgement timeout, not the next level");
  check(!detail.history.some((h) => h.action === "level-notified" && Date.parse(h.at) > acknowledgedAt), "no level was notified after the acknowledgement");

  // 3. The patient list and the patient's page: the patient's name and bed, charts with the patient's own limits and
  //    alert markers, devices, adherence.
  const limited = await api("patients/sim-patient-002/settings", physician,
    { limits: { "spo2-low": { raiseAt: 88, clearAt: 91 } }, reason: "browser test: a patient's own SpO2 limit" });
  check(limited.status === 200, `a physician of the ward sets the patient's own SpO2 limit (${limited.status})`);
  await page.getByRole("link", { name: "Patients" }).click();
  const listed = page.locator("#patient-list tr", { hasText: "sim-patient-002" });
  await listed.waitFor();
  check(/Bram Simulated/.test(await listed.textContent()) && /ward Simulation · room 1 · bed B/.test(await listed.textContent()),
    `the patient list shows the patient's name and bed (${await listed.textContent()})`);
  // A patient at home whose oximeter measures SpO2 and pulse only (HOME_PATIENT): their NEWS2 is incomplete, a lower bound.
  const incomplete = (await api("patients", nurse)).body.find((p) => p.id === home);
  check(incomplete?.news2Complete === false, `the API says the home patient's NEWS2 is incomplete (${incomplete?.news2Complete})`);
  const homeCell = page.locator("#patient-list tr", { hasText: incomplete.id }).locator("td").nth(2);
  await homeCell.locator(".badge").waitFor();
  check((await homeCell.textContent()).startsWith("≥ ") && /incomplete/i.test(await homeCell.locator(".badge").getAttribute("title")),
    `the list shows an incomplete NEWS2 as a lower bound and says why (${incomplete.id}: ${await homeCell.textContent()})`);
  const lowMediumCell = page.locator("#patient-list tr", { hasText: lowMedium }).locator("td").nth(2);
  const lowMediumBadge = lowMediumCell.locator(".badge");
  check(/^3 \(A single parameter scores 3/.test(await lowMediumBadge.textContent()) && /\bmedium\b/.test(await lowMediumBadge.getAttribute("class")),
    `a single parameter scoring 3 shows in the urgent colour and says why (${await lowMediumBadge.getAttribute("class")}: ${await lowMediumBadge.textContent()})`);
  check(/ 3 h ago$/.test(await lowMediumCell.textContent()) && !/ago/.test(await homeCell.textContent()),
    `a score over an hour old says its age, a fresh one does not (${await lowMediumCell.textContent()} | ${await homeCell.textContent()})`);
  const lowMediumSpo2 = await page.locator("#patient-list tr", { hasText: lowMedium }).locator("td").nth(3).textContent();
  const freshSpo2 = await listed.locator("td").nth(3).textContent();
  check(lowMediumSpo2 === "91 % 3 h ago" && /^\d+ %$/.test(freshSpo2), `so does a vital sign (${lowMediumSpo2} | ${freshSpo2})`);
  await page.goto(`${url}#/patients/${encodeURIComponent(home)}`);
  await page.locator("#patient-news2 .badge").waitFor();
  check((await page.locator("#patient-news2 .badge").textContent()).startsWith("NEWS2 ≥ 0"), `the patient's page shows the lower bound too (${await page.locator("#patient-news2").textContent()})`);
  await page.getByRole("link", { name: "Patients" }).click();
  await listed.waitFor();
  await page.getByRole("link", { name: "Bram Simulated sim-patient-002" }).click();
  await page.getByRole("heading", { name: "Bram Simulated · ward Simulation · room 1 · bed B · sim-ward" }).waitFor();
  check(true, "the patient's page is titled with their name and bed");
  await page.getByRole("img", { name: /SpO2 \(%\): \d+ readings/ }).waitFor();
  const spo2 = await page.getByRole("img", { name: /SpO2/ }).getAttribute("aria-label");
  check(/limits 88$/.test(spo2) && !/: 0 readings/.test(spo2), `the SpO2 chart has readings and the patient's own limit (${spo2})`);
  const pulse = await page.getByRole("img", { name: /Heart rate/ }).getAttribute("aria-label");
  check(/limits 40, 131$/.test(pulse), `the other charts keep the default limits (${pulse})`);
  check(await page.locator("#charts .chart", { hasText: "SpO2" }).locator(".episode").count() > 0, "the SpO2 chart marks its alert episodes");
  check(await page.locator("#charts .chart", { hasText: "No readings in this range" }).locator(".episode").count() === 0, "a chart without readings marks none");
  const axes = await page.locator("#charts svg").evaluateAll((svgs) => svgs.map((svg) => [svg.getAttribute("aria-label"), svg.querySelectorAll(".tick").length, svg.querySelectorAll(".time").length]));
  check(axes.every(([, ticks, times]) => ticks >= 2 && times >= 2), `every chart has y-axis and time labels (${axes.map(([l, t, x]) => `${l.split(":")[0]} ${t}/${x}`).join(", ")})`);
  const times = await page.locator("#charts .time").allTextContents();
  check(times.every((t) => /^\d\d:\d\d$/.test(t)), `times are 24-hour (${times.slice(0, 3).join(", ")})`);
  check(/^Latest \d+/.test(await page.locator("#charts .chart", { hasText: "SpO2" }).locator(".current").textContent()), "the SpO2 chart shows the current value");
  check((await page.locator("#charts .chart", { hasText: "Blood pressure" }).locator(".legend").textContent()) === "systolicdiastolic", "blood pressure has a legend");
  check(await page.locator("#devices td", { hasText: "sim-patient-002-monitor" }).count() === 1, "the patient's monitor is listed");
  await audit(page, "3-patient", shots, check);
  // The test host simulates no ECG patch: its timeline gets an ECG patch's AF reading (as the host records one).
  await page.route("**/api/patients/sim-patient-002/timeline?*", async (route) => {
    const response = await route.fetch();
    const entries = await response.json();
    const at = new Date().toISOString();
    entries.push({ id: "ecg", at, type: "reading", code: "ecgRhythm", value: null, value2: null, deviceId: "sim-patient-002-ecg",
      data: { reading: { $type: "coded", kind: "ecgRhythm", at, code: "afib" }, deviceId: "sim-patient-002-ecg" } });
    await route.fulfill({ response, json: entries });
  });
  await page.selectOption("#range", "6");
  await page.locator("#patient-rhythm", { hasText: /^ECG rhythm AF \(atrial fibrillation\) at \d\d:\d\d$/ }).waitFor();
  check(true, `the patient's page shows the ECG rhythm (${await page.locator("#patient-rhythm").textContent()})`);
  await page.unroute("**/api/patients/sim-patient-002/timeline?*");
  await page.getByRole("link", { name: "Patients" }).click();
  await listed.waitFor();
  await audit(page, "4-patients", shots, check);
  await page.getByRole("link", { name: "Alerts" }).click();
  // The alert keeps the limit its value crossed, though the patient's own limit is 88 now.
  check((await api(`alerts/${encodeURIComponent(alertId)}`, nurse)).body.alert.limit === 90, "the API gives the limit the alert crossed");
  await page.goto(`${url}#/alerts/${encodeURIComponent(alertId)}`);
  const crossed = page.locator("#facts dd", { hasText: /, limit \d+$/ }).first();
  await crossed.waitFor();
  check(/, limit 90$/.test(await crossed.textContent()), `the alert shows the limit it crossed, not the patient's limit now (${await crossed.textContent()})`);

  // 5. A nurse of another care team sees neither the alert nor the patient.
  await page.getByRole("button", { name: "Sign out" }).click();
  await signIn(other);
  check(await page.locator("#alerts tbody tr", { hasText: "sim-patient-002" }).count() === 0, "another ward's nurse does not see the patient's alerts");
  await page.goto(`${url}#/alerts/${encodeURIComponent(alertId)}`);
  await page.getByRole("heading", { name: "Alert not available" }).waitFor();
  await page.getByRole("link", { name: "Patients" }).click();
  await page.getByRole("heading", { name: "Patients" }).waitFor();
  check(await page.getByRole("link", { name: "sim-patient-002" }).count() === 0, "nor in the patient list");
  await audit(page, "5-other-ward", shots, check);
  check((await api(`alerts/${encodeURIComponent(alertId)}`, other)).status === 404, "the API answers 404 to that nurse");
  check((await api("patients/sim-patient-002", other)).status === 404, "and does not show the patient");
  check((await api("patients", other)).body.length === 0, "nor list it");

  // 6. Signed in by the platform (Azure: App Service Authentication's session; here every API request carries the
  //    nurse's credentials without the console knowing a token, and there is no live feed): the console signs in by
//    itself, polls, and signs out through /.auth/logout.
  const session = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  session.on("pageerror", (error) => errors.push(error.message));
  await session.route("**/api/**", (route) => route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${nurse}` } }));
  await session.route("**/.auth/logout", (route) => route.fulfill({ status: 200, contentType: "text/plain", body: "signed out" }));
  await session.route("**/api/live", (route) => route.fulfill({ status: 404, body: "" }));
  await session.goto(url);
  await session.getByRole("heading", { name: "Alerts" }).waitFor();
  check(await session.getByLabel("API token").isHidden(), "a platform session signs in without a token");
  check((await session.locator("#who-name").textContent()).startsWith("nurse"), "as the user the API says");
  await session.getByText("refreshing every 15 s").waitFor();
  check(true, "without a live feed (Azure) the inbox refreshes every 15 s");
  await Promise.all([session.waitForURL(/\/\.auth\/logout$/), session.getByRole("button", { name: "Sign out" }).click()]);
  check(true, "signing out of a platform session goes to /.auth/logout");
  await session.close();

  // 7. Served by the Functions app (/api/console/, mapped here onto the local files) with no session: the only way in
  //    is the organization sign-in of App Service Authentication; there is no token form.
  const azure = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  azure.on("pageerror", (error) => errors.push(error.message));
  await azure.route("**/api/console/**", async (route) =>
    route.fulfill({ response: await route.fetch({ url: route.request().url().replace("/api/console/", "/console/") }) }));
  await azure.goto(new URL("api/console/", url).href);
  const organization = azure.getByRole("link", { name: "Sign in with your organization account" });
  await organization.waitFor();
  check((await organization.getAttribute("href")) === "/.auth/login/aad?post_login_redirect_uri=/api/console/", "in Azure the console offers Entra sign-in");
  check(await azure.getByLabel("API token").isHidden(), "and no API token form");
  await azure.close();
  check(errors.length === 0, `no script errors in the pages${errors.length ? `: ${errors.join("; ")}` : ""}`);
} catch (error) {
  await page.screenshot({ path: join(shots, "failure.png"), fullPage: true }).catch(() => {});
  console.error(`not ok - ${error.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
