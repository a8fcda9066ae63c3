import { type PolicyResource } from "@pulumi/policy";
import { lower, obj, str } from "./text";

/** Type token of `pulumi.StackReference` (a read of another stack; its `outputs` are that stack's outputs). */
export const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";

/** Tag a team stack puts on its account: the platform stack whose key it uses (stacks/teamProgram.ts). */
export const PLATFORM_STACK_TAG = "cmkPlatformStack";

/** A key reference exported by a platform stack (`keys.<id>`), read defensively. */
export interface ExportedKey {
  /** Stack that exports it (the StackReference's `name`). */
  stack: string;
  /** Key id in the platform's `keys`. */
  id: string;
  keyName?: string;
  vaultUri?: string;
  vaultId?: string;
  location?: string;
  tenantId?: string;
  permissionModel?: string;
  keyType?: string;
  keySize?: number;
  rotation?: { rotateAfter?: string; expiresAfter?: string };
}

/** A vault URI without trailing slashes, lower-cased: how an account's `keyVaultUri` and a reference are compared. */
export function normaliseVaultUri(uri: unknown): string | undefined {
  return lower(uri)?.replace(/\/+$/, "");
}

/** Every key exported in a `keys` output by the stacks this stack references. */
export function exportedKeys(resources: readonly PolicyResource[]): ExportedKey[] {
  const found: ExportedKey[] = [];
  for (const r of resources) {
    if (r.type !== STACK_REFERENCE_TYPE) continue;
    const stack = str(r.props?.["name"]) ?? r.name;
    const keys = obj(obj(r.props?.["outputs"])?.["keys"]);
    for (const [id, value] of Object.entries(keys ?? {})) {
      const k = obj(value);
      const vault = obj(k?.["vault"]);
      const rotation = obj(k?.["rotation"]);
      found.push({
        stack,
        id,
        keyName: str(k?.["keyName"]),
        vaultUri: str(vault?.["vaultUri"]),
        vaultId: str(vault?.["vaultId"]),
        location: str(vault?.["location"]),
        tenantId: str(vault?.["tenantId"]),
        permissionModel: str(vault?.["permissionModel"]),
        keyType: str(k?.["keyType"]),
        keySize: typeof k?.["keySize"] === "number" ? k["keySize"] : undefined,
        ...(rotation !== undefined
          ? {
              rotation: {
                rotateAfter: str(rotation["rotateAfter"]),
                expiresAfter: str(rotation["expiresAfter"]),
              },
            }
          : {}),
      });
    }
  }
  return found;
}
