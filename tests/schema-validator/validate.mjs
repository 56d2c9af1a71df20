// Usage: node validate.mjs <schema.json> <document.json>...
// Prints one JSON line per document: {"file", "valid", "errors": [{"path", "message"}]}.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [schemaPath, ...documents] = process.argv.slice(2);
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")));

for (const file of documents) {
  const valid = validate(JSON.parse(readFileSync(file, "utf8")));
  const errors = (validate.errors ?? []).map((e) => ({ path: e.instancePath, message: e.message }));
  console.log(JSON.stringify({ file, valid, errors }));
}
