import assert from "node:assert/strict";
import { type StackValidationPolicy } from "@pulumi/policy";
import { TYPES } from "../../../policy/lib/constants";
import { accessPolicySingleSource } from "../../../policy/stack/accessPolicySingleSource";
import { cmkIdentityKeyAccess } from "../../../policy/stack/cmkIdentityKeyAccess";
import { cmkKeyDeletionProtected } from "../../../policy/stack/cmkKeyDeletionProtected";
import { cmkKeyRotationEffective } from "../../../policy/stack/cmkKeyRotationEffective";
import { cmkReferencesResolvable } from "../../../policy/stack/cmkReferencesResolvable";
import { cmkRegionColocation } from "../../../policy/stack/cmkRegionColocation";
import { cmkTenantColocation } from "../../../policy/stack/cmkTenantColocation";
import { cmkVaultRecoverable } from "../../../policy/stack/cmkVaultRecoverable";
import {
  UNKNOWN,
  runStackPolicies,
  runStackPolicy,
  stackResource,
} from "../../support/policyHarness";
import {
  NAMES,
  OTHER_TENANT,
  PRINCIPAL,
  TENANT,
  cmkStack,
  type cmkStackProps,
  vaultInputs,
} from "../fixtures";

const STACK_POLICIES: StackValidationPolicy[] = [
  accessPolicySingleSource,
  cmkRegionColocation,
  cmkTenantColocation,
  cmkIdentityKeyAccess,
  cmkVaultRecoverable,
  cmkKeyRotationEffective,
  cmkKeyDeletionProtected,
  cmkReferencesResolvable,
];

const ACCOUNT = `Storage account "${NAMES.account}"`;
const IDENTITY = `Encryption identity "${NAMES.identity}" of storage account "${NAMES.account}"`;

describe("stack policies on a compliant CMK stack", () => {
  for (const rbac of [false, true]) {
    for (const graph of [true, false]) {
      it(`report nothing for an ${rbac ? "RBAC" : "access-policy"} vault resolved by ${graph ? "the dependency graph" : "value matching"}`, async () => {
        const result = await runStackPolicies(STACK_POLICIES, cmkStack({ rbac, graph }));
        assert.deepEqual(result.violations, []);
      });
    }
  }

  it("are not triggered by a stack without storage accounts", async () => {
    const result = await runStackPolicies(STACK_POLICIES, [
      stackResource(TYPES.vault, "v", vaultInputs()),
    ]);
    assert.deepEqual(result.violations, []);
  });
});

describe("cmk-region-colocation", () => {
  it("treats display and programmatic location names as equal", async () => {
    const r = await runStackPolicy(
      cmkRegionColocation,
      cmkStack({ mutate: (p) => (p.account["location"] = "West Europe") }),
    );
    assert.deepEqual(r.messages, []);
  });

  for (const graph of [true, false]) {
    it(`fails when the storage account is in another region than its vault (${graph ? "graph" : "values"})`, async () => {
      const r = await runStackPolicy(
        cmkRegionColocation,
        cmkStack({ graph, mutate: (p) => (p.account["location"] = "North Europe") }),
      );
      assert.deepEqual(r.messages, [
        `${ACCOUNT} is in "northeurope" but key vault "${NAMES.vault}" holding its key is in "westeurope"; they must be in the same region.`,
      ]);
      assert.equal(r.violations[0]?.urn?.endsWith(`::${NAMES.account}`), true);
    });
  }

  it("skips an account whose vault has no location", async () => {
    const r = await runStackPolicy(
      cmkRegionColocation,
      cmkStack({ mutate: (p) => delete p.vault["location"] }),
    );
    assert.deepEqual(r.messages, []);
  });

  it("reports the preview diagnostic instead of crashing when the account location is unknown", async () => {
    const r = await runStackPolicy(
      cmkRegionColocation,
      cmkStack({ mutate: (p) => (p.account["location"] = UNKNOWN.string) }),
    );
    assert.equal(r.previewUnknown.length, 1);
  });
});

