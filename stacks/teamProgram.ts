import * as pulumi from "@pulumi/pulumi";
import {
  CmkStorageAccount,
  type KeyReference,
  type VaultSku,
} from "@cmk-platform/azure-cmk-storage";
import type { TeamStackSettings } from "./fleetConfig";
import type { PlatformKeyReference } from "./platformProgram";
import {
  stackResourceGroup,
  teamAccountArgs,
  teamAccountOutputs,
  teamProtection,
  teamTags,
} from "./componentArgs";
import type { TeamAccountOutputs } from "./program";

/** Tags the team program puts on the account and identity: which platform stack and key they use. */
export const PLATFORM_STACK_TAG = "cmkPlatformStack";
export const PLATFORM_KEY_TAG = "cmkPlatformKey";

/** What a team stack exports. */
export interface TeamStackOutputs {
  /** The one team's account, as a single stack exports each team. */
  accounts: Record<string, TeamAccountOutputs>;
  platformStack: string;
  /** The key id used in the platform's `keys`. */
  platformKey: pulumi.Output<string>;
  keyVaultUri: pulumi.Output<string>;
  keyName: pulumi.Output<string>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * Picks the team's key from a platform stack's `keys` output: `platformKey` when set, else the only key. Refuses (when
 * the reference resolves, before the account is requested) a missing key, an ambiguous choice, and a key whose vault is
 * not RBAC (only role assignments can be made from another stack) or whose reference lacks a field the account needs.
 */
export function pickPlatformKey(
  keys: unknown,
  platformKey: string | undefined,
  platformStack: string,
  project = "cmk-storage",
): { id: string; key: PlatformKeyReference } {
  if (!isObject(keys) || Object.keys(keys).length === 0) {
    throw new Error(
      `platform stack ${platformStack} (${project}:platformStack) exports no keys: its "keys" output is ${JSON.stringify(keys)}; deploy the platform stack first, or check ${project}:platformStack`,
    );
  }
  const ids = Object.keys(keys);
  let id: string;
  if (platformKey !== undefined) {
    if (!(platformKey in keys)) {
      throw new Error(
        `${project}:platformKey "${platformKey}" is not a key of platform stack ${platformStack}; its keys are ${ids.join(", ")}`,
      );
    }
    id = platformKey;
  } else if (ids.length === 1) {
    id = ids[0];
  } else {
    throw new Error(
      `${project}:platformKey is required: platform stack ${platformStack} exports ${ids.length} keys (${ids.join(", ")}); set it to one of them`,
    );
  }
  const key = keys[id];
  const vault = isObject(key) ? key.vault : undefined;
  const missing = [
    ...(isObject(vault)
      ? ["vaultId", "vaultUri", "permissionModel", "sku", "location", "tenantId"]
          .filter((f) => typeof vault[f] !== "string" || vault[f] === "")
          .map((f) => `vault.${f}`)
      : ["vault"]),
    // keyId is the scope of the team's role assignment; the vault's location and tenant are what the account's
    // colocation checks compare with: none may be silently absent.
    ...(isObject(key)
      ? ["keyName", "keyId"].filter((f) => typeof key[f] !== "string" || key[f] === "")
      : ["keyName", "keyId"]),
  ];
  if (missing.length > 0) {
    throw new Error(
      `keys.${id} of platform stack ${platformStack} is not a key reference (missing ${missing.join(", ")}); got ${JSON.stringify(key)}`,
    );
  }
  if ((vault as Record<string, unknown>).permissionModel !== "rbac") {
    throw new Error(
      `keys.${id} of platform stack ${platformStack} is in a vault with permission model ${JSON.stringify((vault as Record<string, unknown>).permissionModel)}; a team stack in another subscription can only be granted with an Azure role assignment, so the platform vault must use rbac`,
    );
  }
  return { id, key: key as PlatformKeyReference };
}

/**
 * One team in its own subscription and resource group: its CmkStorageAccount, encrypted with a key of the platform
 * stack named by `cmk-storage:platformStack` (read through `pulumi.StackReference`) and granted with the role "Key
 * Vault Crypto Service Encryption User" on that key, a role assignment made from this stack across subscriptions (the
 * role definition is taken from the vault's subscription). Composition only; all resource logic is in the component.
 */
export function deployTeamStack(s: TeamStackSettings): TeamStackOutputs {
  const platform = new pulumi.StackReference("platform", { name: s.platformStack });
  const chosen = platform
    .requireOutput("keys")
    .apply((keys) => pickPlatformKey(keys, s.platformKey, s.platformStack));
  const field = <T>(get: (k: PlatformKeyReference) => T): pulumi.Output<T> =>
    chosen.apply((c) => get(c.key));
  const key: KeyReference = {
    vault: {
      vaultId: field((k) => k.vault.vaultId),
      // A plain value, as the component needs: pickPlatformKey refuses any other model when the reference resolves.
      permissionModel: "rbac",
      vaultUri: field((k) => k.vault.vaultUri),
      sku: field((k) => k.vault.sku as VaultSku),
      location: field((k) => k.vault.location),
      tenantId: field((k) => k.vault.tenantId),
    },
    keyName: field((k) => k.keyName),
    keyId: field((k) => k.keyId),
  };

  const resourceGroupName = stackResourceGroup(s, "team-rg", teamProtection(s.team, s));

  const t = s.team;
  const id = s.teamId;
  const protect = teamProtection(t, s);
  if (t.decommissioned === true) {
    void pulumi.log.warn(
      `team "${id}" is decommissioned: its storage account and identity are no longer protected${(t.lock ?? s.lock) === "CanNotDelete" ? " and its account's lock is removed" : ""}. To delete them and the data: copy out what must be kept, pulumi destroy this stack (with its stack file, --config-file stacks/fleet/Pulumi.team-${id}.yaml), then npm run team:offboard -- --team ${id} --confirm-data-loss ${id} removes the stack file; to keep them, remove decommissioned. If the platform's vault carries a CanNotDelete lock, the team's role assignment on the key cannot be deleted (ScopeLocked) until the platform stack lifts it (cmk-storage:vaultLock: None).`,
    );
  }
  const account = new CmkStorageAccount(
    id,
    teamAccountArgs(id, t, s, {
      resourceGroupName,
      key,
      tags: {
        ...teamTags(id, t),
        [PLATFORM_STACK_TAG]: s.platformStack,
        [PLATFORM_KEY_TAG]: chosen.apply((c) => c.id),
      },
      // A secret vault in the team's own subscription, RBAC unless the team says otherwise.
      secretVaultPermissionModel: "rbac",
    }),
    { protect },
  );
  return {
    accounts: { [id]: teamAccountOutputs(account, t, s) },
    platformStack: s.platformStack,
    platformKey: chosen.apply((c) => c.id),
    keyVaultUri: account.keyVaultUri,
    keyName: account.keyName,
  };
}
