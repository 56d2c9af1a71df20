// The care console: the alert inbox with live updates, one alert's history and actions, the patients and their vitals.
// Signed in with an API token (the local host), or by App Service Authentication's session (Azure: Entra ID).
// Plain modules, no build step and nothing fetched from elsewhere: the host serves these files as they are.
import { chart, clock, fitWindow, fixed } from "./charts.js";
import { showDevices } from "./devices.js";
import { showUser, showUsers, wireUsers } from "./users.js";

const $ = (id) => document.getElementById(id);
const state = { token: sessionStorage.getItem("iomt.token"), me: null, alerts: [], selected: null, live: null, patients: null, settings: new Map() };

async function api(path, options = {}) {
  const response = await fetch(`/api/${path}`, {
    ...options,
    headers: { ...(state.token ? { Authorization: `Bearer ${state.token}` } : {}), ...(options.body ? { "Content-Type": "application/json" } : {}) },
  });
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.status === 401 && state.me) signOut("Your session ended; sign in again.");
  if (!response.ok) throw new Error(body?.detail ?? body?.title ?? `HTTP ${response.status}`);
  return body;
}

const text = (tag, value, className) => {
  const element = document.createElement(tag);
  element.textContent = value ?? "";
  if (className) element.className = className;
  return element;
};
const when = (iso) => (iso ? new Date(iso).toLocaleString([], { dateStyle: "short", timeStyle: "short", hourCycle: "h23" }) : "—");
const ago = (iso) => {
  const minutes = Math.round((Date.now() - new Date(iso)) / 60000);
  return minutes < 1 ? "just now" : minutes < 60 ? `${minutes} min ago` : `${Math.round(minutes / 60)} h ago`;
};

// token: an API token; null: the platform's session (App Service Authentication), if there is one.
async function signIn(token) {
  state.token = token;
  state.me = await api("me");
  if (token) sessionStorage.setItem("iomt.token", token);
  // The user once, then their roles (those that are not just their name again) and care teams.
  const roles = state.me.roles.filter((r) => r !== state.me.id);
  const teams = state.me.careTeams.length ? `team ${state.me.careTeams.join(", ")}` : "";
  $("who-name").replaceChildren(text("strong", state.me.id), ...[roles.join(", "), teams].filter(Boolean).map((t) => ` · ${t}`));
  $("who").hidden = $("nav").hidden = false;
  $("sign-in").hidden = true;
  const clinical = state.me.roles.some((r) => ["care-coordinator", "nurse", "physician"].includes(r));
  $("actions").hidden = $("note-form").hidden = !clinical;
  // Users are managed here on the local host only (in Azure, in Entra ID: the route does not exist there).
  $("nav-users").hidden = !(state.me.roles.includes("admin") && (await api("users").then(() => true, () => false)));
  $("nav-devices").hidden = !state.me.roles.includes("admin");
  await refresh();
  listen();
  await route();
}

// In Azure (served under /api/console/) people sign in with Entra ID through App Service Authentication, never a token.
const platformSignIn = location.pathname.startsWith("/api/console");

function signOut(message) {
  if (state.me && !state.token) {
    location.href = "/.auth/logout";
    return;
  }
  state.live?.abort();
  Object.assign(state, { token: null, me: null, alerts: [], selected: null, live: null, patients: null, settings: new Map() });
  sessionStorage.removeItem("iomt.token");
  $("who").hidden = $("nav").hidden = true;
  ["workspace", "patients", "patient", "users", "user", "devices-page"].forEach((id) => ($(id).hidden = true));
  $("sign-in").hidden = false;
  $("entra-sign-in").hidden = !platformSignIn;
  $("sign-in-form").hidden = platformSignIn;
  $("sign-in-error").textContent = message ?? "";
  $("token").value = "";
  $("token").focus();
  if (location.hash) history.replaceState(null, "", location.pathname);
}

