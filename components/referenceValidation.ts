import * as pulumi from "@pulumi/pulumi";
import { managedHsmNameFromUri, parseManagedHsmId, parseVaultId, vaultNameFromUri } from "./armId";
import { enumValues, VaultPermissionModel, VaultSku } from "./enums";
import { keyNameProblem } from "./naming";
import type { KeyReference, ManagedHsmReference, VaultReference } from "./references";
import {
  type ArgumentProblems,
  checkEnum,
  checkString,
  GUID_PATTERN,
  isKnown,
  show,
} from "./validation";

/** A plain object (not null, an array, an output or a resource): what a reference must be. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    !pulumi.Output.isInstance(value)
  );
}

/**
 * Checks a vault reference as an untyped caller may send it: an object, a Key Vault ARM id, a plain permission model,
 * a Key Vault URI naming the same vault, a known SKU and a GUID tenant. Values that are outputs are checked when they
 * resolve (see `resolveVault`).
 */
export function checkVaultReference(
  problems: ArgumentProblems,
  path: string,
  value: unknown,
  required: boolean,
): value is VaultReference {
  if (value === undefined || value === null) {
    if (required) {
      problems.add(
        path,
        `is required: a vault reference { vaultId, permissionModel, ... } (TypeScript: secureVault.reference()), got ${show(value)}`,
      );
    }
    return false;
  }
  if (pulumi.Resource.isInstance(value)) {
    problems.add(
      path,
      `must be a vault reference, got the component itself; pass vault.reference() (TypeScript) or { vaultId, permissionModel, ... } built from its outputs`,
    );
    return false;
  }
  if (!isPlainObject(value)) {
    problems.add(
      path,
      `must be a vault reference object { vaultId, permissionModel, vaultUri?, sku?, location?, tenantId? }, got ${show(value)}`,
    );
    return false;
  }
  const ref = value as Partial<VaultReference>;
  const idKnown = checkString(problems, `${path}.vaultId`, ref.vaultId, true);
  const parts = idKnown ? parseVaultId(ref.vaultId as string) : undefined;
  if (idKnown && parts === undefined) {
    problems.add(
      `${path}.vaultId`,
      parseManagedHsmId(ref.vaultId as string) !== undefined
        ? `names a Managed HSM, not a Key Vault vault, got ${show(ref.vaultId)}: describe a Managed HSM key as { managedHsm: { hsmId, hsmUri?, location?, tenantId? }, keyName } (CmkStorageAccount key); ManagedKeyRotation keys and access-key secrets need a Key Vault vault`
        : `must be a Key Vault resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<name>), got ${show(ref.vaultId)}`,
    );
  }
  if (ref.permissionModel === undefined) {
    problems.add(
      `${path}.permissionModel`,
      `is required ("accessPolicy" or "rbac"): it decides how access to the vault is granted`,
    );
  } else if (!isKnown(ref.permissionModel)) {
    problems.add(
      `${path}.permissionModel`,
      `must be a plain value ("accessPolicy" or "rbac"), not an output: it decides which kind of grant is created`,
    );
  } else {
    checkEnum(
      problems,
      `${path}.permissionModel`,
      ref.permissionModel,
      enumValues(VaultPermissionModel),
    );
  }
  if (checkString(problems, `${path}.vaultUri`, ref.vaultUri)) {
    const fromUri = vaultNameFromUri(ref.vaultUri);
    if (fromUri === undefined) {
      problems.add(
        `${path}.vaultUri`,
        `must be a Key Vault URI such as "https://<vault>.vault.azure.net", got ${show(ref.vaultUri)}`,
      );
    } else if (parts !== undefined && fromUri.toLowerCase() !== parts.vaultName.toLowerCase()) {
      problems.add(
        `${path}.vaultUri`,
        `names vault "${fromUri}" but vaultId names vault "${parts.vaultName}"; both must describe the same vault`,
      );
    }
  }
  checkEnum(problems, `${path}.sku`, ref.sku, enumValues(VaultSku));
  checkPlacement(problems, path, ref);
  return true;
}

/** The optional `location` and `tenantId` of a vault or Managed HSM reference: strings, the tenant a GUID. */
function checkPlacement(
  problems: ArgumentProblems,
  path: string,
  ref: { location?: unknown; tenantId?: unknown },
): void {
  checkString(problems, `${path}.location`, ref.location);
  if (checkString(problems, `${path}.tenantId`, ref.tenantId) && !GUID_PATTERN.test(ref.tenantId)) {
    problems.add(
      `${path}.tenantId`,
      `must be an Entra ID tenant id (a GUID), got ${show(ref.tenantId)}`,
    );
  }
}

