import { strict as assert } from "node:assert";
import {
  allRejections,
  T,
  type AzureState,
  type PendingResource,
} from "../../../preview/simulatedAzure";
import type { RecordedResource } from "../../../preview/recorder";
import { created, pending } from "../../support/storageWorld";

/** Pass and fail cases of the Managed HSM family. */

const RG = "rg-hsm";
const URI = "https://hsm-test-01.managedhsm.azure.net/";
const ROLE =
  "/Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/33413926-3206-4cdd-b39a-83574fe37a17";
const GUID = "0f8fad5b-d9cb-469f-a165-70867728950e";

interface HsmWorld {
  state: AzureState;
  identity: RecordedResource;
  grant?: RecordedResource;
  wait?: RecordedResource;
}

function hsmWorld(
  opts: {
    purge?: boolean;
    keyOpts?: string[];
    grant?: { scope?: string; role?: string } | false;
    wait?: string | false;
    inStack?: boolean;
  } = {},
): HsmWorld {
  const list: RecordedResource[] = [];
  const hsm = created(
    pending(T.managedHsm, "hsm", {
      name: "hsm-test-01",
      resourceGroupName: RG,
      location: "westeurope",
      properties: opts.purge === false ? {} : { enablePurgeProtection: true },
    }),
  );
  if (opts.inStack !== false) {
    list.push(hsm);
    list.push(
      created(
        pending(T.hsmKey, "key", {
          name: "cmk",
          managedHsmId: hsm.id,
          keyType: "RSA-HSM",
          keySize: 3072,
          keyOpts: opts.keyOpts ?? ["wrapKey", "unwrapKey"],
        }),
      ),
    );
  }
  const identity = created(
    pending(T.identity, "identity", {
      resourceGroupName: "rg",
      location: "westeurope",
      resourceName: "id-1",
    }),
  );
  list.push(identity);
  let grant: RecordedResource | undefined;
  if (opts.grant !== false) {
    grant = created(
      pending(T.hsmRoleAssignment, "grant", {
        name: GUID,
        managedHsmId: hsm.id,
        scope: opts.grant?.scope ?? "/keys/cmk",
        roleDefinitionId: opts.grant?.role ?? ROLE,
        principalId: identity.outputs.principalId,
      }),
    );
    list.push(grant);
  }
  let wait: RecordedResource | undefined;
  if (grant && opts.wait !== false) {
    wait = created(pending(T.sleep, "wait", { createDuration: opts.wait ?? "60s" }, [grant.urn]));
    list.push(wait);
  }
  return { state: { created: list, existingVaults: new Set() }, identity, grant, wait };
}

function account(w: HsmWorld, deps?: string[]): PendingResource {
  return pending(
    T.account,
    "sa",
    {
      accountName: "sthsm01",
      resourceGroupName: "rg",
      location: "westeurope",
      kind: "StorageV2",
      identity: { type: "UserAssigned", userAssignedIdentities: [w.identity.id] },
      encryption: {
        keySource: "Microsoft.Keyvault",
        keyVaultProperties: { keyName: "cmk", keyVaultUri: URI },
        encryptionIdentity: { encryptionUserAssignedIdentity: w.identity.id },
      },
    },
    deps ?? [w.wait?.urn ?? w.grant?.urn ?? w.identity.urn],
  );
}

const rejections = (p: PendingResource, s: AzureState) =>
  allRejections(p, s).filter(
    (r) => r.rule.includes("hsm") || r.rule.startsWith("storage-cmk-vault"),
  );