// The patients the reader may see, by id (name and location where the reader is shown them); read again when an alert
// names one not yet known. Readers who see no patients (device makers) get none.
async function patientsById(ids) {
  if (!state.patients || ids.some((id) => !state.patients.has(id))) {
    state.patients = await api("patients").then((list) => new Map(list.map((p) => [p.id, p])), () => new Map());
  }
  return state.patients;
}

// A patient's rules as they apply to them (their settings' effectiveRules), read once per inbox refresh; null when not readable.
function rulesOf(patientId) {
  if (!state.settings.has(patientId)) {
    state.settings.set(patientId, api(`patients/${encodeURIComponent(patientId)}/settings`).then((s) => s.effectiveRules, () => null));
  }
  return state.settings.get(patientId);
}

// "121 /min, limit 131": the value that raised the alert and the limit it crossed, as the patient's rule had it then
// (alerts raised before the alert kept it: the rule's limit now).
async function valueAndLimit(alert) {
  if (alert.value == null) return alert.code ?? "—";
  const limit = alert.limit ?? (await rulesOf(alert.patientId))?.find((r) => r.id === alert.ruleId)?.raiseAt;
  const value = [fixed(alert.value, Number.isInteger(alert.value) ? 0 : 1), alert.unit].filter(Boolean).join(" ");
  return `${value}${limit != null ? `, limit ${limit}` : ""}`;
}

const who = (targets) => targets?.map((t) => t.replace(/^[a-z]+:/, "")).join(", ") || "—";

async function refresh() {
  const alerts = await api(`alerts?status=${$("status").value}&limit=200`);
  state.settings = new Map();
  const [patients, values] = await Promise.all([patientsById([...new Set(alerts.map((a) => a.patientId))]), Promise.all(alerts.map(valueAndLimit))]);
  state.alerts = alerts;
  const rows = alerts.map((alert, i) => {
    const row = document.createElement("tr");
    row.tabIndex = 0;
    row.dataset.alertId = alert.alertId;
    row.setAttribute("aria-selected", String(alert.alertId === state.selected));
    const priority = document.createElement("td");
    priority.append(text("span", alert.priority, `badge ${alert.priority}`));
    const title = text("td", alert.title, "alert-title");
    title.append(text("span", values[i], "value"));
    const p = patients.get(alert.patientId);
    const patient = document.createElement("td");
    patient.append(text("span", p?.displayName ?? alert.patientId, "nowrap"), text("span", place(p?.location), "sub-line"));
    if (p?.displayName) patient.append(text("span", alert.patientId, "patient-id"));
    const status = text("td", alert.status, "status");
    if (alert.acknowledgedBy) status.append(text("span", `by ${alert.acknowledgedBy}`, "sub-line"));
    const raised = document.createElement("td");
    raised.append(text("time", ago(alert.raisedAt)));
    raised.firstChild.dateTime = alert.raisedAt;
    raised.firstChild.title = when(alert.raisedAt);
    row.append(priority, title, patient, status, text("td", who(alert.notified)), raised);
    const open = () => (location.hash = `#/alerts/${encodeURIComponent(alert.alertId)}`);
    row.addEventListener("click", open);
    row.addEventListener("keydown", (e) => (e.key === "Enter" || e.key === " ") && (e.preventDefault(), open()));
    return row;
  });
  $("alerts").tBodies[0].replaceChildren(...rows);
  $("inbox-empty").hidden = rows.length > 0;
}

