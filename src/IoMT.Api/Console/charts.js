// A patient's charts: one SVG per signal with y-axis ticks, 24-hour times, the patient's limits, the latest value,
// a legend where two lines share a chart, readings beyond a limit drawn as such, and alert episodes as a strip above
// the trace (never over it).
const ns = "http://www.w3.org/2000/svg";
export const fixed = (value, digits = 0) => (value == null ? "—" : Number(value).toFixed(digits));
export const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

// About `count` round tick values covering [min, max].
function ticks(min, max, count = 5) {
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw);
  const values = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step / 1e6; v += step) values.push(Number(v.toFixed(6)));
  return values;
}

// The window shown: the range asked for, or from shortly before the first reading (at least 5 minutes) when the
// readings cover less.
export function fitWindow(times, from, to) {
  if (!times.length) return [from, to];
  const first = Math.min(...times);
  return first > from ? [Math.max(from, Math.min(first - 0.05 * (to - first), to - 5 * 60_000)), to] : [from, to];
}

// spec: { title, limits: [number | { value, label, direction (high, low) }], second (a second line: diastolic), latest(value) → text, digits }.
// episodes: [{ from, to, title }] of the alerts on this chart's signals.
export function chart({ title, limits: given, second, latest, digits = 1 }, points, episodes, from, to) {
  const limits = given.map((l) => (typeof l === "number" ? { value: l, label: "" } : l));
  const limitText = (l) => `${l.value}${l.label ? ` (${l.label})` : ""}`;
  const [w, h, left, right, top, bottom] = [600, 190, 46, 8, 14, 22];
  const values = [...points.flatMap((p) => (second ? [p.value, p.value2] : [p.value])), ...limits.map((l) => l.value)].filter((v) => v != null);
  const [lo, hi] = values.length ? [Math.min(...values), Math.max(...values)] : [0, 1];
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.1;
  const [min, max] = [lo - pad, hi + pad];
  const x = (t) => left + ((t - from) / (to - from)) * (w - left - right);
  const y = (v) => top + (1 - (v - min) / (max - min)) * (h - top - bottom);
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
  svg.setAttribute("role", "img");
  const last = points.at(-1);
  const show = (v) => (latest ? latest(v) : fixed(v, digits));
  const current = last ? (second ? `${fixed(last.value)}/${fixed(last.value2)}` : show(last.value)) : null;
  svg.setAttribute("aria-label", `${title}: ${points.length} readings${current ? `, latest ${current}` : ""}; limits ${limits.map(limitText).join(", ") || "none"}`);
  const add = (tag, attrs, content) => {
    const e = document.createElementNS(ns, tag);
    Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v));
    if (content != null) e.textContent = content;
    svg.append(e);
    return e;
  };
  const step = ticks(min, max);
  const tickDigits = step.every((v) => Number.isInteger(v)) ? 0 : 1;
  step.forEach((v) => {
    add("line", { class: "grid", x1: left, x2: w - right, y1: y(v), y2: y(v) });
    add("text", { class: "axis tick", x: left - 4, y: y(v) + 4, "text-anchor": "end" }, fixed(v, tickDigits));
  });
  const minute = 60_000;
  const every = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360].map((m) => m * minute).find((m) => (to - from) / m <= 4) ?? 720 * minute;
  const timeTicks = [];
  for (let t = Math.ceil(from / every) * every; t < to; t += every) timeTicks.push(t);
  timeTicks.forEach((t) => {
    add("line", { class: "grid", x1: x(t), x2: x(t), y1: top, y2: h - bottom });
    add("text", { class: "axis time", x: x(t), y: h - 6, "text-anchor": x(t) < left + 20 ? "start" : x(t) > w - 30 ? "end" : "middle" }, clock(t));
  });
  limits.forEach((l) => {
    add("line", { class: "limit", x1: left, x2: w - right, y1: y(l.value), y2: y(l.value) });
    add("text", { class: "axis limit-label", x: w - right - 2, y: y(l.value) - 3, "text-anchor": "end" }, `limit ${limitText(l)}`);
  });
  if (points.length) {
    episodes.forEach((e) => {
      const [x1, x2] = [x(Math.max(e.from, from)), x(Math.min(e.to ?? to, to))];
      const band = add("rect", { class: "episode", x: x1, y: 2, width: Math.max(3, x2 - x1), height: 6 });
      add("title", {}, e.title);
      band.append(svg.lastChild);
    });
  }
  const outer = (direction, pick, none) => limits.filter((l) => l.direction === direction).reduce((m, l) => (m === none ? l.value : pick(m, l.value)), none);
  const [highs, lows] = [outer("high", Math.max, Infinity), outer("low", Math.min, -Infinity)];
  // Each reading is a dot on its line (a lone reading stays visible); one beyond the outermost limits is drawn larger
  // and red, where it lies: the axis always reaches it. The limits are the first line's (systolic).
  const line = (key, cls, limited) => {
    const shown = points.filter((p) => p[key] != null);
    add("polyline", { class: cls, points: shown.map((p) => `${x(p.at).toFixed(1)},${y(p[key]).toFixed(1)}`).join(" ") });
    shown.forEach((p) => {
      const beyond = limited && (p[key] > highs || p[key] < lows);
      add("circle", { class: beyond ? "beyond" : cls.replace("line", "dot"), cx: x(p.at).toFixed(1), cy: y(p[key]).toFixed(1), r: beyond ? 4 : 2 });
    });
  };
  line("value", "line", true);
  if (second) line("value2", "line second", false);
  const figure = document.createElement("figure");
  figure.className = "card chart";
  const head = document.createElement("figcaption");
  head.append(Object.assign(document.createElement("h3"), { textContent: title }),
    Object.assign(document.createElement("span"), { className: "current", textContent: current ? `Latest ${current}` : "No readings in this range" }));
  if (second) {
    const legend = document.createElement("span");
    legend.className = "legend";
    legend.append(...[["line", second[0]], ["line second", second[1]]].map(([cls, label]) => {
      const item = Object.assign(document.createElement("span"), { textContent: label });
      item.prepend(Object.assign(document.createElement("i"), { className: `swatch ${cls}` }));
      return item;
    }));
    head.append(legend);
  }
  figure.append(head, svg);
  return figure;
}
