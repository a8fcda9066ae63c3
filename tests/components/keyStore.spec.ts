import * as assert from "node:assert/strict";
import * as azureKeyvault from "@pulumi/azure/keyvault";
import * as keyvault from "@pulumi/azure-native/keyvault";
import { CmkStorageAccount } from "../../components/cmkStorageAccount";
import { managedHsmRoleAssignmentName } from "../../components/grants";
import { keyStoreReference } from "../../components/keyStore";
import type { KeyReference } from "../../components/references";
import { DEFAULT_ARM_CONTEXT } from "../../preview/armState";
import { securitySummary } from "../../preview/render";
import { checkRegistration, T, type AzureState } from "../../preview/simulatedAzure";
import {
  byType,
  deploymentErrors,
  errorOf,
  one,
  promiseOf,
  recorder,
  settled,
} from "../support/mocks";

/** Keys in a Managed HSM: the reference kind, its validation, the local RBAC grant and the simulated Azure's verdict. */

const SUB = DEFAULT_ARM_CONTEXT.subscriptionId;
const HSM_ID = `/subscriptions/${SUB}/resourceGroups/rg-hsm/providers/Microsoft.KeyVault/managedHSMs/hsm-shared-01`;
const HSM_KEY: KeyReference = {
  managedHsm: {
    hsmId: HSM_ID,
    hsmUri: "https://hsm-shared-01.managedhsm.azure.net/",
    location: "westeurope",
  },
  keyName: "storage-cmk",
};
const ROLE_DEFINITION =
  "/Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/33413926-3206-4cdd-b39a-83574fe37a17";
const SA = "azure-native:storage:StorageAccount";

/** The simulated Azure, checking every registration as the offline preview does. */
function simulatedAzure(existingVaults: string[] = []): { rejected: string[] } {
  const seen = { rejected: [] as string[] };
  const state: AzureState = {
    created: recorder.resources,
    existingVaults: new Set(existingVaults),
  };
  recorder.addCheck((pending) => {
    const err = checkRegistration(pending, state);
    if (err) {
      seen.rejected.push(`${err.rule}: ${err.armMessage}`);
      throw err;
    }
  });
  return seen;
}

const problemsOf = (key: unknown, extra: Record<string, unknown> = {}): string =>
  errorOf(
    () =>
      new CmkStorageAccount("sa", {
        resourceGroupName: "rg",
        location: "westeurope",
        key: key as KeyReference,
        ...extra,
      }),
  ).message;

