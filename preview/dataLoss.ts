/**
 * Data-loss findings of a `--previous` comparison: the changes after which data in a storage account is gone or
 * unreadable. Each names the resource, the cause and the safe way; each stops the preview (exit 4) unless the run
 * acknowledges that exact resource with `--allow-data-loss <urn>`.
 */
import type { RecordedResource } from "./recorder";
import type { DiffResult, PreviousDeployment, PreviousResource, Step } from "./diff";
import { T, vaultNameFromKeyVaultUri } from "./simulatedAzure";
import { lc } from "./text";

export type FindingKind =
  | "stateful-deleted"
  | "stateful-replaced"
  | "location-change"
  | "key-type-change"
  | "key-disabled-in-use"
  | "key-removed-in-use"
  | "encryption-identity-removed"
  | "key-grant-removed"
  | "permission-model-switch";

export interface DataLossFinding {
  kind: FindingKind;
  /** The resource the finding is about (what `--allow-data-loss` names). */
  urn: string;
  type: string;
  message: string;
  /** The safe way to make this change. */
  safeWay: string;
  acknowledged: boolean;
}

/** One line per finding kind: what it detects (docs and --help). */
export const FINDING_KINDS: Readonly<Record<FindingKind, string>> = {
  "stateful-deleted": "a storage account, key or vault is deleted",
  "stateful-replaced":
    "a storage account, key or vault is replaced (deleted and created again) because a create-only property changes",
  "location-change":
    "a storage account, vault or resource group would move to another region (Azure cannot move them; replace = new empty resource)",
  "key-type-change":
    "the key's type or size changes (Key Vault cannot change an existing key; the key would be replaced)",
  "key-disabled-in-use":
    "a key is disabled (keyEnabled: false) while storage accounts use it: revocation, the accounts become unreadable",
  "key-removed-in-use": "a key is deleted or replaced while storage accounts still use it",
  "encryption-identity-removed":
    "an account's encryption identity is deleted or replaced while the account remains",
  "key-grant-removed":
    "an account's grant on its key (access policy or role assignment) is deleted or replaced while the account remains",
  "permission-model-switch":
    "a vault switches from access policies to RBAC: access-policy grants stop applying at once, role assignments take minutes to propagate",
};

const STATEFUL = new Set<string>([T.account, T.key, T.vault]);
const short = (urn: string): string => urn.split("::").pop() ?? urn;

const KIND_LABEL: Record<string, string> = {
  [T.account]: "storage account",
  [T.key]: "key",
  [T.vault]: "key vault",
};

/** Accounts (by URN, with their physical names) whose CMK is `keyName` in `vaultName`. */
function accountsUsing(
  accounts: readonly { urn: string; inputs: Record<string, any>; outputs: Record<string, any> }[],
  vaultName: string,
  keyName: string,
): string[] {
  return accounts
    .filter((a) => {
      const kvp = a.inputs.encryption?.keyVaultProperties ?? {};
      return (
        lc(vaultNameFromKeyVaultUri(String(kvp.keyVaultUri ?? ""))) === lc(vaultName) &&
        lc(kvp.keyName) === lc(keyName)
      );
    })
    .map((a) => `${a.outputs.name ?? a.inputs.accountName ?? short(a.urn)} (${short(a.urn)})`);
}

function keyNames(r: { inputs: Record<string, any>; outputs: Record<string, any> }): {
  vault: string;
  key: string;
} {
  return {
    vault: String(r.inputs.vaultName ?? ""),
    key: String(r.outputs.name ?? r.inputs.keyName ?? ""),
  };
}