// Routes: #/alerts (default) and #/alerts/{id}; #/patients and #/patients/{id}; #/users and #/users/{id}, #/devices (admins).
async function route() {
  const patient = location.hash.match(/^#\/patients(?:\/(.+))?$/);
  const user = location.hash.match(/^#\/users(?:\/(.+))?$/);
  const devices = location.hash === "#/devices";
  $("workspace").hidden = !!(patient || user || devices);
  $("devices-page").hidden = !devices;
  $("patients").hidden = !patient || !!patient[1];
  $("patient").hidden = !patient?.[1];
  $("users").hidden = !user || !!user[1];
  $("user").hidden = !user?.[1];
  $("new-token").hidden = true;
  for (const [id, current] of [["nav-alerts", !patient && !user && !devices], ["nav-patients", !!patient], ["nav-users", !!user], ["nav-devices", devices]]) {
    if (current) $(id).setAttribute("aria-current", "page"); else $(id).removeAttribute("aria-current");
  }
  if (patient || user || devices) state.selected = null;
  if (devices) return showDevices(api).catch((error) => ($("devices-error").textContent = error.message));
  if (patient) return patient[1] ? showPatient(decodeURIComponent(patient[1])) : showPatients();
  if (user) {
    return (user[1] ? showUser(api, decodeURIComponent(user[1])) : showUsers(api))
      .catch((error) => ($(user[1] ? "user-error" : "users-error").textContent = error.message));
  }
  const match = location.hash.match(/^#\/alerts\/(.+)$/);
  state.selected = match ? decodeURIComponent(match[1]) : null;
  document.querySelectorAll("#alerts tbody tr").forEach((r) => r.setAttribute("aria-selected", String(r.dataset.alertId === state.selected)));
  if (!state.selected) {
    $("detail").hidden = true;
    return;
  }
  await showDetail();
}

async function showDetail() {
  $("action-error").textContent = "";
  let detail;
  try {
    detail = await api(`alerts/${encodeURIComponent(state.selected)}`);
  } catch (error) {
    $("detail").hidden = false;
    $("detail-title").textContent = "Alert not available";
    $("facts").replaceChildren();
    $("history").replaceChildren();
    $("action-error").textContent = error.message;
    return;
  }
  const a = detail.alert;
  $("detail").hidden = false;
  $("detail-title").textContent = a.title;
  const facts = [
    ["Patient", [state.patients?.get(a.patientId)?.displayName, place(state.patients?.get(a.patientId)?.location), a.patientId].filter(Boolean).join(" · ")],
    ["Status", a.status], ["Priority", a.priority], ["Value", await valueAndLimit(a)], ["Notified", who(a.notified)], ["Onset", when(a.onsetAt)], ["Raised", when(a.raisedAt)],
    ["Policy", `${a.policyId} v${a.policyVersion}: level ${a.level}, pass ${a.pass}${a.exhausted ? " (exhausted)" : ""}`],
    ["Next step", when(a.nextStepAt)], ["Acknowledged", a.acknowledgedBy ? `${a.acknowledgedBy}, ${when(a.acknowledgedAt)}` : "—"],
    ["Resolved", a.resolvedBy ? `${a.resolvedBy}, ${when(a.resolvedAt)}` : "—"],
  ];
  $("facts").replaceChildren(...facts.flatMap(([k, v]) => [text("dt", k), text("dd", v)]));
  const resolved = a.status === "resolved";
  ["acknowledge", "resolve", "snooze"].forEach((id) => ($(id).disabled = resolved));
  $("acknowledge").disabled = resolved || a.status === "acknowledged";
  $("history").replaceChildren(...detail.history.map((h) => {
    const item = document.createElement("li");
    const time = text("time", when(h.at));
    time.dateTime = h.at;
    item.append(time, text("strong", h.action), ` ${h.actor}${h.detail ? ` — ${h.detail}` : ""}`);
    return item;
  }));
}

async function act(path, body) {
  $("action-error").textContent = "";
  try {
    await api(`alerts/${encodeURIComponent(state.selected)}/${path}`, { method: "POST", body: body ? JSON.stringify(body) : undefined });
    await Promise.all([refresh(), showDetail()]);
  } catch (error) {
    $("action-error").textContent = error.message;
  }
}

// Server-sent events through fetch (EventSource cannot send the bearer token); reconnects with a growing pause.
async function listen(attempt = 0) {
  state.live?.abort();
  const controller = new AbortController();
  state.live = controller;
  let pending;
  try {
    const response = await fetch("/api/live", { headers: state.token ? { Authorization: `Bearer ${state.token}` } : {}, signal: controller.signal });
    if (response.status === 404) return poll(controller);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    $("live").textContent = "live";
    $("live").classList.add("on");
    attempt = 0;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      const events = buffer.split("\n\n");
      buffer = events.pop();
      if (events.some((e) => e.split("\n").some((line) => line.startsWith("event:")))) {
        clearTimeout(pending);
        pending = setTimeout(() => Promise.all([refresh(), state.selected ? showDetail() : null]).catch(() => {}), 250);
      }
    }
  } catch (error) {
    if (controller.signal.aborted) return;
  }
  if (state.live !== controller || !state.me) return;
  $("live").textContent = "reconnecting…";
  $("live").classList.remove("on");
  setTimeout(() => state.me && listen(attempt + 1).then(refresh).catch(() => {}), Math.min(30000, 1000 * 2 ** attempt));
}

// Where the host has no live feed (Azure: the inbox is the console channel), refresh every 15 seconds instead.
function poll(controller) {
  $("live").textContent = "refreshing every 15 s";
  $("live").classList.remove("on");
  const timer = setInterval(() => {
    if (controller.signal.aborted || !state.me) return clearInterval(timer);
    Promise.all([refresh(), state.selected ? showDetail() : null]).catch(() => {});
  }, 15000);
}

const band = (score) => (score == null ? "" : score >= 7 ? "high" : score >= 5 ? "medium" : "low");
// A NEWS2 badge in its response band's colour (a single parameter scoring 3 is an urgent response, as 5–6 is). An
// incomplete score, where a parameter was not measured, is only a lower bound of the true one and says so.
// The list says "lowMedium", a timeline entry's data "LowMedium".
const STALE_AFTER_MS = 60 * 60_000;
const NEWS2_BANDS = { high: "high", medium: "medium", lowmedium: "medium", low: "low" };
function news2Badge(score, data, label = "") {
  const { band: scoreBand, complete } = data ?? {};
  const named = String(scoreBand ?? "").toLowerCase();
  const badge = text("span", `${label}${complete === false ? "≥ " : ""}${fixed(score)}`, `badge ${NEWS2_BANDS[named] ?? band(score)}`);
  const why = [complete === false ? `Incomplete NEWS2: not every parameter was measured, so the score is at least ${fixed(score)}.` : "",
    named === "lowmedium" ? "A single parameter scores 3: urgent ward-based response." : ""].filter(Boolean).join(" ");
  if (why) {
    badge.title = why;
    badge.append(text("span", ` (${why})`, "visually-hidden"));
  }
  return badge;
}
const link = (href, label) => Object.assign(document.createElement("a"), { href, textContent: label });

// Where a patient is, for people: "home", or "ward 7 · room 12 · bed B"; empty when not known (or not for this reader).
const place = (location) => (!location ? "" : location.home ? "home"
  : [["ward", location.ward], ["room", location.room], ["bed", location.bed]].filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(" · "));

// The patient's name with their id beneath, or the id alone when the reader is not shown a name (or there is none).
function patientLink(p) {
  const a = link(`#/patients/${encodeURIComponent(p.id)}`, p.displayName ?? p.id);
  if (p.displayName) a.append(text("span", p.id, "patient-id"));
  return a;
}

// A patient list cell: the latest value of a vital sign, and its age when it is more than an hour old.
function vital(sample, show) {
  const cell = text("td", sample ? show(sample) : "—");
  if (sample && Date.now() - Date.parse(sample.at) > STALE_AFTER_MS) cell.append(text("span", ` ${ago(sample.at)}`, "hint"));
  return cell;
}

async function showPatients() {
  const patients = await api("patients");
  $("patient-list").tBodies[0].replaceChildren(...patients.map((p) => {
    const v = p.vitals;
    const name = document.createElement("td");
    name.append(patientLink(p));
    const news2 = document.createElement("td");
    if (p.news2 != null) news2.append(news2Badge(p.news2, { band: p.news2Band, complete: p.news2Complete }));
    // A score (or a vital sign) more than an hour old says how old it is: the list must not pass it off as the patient now.
    if (p.news2 != null && Date.now() - Date.parse(p.news2At) > STALE_AFTER_MS) news2.append(text("span", ` ${ago(p.news2At)}`, "hint"));
    const counts = p.openAlerts;
    const open = [["high", counts.high], ["medium", counts.medium], ["low", counts.low]].filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(", ");
    const row = document.createElement("tr");
    row.append(name, text("td", place(p.location)), news2, vital(v.spo2, (s) => `${fixed(s.value)} %`), vital(v.heartRate, (s) => `${fixed(s.value)} /min`),
      vital(v.bloodPressure, (s) => `${fixed(s.value)}/${fixed(s.value2)}`), vital(v.bodyTemperature, (s) => `${fixed(s.value, 1)} °C`),
      vital(v.glucose, (s) => `${fixed(s.value)} mg/dL`),
      text("td", open || "none"),
      text("td", p.adherence.map((a) => `${a.medicationId} ${a.coveredDays}/${a.scheduledDays} d`).join(", ") || "—"));
    return row;
  }));
}

// The vital-sign charts draw the raise limits of the patient's own rules (their settings' effectiveRules on the
// signals charted), or the default limits (docs/alerts.md) when the settings cannot be read.
const low = (value) => ({ value, label: "", direction: "low" });
const high = (value) => ({ value, label: "", direction: "high" });
const CHARTS = [
  { code: "heartRate", title: "Heart rate (/min)", signals: ["heartRate"], limits: [low(40), high(131)] },
  { code: "spo2", title: "SpO2 (%)", signals: ["spo2"], limits: [low(90)] },
  { code: "bloodPressure", title: "Blood pressure (mm Hg)", signals: ["systolic", "diastolic"], limits: [low(90), high(220)], second: ["systolic", "diastolic"] },
  { code: "bodyTemperature", title: "Temperature (°C)", signals: ["bodyTemperature"], limits: [low(35), high(39.1)] },
  { code: "glucose", title: "Glucose (mg/dL)", signals: ["glucose"], limits: [low(54), low(70), high(250)] },
];

const ruleLimits = (settings, signals) =>
  [...new Map((settings?.effectiveRules ?? []).filter((r) => r.enabled && r.raiseAt != null && signals.includes(r.signal))
    .map((r) => [r.raiseAt, { value: r.raiseAt, label: "", direction: r.direction }])).values()].sort((a, b) => a.value - b.value);

// Home programs, charted when the range has readings: spirometry against the COPD zones (the copd-zone rules' % of
// the personal best), weight against the dry weight.
function homeCharts(settings) {
  const baselines = settings?.baselines ?? {};
  const zones = ruleLimits(settings, ["percentOfPersonalBest"]).map((l) => l.value);
  const spirometry = (code, title, best, unit, digits) => ({
    code, title, digits,
    limits: best ? zones.map((percent) => ({ value: Number(((best * percent) / 100).toFixed(digits)), label: `${percent} %` })) : [],
    latest: (v) => `${fixed(v, digits)} ${unit}${best ? `, ${Math.round((100 * v) / best)} % of best ${best} ${unit}` : ""}`,
  });
  const dry = baselines.dryWeight;
  return [
    spirometry("fev1", "FEV1 (L)", baselines.bestFev1, "L", 2),
    spirometry("peakFlow", "Peak flow (L/min)", baselines.bestPeakFlow, "L/min", 0),
    { code: "weight", title: "Weight (kg)", digits: 1, limits: dry ? [{ value: dry, label: "dry" }] : [],
      latest: (v) => `${fixed(v, 1)} kg${dry ? `, ${v - dry >= 0 ? "+" : ""}${fixed(v - dry, 1)} kg over dry weight` : ""}` },
  ];
}

// ECG rhythms as clinicians name them (telemetry contract codes).
const RHYTHMS = { sinus: "sinus", sinusBradycardia: "sinus bradycardia", sinusTachycardia: "sinus tachycardia", afib: "AF (atrial fibrillation)",
  aflutter: "atrial flutter", svt: "SVT", vt: "VT", vf: "VF", asystole: "asystole", paced: "paced", unclassified: "unclassified" };

// Alert episodes from the timeline: raised to cleared (or still open), on the signal of their rule.
function alertEpisodes(timeline, settings, now) {
  const signalOf = new Map((settings?.effectiveRules ?? []).map((r) => [r.id, r.signal]));
  const cleared = new Map(timeline.filter((e) => e.type === "alertCleared").map((e) => [e.data?.alertId, Date.parse(e.at)]));
  return timeline.filter((e) => e.type === "alertRaised").map((e) => ({
    signal: signalOf.get(e.code) ?? e.code.split("-")[0],
    from: Date.parse(e.data?.episodeStart ?? e.at),
    to: cleared.get(e.data?.alertId) ?? now,
    title: `${e.data?.title ?? e.code}${e.value != null ? `: ${e.value}` : ""}`,
  }));
}

async function showPatient(id) {
  const hours = Number($("range").value);
  const to = new Date();
  const from = new Date(to - hours * 3600_000);
  const [patient, settings, timeline, adherence, devices] = await Promise.all([
    api(`patients/${encodeURIComponent(id)}`),
    api(`patients/${encodeURIComponent(id)}/settings`).catch(() => null),
    api(`patients/${encodeURIComponent(id)}/timeline?from=${from.toISOString()}&to=${to.toISOString()}`),
    api(`patients/${encodeURIComponent(id)}/adherence?days=14`),
    api(`devices?patient=${encodeURIComponent(id)}`),
  ]).catch((error) => {
    $("patient-title").textContent = `Patient not available: ${error.message}`;
    ["charts", "patient-id", "patient-news2", "patient-rhythm", "adherence", "devices", "quarantine"].forEach((part) => $(part).replaceChildren());
    throw error;
  });
  $("patient-title").textContent = [patient.displayName ?? patient.id, place(patient.location), patient.careTeams.join(", ")].filter(Boolean).join(" · ");
  $("patient-id").textContent = patient.displayName ? patient.id : "";
  const news2 = timeline.filter((e) => e.type === "news2").at(-1);
  $("patient-news2").replaceChildren(...(news2 ? [news2Badge(news2.value, news2.data, "NEWS2 ")] : []));
  const readings = (code) => timeline.filter((e) => e.type === "reading" && e.code === code).map((e) => ({ at: Date.parse(e.at), value: e.value, value2: e.value2 }));
  const vitals = CHARTS.map((c) => ({ ...c, limits: settings ? ruleLimits(settings, c.signals) : c.limits }));
  const home = homeCharts(settings).filter((c) => readings(c.code).length > 0);
  const charted = [...vitals, ...home];
  const [start, end] = fitWindow(charted.flatMap((c) => readings(c.code).map((r) => r.at)), from.getTime(), to.getTime());
  const episodes = alertEpisodes(timeline, settings, to.getTime());
  $("charts").replaceChildren(...charted.map((c) =>
    chart(c, readings(c.code), episodes.filter((e) => (c.signals ?? [c.code]).includes(e.signal)), start, end)));
  const rhythm = timeline.filter((e) => e.type === "reading" && e.code === "ecgRhythm").at(-1);
  $("patient-rhythm").textContent = rhythm ? `ECG rhythm ${RHYTHMS[rhythm.data?.reading?.code] ?? rhythm.data?.reading?.code ?? "unknown"} at ${clock(Date.parse(rhythm.at))}` : "";

  $("adherence").replaceChildren(...(adherence.medications.length ? adherence.medications.flatMap((m) => {
    const pdc = m.pdc ? ` — PDC ${m.pdc.scheduledDays ? Math.round((100 * m.pdc.coveredDays) / m.pdc.scheduledDays) : 0} % (${m.pdc.coveredDays}/${m.pdc.scheduledDays} days)` : "";
    const byDay = new Map();
    m.doses.forEach((d) => {
      const day = (d.scheduledAt ?? d.takenAt).slice(0, 10);
      const taken = ["taken", "takenLate"].includes(d.status);
      byDay.set(day, [...(byDay.get(day) ?? []), taken]);
    });
    const days = document.createElement("div");
    days.className = "days";
    for (let i = 13; i >= 0; i--) {
      const day = new Date(Date.now() - i * 86400_000).toISOString().slice(0, 10);
      const doses = byDay.get(day) ?? [];
      const cell = text("span", "", `day ${!doses.length ? "" : doses.every(Boolean) ? "covered" : doses.some(Boolean) ? "partial" : "missed"}`);
      cell.title = `${day}: ${doses.length ? `${doses.filter(Boolean).length} of ${doses.length} doses taken` : "no dose recorded"}`;
      days.append(cell);
    }
    return [text("p", `${m.schedule.medicationId} (${m.schedule.kind})${pdc}`), days];
  }) : [text("p", "No medication schedules.", "hint")]));

  const battery = new Map(timeline.filter((e) => e.type === "reading" && e.code === "battery").map((e) => [e.deviceId, e.value]));
  $("devices").replaceChildren(...(devices.items.length ? [table(["Device", "Model", "Status", "Battery", "Last seen"],
    devices.items.map((d) => [d.id, d.model, d.status, battery.has(d.id) ? `${fixed(battery.get(d.id))} %` : "—", when(d.lastSeenAt)]))] : [text("p", "No devices.", "hint")]));
  const quarantined = timeline.filter((e) => e.type === "quarantine");
  $("quarantine").replaceChildren(...(quarantined.length ? [table(["Received", "Device", "Reason"],
    quarantined.map((q) => [when(q.at), q.deviceId ?? "—", `${q.code}: ${q.data.error?.message ?? ""}`]))] : [text("p", "None in this range.", "hint")]));
}

// A table in a box of its own that scrolls sideways when the table is wider than the screen (the page never does).
function table(headers, rows) {
  const box = Object.assign(document.createElement("div"), { className: "scroll", tabIndex: 0 });
  const element = document.createElement("table");
  box.append(element);
  const head = element.createTHead().insertRow();
  headers.forEach((h) => head.append(Object.assign(document.createElement("th"), { scope: "col", textContent: h })));
  const body = element.createTBody();
  rows.forEach((r) => {
    const row = body.insertRow();
    r.forEach((c) => row.append(text("td", c)));
  });
  return box;
}

$("range").addEventListener("change", () => route());
$("sign-in-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("sign-in-error").textContent = "";
  try {
    await signIn($("token").value.trim());
  } catch (error) {
    signOut(`Sign-in failed: ${error.message}`);
  }
});
$("sign-out").addEventListener("click", () => signOut());
$("status").addEventListener("change", () => refresh());
$("acknowledge").addEventListener("click", () => act("acknowledge"));
$("resolve").addEventListener("click", () => act("resolve", { note: $("note").value.trim() || null }));
$("snooze").addEventListener("click", () => act("snooze", { minutes: Number($("snooze-minutes").value), reach: $("snooze-reach").value }));
$("note-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if ($("note").value.trim()) {
    await act("notes", { text: $("note").value.trim() });
    $("note").value = "";
  }
});
window.addEventListener("hashchange", () => state.me && route());
wireUsers(api, () => decodeURIComponent(location.hash.match(/^#\/users\/(.+)$/)?.[1] ?? ""));

if (state.token) signIn(state.token).catch(() => signOut());
else signIn(null).catch(() => signOut());
