import * as pulumi from "@pulumi/pulumi";
import { parseVaultId, vaultNameFromUri } from "./armId";
import { enumValues, VaultPermissionModel, VaultSku } from "./enums";
import { keyNameProblem } from "./naming";
import type { KeyReference, VaultReference } from "./references";
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
      `must be a Key Vault resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<name>), got ${show(ref.vaultId)}`,
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
  checkString(problems, `${path}.location`, ref.location);
  if (checkString(problems, `${path}.tenantId`, ref.tenantId) && !GUID_PATTERN.test(ref.tenantId)) {
    problems.add(
      `${path}.tenantId`,
      `must be an Entra ID tenant id (a GUID), got ${show(ref.tenantId)}`,
    );
  }
  return true;
}

/** Checks a key reference: an object with a vault reference and a valid key name. */
export function checkKeyReference(
  problems: ArgumentProblems,
  path: string,
  value: unknown,
): value is KeyReference {
  if (value === undefined || value === null) {
    problems.add(
      path,
      `is required: a key reference { vault, keyName } (TypeScript: managedKeyRotation.reference()), got ${show(value)}`,
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
      `must be a key reference object { vault, keyName, keyId? }, got ${show(value)}`,
    );
    return false;
  }
  const ref = value as Partial<KeyReference>;
  checkVaultReference(problems, `${path}.vault`, ref.vault, true);
  if (checkString(problems, `${path}.keyName`, ref.keyName, true)) {
    const p = keyNameProblem(ref.keyName);
    if (p) problems.add(`${path}.keyName`, p);
  }
  checkString(problems, `${path}.keyId`, ref.keyId);
  return true;
}
