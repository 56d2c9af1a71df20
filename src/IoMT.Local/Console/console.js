// The care console: sign in with an API token, the alert inbox with live updates, one alert's history and actions.
// Plain modules, no build step and nothing fetched from elsewhere: the host serves these files as they are.
const $ = (id) => document.getElementById(id);
const state = { token: sessionStorage.getItem("iomt.token"), me: null, alerts: [], selected: null, live: null };

async function api(path, options = {}) {
  const response = await fetch(`/api/${path}`, {
    ...options,
    headers: { Authorization: `Bearer ${state.token}`, ...(options.body ? { "Content-Type": "application/json" } : {}) },
  });
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.status === 401) signOut("Your session ended; sign in again.");
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

async function signIn(token) {
  state.token = token;
  state.me = await api("me");
  sessionStorage.setItem("iomt.token", token);
  $("who-name").textContent = `${state.me.id} · ${state.me.roles.join(", ")}${state.me.careTeams.length ? ` · ${state.me.careTeams.join(", ")}` : ""}`;
  $("who").hidden = false;
  $("sign-in").hidden = true;
  $("workspace").hidden = false;
  const clinical = state.me.roles.some((r) => ["care-coordinator", "nurse", "physician"].includes(r));
  $("actions").hidden = $("note-form").hidden = !clinical;
  await refresh();
  listen();
  await route();
}

function signOut(message) {
  state.live?.abort();
  Object.assign(state, { token: null, me: null, alerts: [], selected: null, live: null });
  sessionStorage.removeItem("iomt.token");
  $("who").hidden = true;
  $("workspace").hidden = true;
  $("sign-in").hidden = false;
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

async function route() {
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
    ["Value", a.value == null ? "—" : `${a.value} ${a.unit}`], ["Raised", when(a.raisedAt)],
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
    const response = await fetch("/api/live", { headers: { Authorization: `Bearer ${state.token}` }, signal: controller.signal });
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
  if (state.live !== controller || !state.token) return;
  $("live").textContent = "reconnecting…";
  $("live").classList.remove("on");
  setTimeout(() => state.token && listen(attempt + 1).then(refresh).catch(() => {}), Math.min(30000, 1000 * 2 ** attempt));
}

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

if (state.token) signIn(state.token).catch(() => signOut()); else signOut();
