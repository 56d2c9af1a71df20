// The admin's Devices page: every registered device with its current patient, status and last message; an admin
// disables a device (its messages are refused) or enables it again.
const $ = (id) => document.getElementById(id);
const when = (iso) => (iso ? new Date(iso).toLocaleString([], { dateStyle: "short", timeStyle: "short", hourCycle: "h23" }) : "never");

function cell(value) {
  const td = document.createElement("td");
  if (value instanceof Node) td.append(value); else td.textContent = value ?? "";
  return td;
}

export async function showDevices(api) {
  $("devices-error").textContent = "";
  const devices = [];
  let page = { continuationToken: null };
  do {
    page = await api(`devices?pageSize=1000${page.continuationToken ? `&continuationToken=${encodeURIComponent(page.continuationToken)}` : ""}`);
    devices.push(...page.items);
  } while (page.continuationToken);
  $("device-list").tBodies[0].replaceChildren(...devices.map((d) => {
    const disabled = d.status === "disabled";
    const toggle = Object.assign(document.createElement("button"), { type: "button", textContent: disabled ? "Enable" : "Disable" });
    toggle.setAttribute("aria-label", `${disabled ? "Enable" : "Disable"} ${d.id}`);
    toggle.onclick = async () => {
      try {
        await api(`devices/${encodeURIComponent(d.id)}/${disabled ? "enable" : "disable"}`, { method: "POST" });
        await showDevices(api);
      } catch (error) {
        $("devices-error").textContent = error.message;
      }
    };
    const patient = d.bindings?.find((b) => !b.to)?.patientId ?? "—";
    const row = document.createElement("tr");
    row.append(cell(Object.assign(document.createElement("span"), { className: "nowrap", textContent: d.id })), cell(`${d.manufacturer} ${d.model}`),
      cell(patient), cell(d.status), cell(when(d.lastSeenAt)), cell(toggle));
    return row;
  }));
}
