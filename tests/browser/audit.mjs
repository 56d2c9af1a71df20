// Checks every console page gets at both widths: no horizontal scrolling (document.scrollingElement.scrollWidth <=
// innerWidth), no serious or critical axe-core violation, and a full-page screenshot named <name>-<width>.png.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const axe = readFileSync(new URL("node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
export const VIEWPORTS = [{ width: 1280, height: 800 }, { width: 390, height: 844 }];

export async function audit(page, name, shots, check) {
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    const { scroll, inner } = await page.evaluate(() => ({ scroll: document.scrollingElement.scrollWidth, inner: innerWidth }));
    check(scroll <= inner, `${name} at ${viewport.width} px does not scroll sideways (${scroll} <= ${inner})`);
    // Evaluated through the DevTools protocol, so the console's content security policy does not stop it.
    if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(axe);
    const violations = await page.evaluate(async () =>
      (await window.axe.run(document, { resultTypes: ["violations"] })).violations
        .filter((v) => ["serious", "critical"].includes(v.impact))
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`));
    check(violations.length === 0, `${name} at ${viewport.width} px: no serious or critical accessibility violation${violations.length ? ` (${violations.join("; ")})` : ""}`);
    await page.screenshot({ path: join(shots, `${name}-${viewport.width}.png`), fullPage: true });
  }
  await page.setViewportSize(VIEWPORTS[0]);
}
