import { type StackValidationPolicy } from "@pulumi/policy";
import { URLS } from "../lib/constants";
import { StackGraph, keyStoreLabel, encryptionOf, readProp } from "../lib/graph";
import { accountList, lower, str } from "../lib/text";

export interface CmkTenantColocationConfig {
  /** Tenant every vault and encryption identity must belong to; "" = not enforced. */
  expectedTenantId?: string;
  /** Allow a vault in another tenant when the account sets a federated identity client id. */
  allowCrossTenant?: boolean;
}

/**
 * Rule 10 (stack): the vault's tenant (`properties.tenantId`) equals the tenant of the identity used
 * for encryption (`tenantId` output of the UserAssignedIdentity), and both equal `expectedTenantId`
 * when it is set. A cross-tenant key is accepted only with `allowCrossTenant: true` AND an
 * `encryption.encryptionIdentity.encryptionFederatedIdentityClientId` on the account (then the vault
 * is exempt from `expectedTenantId`; the identity is not).
 *
 * The vault tenant (an input) is checked before the identity tenant, which is unknown during the
 * first preview; reading it then ends the run with the engine's advisory "can't run during preview".
 */
export const cmkTenantColocation: StackValidationPolicy = {
  name: "cmk-tenant-colocation",
  description:
    "The Key Vault holding a storage account's key must be in the tenant of the encryption identity (and the expected tenant).",
  configSchema: {
    properties: {
      expectedTenantId: {
        type: "string",
        pattern: "^$|^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
        default: "",
        description:
          "Entra tenant id vaults and identities must belong to; empty to skip this check.",
      },
      allowCrossTenant: {
        type: "boolean",
        default: false,
        description:
          "Allow a vault in another tenant when the account sets encryptionFederatedIdentityClientId.",
      },
    },
  },
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Use a vault in the identity's tenant. For a deliberate cross-tenant key, set `allowCrossTenant: true` for this policy and `encryption.encryptionIdentity.encryptionFederatedIdentityClientId` on the account.",
  url: URLS.storageCmkCrossTenant,
  validateStack: (args, reportViolation) => {
    const { expectedTenantId = "", allowCrossTenant = false } =
      args.getConfig<CmkTenantColocationConfig>();
    const expected = lower(expectedTenantId);
    const graph = new StackGraph(args.resources);
    // Pass 1 reads only vault tenants and the accounts' federated client ids, which are known during preview, so
    // these findings survive an identity tenant that is not yet known (pass 2 then stops at the preview diagnostic).
    // A vault in the wrong tenant is one finding on the vault, naming every (non-exempt) account whose key it holds.
    for (const [vault, accounts] of graph.cmkAccountsBy("vault")) {
      const vaultTenant = lower(readProp(vault, "tenantId"));
      if (expected === undefined || vaultTenant === undefined || vaultTenant === expected) {
        continue;
      }
      const affected = accounts.filter(
        (a) => !(allowCrossTenant && encryptionOf(a).federatedClientId !== undefined),
      );
      if (affected.length > 0) {
        reportViolation(
          `${keyStoreLabel(vault) === "key vault" ? "Key vault" : "Managed HSM"} "${vault.name}" used by ${accountList(affected.map((a) => a.name))} is in tenant "${vaultTenant}", not the expected tenant "${expected}".`,
          vault.urn,
        );
      }
    }
    for (const account of graph.cmkAccounts()) {
      const { vault, identity } = graph.resolveCmk(account);
      if (vault === undefined || identity === undefined) {
        continue;
      }
      const exempt = allowCrossTenant && encryptionOf(account).federatedClientId !== undefined;
      const vaultTenant = lower(readProp(vault, "tenantId"));
      const identityTenant = lower(str(identity.props?.["tenantId"]));
      if (identityTenant === undefined) {
        continue;
      }
      if (expected !== undefined && identityTenant !== expected) {
        reportViolation(
          `Encryption identity "${identity.name}" of storage account "${account.name}" is in tenant "${identityTenant}", not the expected tenant "${expected}".`,
          account.urn,
        );
      }
      if (vaultTenant === undefined || vaultTenant === identityTenant || exempt) {
        continue;
      }
      reportViolation(
        allowCrossTenant
          ? `${keyStoreLabel(vault) === "key vault" ? "Key vault" : "Managed HSM"} "${vault.name}" (tenant "${vaultTenant}") and encryption identity "${identity.name}" (tenant "${identityTenant}") of storage account "${account.name}" are in different tenants, and the account sets no encryption.encryptionIdentity.encryptionFederatedIdentityClientId.`
          : `${keyStoreLabel(vault) === "key vault" ? "Key vault" : "Managed HSM"} "${vault.name}" (tenant "${vaultTenant}") and encryption identity "${identity.name}" (tenant "${identityTenant}") of storage account "${account.name}" are in different tenants; cross-tenant keys are not allowed.`,
        account.urn,
      );
    }
  },
};