describe("cmk-tenant-colocation", () => {
  const vaultTenant = (t: string) => (p: ReturnType<typeof cmkStackProps>) => {
    (p.vault["properties"] as Record<string, unknown>)["tenantId"] = t;
  };

  it("fails when the vault is in another tenant than the identity", async () => {
    const r = await runStackPolicy(
      cmkTenantColocation,
      cmkStack({ mutate: vaultTenant(OTHER_TENANT) }),
    );
    assert.deepEqual(r.messages, [
      `Key vault "${NAMES.vault}" (tenant "${OTHER_TENANT}") and encryption identity "${NAMES.identity}" (tenant "${TENANT}") of storage account "${NAMES.account}" are in different tenants; cross-tenant keys are not allowed.`,
    ]);
  });

  it("fails a cross-tenant key without a federated client id even when allowed", async () => {
    const r = await runStackPolicy(
      cmkTenantColocation,
      cmkStack({ mutate: vaultTenant(OTHER_TENANT) }),
      { config: { allowCrossTenant: true } },
    );
    assert.deepEqual(r.messages, [
      `Key vault "${NAMES.vault}" (tenant "${OTHER_TENANT}") and encryption identity "${NAMES.identity}" (tenant "${TENANT}") of storage account "${NAMES.account}" are in different tenants, and the account sets no encryption.encryptionIdentity.encryptionFederatedIdentityClientId.`,
    ]);
  });

  it("accepts a cross-tenant key with allowCrossTenant and a federated client id", async () => {
    const stack = cmkStack({
      mutate: (p) => {
        vaultTenant(OTHER_TENANT)(p);
        const enc = p.account["encryption"] as Record<string, Record<string, unknown>>;
        enc["encryptionIdentity"] = {
          ...enc["encryptionIdentity"],
          encryptionFederatedIdentityClientId: "f00d",
        };
      },
    });
    const r = await runStackPolicy(cmkTenantColocation, stack, {
      config: { allowCrossTenant: true, expectedTenantId: TENANT },
    });
    assert.deepEqual(r.messages, []);
  });

  it("fails when the tenants differ from the configured expectedTenantId", async () => {
    const r = await runStackPolicy(cmkTenantColocation, cmkStack(), {
      config: { expectedTenantId: OTHER_TENANT },
    });
    assert.deepEqual(r.messages, [
      `Key vault "${NAMES.vault}" used by storage account "${NAMES.account}" is in tenant "${TENANT}", not the expected tenant "${OTHER_TENANT}".`,
      `Encryption identity "${NAMES.identity}" of storage account "${NAMES.account}" is in tenant "${TENANT}", not the expected tenant "${OTHER_TENANT}".`,
    ]);
  });

  it("fails when a vault behind several accounts is in the wrong tenant, once, on the vault, naming every account", async () => {
    const stack = cmkStack({
      moreAccounts: ["orders-account"],
      mutate: (p) => delete p.identity["tenantId"],
    });
    const r = await runStackPolicy(cmkTenantColocation, stack, {
      config: { expectedTenantId: OTHER_TENANT },
    });
    assert.deepEqual(r.messages, [
      `Key vault "${NAMES.vault}" used by storage accounts "${NAMES.account}" and "orders-account" is in tenant "${TENANT}", not the expected tenant "${OTHER_TENANT}".`,
    ]);
    assert.equal(r.violations[0]?.urn?.endsWith(`::${NAMES.vault}`), true);
  });

  it("reports the vault finding before the preview diagnostic when the identity tenant is unknown", async () => {
    const stack = cmkStack({ mutate: (p) => (p.identity["tenantId"] = UNKNOWN.string) });
    const r = await runStackPolicy(cmkTenantColocation, stack, {
      config: { expectedTenantId: OTHER_TENANT },
    });
    assert.equal(r.messages.length, 1);
    assert.equal(r.previewUnknown.length, 1);
  });

  it("skips the identity comparison when the identity has no tenant output", async () => {
    const r = await runStackPolicy(
      cmkTenantColocation,
      cmkStack({ mutate: (p) => delete p.identity["tenantId"] }),
    );
    assert.deepEqual(r.messages, []);
  });
});