/**
 * Checks a Managed HSM reference as an untyped caller may send it: an object, a Managed HSM ARM id, a Managed HSM URI
 * naming the same HSM, and a GUID tenant. Values that are outputs are checked when they resolve (see
 * `resolveManagedHsm`).
 */
export function checkManagedHsmReference(
  problems: ArgumentProblems,
  path: string,
  value: unknown,
): value is ManagedHsmReference {
  if (pulumi.Resource.isInstance(value) || !isPlainObject(value)) {
    problems.add(
      path,
      `must be a Managed HSM reference object { hsmId, hsmUri?, location?, tenantId? }, got ${pulumi.Resource.isInstance(value) ? "a resource" : show(value)}`,
    );
    return false;
  }
  const ref = value as Partial<ManagedHsmReference>;
  const idKnown = checkString(problems, `${path}.hsmId`, ref.hsmId, true);
  const parts = idKnown ? parseManagedHsmId(ref.hsmId as string) : undefined;
  if (idKnown && parts === undefined) {
    problems.add(
      `${path}.hsmId`,
      parseVaultId(ref.hsmId as string) !== undefined
        ? `names a Key Vault vault, not a Managed HSM, got ${show(ref.hsmId)}: pass a vault key as { vault: { vaultId, permissionModel, ... }, keyName }`
        : `must be a Managed HSM resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.KeyVault/managedHSMs/<name>), got ${show(ref.hsmId)}`,
    );
  }
  if (checkString(problems, `${path}.hsmUri`, ref.hsmUri)) {
    const fromUri = managedHsmNameFromUri(ref.hsmUri);
    if (fromUri === undefined) {
      problems.add(
        `${path}.hsmUri`,
        `must be a Managed HSM URI such as "https://<hsm>.managedhsm.azure.net", got ${show(ref.hsmUri)}`,
      );
    } else if (parts !== undefined && fromUri.toLowerCase() !== parts.hsmName.toLowerCase()) {
      problems.add(
        `${path}.hsmUri`,
        `names Managed HSM "${fromUri}" but hsmId names Managed HSM "${parts.hsmName}"; both must describe the same HSM`,
      );
    }
  }
  checkPlacement(problems, path, ref);
  return true;
}

/**
 * Checks a key reference: an object with exactly one of a vault reference and a Managed HSM reference, and a valid key
 * name (and no keyId with a Managed HSM, whose grant is scoped inside the HSM).
 */
export function checkKeyReference(
  problems: ArgumentProblems,
  path: string,
  value: unknown,
): value is KeyReference {
  if (value === undefined || value === null) {
    problems.add(
      path,
      `is required: a key reference { vault, keyName } or { managedHsm, keyName } (TypeScript: managedKeyRotation.reference()), got ${show(value)}`,
    );
    return false;
  }
  if (pulumi.Resource.isInstance(value)) {
    problems.add(
      path,
      `must be a key reference, got the component itself; pass key.reference() (TypeScript) or { vault, keyName, keyId } built from its outputs`,
    );
    return false;
  }
  if (!isPlainObject(value)) {
    problems.add(
      path,
      `must be a key reference object { vault, keyName, keyId? } or { managedHsm, keyName }, got ${show(value)}`,
    );
    return false;
  }
  const ref = value as Partial<KeyReference>;
  const hasVault = ref.vault !== undefined && ref.vault !== null;
  const hasHsm = ref.managedHsm !== undefined && ref.managedHsm !== null;
  if (hasVault && hasHsm) {
    problems.add(
      path,
      "must name exactly one place for the key: vault (a Key Vault vault) or managedHsm (a Managed HSM), got both",
    );
  } else if (hasHsm) {
    checkManagedHsmReference(problems, `${path}.managedHsm`, ref.managedHsm);
    if (ref.keyId !== undefined && ref.keyId !== null) {
      problems.add(
        `${path}.keyId`,
        `is not used with a Managed HSM key (its grant is a Managed HSM local role assignment on /keys/<keyName>, not an ARM scope); remove it, got ${show(ref.keyId)}`,
      );
    }
  } else if (hasVault) {
    checkVaultReference(problems, `${path}.vault`, ref.vault, true);
  } else {
    problems.add(
      `${path}.vault`,
      `is required unless managedHsm is given: a vault reference { vaultId, permissionModel, ... } (TypeScript: secureVault.reference()), or managedHsm: { hsmId, ... } for a Managed HSM key, got ${show(ref.vault)}`,
    );
  }
  if (checkString(problems, `${path}.keyName`, ref.keyName, true)) {
    const p = keyNameProblem(ref.keyName);
    if (p) problems.add(`${path}.keyName`, p);
  }
  if (!hasHsm) checkString(problems, `${path}.keyId`, ref.keyId);
  return true;
}
