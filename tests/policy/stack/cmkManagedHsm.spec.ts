import assert from "node:assert/strict";
import { TYPES } from "../../../policy/lib/constants";
import { cmkIdentityKeyAccess } from "../../../policy/stack/cmkIdentityKeyAccess";
import { cmkReferencesResolvable } from "../../../policy/stack/cmkReferencesResolvable";
import { cmkRegionColocation } from "../../../policy/stack/cmkRegionColocation";
import { cmkTenantColocation } from "../../../policy/stack/cmkTenantColocation";
import { cmkVaultRecoverable } from "../../../policy/stack/cmkVaultRecoverable";
import { runStackPolicy, stackResource } from "../../support/policyHarness";
import { OTHER_TENANT, PRINCIPAL, RG_ID, TENANT, UAI_ID, UAI_NAME } from "../fixtures";

/** Stack policies on an account whose customer-managed key is in a Managed HSM. */

const HSM_NAME = "hsm-cmk-dev";
const HSM_ID = `${RG_ID}/providers/Microsoft.KeyVault/managedHSMs/${HSM_NAME}`;
const HSM_URI = `https://${HSM_NAME}.managedhsm.azure.net/`;
const ENCRYPTION_USER = "33413926-3206-4cdd-b39a-83574fe37a17";
const AUDITOR = "2c18b078-7c48-4d3a-af88-5a3a1b3f82b3";

function hsmStack(
  opts: {
    graph?: boolean;
    hsm?: Record<string, unknown> | false;
    grant?: { role?: string; scope?: string } | false;
    accountLocation?: string;
  } = {},
) {
  const graph = opts.graph ?? true;
  const g = <T>(x: T): T | Record<string, never> => (graph ? x : {});
  const hsm =
    opts.hsm === false
      ? undefined
      : stackResource(TYPES.managedHsm, "hsm", {
          id: HSM_ID,
          name: HSM_NAME,
          location: "westeurope",
          properties: {
            tenantId: TENANT,
            enablePurgeProtection: true,
            hsmUri: HSM_URI,
            ...opts.hsm,
          },
        });
  const identity = stackResource(TYPES.userAssignedIdentity, "payments-identity", {
    id: UAI_ID,
    name: UAI_NAME,
    location: "westeurope",
    principalId: PRINCIPAL,
    tenantId: TENANT,
  });
  const grant =
    opts.grant === false
      ? undefined
      : stackResource(
          TYPES.hsmRoleAssignment,
          "payments-key-access",
          {
            managedHsmId: HSM_ID,
            name: "0f8fad5b-d9cb-469f-a165-70867728950e",
            scope: opts.grant?.scope ?? "/keys/cmk",
            roleDefinitionId: `/Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/${opts.grant?.role ?? ENCRYPTION_USER}`,
            principalId: PRINCIPAL,
          },
          {
            propertyDependencies: g({
              principalId: [identity],
              ...(hsm ? { managedHsmId: [hsm] } : {}),
            }),
          },
        );
  const account = stackResource(
    TYPES.storageAccount,
    "payments-account",
    {
      id: `${RG_ID}/providers/Microsoft.Storage/storageAccounts/stcmkdev`,
      name: "stcmkdev",
      location: opts.accountLocation ?? "westeurope",
      encryption: {
        keySource: "Microsoft.Keyvault",
        keyVaultProperties: { keyName: "cmk", keyVaultUri: HSM_URI },
        encryptionIdentity: { encryptionUserAssignedIdentity: UAI_ID },
      },
    },
    {
      propertyDependencies: g({ encryption: [identity], identity: [identity] }),
      dependencies: grant ? [grant] : [],
    },
  );
  return [hsm, identity, grant, account].filter((r) => r !== undefined);
}

