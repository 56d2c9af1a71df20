// The care console: the alert inbox with live updates, one alert's history and actions, the patients and their vitals.
// Signed in with an API token (the local host), or by App Service Authentication's session (Azure: Entra ID).
// Plain modules, no build step and nothing fetched from elsewhere: the host serves these files as they are.
import { showUser, showUsers, wireUsers } from "./users.js";

const $ = (id) => document.getElementById(id);
const state = { token: sessionStorage.getItem("iomt.token"), me: null, alerts: [], selected: null, live: null };

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
const when = (iso) => (iso ? new Date(iso).toLocaleString() : "—");
const ago = (iso) => {
  const minutes = Math.round((Date.now() - new Date(iso)) / 60000);
  return minutes < 1 ? "just now" : minutes < 60 ? `${minutes} min ago` : `${Math.round(minutes / 60)} h ago`;
};

// token: an API token; null: the platform's session (App Service Authentication), if there is one.
async function signIn(token) {
  state.token = token;
  state.me = await api("me");
  if (token) sessionStorage.setItem("iomt.token", token);
  $("who-name").textContent = `${state.me.id} · ${state.me.roles.join(", ")}${state.me.careTeams.length ? ` · ${state.me.careTeams.join(", ")}` : ""}`;
  $("who").hidden = $("nav").hidden = false;
  $("sign-in").hidden = true;
  const clinical = state.me.roles.some((r) => ["care-coordinator", "nurse", "physician"].includes(r));
  $("actions").hidden = $("note-form").hidden = !clinical;
  // Users are managed here on the local host only (in Azure, in Entra ID: the route does not exist there).
  $("nav-users").hidden = !(state.me.roles.includes("admin") && (await api("users").then(() => true, () => false)));
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
  Object.assign(state, { token: null, me: null, alerts: [], selected: null, live: null });
  sessionStorage.removeItem("iomt.token");
  $("who").hidden = $("nav").hidden = true;
  ["workspace", "patients", "patient", "users", "user"].forEach((id) => ($(id).hidden = true));
  $("sign-in").hidden = false;
  $("entra-sign-in").hidden = !platformSignIn;
  $("sign-in-form").hidden = platformSignIn;
  $("sign-in-error").textContent = message ?? "";
  $("token").value = "";
  $("token").focus();
  if (location.hash) history.replaceState(null, "", location.pathname);
}

async function refresh() {
  state.alerts = await api(`alerts?status=${$("status").value}&limit=200`);
  const rows = state.alerts.map((alert) => {
    const row = document.createElement("tr");
    row.tabIndex = 0;
    row.dataset.alertId = alert.alertId;
    row.setAttribute("aria-selected", String(alert.alertId === state.selected));
    const priority = document.createElement("td");
    priority.append(text("span", alert.priority, `badge ${alert.priority}`));
    const raised = document.createElement("td");
    raised.append(text("time", ago(alert.raisedAt)));
    raised.firstChild.dateTime = alert.raisedAt;
    const title = text("td", alert.title);
    title.append(text("span", alert.patientId, "sub"));
    row.append(priority, title, text("td", alert.patientId), text("td", alert.status, "status"), raised);
    const open = () => (location.hash = `#/alerts/${encodeURIComponent(alert.alertId)}`);
    row.addEventListener("click", open);
    row.addEventListener("keydown", (e) => (e.key === "Enter" || e.key === " ") && (e.preventDefault(), open()));
    return row;
  });
  $("alerts").tBodies[0].replaceChildren(...rows);
  $("inbox-empty").hidden = rows.length > 0;
}

