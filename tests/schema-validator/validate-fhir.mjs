// Usage: node validate-fhir.mjs <resource-or-bundle.json>...
// Validates FHIR R4 JSON against the core structure definitions (required elements, types, unexpected elements,
// required code bindings) and checks the format of every date-time element.
// Prints one JSON line per document: {"file", "valid", "errors": [{"path", "message"}]}.
import { readFileSync } from "node:fs";
import { Fhir } from "fhir";

// FHIR R4 dateTime/instant with a time part (the export always writes one, with an offset).
const dateTime = /^([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))$/;
const dateTimeKeys = new Set(["effectiveDateTime", "start", "end", "timestamp"]);

function badDateTimes(value, path, errors) {
  if (Array.isArray(value)) {
    value.forEach((item, i) => badDateTimes(item, `${path}/${i}`, errors));
  } else if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      if (dateTimeKeys.has(key) && !(typeof child === "string" && dateTime.test(child))) {
        errors.push({ path: `${path}/${key}`, message: `not a FHIR dateTime with time and offset: ${JSON.stringify(child)}` });
      }
      badDateTimes(child, `${path}/${key}`, errors);
    }
  }
}

const fhir = new Fhir();
for (const file of process.argv.slice(2)) {
  const document = JSON.parse(readFileSync(file, "utf8"));
  const result = fhir.validate(document, { errorOnUnexpected: true });
  const errors = result.messages
    .filter((m) => m.severity === "error" || m.severity === "fatal")
    .map((m) => ({ path: m.location ?? "", message: m.message ?? "" }));
  badDateTimes(document, "", errors);
  console.log(JSON.stringify({ file, valid: errors.length === 0, errors }));
}
