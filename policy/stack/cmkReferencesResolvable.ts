import { type PolicyResource, type StackValidationPolicy } from "@pulumi/policy";
import { URLS } from "../lib/constants";
import { StackGraph, encryptionOf } from "../lib/graph";
import { accountList } from "../lib/text";

/**
 * Advisory companion of the mandatory stack rules (9–14). A mandatory stack policy cannot downgrade
 * one of its own findings to advisory, so the mandatory rules silently skip a storage account whose
 * vault, key or encryption identity is not managed in this stack, and this policy reports each such
 * reference as "cannot verify". An external vault is legitimate (a shared platform vault), so it is
 * never a mandatory failure. Each external reference is reported once, naming every account that uses it.
 */
export const cmkReferencesResolvable: StackValidationPolicy = {
  name: "cmk-references-resolvable",
  description:
    "Reports customer-managed-key references (vault, key, identity) that are outside the stack and cannot be verified.",
  enforcementLevel: "advisory",
  severity: "low",
  remediationSteps:
    "Nothing to fix if the vault/key/identity is managed elsewhere: verify soft delete, purge protection, region, tenant, rotation and the identity's grant there. Otherwise manage them in this stack (SecureVault, ManagedKeyRotation, CmkStorageAccount).",
  url: URLS.storageCmk,
  validateStack: (args, reportViolation) => {
    const graph = new StackGraph(args.resources);
    // One finding per external reference (a shared vault is named by many accounts), naming every account that uses it.
    const missing = new Map<string, { what: string; accounts: PolicyResource[] }>();
    const add = (what: string, account: PolicyResource): void => {
      const entry = missing.get(what);
      if (entry) entry.accounts.push(account);
      else missing.set(what, { what, accounts: [account] });
    };
    for (const account of graph.cmkAccounts()) {
      const { vault, key, identity, keyStore } = graph.resolveCmk(account);
      if (vault !== undefined && key !== undefined && identity !== undefined) {
        continue;
      }
      const enc = encryptionOf(account);
      if (keyStore === "managedHsm") {
        // Managed HSM keys (and their rotation policies) are data-plane resources this pack does not inspect: their
        // type, rotation and expiry cannot be verified, whether the HSM is in the stack or not.
        if (vault === undefined) {
          add(
            `Managed HSM ${JSON.stringify(enc.keyVaultUri ?? null)} is not in this stack; cannot verify its region, tenant, purge protection or local role assignments.`,
            account,
          );
        }
        add(
          `key ${JSON.stringify(enc.keyName ?? null)} is in Managed HSM ${JSON.stringify(enc.keyVaultUri ?? null)}; cannot verify its type, rotation or expiry (set them on the HSM key and its rotation policy).`,
          account,
        );
        if (identity === undefined) {
          add(
            `encryption identity ${JSON.stringify(enc.userAssignedIdentity ?? null)} is not in this stack; cannot verify its tenant or key access.`,
            account,
          );
        }
        continue;
      }
      if (vault === undefined) {
        add(
          `key vault ${JSON.stringify(enc.keyVaultUri ?? null)} is not in this stack; cannot verify its region, tenant, soft delete, purge protection or access grants.`,
          account,
        );
      }
      if (key === undefined) {
        add(
          `key ${JSON.stringify(enc.keyName ?? null)} is not in this stack; cannot verify its type, rotation, expiry or deletion protection.`,
          account,
        );
      }
      if (identity === undefined) {
        add(
          `encryption identity ${JSON.stringify(enc.userAssignedIdentity ?? null)} is not in this stack; cannot verify its tenant or key access.`,
          account,
        );
      }
    }
    for (const { what, accounts } of missing.values()) {
      const subject = accountList(accounts.map((a) => a.name));
      // The reference is outside the stack, so the finding is attached to the account when there is one, else to the stack.
      reportViolation(
        `${subject.charAt(0).toUpperCase()}${subject.slice(1)}: ${what}`,
        accounts.length === 1 ? accounts[0].urn : undefined,
      );
    }
  },
};