describe("Managed HSM keys (keyStore)", () => {
  beforeEach(() => recorder.reset());

  describe("CmkStorageAccount with a Managed HSM key reference", () => {
    it("grants Managed HSM Crypto Service Encryption User on /keys/<key> as a local role assignment, waits, and encrypts with the HSM URI", async () => {
      const sa = new CmkStorageAccount("payments", {
        resourceGroupName: "rg",
        location: "westeurope",
        key: HSM_KEY,
      });
      await promiseOf(sa.accountId);
      await settled();
      const grant = one(T.hsmRoleAssignment, "payments-key-access");
      const identity = one(
        "azure-native:managedidentity:UserAssignedIdentity",
        "payments-identity",
      );
      assert.equal(grant.inputs.managedHsmId, HSM_ID);
      assert.equal(grant.inputs.scope, "/keys/storage-cmk");
      assert.equal(grant.inputs.roleDefinitionId, ROLE_DEFINITION);
      assert.equal(grant.inputs.principalId, identity.outputs.principalId);
      assert.equal(
        grant.inputs.name,
        managedHsmRoleAssignmentName(
          HSM_ID,
          "/keys/storage-cmk",
          String(identity.outputs.principalId),
          ROLE_DEFINITION,
        ),
      );
      assert.equal(byType("azure-native:authorization:RoleAssignment").length, 0);
      assert.equal(byType("azure-native:keyvault:AccessPolicy").length, 0);
      const wait = one(T.sleep, "payments-rbac-propagation");
      assert.equal(wait.inputs.createDuration, "60s");
      assert.ok(wait.dependencies.includes(grant.urn));
      const account = one(SA, "payments-account");
      assert.deepEqual(account.inputs.encryption.keyVaultProperties, {
        keyName: "storage-cmk",
        keyVaultUri: "https://hsm-shared-01.managedhsm.azure.net",
      });
      assert.ok(account.dependencies.includes(wait.urn));
      assert.equal(await promiseOf(sa.keyVaultUri), "https://hsm-shared-01.managedhsm.azure.net");
      assert.equal(await promiseOf(sa.keyGrantId), grant.id);
    });

    it("derives the HSM URI from the id when hsmUri is not given", async () => {
      const sa = new CmkStorageAccount("sa", {
        resourceGroupName: "rg",
        location: "westeurope",
        key: { managedHsm: { hsmId: HSM_ID }, keyName: "k1" },
      });
      assert.equal(await promiseOf(sa.keyVaultUri), "https://hsm-shared-01.managedhsm.azure.net");
    });

    it("gives the same grant the same GUID name and another grant another one", () => {
      const a = managedHsmRoleAssignmentName(HSM_ID, "/keys/a", "p1", ROLE_DEFINITION);
      assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(
        a,
        managedHsmRoleAssignmentName(HSM_ID.toUpperCase(), "/keys/A", "P1", ROLE_DEFINITION),
      );
      assert.notEqual(a, managedHsmRoleAssignmentName(HSM_ID, "/keys/b", "p1", ROLE_DEFINITION));
      assert.notEqual(a, managedHsmRoleAssignmentName(HSM_ID, "/keys/a", "p2", ROLE_DEFINITION));
    });

    it("previews clean against the simulated Azure with an existing (declared) Managed HSM", async () => {
      const az = simulatedAzure(["hsm-shared-01"]);
      const sa = new CmkStorageAccount("payments", {
        resourceGroupName: "rg",
        location: "westeurope",
        key: HSM_KEY,
      });
      await promiseOf(sa.accountId);
      await settled();
      assert.deepEqual(az.rejected, []);
      assert.equal(byType(SA).length, 1);
    });

    it("previews clean with the Managed HSM and its key in the stack, the grant found on the key", async () => {
      const az = simulatedAzure();
      // A raw HSM and key, as a program would declare them (the types the simulated Azure knows).
      const hsm = new keyvault.ManagedHsm("hsm", {
        name: "hsm-shared-01",
        resourceGroupName: "rg-hsm",
        location: "westeurope",
        properties: { enablePurgeProtection: true, softDeleteRetentionInDays: 90 },
      });
      const key = new azureKeyvault.ManagedHardwareSecurityModuleKey(
        "hsm-key",
        {
          name: "storage-cmk",
          managedHsmId: hsm.id,
          keyType: "RSA-HSM",
          keySize: 3072,
          keyOpts: ["wrapKey", "unwrapKey"],
        },
        { dependsOn: [hsm] },
      );
      const sa = new CmkStorageAccount(
        "payments",
        {
          resourceGroupName: "rg",
          location: "westeurope",
          key: { managedHsm: { hsmId: hsm.id }, keyName: "storage-cmk" },
        },
        { dependsOn: [key] },
      );
      await promiseOf(sa.accountId);
      await settled();
      assert.deepEqual(az.rejected, []);
      assert.equal(byType(T.hsmRoleAssignment).length, 1);
    });

    it("shows the HSM, the HSM key URI and the local role assignment in the preview's security summary", async () => {
      const hsm = new keyvault.ManagedHsm("hsm", {
        name: "hsm-shared-01",
        resourceGroupName: "rg-hsm",
        location: "westeurope",
        properties: { enablePurgeProtection: true },
      });
      const sa = new CmkStorageAccount("payments", {
        resourceGroupName: "rg",
        location: "westeurope",
        key: { managedHsm: { hsmId: hsm.id }, keyName: "storage-cmk" },
      });
      await promiseOf(sa.accountId);
      const lines = securitySummary(await settled());
      assert.ok(
        lines.includes(
          "Managed HSM hsm-shared-01 (westeurope): soft delete on (always), retention 90 days, purge protection on, permission model Managed HSM local RBAC, public network access Enabled",
        ),
        lines.join("\n"),
      );
      const account = lines.find((l) => l.startsWith("Account "))!;
      assert.match(
        account,
        /CMK in Managed HSM https:\/\/hsm-shared-01\.managedhsm\.azure\.net\/keys\/storage-cmk \(versionless, follows rotation\)/,
      );
      assert.match(
        account,
        /grant: Managed HSM local role assignment payments-key-access \(33413926-3206-4cdd-b39a-83574fe37a17 on \/keys\/storage-cmk; account depends on it\)/,
      );
    });

    it("fails in the simulated Azure when the grant is left out for a Managed HSM of the stack", async () => {
      const az = simulatedAzure();
      const hsm = new keyvault.ManagedHsm("hsm", {
        name: "hsm-shared-01",
        resourceGroupName: "rg-hsm",
        location: "westeurope",
        properties: { enablePurgeProtection: true },
      });
      const key = new azureKeyvault.ManagedHardwareSecurityModuleKey(
        "hsm-key",
        {
          name: "storage-cmk",
          managedHsmId: hsm.id,
          keyType: "RSA-HSM",
          keyOpts: ["wrapKey", "unwrapKey"],
        },
        { dependsOn: [hsm] },
      );
      new CmkStorageAccount(
        "payments",
        {
          resourceGroupName: "rg",
          location: "westeurope",
          key: { managedHsm: { hsmId: hsm.id }, keyName: "storage-cmk" },
          grantKeyAccess: false,
        },
        { dependsOn: [key] },
      );
      await deploymentErrors();
      assert.equal(az.rejected.length, 1);
      assert.match(
        az.rejected[0],
        /^storage-cmk-hsm-grant: .*has no Managed HSM local role assignment on key 'storage-cmk' in managed HSM 'hsm-shared-01'/,
      );
      assert.equal(byType(SA).length, 0);
    });
  });

  describe("validation", () => {
    it("fails when both a vault and a Managed HSM are given", () => {
      const msg = problemsOf({
        ...HSM_KEY,
        vault: {
          vaultId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-a`,
          permissionModel: "rbac",
        },
      });
      assert.match(
        msg,
        /key: must name exactly one place for the key: vault .* or managedHsm .*, got both/,
      );
    });

    it("fails when neither a vault nor a Managed HSM is given", () => {
      assert.match(
        problemsOf({ keyName: "k1" }),
        /key\.vault: is required unless managedHsm is given: .* managedHsm: \{ hsmId, \.\.\. \} for a Managed HSM key, got undefined/,
      );
    });

    it("fails when hsmId is a vault id, pointing to key.vault", () => {
      const msg = problemsOf({
        managedHsm: {
          hsmId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-a`,
        },
        keyName: "k1",
      });
      assert.match(
        msg,
        /key\.managedHsm\.hsmId: names a Key Vault vault, not a Managed HSM, .*pass a vault key as \{ vault:/,
      );
    });

    it("fails when vault.vaultId names a Managed HSM, pointing to key.managedHsm", () => {
      const msg = problemsOf({
        vault: { vaultId: HSM_ID, permissionModel: "rbac" },
        keyName: "k1",
      });
      assert.match(
        msg,
        /key\.vault\.vaultId: names a Managed HSM, not a Key Vault vault, .*\{ managedHsm: \{ hsmId/,
      );
    });

    it("fails when hsmId is not an ARM id, or hsmUri is not a Managed HSM URI or names another HSM", () => {
      assert.match(
        problemsOf({ managedHsm: { hsmId: "hsm-shared-01" }, keyName: "k1" }),
        /key\.managedHsm\.hsmId: must be a Managed HSM resource id \(\/subscriptions\/<id>\/resourceGroups\/<rg>\/providers\/Microsoft\.KeyVault\/managedHSMs\/<name>\), got "hsm-shared-01"/,
      );
      assert.match(
        problemsOf({
          managedHsm: { hsmId: HSM_ID, hsmUri: "https://hsm-shared-01.vault.azure.net" },
          keyName: "k1",
        }),
        /key\.managedHsm\.hsmUri: must be a Managed HSM URI such as "https:\/\/<hsm>\.managedhsm\.azure\.net"/,
      );
      assert.match(
        problemsOf({
          managedHsm: { hsmId: HSM_ID, hsmUri: "https://hsm-other.managedhsm.azure.net" },
          keyName: "k1",
        }),
        /key\.managedHsm\.hsmUri: names Managed HSM "hsm-other" but hsmId names Managed HSM "hsm-shared-01"/,
      );
    });

    it("fails when managedHsm is not an object, or its tenant is not a GUID", () => {
      assert.match(
        problemsOf({ managedHsm: HSM_ID, keyName: "k1" }),
        /key\.managedHsm: must be a Managed HSM reference object \{ hsmId, hsmUri\?, location\?, tenantId\? \}, got "\/subscriptions/,
      );
      assert.match(
        problemsOf({ managedHsm: { hsmId: HSM_ID, tenantId: "contoso" }, keyName: "k1" }),
        /key\.managedHsm\.tenantId: must be an Entra ID tenant id \(a GUID\), got "contoso"/,
      );
    });

    it("fails when a Managed HSM key is given a keyId", () => {
      assert.match(
        problemsOf({ ...HSM_KEY, keyId: `${HSM_ID}/keys/storage-cmk` }),
        /key\.keyId: is not used with a Managed HSM key \(its grant is a Managed HSM local role assignment on \/keys\/<keyName>/,
      );
    });

    it("fails when the account is in another region than the Managed HSM", () => {
      assert.match(
        errorOf(
          () =>
            new CmkStorageAccount("sa", {
              resourceGroupName: "rg",
              location: "northeurope",
              key: HSM_KEY,
            }),
        ).message,
        /location: must match the Managed HSM's region "westeurope", got "northeurope"; move the account or the Managed HSM, or set allowCrossRegionKey: true/,
      );
    });

    it("fails when access-key rotation has no secret vault for a Managed HSM key", () => {
      assert.match(
        problemsOf(HSM_KEY, { allowSharedKeyAccess: true, rotateAccessKeys: true }),
        /accessKeySecretVault: is required when rotateAccessKeys is true and the key is in a Managed HSM/,
      );
    });

    it("fails when the rbac propagation wait is below the minimum for a Managed HSM grant", () => {
      assert.match(
        problemsOf(HSM_KEY, { rbacPropagationSeconds: 5 }),
        /rbacPropagationSeconds: must be at least 30/,
      );
    });

    it("registers nothing when a Managed HSM reference is refused", async () => {
      problemsOf({ managedHsm: { hsmId: "nope" }, keyName: "k1" });
      await settled();
      assert.equal(recorder.resources.length, 0);
    });

    it("reads the place of a key from the reference", () => {
      assert.equal(keyStoreReference(HSM_KEY).label, "Managed HSM");
      assert.equal(
        keyStoreReference({ vault: { vaultId: "x", permissionModel: "rbac" }, keyName: "k" }).label,
        "key vault",
      );
    });
  });
});