describe("cmk-identity-key-access", () => {
  it("fails when the identity has no grant on an access-policy vault", async () => {
    const stack = cmkStack().filter((r) => r.type !== TYPES.accessPolicy);
    const r = await runStackPolicy(cmkIdentityKeyAccess, stack);
    assert.deepEqual(r.messages, [
      `${IDENTITY} has no access policy on vault "${NAMES.vault}" granting get, wrapKey and unwrapKey.`,
    ]);
  });

  for (const graph of [true, false]) {
    it(`fails when the access policy lacks unwrapKey (${graph ? "graph" : "values"})`, async () => {
      const stack = cmkStack({
        graph,
        mutate: (p) =>
          ((p.accessPolicy["policy"] as Record<string, unknown>)["permissions"] = {
            keys: ["get", "wrapKey"],
          }),
      });
      const r = await runStackPolicy(cmkIdentityKeyAccess, stack);
      assert.deepEqual(r.messages, [
        `${IDENTITY} has an access policy on vault "${NAMES.vault}" without key permission(s) "unwrapKey"; it needs get, wrapKey and unwrapKey.`,
      ]);
    });
  }

  it("accepts an inline access-policy entry and the 'all' permission, case-insensitively", async () => {
    const stack = cmkStack({
      mutate: (p) => {
        (p.vault["properties"] as Record<string, unknown>)["accessPolicies"] = [
          { objectId: PRINCIPAL.toUpperCase(), tenantId: TENANT, permissions: { keys: ["All"] } },
        ];
      },
    }).filter((r) => r.type !== TYPES.accessPolicy);
    assert.deepEqual((await runStackPolicy(cmkIdentityKeyAccess, stack)).messages, []);
  });

  it("fails when an access-policy vault only has a role assignment, which it ignores", async () => {
    const rbacStack = cmkStack({
      rbac: true,
      mutate: (p) =>
        ((p.vault["properties"] as Record<string, unknown>)["enableRbacAuthorization"] = false),
    });
    const r = await runStackPolicy(cmkIdentityKeyAccess, rbacStack);
    assert.deepEqual(r.messages, [
      `${IDENTITY} has no access policy on vault "${NAMES.vault}" granting get, wrapKey and unwrapKey; its role assignment is ignored because the vault uses access policies (enableRbacAuthorization is not true).`,
    ]);
  });

  it("fails when an RBAC vault only has an access policy, which it ignores", async () => {
    const stack = cmkStack({
      mutate: (p) =>
        ((p.vault["properties"] as Record<string, unknown>)["enableRbacAuthorization"] = true),
    });
    const r = await runStackPolicy(cmkIdentityKeyAccess, stack);
    assert.deepEqual(r.messages, [
      `${IDENTITY} has no role assignment of an allowed role (e147488a-f6f5-4113-8e2d-b22465e65bf6) on vault "${NAMES.vault}" or key "${NAMES.key}", which uses Azure RBAC; it has an access policy, which an RBAC vault ignores.`,
    ]);
  });

  for (const graph of [true, false]) {
    it(`fails when the role is not an allowed one (${graph ? "graph" : "values"})`, async () => {
      const reader = "21090545-7ca7-4776-b22c-e363652d74d2";
      const stack = cmkStack({
        rbac: true,
        graph,
        mutate: (p) =>
          (p.roleAssignment["roleDefinitionId"] =
            `/providers/Microsoft.Authorization/roleDefinitions/${reader}`),
      });
      const r = await runStackPolicy(cmkIdentityKeyAccess, stack);
      assert.deepEqual(r.messages, [
        `${IDENTITY} has no role assignment of an allowed role (e147488a-f6f5-4113-8e2d-b22465e65bf6) on vault "${NAMES.vault}" or key "${NAMES.key}", which uses Azure RBAC; its role assignment(s) grant role(s) "${reader}", which are not allowed.`,
      ]);
      const allowed = await runStackPolicy(cmkIdentityKeyAccess, stack, {
        config: { allowedRoleDefinitionIds: [reader] },
      });
      assert.deepEqual(allowed.messages, []);
    });
  }

  it("accepts a role assignment at vault scope matched by value", async () => {
    const stack = cmkStack({
      rbac: true,
      graph: false,
      mutate: (p) => (p.roleAssignment["scope"] = String(p.vault["id"]).toUpperCase()),
    });
    assert.deepEqual((await runStackPolicy(cmkIdentityKeyAccess, stack)).messages, []);
  });

  it("ignores a role assignment on another vault", async () => {
    const stack = cmkStack({
      rbac: true,
      graph: false,
      mutate: (p) =>
        (p.roleAssignment["scope"] =
          "/subscriptions/x/resourceGroups/y/providers/Microsoft.KeyVault/vaults/other"),
    });
    assert.equal((await runStackPolicy(cmkIdentityKeyAccess, stack)).messages.length, 1);
  });

  it("resolves through the graph without reading principal ids unknown during preview", async () => {
    const stack = cmkStack({
      rbac: true,
      mutate: (p) => {
        p.identity["principalId"] = UNKNOWN.string;
        p.roleAssignment["principalId"] = UNKNOWN.string;
      },
    });
    const r = await runStackPolicy(cmkIdentityKeyAccess, stack);
    assert.deepEqual(r.messages, []);
    assert.deepEqual(r.previewUnknown, []);
  });
});

