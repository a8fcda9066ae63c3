import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import type { FleetProviderConfig } from "../../stacks/fleetConfig";
import { REPO } from "./stackFiles";

/**
 * Outputs that `pulumi.StackReference` reads return under the test mocks, by stack name. A StackReference is a read
 * (`ReadResource`) of type `pulumi:pulumi:StackReference` whose state is `{ name, outputs, secretOutputNames }`; the
 * test mocks answer every other type like ARM and know no other stacks, so specs that consume another stack's outputs
 * set them here. A name not in the map reads as a stack with no outputs (what the engine does for an unknown stack
 * is an error; the program's own checks are what the specs exercise).
 */
const outputsByStack = new Map<string, Record<string, unknown>>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  // Pulumi's runtime internals (declarations stripped), as in preview/recorder.ts.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const rpc = require("@pulumi/pulumi/runtime/rpc");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const resproto = require("@pulumi/pulumi/proto/resource_pb");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const structproto = require("google-protobuf/google/protobuf/struct_pb");
  const monitor = settings.getMonitor();
  const original = monitor.readResource.bind(monitor);
  monitor.readResource = (req: any, callback: (err: unknown, resp?: unknown) => void) => {
    if (req.getType() !== "pulumi:pulumi:StackReference") {
      original(req, callback);
      return;
    }
    const name: string = req.getId();
    const state = { name, outputs: outputsByStack.get(name) ?? {}, secretOutputNames: [] };
    void rpc.serializeProperties("", state).then((serialized: unknown) => {
      const response = new resproto.ReadResourceResponse();
      response.setUrn(
        `urn:pulumi:test::cmk-storage::pulumi:pulumi:StackReference::${req.getName()}`,
      );
      response.setProperties(structproto.Struct.fromJavaScript(serialized));
      callback(null, response);
    }, callback);
  };
}

/** Makes `new pulumi.StackReference(..., { name })` read `outputs` for that stack name (until `clearStackOutputs`). */
export function setStackOutputs(name: string, outputs: Record<string, unknown>): void {
  install();
  outputsByStack.set(name, outputs);
}

export function clearStackOutputs(): void {
  outputsByStack.clear();
}

/** A fleet stack file (stacks/fleet/Pulumi.<stack>.yaml) as the runtime stores it, and its azure-native settings. */
export function fleetStackConfig(stack: string): {
  raw: Record<string, string>;
  provider: FleetProviderConfig;
  file: string;
} {
  const file = path.join("stacks", "fleet", `Pulumi.${stack}.yaml`);
  const doc = parse(readFileSync(path.join(REPO, file), "utf8")) as {
    config: Record<string, unknown>;
  };
  const raw: Record<string, string> = {};
  const provider: FleetProviderConfig = {};
  for (const [key, value] of Object.entries(doc.config)) {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    if (key.startsWith("cmk-storage:")) raw[key.slice("cmk-storage:".length)] = text;
    if (key === "azure-native:subscriptionId") provider.subscriptionId = text;
    if (key === "azure-native:tenantId") provider.tenantId = text;
    if (key === "azure-native:location") provider.location = text;
  }
  return { raw, provider, file };
}
