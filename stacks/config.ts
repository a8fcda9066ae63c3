import Ajv from "ajv";
import * as pulumi from "@pulumi/pulumi";
import { parseIsoDuration } from "@cmk-platform/azure-cmk-storage";
import { CONFIG_KEYS } from "./configSchema";

/** Typed stack settings, after validation. */
export interface StackSettings {
  location: string;
  resourceGroupName: string;
  createResourceGroup: boolean;
  tenantId?: string;
  namePrefix: string;
  vaultName?: string;
  vaultSku: "standard" | "premium";
  vaultPermissionModel: "accessPolicy" | "rbac";
  vaultSoftDeleteRetentionInDays: number;
  vaultPublicNetworkAccess: "Disabled" | "Enabled";
  vaultAllowedIpRanges: string[];
  vaultAllowedSubnetIds: string[];
  vaultAdministratorObjectIds: string[];
  vaultAdministratorPrincipalType: "User" | "Group" | "ServicePrincipal";
  keyType: "RSA" | "RSA-HSM";
  keySize: number;
  keyRotateAfter: string;
  keyExpiresAfter: string;
  keyNotifyBefore: string;
  keyEnabled: boolean;
  keyProtect: boolean;
  accounts: string[];
  accountSku: "Standard_LRS" | "Standard_ZRS" | "Standard_GRS" | "Standard_GZRS" | "Standard_RAGRS" | "Standard_RAGZRS";
  accountAllowedIpRanges: string[];
  rbacPropagationSeconds: number;
  protect: boolean;
}

const ajv = new Ajv({ allErrors: true });
ajv.addFormat("iso8601-duration", { type: "string", validate: (s: string) => parseIsoDuration(s) !== undefined });
const validate = ajv.compile({
  type: "object",
  properties: Object.fromEntries(Object.entries(CONFIG_KEYS).map(([k, spec]) => [k, spec.schema])),
  required: Object.entries(CONFIG_KEYS).filter(([, s]) => s.required).map(([k]) => k),
});

/** Converts a raw config string (as the Pulumi runtime stores it) to the key's declared type, or leaves it as is. */
function convert(type: string, raw: string): unknown {
  switch (type) {
    case "integer":
      return /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : raw;
    case "boolean":
      return raw === "true" ? true : raw === "false" ? false : raw;
    case "array":
      try {
        return JSON.parse(raw);
      } catch {
        return raw;
      }
    default:
      return raw;
  }
}

/**
 * Parses and validates raw stack config (key → string as stored by the Pulumi runtime; arrays as JSON). Every problem
 * names the config key and the stack file, with the value received and the rule; all are reported at once.
 */
export function parseStackConfig(raw: Record<string, string | undefined>, project: string, stackFile: string): StackSettings {
  const unknownKeys = Object.keys(raw).filter((k) => !(k in CONFIG_KEYS) && raw[k] !== undefined);
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(CONFIG_KEYS)) {
    const r = raw[key];
    values[key] = r === undefined ? spec.default : convert(spec.type, r);
    // Optional keys without a natural default use "" for "unset" (Pulumi requires a default for optional keys).
    if (values[key] === undefined || (spec.default === "" && values[key] === "")) delete values[key];
  }
  const problems: string[] = unknownKeys.map((k) => `${project}:${k} is not a known config key (known: ${Object.keys(CONFIG_KEYS).join(", ")})`);
  if (!validate(values)) {
    for (const e of validate.errors ?? []) {
      const path = e.instancePath.replace(/^\//, "").split("/");
      const key = e.keyword === "required" ? (e.params as { missingProperty: string }).missingProperty : path[0]!;
      const where = path.length > 1 ? `${project}:${key}[${path.slice(1).join("/")}]` : `${project}:${key}`;
      const received = e.keyword === "required" ? "nothing" : JSON.stringify(path.slice(1).reduce<any>((v, p) => v?.[p], values[key]));
      const rule = e.keyword === "enum" ? `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(", ")}`
        : e.keyword === "format" ? "must be an ISO-8601 duration such as P90D or P1Y"
          : e.keyword === "required" ? "is required" : e.message ?? "is invalid";
      problems.push(`${where} ${rule}; got ${received}`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`Invalid stack configuration in ${stackFile}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
  return values as unknown as StackSettings;
}

/** Reads the current stack's config through the Pulumi runtime and validates it. */
export function readStackSettings(): StackSettings {
  const project = pulumi.getProject();
  const raw: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (key.startsWith(`${project}:`)) raw[key.slice(project.length + 1)] = value;
  }
  return parseStackConfig(raw, project, `stacks/Pulumi.${pulumi.getStack()}.yaml`);
}