describe("cmk-vault-recoverable", () => {
  it("fails when the vault behind the key has no purge protection", async () => {
    const stack = cmkStack({
      mutate: (p) =>
        delete (p.vault["properties"] as Record<string, unknown>)["enablePurgeProtection"],
    });
    const r = await runStackPolicy(cmkVaultRecoverable, stack);
    assert.deepEqual(r.messages, [
      `Key vault "${NAMES.vault}" holding the key of storage account "${NAMES.account}" is not recoverable: purge protection is not enabled.`,
    ]);
    assert.equal(r.violations[0]?.severity, "critical");
  });

  it("fails when a vault behind several accounts has no purge protection, once, on the vault, naming every account", async () => {
    const stack = cmkStack({
      moreAccounts: ["orders-account"],
      mutate: (p) =>
        delete (p.vault["properties"] as Record<string, unknown>)["enablePurgeProtection"],
    });
    const r = await runStackPolicy(cmkVaultRecoverable, stack);
    assert.deepEqual(r.messages, [
      `Key vault "${NAMES.vault}" holding the key of storage accounts "${NAMES.account}" and "orders-account" is not recoverable: purge protection is not enabled.`,
    ]);
    assert.equal(r.violations[0]?.urn?.endsWith(`::${NAMES.vault}`), true);
  });

  it("fails when soft delete is disabled too", async () => {
    const stack = cmkStack({
      graph: false,
      mutate: (p) =>
        Object.assign(p.vault["properties"] as object, {
          enableSoftDelete: false,
          enablePurgeProtection: false,
        }),
    });
    const r = await runStackPolicy(cmkVaultRecoverable, stack);
    assert.deepEqual(r.messages, [
      `Key vault "${NAMES.vault}" holding the key of storage account "${NAMES.account}" is not recoverable: soft delete is disabled and purge protection is not enabled.`,
    ]);
  });
});