describe("stack policies on a Managed HSM key", () => {
  describe("cmk-identity-key-access", () => {
    for (const graph of [true, false]) {
      it(`passes a Managed HSM Crypto Service Encryption User assignment on the key (${graph ? "graph" : "values"})`, async () => {
        assert.deepEqual(
          (await runStackPolicy(cmkIdentityKeyAccess, hsmStack({ graph }))).messages,
          [],
        );
      });
    }

    it("passes an assignment on all keys (/keys)", async () => {
      const r = await runStackPolicy(cmkIdentityKeyAccess, hsmStack({ grant: { scope: "/keys" } }));
      assert.deepEqual(r.messages, []);
    });

    it("fails when the identity has no local role assignment", async () => {
      const r = await runStackPolicy(cmkIdentityKeyAccess, hsmStack({ grant: false }));
      assert.deepEqual(r.messages, [
        `Encryption identity "payments-identity" of storage account "payments-account" has no Managed HSM local role assignment of an allowed role (${ENCRYPTION_USER}) on key "cmk" of Managed HSM "hsm". Managed HSM keys honour neither vault access policies nor Azure RBAC role assignments.`,
      ]);
    });

    it("fails when the local role cannot use keys, naming it", async () => {
      const r = await runStackPolicy(cmkIdentityKeyAccess, hsmStack({ grant: { role: AUDITOR } }));
      assert.match(
        r.messages[0],
        new RegExp(`grant role\\(s\\) "${AUDITOR}", which are not allowed`),
      );
    });

    it("fails when the assignment is scoped to another key", async () => {
      const r = await runStackPolicy(
        cmkIdentityKeyAccess,
        hsmStack({ grant: { scope: "/keys/other" } }),
      );
      assert.equal(r.messages.length, 1);
    });

    it("accepts another local role when configured", async () => {
      const r = await runStackPolicy(cmkIdentityKeyAccess, hsmStack({ grant: { role: AUDITOR } }), {
        config: { allowedManagedHsmRoleDefinitionIds: [AUDITOR] },
      });
      assert.deepEqual(r.messages, []);
    });
  });

  it("cmk-region-colocation fails when the account is in another region than the Managed HSM", async () => {
    const r = await runStackPolicy(
      cmkRegionColocation,
      hsmStack({ accountLocation: "northeurope" }),
    );
    assert.deepEqual(r.messages, [
      `Storage account "payments-account" is in "northeurope" but Managed HSM "hsm" holding its key is in "westeurope"; they must be in the same region.`,
    ]);
  });

  it("cmk-tenant-colocation fails when the Managed HSM is in another tenant than the identity", async () => {
    const r = await runStackPolicy(
      cmkTenantColocation,
      hsmStack({ hsm: { tenantId: OTHER_TENANT } }),
    );
    assert.match(
      r.messages[0],
      /^Managed HSM "hsm" \(tenant "99999999-8888-7777-6666-555555555555"\) and encryption identity "payments-identity"/,
    );
  });

  it("cmk-vault-recoverable passes with purge protection and fails without it", async () => {
    assert.deepEqual((await runStackPolicy(cmkVaultRecoverable, hsmStack())).messages, []);
    const r = await runStackPolicy(
      cmkVaultRecoverable,
      hsmStack({ hsm: { enablePurgeProtection: false } }),
    );
    assert.deepEqual(r.messages, [
      `Managed HSM "hsm" holding the key of storage account "payments-account" is not recoverable: purge protection is not enabled.`,
    ]);
  });

  it("cmk-references-resolvable reports that a Managed HSM key's rotation cannot be verified, and an HSM outside the stack", async () => {
    const inStack = await runStackPolicy(cmkReferencesResolvable, hsmStack());
    assert.deepEqual(inStack.messages, [
      `Storage account "payments-account": key "cmk" is in Managed HSM "${HSM_URI}"; cannot verify its type, rotation or expiry (set them on the HSM key and its rotation policy).`,
    ]);
    const outside = await runStackPolicy(cmkReferencesResolvable, hsmStack({ hsm: false }));
    assert.equal(outside.messages.length, 2);
    assert.match(
      outside.messages[0],
      /Managed HSM "https:\/\/hsm-cmk-dev\.managedhsm\.azure\.net\/" is not in this stack; cannot verify its region, tenant, purge protection or local role assignments\./,
    );
    // Without the HSM in the stack, the mandatory grant policy leaves the account to this advisory one.
    assert.deepEqual(
      (await runStackPolicy(cmkIdentityKeyAccess, hsmStack({ hsm: false, grant: false }))).messages,
      [],
    );
  });
});
