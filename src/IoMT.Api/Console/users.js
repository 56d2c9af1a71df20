// The admin's Users page (local host): users with their roles and care teams, each user's API tokens (issue, revoke;
// a new token's secret is shown once) and the history of changes. In Azure people are managed in Entra ID: no page.
const $ = (id) => document.getElementById(id);
const list = (value) => value.split(",").map((v) => v.trim()).filter(Boolean);
const when = (iso) => (iso ? new Date(iso).toLocaleString() : "never");

function cell(value) {
  const td = document.createElement("td");
  if (value instanceof Node) td.append(value); else td.textContent = value ?? "";
  return td;
}

export async function showUsers(api) {
  $("users-error").textContent = "";
  const users = await api("users");
  $("user-list").tBodies[0].replaceChildren(...users.map((u) => {
    const row = document.createElement("tr");
    const name = Object.assign(document.createElement("a"), { href: `#/users/${encodeURIComponent(u.id)}`, textContent: u.id });
    row.append(cell(name), cell(u.roles.join(", ")), cell(u.careTeams.join(", ") || "—"), cell(u.disabled ? "disabled" : "enabled"));
    return row;
  }));
}

export async function showUser(api, id) {
  $("user-error").textContent = "";
  const path = `users/${encodeURIComponent(id)}`;
  const [user, tokens, history] = await Promise.all([api(path), api(`${path}/tokens`), api(`${path}/history`)]);
  $("user-title").textContent = `${user.id} · ${user.roles.join(", ")}${user.careTeams.length ? ` · ${user.careTeams.join(", ")}` : ""}${user.disabled ? " · disabled" : ""}`;
  $("user-toggle").textContent = user.disabled ? "Enable" : "Disable";
  $("user-toggle").onclick = () => act(api, id, () => api(`${path}/${user.disabled ? "enable" : "disable"}`, { method: "POST" }));
  const table = document.createElement("table");
  table.createTHead().insertRow().append(...["Token", "Label", "Issued", "Expires", ""].map((h) => Object.assign(document.createElement("th"), { scope: "col", textContent: h })));
  const body = table.createTBody();
  for (const t of tokens) {
    const revoke = Object.assign(document.createElement("button"), { type: "button", textContent: "Revoke" });
    revoke.setAttribute("aria-label", `Revoke token ${t.label}`);
    revoke.onclick = () => act(api, id, () => api(`${path}/tokens/${encodeURIComponent(t.id)}`, { method: "DELETE" }));
    body.insertRow().append(cell(t.id), cell(t.label), cell(when(t.createdAt)), cell(when(t.expiresAt)), cell(revoke));
  }
  $("tokens").replaceChildren(tokens.length ? table : Object.assign(document.createElement("p"), { className: "hint", textContent: "No tokens." }));
  $("user-history").replaceChildren(...history.map((h) => {
    const item = document.createElement("li");
    const time = Object.assign(document.createElement("time"), { dateTime: h.at, textContent: new Date(h.at).toLocaleString() });
    item.append(time, Object.assign(document.createElement("strong"), { textContent: h.action }), ` ${h.actor}${h.detail ? ` — ${h.detail}` : ""}`);
    return item;
  }));
}

async function act(api, id, change) {
  $("new-token").hidden = true;
  try {
    await change();
    await showUser(api, id);
  } catch (error) {
    $("user-error").textContent = error.message;
  }
}

export function wireUsers(api, currentUser) {
  $("user-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("users-error").textContent = "";
    const id = $("user-id").value.trim();
    try {
      await api(`users/${encodeURIComponent(id)}`, {
        method: "PUT",
        body: JSON.stringify({ roles: list($("user-roles").value), careTeams: list($("user-teams").value), manufacturer: $("user-manufacturer").value.trim() || null }),
      });
      $("user-form").reset();
      await showUsers(api);
    } catch (error) {
      $("users-error").textContent = error.message;
    }
  });
  $("token-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const id = currentUser();
    let issued = null;
    await act(api, id, async () => {
      issued = await api(`users/${encodeURIComponent(id)}/tokens`, {
        method: "POST", body: JSON.stringify({ label: $("token-label").value.trim(), expiresInDays: Number($("token-days").value) }),
      });
    });
    if (issued) {
      $("token-label").value = "";
      $("new-token-value").textContent = issued.token;
      $("new-token").hidden = false;
    }
  });
}