describe("cmk-key-rotation-effective", () => {
  it("fails when the key has no rotation policy, reading the flattened outputs", async () => {
    const r = await runStackPolicy(
      cmkKeyRotationEffective,
      cmkStack({ mutate: (p) => delete p.key["rotationPolicy"] }),
    );
    assert.deepEqual(r.messages, [
      `Key "${NAMES.key}" of storage account "${NAMES.account}": rotationPolicy is not set; add a rotation policy with a "rotate" lifetime action.`,
      `Key "${NAMES.key}" of storage account "${NAMES.account}": rotationPolicy is not set, so new key versions have no expiry; set rotationPolicy.attributes.expiryTime (for example "P1Y").`,
    ]);
  });

  it("reads nested properties when the outputs are not flattened", async () => {
    const stack = cmkStack({
      mutate: (p) => {
        p.key["properties"] = {
          kty: p.key["kty"],
          keySize: 1024,
          rotationPolicy: p.key["rotationPolicy"],
        };
        delete p.key["kty"];
        delete p.key["keySize"];
        delete p.key["rotationPolicy"];
      },
    });
    const r = await runStackPolicy(cmkKeyRotationEffective, stack);
    assert.deepEqual(r.messages, [
      `Key "${NAMES.key}" of storage account "${NAMES.account}": keySize 1024 is below the minimum RSA key size of 2048 bits.`,
    ]);
  });

  it("fails when an RSA-HSM key lives in a standard vault", async () => {
    const r = await runStackPolicy(
      cmkKeyRotationEffective,
      cmkStack({ mutate: (p) => (p.key["kty"] = "RSA-HSM") }),
    );
    assert.deepEqual(r.messages, [
      `Key "${NAMES.key}" of storage account "${NAMES.account}": kty "RSA-HSM" needs a premium vault but vault "${NAMES.vault}" has SKU "standard".`,
    ]);
    const premium = cmkStack({
      mutate: (p) => {
        p.key["kty"] = "RSA-HSM";
        (p.vault["properties"] as Record<string, unknown>)["sku"] = {
          family: "A",
          name: "Premium",
        };
      },
    });
    assert.deepEqual((await runStackPolicy(cmkKeyRotationEffective, premium)).messages, []);
  });

  it("fails when a key behind several accounts is too small, once per problem, on the key, naming every account", async () => {
    const stack = cmkStack({
      moreAccounts: ["orders-account"],
      mutate: (p) => (p.key["keySize"] = 2048),
    });
    const r = await runStackPolicy(cmkKeyRotationEffective, stack, {
      config: { minRsaKeySize: 3072 },
    });
    assert.deepEqual(r.messages, [
      `Key "${NAMES.key}" of storage accounts "${NAMES.account}" and "orders-account": keySize 2048 is below the minimum RSA key size of 3072 bits.`,
    ]);
    assert.equal(r.violations[0]?.urn?.endsWith(`::${NAMES.key}`), true);
  });

  it("honours maxDaysToRotate and minRsaKeySize config", async () => {
    const r = await runStackPolicy(cmkKeyRotationEffective, cmkStack(), {
      config: { maxDaysToRotate: 30, minRsaKeySize: 4096 },
    });
    assert.deepEqual(r.messages, [
      `Key "${NAMES.key}" of storage account "${NAMES.account}": keySize 3072 is below the minimum RSA key size of 4096 bits.`,
      `Key "${NAMES.key}" of storage account "${NAMES.account}": rotationPolicy: rotate action fires 90 days after creation (timeAfterCreate "P90D"), later than the maximum of 30 days.`,
    ]);
  });
});

describe("cmk-key-deletion-protected", () => {
  it("fails when the key is not protected, as an advisory by default", async () => {
    const r = await runStackPolicy(cmkKeyDeletionProtected, cmkStack({ protectKey: false }));
    assert.deepEqual(r.messages, [
      `Key "${NAMES.key}" encrypts storage account "${NAMES.account}" but is not protected (protect: false); deleting it makes the encrypted data unreadable.`,
    ]);
    assert.equal(r.violations[0]?.enforcementLevel, "advisory");
    assert.equal(r.violations[0]?.urn?.endsWith(`::${NAMES.key}`), true);
  });

  it("fails when a key behind several accounts is unprotected, once, on the key, naming every account", async () => {
    const r = await runStackPolicy(
      cmkKeyDeletionProtected,
      cmkStack({ protectKey: false, moreAccounts: ["orders-account", "audit-account"] }),
    );
    assert.deepEqual(r.messages, [
      `Key "${NAMES.key}" encrypts storage accounts "${NAMES.account}", "orders-account" and "audit-account" but is not protected (protect: false); deleting it makes the encrypted data unreadable.`,
    ]);
    assert.equal(r.violations[0]?.urn?.endsWith(`::${NAMES.key}`), true);
  });

  it("is mandatory with the prod config level", async () => {
    const r = await runStackPolicy(cmkKeyDeletionProtected, cmkStack({ protectKey: false }), {
      config: { enforcementLevel: "mandatory" },
    });
    assert.equal(r.violations[0]?.enforcementLevel, "mandatory");
  });
});

