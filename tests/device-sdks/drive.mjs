// Drives Microsoft's Azure IoT device and provisioning SDKs for Node.js, unmodified, through a plan of steps, and
// prints one JSON line per step: { step, transport, ok, result?, error?: { name, message } }.
// Usage: node drive.mjs plan.json   (the .NET tests write the plan; NODE_EXTRA_CA_CERTS trusts the local hub's CA)
//
// Plan: { "steps": [ { "step": "send" | "sendBatch" | "receive" | "twin" | "register", "transport": "http" | "mqtt",
//                      "connectionString"?, "messages"?, "twinPatch"?, "waitForDesired"?, "idScope"?,
//                      "registrationId"?, "key"?, "provisioningHost"?, "thenSend"? } ] }
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// The SDKs are CommonJS packages.
const require = createRequire(import.meta.url);
const { Client, Message } = require('azure-iot-device');
const { Http } = require('azure-iot-device-http');
const { Mqtt } = require('azure-iot-device-mqtt');
const { ProvisioningDeviceClient } = require('azure-iot-provisioning-device');
const { Http: ProvisioningHttp } = require('azure-iot-provisioning-device-http');
const { Mqtt: ProvisioningMqtt } = require('azure-iot-provisioning-device-mqtt');
const { SymmetricKeySecurityClient } = require('azure-iot-security-symmetric-key');

const StepTimeoutMs = 30_000;
const transports = { http: Http, mqtt: Mqtt };
const provisioningTransports = { http: ProvisioningHttp, mqtt: ProvisioningMqtt };

function toMessage({ body, messageId, correlationId, contentType, contentEncoding, properties }) {
  const message = new Message(typeof body === 'string' ? body : JSON.stringify(body));
  if (messageId) message.messageId = messageId;
  if (correlationId) message.correlationId = correlationId;
  if (contentType) message.contentType = contentType;
  if (contentEncoding) message.contentEncoding = contentEncoding;
  for (const [name, value] of Object.entries(properties ?? {})) message.properties.add(name, value);
  return message;
}

async function withClient(step, use) {
  const client = Client.fromConnectionString(step.connectionString, transports[step.transport]);
  try {
    await client.open();
    return await use(client);
  } finally {
    await client.close().catch(() => {});
  }
}

const steps = {
  send: (step) => withClient(step, async (client) => {
    for (const message of step.messages) await client.sendEvent(toMessage(message));
    return { sent: step.messages.length };
  }),

  sendBatch: (step) => withClient(step, async (client) => {
    await client.sendEventBatch(step.messages.map(toMessage));
    return { sent: step.messages.length };
  }),

  // Waits for one cloud-to-device message and completes it.
  receive: (step) => withClient(step, (client) => new Promise((resolve, reject) => {
    client.on('error', reject);
    client.on('message', (message) => {
      client.complete(message).then(
        () => resolve({ messageId: message.messageId, body: message.data.toString(), properties: Object.fromEntries(message.properties.propertyList.map((p) => [p.key, p.value])) }),
        reject);
    });
  })),

  // Gets the twin, patches reported properties, and (optionally) waits for a desired-property update.
  twin: (step) => withClient(step, async (client) => {
    const twin = await client.getTwin();
    const desired = step.waitForDesired
      ? new Promise((resolve) => twin.on('properties.desired', (delta) => { if (delta[step.waitForDesired] !== undefined) resolve(delta); }))
      : null;
    await new Promise((resolve, reject) => twin.properties.reported.update(step.twinPatch ?? {}, (error) => (error ? reject(error) : resolve())));
    return { reportedVersion: twin.properties.reported.$version, desired: desired ? await desired : twin.properties.desired };
  }),

  // Registers through DPS with a (derived) symmetric key, then optionally sends as the new device over the same transport.
  register: async (step) => {
    const security = new SymmetricKeySecurityClient(step.registrationId, step.key);
    const provisioning = ProvisioningDeviceClient.create(step.provisioningHost, step.idScope, new provisioningTransports[step.transport](), security);
    const result = await provisioning.register();
    if (step.thenSend) {
      const connectionString = `HostName=${result.assignedHub};DeviceId=${result.deviceId};SharedAccessKey=${step.key}`;
      await steps.send({ transport: step.transport, connectionString, messages: step.thenSend });
    }
    return { assignedHub: result.assignedHub, deviceId: result.deviceId };
  },
};

function timeout(ms) {
  return new Promise((_, reject) => setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms} ms`), { name: 'Timeout' })), ms).unref());
}

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
for (const step of plan.steps) {
  const line = { step: step.step, transport: step.transport, name: step.name };
  try {
    line.result = await Promise.race([steps[step.step](step), timeout(step.timeoutMs ?? StepTimeoutMs)]);
    line.ok = true;
  } catch (error) {
    line.ok = false;
    line.error = { name: error?.constructor?.name ?? error?.name ?? 'Error', message: String(error?.message ?? error) };
  }
  process.stdout.write(JSON.stringify(line) + '\n');
}
process.exit(0);
