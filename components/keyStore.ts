import type * as pulumi from "@pulumi/pulumi";
import { managedHsmNameFromUri, parseManagedHsmId, parseVaultId } from "./armId";
import {
  resolveManagedHsm,
  resolveVault,
  type KeyReference,
  type ManagedHsmReference,
  type ResolvedManagedHsm,
  type ResolvedVault,
  type VaultReference,
} from "./references";

/**
 * Where a customer-managed key lives: a Key Vault vault (access policies or Azure RBAC) or a Managed HSM (local RBAC).
 * One place decides it from a `KeyReference`, so the account's encryption URI, its grant and its colocation checks
 * always agree.
 */
export type ResolvedKeyStore =
  | { kind: "vault"; vault: ResolvedVault; uri: pulumi.Output<string>; roleBasedGrant: boolean }
  | {
      kind: "managedHsm";
      hsm: ResolvedManagedHsm;
      uri: pulumi.Output<string>;
      /** Managed HSM grants are local role assignments: they propagate like RBAC ones. */
      roleBasedGrant: true;
    };

/** The vault or HSM a (validated) key reference names, with what the colocation checks read. */
export function keyStoreReference(
  key: KeyReference,
):
  | { kind: "vault"; ref: VaultReference; label: string }
  | { kind: "managedHsm"; ref: ManagedHsmReference; label: string } {
  return key.managedHsm !== undefined && key.managedHsm !== null
    ? { kind: "managedHsm", ref: key.managedHsm, label: "Managed HSM" }
    : { kind: "vault", ref: key.vault!, label: "key vault" };
}

/** Resolves a validated key reference's vault or Managed HSM into the Outputs the components use. */
export function resolveKeyStore(key: KeyReference, describe: string): ResolvedKeyStore {
  const store = keyStoreReference(key);
  if (store.kind === "managedHsm") {
    const hsm = resolveManagedHsm(
      store.ref,
      parseManagedHsmId,
      managedHsmNameFromUri,
      `${describe}.managedHsm`,
    );
    return { kind: "managedHsm", hsm, uri: hsm.hsmUri, roleBasedGrant: true };
  }
  const vault = resolveVault(store.ref, parseVaultId, `${describe}.vault`);
  return {
    kind: "vault",
    vault,
    uri: vault.vaultUri,
    roleBasedGrant: vault.permissionModel === "rbac",
  };
}