describe("cmk-references-resolvable", () => {
  it("reports a vault and key outside the stack as advisory 'cannot verify' while mandatory rules skip them", async () => {
    const stack = cmkStack({ omit: ["vault", "key"] });
    const r = await runStackPolicies(STACK_POLICIES, stack);
    assert.deepEqual(
      r.violations.map((v) => [v.policyName, v.enforcementLevel, v.message]),
      [
        [
          "cmk-references-resolvable",
          "advisory",
          `${ACCOUNT}: key vault "https://kv-cmk-dev.vault.azure.net/" is not in this stack; cannot verify its region, tenant, soft delete, purge protection or access grants.`,
        ],
        [
          "cmk-references-resolvable",
          "advisory",
          `${ACCOUNT}: key "cmk" is not in this stack; cannot verify its type, rotation, expiry or deletion protection.`,
        ],
      ],
    );
  });

  it("reports a vault outside the stack once, naming every account that uses it", async () => {
    const r = await runStackPolicy(
      cmkReferencesResolvable,
      cmkStack({ omit: ["vault"], moreAccounts: ["orders-account"] }),
    );
    assert.deepEqual(r.messages, [
      `Storage accounts "${NAMES.account}" and "orders-account": key vault "https://kv-cmk-dev.vault.azure.net/" is not in this stack; cannot verify its region, tenant, soft delete, purge protection or access grants.`,
    ]);
    assert.equal(
      r.violations[0]?.urn,
      undefined,
      "a finding about several accounts belongs to the stack",
    );
  });

  it("reports an encryption identity outside the stack", async () => {
    const stack = cmkStack({ omit: ["identity"] });
    const r = await runStackPolicy(cmkReferencesResolvable, stack);
    assert.equal(r.messages.length, 1);
    assert.match(r.messages[0] ?? "", /encryption identity ".*id-stcmkdev" is not in this stack/);
  });
});

describe("kv-access-policy-single-source", () => {
  it("fails when a vault has inline access policies and is the target of a standalone AccessPolicy", async () => {
    const stack = cmkStack({
      mutate: (p) => {
        (p.vault["properties"] as Record<string, unknown>)["accessPolicies"] = [
          { objectId: "admin-object-id", tenantId: TENANT, permissions: { keys: ["get", "list"] } },
        ];
      },
    });
    const r = await runStackPolicy(accessPolicySingleSource, stack);
    assert.deepEqual(r.messages, [
      `Vault "${NAMES.vault}" has 1 inline access policy and is also the target of standalone AccessPolicy resource(s) "${NAMES.accessPolicy}"; they overwrite each other. Manage the vault's access policies one way only.`,
    ]);
  });

  it("does not count entries that mirror the standalone AccessPolicy resources after a refresh", async () => {
    const stack = cmkStack({
      graph: false,
      mutate: (p) => {
        (p.vault["properties"] as Record<string, unknown>)["accessPolicies"] = [
          {
            objectId: PRINCIPAL.toUpperCase(),
            tenantId: TENANT,
            permissions: { keys: ["get", "wrapKey", "unwrapKey"] },
          },
        ];
      },
    });
    assert.deepEqual((await runStackPolicy(accessPolicySingleSource, stack)).messages, []);
  });

  it("passes inline-only vaults", async () => {
    const stack = cmkStack({
      mutate: (p) =>
        ((p.vault["properties"] as Record<string, unknown>)["accessPolicies"] = [
          { objectId: PRINCIPAL, tenantId: TENANT, permissions: { keys: ["get"] } },
        ]),
    }).filter((r) => r.type !== TYPES.accessPolicy);
    assert.deepEqual((await runStackPolicy(accessPolicySingleSource, stack)).messages, []);
  });
});