// Routes: #/alerts (default) and #/alerts/{id}; #/patients and #/patients/{id}; #/users and #/users/{id} (admins).
async function route() {
  const patient = location.hash.match(/^#\/patients(?:\/(.+))?$/);
  const user = location.hash.match(/^#\/users(?:\/(.+))?$/);
  $("workspace").hidden = !!(patient || user);
  $("patients").hidden = !patient || !!patient[1];
  $("patient").hidden = !patient?.[1];
  $("users").hidden = !user || !!user[1];
  $("user").hidden = !user?.[1];
  $("new-token").hidden = true;
  for (const [id, current] of [["nav-alerts", !patient && !user], ["nav-patients", !!patient], ["nav-users", !!user]]) {
    if (current) $(id).setAttribute("aria-current", "page"); else $(id).removeAttribute("aria-current");
  }
  if (patient || user) state.selected = null;
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
    ["Patient", a.patientId], ["Status", a.status], ["Priority", a.priority],
    ["Value", a.value == null ? "—" : `${a.value} ${a.unit}`], ["Onset", when(a.onsetAt)], ["Raised", when(a.raisedAt)],
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

const fixed = (value, digits = 0) => (value == null ? "—" : Number(value).toFixed(digits));
const band = (score) => (score == null ? "" : score >= 7 ? "high" : score >= 5 ? "medium" : "low");
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

async function showPatients() {
  const patients = await api("patients");
  $("patient-list").tBodies[0].replaceChildren(...patients.map((p) => {
    const v = p.vitals;
    const name = document.createElement("td");
    name.append(patientLink(p));
    const news2 = document.createElement("td");
    if (p.news2 != null) news2.append(text("span", fixed(p.news2), `badge ${band(p.news2)}`));
    const counts = p.openAlerts;
    const open = [["high", counts.high], ["medium", counts.medium], ["low", counts.low]].filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(", ");
    const row = document.createElement("tr");
    row.append(name, text("td", place(p.location)), news2, text("td", v.spo2 ? `${fixed(v.spo2.value)} %` : "—"), text("td", v.heartRate ? `${fixed(v.heartRate.value)} /min` : "—"),
      text("td", v.bloodPressure ? `${fixed(v.bloodPressure.value)}/${fixed(v.bloodPressure.value2)}` : "—"),
      text("td", v.bodyTemperature ? `${fixed(v.bodyTemperature.value, 1)} °C` : "—"), text("td", v.glucose ? `${fixed(v.glucose.value)} mg/dL` : "—"),
      text("td", open || "none"),
      text("td", p.adherence.map((a) => `${a.medicationId} ${a.coveredDays}/${a.scheduledDays} d`).join(", ") || "—"));
    return row;
  }));
}

// The vital-sign charts draw the raise limits of the patient's own rules (their settings' effectiveRules on the
// signals charted), or the default limits (docs/alerts.md) when the settings cannot be read.
const CHARTS = [
  { code: "heartRate", title: "Heart rate (/min)", signals: ["heartRate"], limits: [40, 131] },
  { code: "spo2", title: "SpO2 (%)", signals: ["spo2"], limits: [90] },
  { code: "bloodPressure", title: "Blood pressure (mm Hg)", signals: ["systolic", "diastolic"], limits: [90, 220], second: true },
  { code: "bodyTemperature", title: "Temperature (°C)", signals: ["bodyTemperature"], limits: [35, 39.1] },
  { code: "glucose", title: "Glucose (mg/dL)", signals: ["glucose"], limits: [54, 70, 250] },
];

const ruleLimits = (settings, signals) =>
  [...new Set((settings?.effectiveRules ?? []).filter((r) => r.enabled && r.raiseAt != null && signals.includes(r.signal)).map((r) => r.raiseAt))].sort((a, b) => a - b);

// Home programs, charted when the range has readings: spirometry against the COPD zones (the copd-zone rules' % of
// the personal best), weight against the dry weight.
function homeCharts(settings) {
  const baselines = settings?.baselines ?? {};
  const zones = ruleLimits(settings, ["percentOfPersonalBest"]);
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

// limits: numbers, or { value, label } drawn as "value (label)".
function chart({ title, limits: given, second, latest, digits = 1 }, points, markers, from, to) {
  const limits = given.map((l) => (typeof l === "number" ? { value: l, label: "" } : l));
  const limitText = (l) => `${l.value}${l.label ? ` (${l.label})` : ""}`;
  const ns = "http://www.w3.org/2000/svg";
  const [w, h, left, top, bottom] = [600, 170, 40, 8, 20];
  const values = [...points.flatMap((p) => (second ? [p.value, p.value2] : [p.value])), ...limits.map((l) => l.value)].filter((v) => v != null);
  const [min, max] = values.length ? [Math.min(...values), Math.max(...values)] : [0, 1];
  const pad = (max - min || 1) * 0.1;
  const x = (t) => left + ((t - from) / (to - from)) * (w - left - 4);
  const y = (v) => top + (1 - (v - (min - pad)) / (max - min + 2 * pad)) * (h - top - bottom);
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
  svg.setAttribute("role", "img");
  const last = points.at(-1);
  const latestText = last ? `, latest ${latest ? latest(last.value) : fixed(last.value, digits)}` : "";
  svg.setAttribute("aria-label", `${title}: ${points.length} readings${latestText}; limits ${limits.map(limitText).join(", ") || "none"}`);
  const add = (tag, attrs, content) => {
    const e = document.createElementNS(ns, tag);
    Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v));
    if (content) e.textContent = content;
    svg.append(e);
  };
  limits.forEach((l) => {
    add("line", { class: "limit", x1: left, x2: w, y1: y(l.value), y2: y(l.value) });
    // A labelled limit's text sits above its line, which it is too wide to sit beside.
    add("text", { class: "axis", x: 2, y: y(l.value) + (l.label ? -3 : 4) }, limitText(l));
  });
  markers.forEach((m) => add("line", { class: "marker", x1: x(m.at), x2: x(m.at), y1: top, y2: h - bottom }));
  const line = (key, cls) => add("polyline", { class: cls, points: points.filter((p) => p[key] != null).map((p) => `${x(p.at).toFixed(1)},${y(p[key]).toFixed(1)}`).join(" ") });
  line("value", "line");
  if (second) line("value2", "line second");
  add("text", { class: "axis", x: left, y: h - 4 }, new Date(from).toLocaleTimeString());
  add("text", { class: "axis", x: w - 70, y: h - 4 }, new Date(to).toLocaleTimeString());
  const figure = document.createElement("figure");
  figure.className = "card chart";
  figure.append(text("h3", title), ...(latest && last ? [text("p", `Latest ${latest(last.value)}`, "hint")] : []), svg);
  return figure;
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
    $("charts").replaceChildren();
    throw error;
  });
  $("patient-title").textContent = [patient.displayName ?? patient.id, place(patient.location), patient.careTeams.join(", ")].filter(Boolean).join(" · ");
  $("patient-id").textContent = patient.displayName ? patient.id : "";
  const news2 = timeline.filter((e) => e.type === "news2").at(-1);
  $("patient-news2").replaceChildren(...(news2 ? [text("span", `NEWS2 ${fixed(news2.value)}`, `badge ${band(news2.value)}`)] : []));
  const markers = timeline.filter((e) => e.type === "alertRaised").map((e) => ({ at: Date.parse(e.at) }));
  const readings = (code) => timeline.filter((e) => e.type === "reading" && e.code === code).map((e) => ({ at: Date.parse(e.at), value: e.value, value2: e.value2 }));
  const vitals = CHARTS.map((c) => ({ ...c, limits: settings ? ruleLimits(settings, c.signals) : c.limits }));
  const home = homeCharts(settings).filter((c) => readings(c.code).length > 0);
  $("charts").replaceChildren(...[...vitals, ...home].map((c) => chart(c, readings(c.code), markers, from.getTime(), to.getTime())));

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

function table(headers, rows) {
  const element = document.createElement("table");
  const head = element.createTHead().insertRow();
  headers.forEach((h) => head.append(Object.assign(document.createElement("th"), { scope: "col", textContent: h })));
  const body = element.createTBody();
  rows.forEach((r) => {
    const row = body.insertRow();
    r.forEach((c) => row.append(text("td", c)));
  });
  return element;
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