/** The findings for a diff; `allowed` holds the URNs the run acknowledges. */
export function dataLossFindings(
  diff: DiffResult,
  current: readonly RecordedResource[],
  previous: PreviousDeployment,
  allowed: ReadonlySet<string>,
): DataLossFinding[] {
  const out: DataLossFinding[] = [];
  const prevByUrn = new Map(previous.resources.map((r) => [r.urn, r]));
  const stepByCurrent = new Map(diff.steps.filter((s) => s.op !== "delete").map((s) => [s.urn, s]));
  const stepByPrevUrn = new Map<string, Step>();
  for (const s of diff.steps) {
    stepByPrevUrn.set(s.op === "delete" ? s.urn : (s.previousUrn ?? s.urn), s);
  }
  const prevOf = (s: Step): PreviousResource | undefined =>
    prevByUrn.get(s.op === "delete" ? s.urn : (s.previousUrn ?? s.urn));
  const add = (
    kind: FindingKind,
    urn: string,
    type: string,
    message: string,
    safeWay: string,
  ): void => {
    if (!out.some((f) => f.kind === kind && f.urn === urn)) {
      out.push({ kind, urn, type, message, safeWay, acknowledged: allowed.has(urn) });
    }
  };
  const currentByUrn = new Map(current.map((r) => [r.urn, r]));
  // Accounts that stay (same or updated in place); replaced ones are reported as replaced.
  const remainingAccounts = current.filter(
    (r) => r.type === T.account && ["same", "update"].includes(stepByCurrent.get(r.urn)?.op ?? ""),
  );
  const protectNote = (s: Step): string =>
    s.protectedBefore
      ? " It is protected in the earlier deployment, so `pulumi up` will refuse and stop midway;"
      : " It is not protected, so `pulumi up` will do it;";

  for (const s of diff.steps) {
    if (!STATEFUL.has(s.type) || (s.op !== "delete" && s.op !== "replace")) continue;
    const prev = prevOf(s)!;
    const what = `${KIND_LABEL[s.type]} ${prev.outputs.name ?? short(s.urn)}`;
    const locationChange =
      s.op === "replace" && s.changed.includes("location") && /location/.test(s.cause ?? "");
    const keyTypeChange =
      s.type === T.key &&
      s.op === "replace" &&
      /properties\.(kty|keySize|curveName)/.test(s.cause ?? "");
    if (locationChange) {
      add(
        "location-change",
        s.urn,
        s.type,
        `${what} (${s.urn}) would be replaced: location changes from ${JSON.stringify(prev.inputs.location)} to ${JSON.stringify(currentByUrn.get(s.urn)?.inputs.location)}. Azure cannot move it; the replacement is a new, empty resource and ${s.type === T.account ? "every blob, file, queue and table in the account is deleted" : s.type === T.vault ? "the vault and its keys are deleted (accounts encrypted with them become unreadable)" : "its data is lost"}.${protectNote(s)}`,
        'Keep cmk-storage:location as deployed. To move regions, deploy a second stack in the new region, copy the data (AzCopy / object replication), switch clients, then offboard the old stack (README "Changing location or key type").',
      );
      continue;
    }
    if (keyTypeChange) {
      add(
        "key-type-change",
        s.urn,
        s.type,
        `${what} (${s.urn}) would be replaced: ${s.cause}. Key Vault cannot change the type or size of an existing key; replacing it deletes the key that encrypts ${accountsUsing(remainingAccounts, keyNames(prev).vault, keyNames(prev).key).join(", ") || "the accounts"}.${protectNote(s)}`,
        'Keep cmk-storage:keyType and cmk-storage:keySize as deployed. To change them, create a new key (a team key via cmk-storage:teams.<team>.key, or a new stack key name), point the accounts at it, wait until they use it, then retire the old key (README "Changing location or key type").',
      );
      continue;
    }
    const cause =
      s.op === "delete" ? s.cause : `${s.cause}${s.source ? ` [create-only per ${s.source}]` : ""}`;
    // A vault or key created again under the same name collides with its soft-deleted predecessor.
    const prevName = lc(
      prev.outputs.name ??
        (s.type === T.vault
          ? prev.inputs.vaultName
          : s.type === T.key
            ? prev.inputs.keyName
            : undefined),
    );
    const sameNameAgain =
      (s.type === T.vault || s.type === T.key) &&
      prevName !== "" &&
      current.some(
        (r) =>
          r.type === s.type &&
          lc(r.outputs.name ?? (s.type === T.vault ? r.inputs.vaultName : r.inputs.keyName)) ===
            prevName &&
          (s.type === T.vault || lc(r.inputs.vaultName) === lc(prev.inputs.vaultName)),
      );
    const collision = sameNameAgain
      ? s.type === T.vault
        ? ` The new vault cannot even be created: the deleted vault keeps the name ${prevName} while it is soft-deleted (${prev.inputs.properties?.softDeleteRetentionInDays ?? 90} days, purge-protected), so ARM answers VaultAlreadyExists.`
        : ` The new key cannot be created under the same name while the deleted one is soft-deleted in the vault (Key Vault answers Conflict: ObjectIsDeletedButRecoverable).`
      : "";
    const loss =
      s.type === T.account
        ? "every blob, file, queue and table in it is deleted"
        : s.type === T.key
          ? "the key material that wraps the accounts' encryption keys is deleted (soft-deleted, then purged); accounts using it become unreadable"
          : "the vault and every key in it are deleted (soft-deleted for the retention period); accounts using its keys become unreadable";
    add(
      s.op === "delete" ? "stateful-deleted" : "stateful-replaced",
      s.urn,
      s.type,
      `${what} (${s.urn}) would be ${s.op === "delete" ? "deleted" : "replaced"}: ${cause}; ${loss}.${collision}${protectNote(s)}`,
      s.op === "delete"
        ? s.type === T.account
          ? 'Rename a team only with an alias (the team id is the account\'s identity); remove a team in two steps: set cmk-storage:teams.<team>.decommissioned: true and pulumi up, copy the data out, then remove the team (README "Offboarding a team").'
          : "Keep the resource in the program; to retire it, move every account to another key first, then remove it in its own change."
        : "Revert the create-only change (names, namePrefix, resourceGroupName, location, key type/size), or add an alias if only the logical name changed; a real move is a new resource plus a data copy.",
    );
  }

  // Keys removed (deleted or replaced) while accounts remain that use them.
  for (const s of diff.steps) {
    if (s.type !== T.key || (s.op !== "delete" && s.op !== "replace")) continue;
    const prev = prevOf(s)!;
    const { vault, key } = keyNames(prev);
    const users = accountsUsing(remainingAccounts, vault, key);
    if (users.length === 0) continue;
    add(
      "key-removed-in-use",
      s.urn,
      s.type,
      `key ${key} in vault ${vault} (${s.urn}) would be ${s.op === "delete" ? "deleted" : "replaced"} while ${users.join(", ")} still use it: Azure Storage can no longer unwrap the account encryption key, and reads and writes fail with HTTP 403 (KeyVaultEncryptionKeyNotFound) until the key is recovered.`,
      "Point the accounts at another key first (and wait until they use it), then remove the old key in a separate change; never purge a key an account used.",
    );
  }

  // Revocation: a key disabled while accounts use it.
  for (const r of current) {
    if (r.type !== T.key) continue;
    const step = stepByCurrent.get(r.urn);
    const prev = step ? prevOf(step) : undefined;
    if (
      !prev ||
      r.inputs.properties?.attributes?.enabled !== false ||
      prev.inputs.properties?.attributes?.enabled === false
    ) {
      continue;
    }
    const { vault, key } = keyNames(r);
    const users = accountsUsing(
      current.filter((a) => a.type === T.account),
      vault,
      key,
    );
    if (users.length === 0) continue;
    add(
      "key-disabled-in-use",
      r.urn,
      r.type,
      `Revocation: key ${key} in vault ${vault} (${r.urn}) is disabled (cmk-storage:keyEnabled: false). These accounts become unreadable (HTTP 403 on every data operation) until it is enabled again: ${users.join(", ")}.`,
      "Only disable a key to revoke access on purpose (incident response). Acknowledge it with --allow-data-loss for the key's URN; re-enabling the key (keyEnabled: true) restores access.",
    );
  }

  // Encryption identity or key grant removed while the account remains.
  const prevIdentities = new Map(
    previous.resources.filter((r) => r.type === T.identity && r.id).map((r) => [lc(r.id), r]),
  );
  // Earlier grants by principal (access policies by objectId, role assignments by principalId).
  const prevGrants = new Map<string, PreviousResource[]>();
  for (const g of previous.resources) {
    const principal =
      g.type === T.accessPolicy
        ? lc(g.inputs.policy?.objectId)
        : g.type === T.roleAssignment
          ? lc(g.inputs.principalId)
          : undefined;
    if (principal) prevGrants.set(principal, [...(prevGrants.get(principal) ?? []), g]);
  }
  for (const a of remainingAccounts) {
    const step = stepByCurrent.get(a.urn)!;
    const prevAccount = prevOf(step);
    if (!prevAccount) continue;
    const encId = prevAccount.inputs.encryption?.encryptionIdentity?.encryptionUserAssignedIdentity;
    const identity = encId ? prevIdentities.get(lc(encId)) : undefined;
    if (!identity) continue;
    const idStep = stepByPrevUrn.get(identity.urn);
    const name = prevAccount.outputs.name ?? short(a.urn);
    if (idStep && (idStep.op === "delete" || idStep.op === "replace")) {
      add(
        "encryption-identity-removed",
        a.urn,
        a.type,
        `storage account ${name} (${a.urn}) stays, but its encryption identity ${short(identity.urn)} would be ${idStep.op === "delete" ? "deleted" : "replaced"} (${idStep.cause}): until the account is switched to a new identity that holds a grant, Azure Storage cannot reach the key and the account answers HTTP 403.`,
        "Add the new identity and its key grant first, switch the account's encryption identity to it, then remove the old identity in a later change.",
      );
    }
    const principal = lc(identity.outputs.principalId);
    const grants = prevGrants.get(principal) ?? [];
    for (const g of grants) {
      const gStep = stepByPrevUrn.get(g.urn);
      if (!gStep || (gStep.op !== "delete" && gStep.op !== "replace")) continue;
      add(
        "key-grant-removed",
        a.urn,
        a.type,
        `storage account ${name} (${a.urn}) stays, but its key grant ${short(g.urn)} (${g.type === T.accessPolicy ? "access policy" : "role assignment"}) would be ${gStep.op === "delete" ? "deleted" : "replaced"} (${gStep.cause}): Azure Storage loses access to the key and the account becomes unreadable until a grant is in place again.`,
        "Create the replacement grant first (and wait for it to propagate), then remove the old one in a later change.",
      );
    }
  }

  // Permission-model switch.
  for (const r of current) {
    if (r.type !== T.vault) continue;
    const step = stepByCurrent.get(r.urn);
    const prev = step ? prevOf(step) : undefined;
    if (
      !prev ||
      prev.inputs.properties?.enableRbacAuthorization ===
        r.inputs.properties?.enableRbacAuthorization
    ) {
      continue;
    }
    const toRbac = r.inputs.properties?.enableRbacAuthorization === true;
    const vaultName = String(r.outputs.name ?? r.inputs.vaultName ?? "");
    const users = current
      .filter(
        (a) =>
          a.type === T.account &&
          lc(
            vaultNameFromKeyVaultUri(
              String(a.inputs.encryption?.keyVaultProperties?.keyVaultUri ?? ""),
            ),
          ) === lc(vaultName),
      )
      .map((a) => `${a.outputs.name ?? short(a.urn)}`);
    add(
      "permission-model-switch",
      r.urn,
      r.type,
      `vault ${vaultName} (${r.urn}) switches its permission model from ${toRbac ? "access policies to RBAC" : "RBAC to access policies"}: the ${toRbac ? "access-policy" : "role-assignment"} grants stop applying the moment the vault is updated, while the new ${toRbac ? "role assignments take up to 10 minutes to propagate" : "access policies are created after the switch"}; ${users.length ? `${users.join(", ")} cannot reach the key in that window (HTTP 403)` : "every key user loses access in that window"}.`,
      toRbac
        ? 'Switch in three steps: (1) add the role assignments (Key Vault Crypto Service Encryption User for each account identity, Crypto Officer for administrators) while the vault still uses access policies, pulumi up; (2) wait for propagation (at least cmk-storage:rbacPropagationSeconds, up to 10 minutes); (3) set cmk-storage:vaultPermissionModel: rbac and pulumi up (README "Switching the permission model").'
        : 'Add the access policies first, then switch the model, then remove the role assignments (README "Switching the permission model").',
    );
  }
  return out;
}
