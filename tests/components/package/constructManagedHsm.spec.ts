import * as assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";
import { TYPES } from "../../../components/componentTypes";
import { DEFAULT_ARM_CONTEXT } from "../../../preview/armState";
import { checkRegistration, T, type AzureState } from "../../../preview/simulatedAzure";
import { byType, one, promiseOf, recorder, settled } from "../../support/mocks";
import { packageProvider } from "./support";

const HSM_ID = `/subscriptions/${DEFAULT_ARM_CONTEXT.subscriptionId}/resourceGroups/rg-hsm/providers/Microsoft.KeyVault/managedHSMs/hsm-shared-01`;

/**
 * A CmkStorageAccount with a Managed HSM key, as a Python or YAML program builds it: `key: { managedHsm: { hsmId,
 * hsmUri, location }, keyName }` in plain values, through the component provider's construct().
 */
describe("component package construct with a Managed HSM key (other languages)", function () {
  this.timeout(120_000);
  beforeEach(() => recorder.reset());

  it("grants Managed HSM local RBAC on the key and previews clean against the simulated Azure", async () => {
    const rejected: string[] = [];
    const state: AzureState = {
      created: recorder.resources,
      existingVaults: new Set(["hsm-shared-01"]),
    };
    recorder.addCheck((pending) => {
      const err = checkRegistration(pending, state);
      if (err) {
        rejected.push(`${err.rule}: ${err.armMessage}`);
        throw err;
      }
    });
    const account = await packageProvider().construct(
      "payments",
      TYPES.CmkStorageAccount,
      {
        resourceGroupName: "rg-py",
        location: "westeurope",
        key: {
          managedHsm: {
            hsmId: HSM_ID,
            hsmUri: "https://hsm-shared-01.managedhsm.azure.net/",
            location: "westeurope",
          },
          keyName: "storage-cmk",
        },
      },
      {},
    );
    const a = account.state as Record<string, pulumi.Output<string>>;
    const [uri, principalId] = await Promise.all([
      promiseOf(a.keyVaultUri),
      promiseOf(a.identityPrincipalId),
    ]);
    await settled();
    assert.deepEqual(rejected, []);
    assert.equal(uri, "https://hsm-shared-01.managedhsm.azure.net");
    const grant = one(T.hsmRoleAssignment, "payments-key-access");
    assert.deepEqual(
      [
        grant.inputs.managedHsmId,
        grant.inputs.scope,
        grant.inputs.roleDefinitionId,
        grant.inputs.principalId,
      ],
      [
        HSM_ID,
        "/keys/storage-cmk",
        "/Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/33413926-3206-4cdd-b39a-83574fe37a17",
        principalId,
      ],
    );
    assert.equal(byType("azure-native:authorization:RoleAssignment").length, 0);
    const acc = one("azure-native:storage:StorageAccount", "payments-account");
    assert.equal(acc.inputs.encryption.keyVaultProperties.keyVaultUri, uri);
    assert.ok(acc.dependencies.includes(one(T.sleep, "payments-rbac-propagation").urn));
  });

  it("fails when a program sends a vault id as the Managed HSM id, with the component's message and nothing registered", async () => {
    await assert.rejects(
      packageProvider().construct(
        "payments",
        TYPES.CmkStorageAccount,
        {
          resourceGroupName: "rg-py",
          location: "westeurope",
          key: {
            managedHsm: { hsmId: HSM_ID.replace("managedHSMs", "vaults") },
            keyName: "storage-cmk",
          },
        },
        {},
      ),
      /key\.managedHsm\.hsmId: names a Key Vault vault, not a Managed HSM/,
    );
    await settled();
    assert.equal(recorder.resources.length, 0);
  });
});
