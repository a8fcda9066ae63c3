import { strict as assert } from "node:assert";
import { type ArmContext, DEFAULT_ARM_CONTEXT } from "../../../preview/armState";
import type { RecordedResource } from "../../../preview/recorder";
import {
  allRejections,
  T,
  type AzureState,
  type PendingResource,
} from "../../../preview/simulatedAzure";
import * as world from "../../support/storageWorld";

/** Pass and fail cases of the cross-stack grant family: a team stack's grant on a platform stack's vault. */

const PLATFORM: ArmContext = {
  ...DEFAULT_ARM_CONTEXT,
  subscriptionId: "aaaaaaaa-0000-4000-8000-000000000001",
};
const PRINCIPAL = "11111111-2222-4333-8444-555555555555";

/** A registration of `stack` (the URN names it: how the rules tell the team's resources from the platform's). */
const pending = (
  stack: string,
  type: string,
  name: string,
  inputs: Record<string, any>,
): PendingResource => world.pending(type, name, inputs, [], stack);

const created = (p: PendingResource, ctx = PLATFORM): RecordedResource => world.createdIn(p, ctx);

/** The platform stack's vault (and a key in it), as a fleet preview hands them to a team stack. */
function platformVault(rbac: boolean): RecordedResource[] {
  const vault = created(
    pending("platform-weu", T.vault, "platform-vault", {
      vaultName: "cmkplt-kv-weu",
      resourceGroupName: "rg-platform",
      location: "westeurope",
      properties: { enableRbacAuthorization: rbac, enablePurgeProtection: true },
    }),
  );
  const key = created(
    pending("platform-weu", T.key, "platform-cmk", {
      vaultName: "cmkplt-kv-weu",
      resourceGroupName: "rg-platform",
      keyName: "storage-cmk",
      properties: { kty: "RSA-HSM", keySize: 4096 },
    }),
  );
  return [vault, key];
}

function teamState(referenced: RecordedResource[]): AzureState {
  return { created: [], existingVaults: new Set(), referenced };
}

const crossStack = (p: PendingResource, s: AzureState): string[] =>
  allRejections(p, s)
    .filter((r) => r.rule.startsWith("cross-stack"))
    .map((r) => `${r.rule}: ${r.message}`);

function roleAssignmentOnKey(vault: RecordedResource): PendingResource {
  return pending("team-payments", T.roleAssignment, "payments-key-access", {
    principalId: PRINCIPAL,
    principalType: "ServicePrincipal",
    roleDefinitionId: `/subscriptions/${PLATFORM.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/e147488a-f6f5-4113-8e2d-b22465e65bf6`,
    scope: `${vault.id}/keys/storage-cmk`,
  });
}

function accessPolicyOn(vaultName: string): PendingResource {
  return pending("team-payments", T.accessPolicy, "payments-key-access", {
    vaultName,
    resourceGroupName: "rg-platform",
    policy: {
      tenantId: PLATFORM.tenantId,
      objectId: PRINCIPAL,
      permissions: { keys: ["get", "wrapKey", "unwrapKey"] },
    },
  });
}

describe("simulated Azure: cross-stack grants (preview/rules/crossStackGrant.ts)", () => {
  it("accepts a team stack's RBAC role assignment on a key in another stack's RBAC vault", () => {
    const referenced = platformVault(true);
    assert.deepEqual(crossStack(roleAssignmentOnKey(referenced[0]), teamState(referenced)), []);
  });

  it("fails when the role assignment is on a key in another stack's access-policy vault, naming the vault, its stack and the fix", () => {
    const referenced = platformVault(false);
    const [message] = crossStack(roleAssignmentOnKey(referenced[0]), teamState(referenced));
    assert.match(message, /^cross-stack-role-assignment-model: /);
    assert.match(message, /vault 'cmkplt-kv-weu' of stack platform-weu uses access policies/);
    assert.match(message, /Fix: make the platform vault an RBAC vault/);
  });

  it("fails when a team stack adds an access policy to another stack's RBAC vault, which ignores it", () => {
    const [message] = crossStack(accessPolicyOn("cmkplt-kv-weu"), teamState(platformVault(true)));
    assert.match(message, /^cross-stack-access-policy: /);
    assert.match(message, /uses Azure RBAC .* which ignores access policies/);
    assert.match(message, /Fix: grant with an Azure RBAC role assignment/);
  });

  it("fails when a team stack adds an access policy to another stack's access-policy vault, whose stack owns the list", () => {
    const [message] = crossStack(accessPolicyOn("cmkplt-kv-weu"), teamState(platformVault(false)));
    assert.match(message, /stack platform-weu manages, so its next update writes its own list/);
    assert.match(message, /after making the platform vault an RBAC vault/);
  });

  it("accepts grants on the stack's own vault and on vaults no stack in the preview created", () => {
    const own = platformVault(false);
    const state: AzureState = { created: own, existingVaults: new Set() };
    assert.deepEqual(crossStack(accessPolicyOn("cmkplt-kv-weu"), state), []);
    assert.deepEqual(crossStack(roleAssignmentOnKey(own[0]), state), []);
    assert.deepEqual(crossStack(accessPolicyOn("kv-elsewhere"), teamState(own)), []);
  });

  it("makes another stack's vault and key known to the account rules (no KeyVaultNotFound for a referenced key)", () => {
    const referenced = platformVault(true);
    const account = pending("team-payments", T.account, "payments", {
      accountName: "stpayments01",
      resourceGroupName: "rg-payments",
      location: "westeurope",
      kind: "StorageV2",
      sku: { name: "Standard_ZRS" },
      encryption: {
        keySource: "Microsoft.Keyvault",
        keyVaultProperties: {
          keyName: "storage-cmk",
          keyVaultUri: "https://cmkplt-kv-weu.vault.azure.net/",
        },
      },
    });
    const rules = (s: AzureState): string[] => allRejections(account, s).map((r) => r.rule);
    assert.ok(rules(teamState([])).includes("storage-cmk-vault-unknown"));
    assert.ok(!rules(teamState(referenced)).includes("storage-cmk-vault-unknown"));
  });
});