describe("simulated Azure: Managed HSM rules", () => {
  it("accepts an account encrypted with a key of a Managed HSM in the stack, granted and waited for", () => {
    const w = hsmWorld();
    assert.deepEqual(rejections(account(w), w.state), []);
  });

  describe("storage-cmk-hsm-unknown", () => {
    it("fails when the HSM is neither in the stack nor declared", () => {
      const w = hsmWorld({ inStack: false });
      const found = rejections(account(w), w.state).find(
        (r) => r.rule === "storage-cmk-hsm-unknown",
      );
      assert.equal(found?.code, "KeyVaultNotFound");
      assert.match(
        found.message,
        /the managed HSM 'hsm-test-01' \(https:\/\/hsm-test-01\.managedhsm\.azure\.net\/\) does not exist/,
      );
    });

    it("accepts an HSM declared in cmk-preview:existingVaults (and does not treat its URI as an unknown vault)", () => {
      const w = hsmWorld({ inStack: false });
      const s = { ...w.state, existingVaults: new Set(["hsm-test-01"]) };
      assert.deepEqual(rejections(account(w), s), []);
    });

    it("fails when the key is not in the HSM of the stack", () => {
      const w = hsmWorld();
      const p = account(w);
      p.inputs.encryption.keyVaultProperties.keyName = "other";
      const found = rejections(p, w.state).find((r) => r.rule === "storage-cmk-hsm-unknown");
      assert.match(found!.message, /key 'other' does not exist in managed HSM 'hsm-test-01'/);
    });
  });

  describe("storage-cmk-hsm-recoverable", () => {
    it("fails when the HSM has no purge protection", () => {
      const w = hsmWorld({ purge: false });
      const found = rejections(account(w), w.state).find(
        (r) => r.rule === "storage-cmk-hsm-recoverable",
      );
      assert.equal(found?.code, "KeyVaultPolicyError");
      assert.match(
        found.message,
        /^Keyvault policy recoverable is not set: managed HSM 'hsm-test-01' has properties.enablePurgeProtection null/,
      );
    });
  });

  describe("storage-cmk-hsm-key-operations", () => {
    it("fails when the HSM key cannot unwrap", () => {
      const w = hsmWorld({ keyOpts: ["wrapKey", "sign"] });
      const found = rejections(account(w), w.state).find(
        (r) => r.rule === "storage-cmk-hsm-key-operations",
      );
      assert.match(found!.message, /does not permit operation\(s\) unwrapKey/);
    });
  });

  describe("storage-cmk-hsm-grant", () => {
    it("fails when the identity has no local role assignment, and says an Azure RBAC one does not count", () => {
      const w = hsmWorld({ grant: false });
      const rbac = created(
        pending(T.roleAssignment, "arm-rbac", {
          principalId: w.identity.outputs.principalId,
          principalType: "ServicePrincipal",
          roleDefinitionId:
            "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/e147488a-f6f5-4113-8e2d-b22465e65bf6",
          scope:
            "/subscriptions/s/resourceGroups/rg-hsm/providers/Microsoft.KeyVault/managedHSMs/hsm-test-01",
        }),
      );
      const s = { ...w.state, created: [...w.state.created, rbac] };
      const found = rejections(account(w, [rbac.urn]), s).find(
        (r) => r.rule === "storage-cmk-hsm-grant",
      );
      assert.equal(found?.code, "KeyVaultAuthenticationFailure");
      assert.match(found.message, /does not reach the HSM's keys: Managed HSM keys use local RBAC/);
      assert.match(
        found.message,
        /Fix: assign the Managed HSM local role "Managed HSM Crypto Service Encryption User"/,
      );
    });

    it("fails when the role cannot use keys or the scope is another key", () => {
      for (const grant of [
        {
          role: "/Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/2c18b078-7c48-4d3a-af88-5a3a1b3f82b3",
        },
        { scope: "/keys/other" },
      ]) {
        const w = hsmWorld({ grant });
        assert.ok(
          rejections(account(w), w.state).some((r) => r.rule === "storage-cmk-hsm-grant"),
          JSON.stringify(grant),
        );
      }
    });

    it("accepts Managed HSM Crypto User on /keys (all keys)", () => {
      const w = hsmWorld({
        grant: {
          scope: "/keys",
          role: "/Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/21dbd100-6940-42c2-9190-5d6cb909625b",
        },
      });
      assert.deepEqual(rejections(account(w), w.state), []);
    });

    it("fails when the account does not depend on the grant", () => {
      const w = hsmWorld();
      const found = rejections(account(w, [w.identity.urn]), w.state).find(
        (r) => r.rule === "storage-cmk-hsm-grant",
      );
      assert.match(found!.message, /exists, but the storage account does not depend on it/);
    });
  });

  describe("storage-cmk-hsm-rbac-propagation", () => {
    it("fails when the account depends on the grant without a wait", () => {
      const w = hsmWorld({ wait: false });
      const found = rejections(account(w, [w.grant!.urn]), w.state).find(
        (r) => r.rule === "storage-cmk-hsm-rbac-propagation",
      );
      assert.match(found!.message, /role assignments take time to propagate/);
    });

    it("fails when the wait is zero seconds", () => {
      const w = hsmWorld({ wait: "0s" });
      assert.ok(
        rejections(account(w), w.state).some((r) => r.rule === "storage-cmk-hsm-rbac-propagation"),
      );
    });
  });

  describe("hsm-role-assignment-invalid", () => {
    const assignment = (over: Record<string, any>) =>
      pending(T.hsmRoleAssignment, "ra", {
        name: GUID,
        managedHsmId:
          "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/managedHSMs/h",
        scope: "/keys/cmk",
        roleDefinitionId: ROLE,
        principalId: "p",
        ...over,
      });
    const fresh = (): AzureState => ({ created: [], existingVaults: new Set() });

    it("accepts a GUID name, a key scope and a local role definition id", () => {
      assert.deepEqual(allRejections(assignment({}), fresh()), []);
      assert.deepEqual(allRejections(assignment({ scope: "/" }), fresh()), []);
    });

    it("fails when the name is not a GUID, the scope is an ARM id, or the role is an Azure RBAC role", () => {
      const found = allRejections(
        assignment({
          name: "payments-grant",
          scope: "/subscriptions/s/resourceGroups/rg",
          roleDefinitionId:
            "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/e147488a-f6f5-4113-8e2d-b22465e65bf6",
        }),
        fresh(),
      );
      assert.equal(found.length, 1);
      assert.equal(found[0].code, "BadParameter");
      assert.match(
        found[0].message,
        /name "payments-grant" is not a GUID; scope "\/subscriptions\/s\/resourceGroups\/rg" is not \/, \/keys or \/keys\/<key name>; roleDefinitionId .* is not a Managed HSM role definition id/,
      );
    });
  });
});
