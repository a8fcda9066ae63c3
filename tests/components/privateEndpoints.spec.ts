import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { CmkStorageAccount, type CmkStorageAccountArgs } from "../../components/cmkStorageAccount";
import { privateDnsZoneIdProblem, privateDnsZoneNames } from "../../components/privateEndpoints";
import { SecureVault, type SecureVaultArgs } from "../../components/secureVault";
import { DEFAULT_ARM_CONTEXT } from "../../preview/armState";
import {
  byType,
  deploymentErrors,
  errorOf,
  one,
  promiseOf,
  recorder,
  settled,
} from "../support/mocks";

const SUB = DEFAULT_ARM_CONTEXT.subscriptionId;
const HUB = "6d1f4a2b-9c3e-4f5a-8b7d-2e0c1a9f3b6d";
const SUBNET = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-spoke/subnets/snet-pe`;
const zone = (name: string) =>
  `/subscriptions/${HUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/${name}`;
const VAULT_ZONE = zone("privatelink.vaultcore.azure.net");
const BLOB_ZONE = zone("privatelink.blob.core.windows.net");
const KEY = {
  vault: {
    vaultId: `/subscriptions/${SUB}/resourceGroups/rg-shared/providers/Microsoft.KeyVault/vaults/kv-shared-01`,
    vaultUri: "https://kv-shared-01.vault.azure.net/",
    permissionModel: "accessPolicy" as const,
  },
  keyName: "k1",
};
const PE = "azure-native:network:PrivateEndpoint";
const ZG = "azure-native:network:PrivateDnsZoneGroup";

function account(extra: Partial<CmkStorageAccountArgs>): CmkStorageAccount {
  return new CmkStorageAccount("payments", {
    resourceGroupName: "rg",
    location: "westeurope",
    key: KEY,
    ...extra,
  });
}
function vault(extra: Partial<SecureVaultArgs>): SecureVault {
  return new SecureVault("platform", { resourceGroupName: "rg", location: "westeurope", ...extra });
}

describe("private endpoints", () => {
  beforeEach(() => recorder.reset());

  it("gives the vault one endpoint for the vault group with a DNS zone group on the vault zone", async () => {
    const v = vault({
      privateEndpoints: [{ subnetResourceId: SUBNET, privateDnsZoneResourceId: VAULT_ZONE }],
    });
    const [vaultId, endpointId] = await Promise.all([
      promiseOf(v.vaultId),
      promiseOf(v.privateEndpointId),
    ]);
    await settled();
    const pe = one(PE, "platform-pe-vault");
    // azure-native fills SubnetArgs defaults (network policies) into the reference; ARM reads only its id here.
    assert.equal(pe.inputs.subnet.id, SUBNET);
    assert.equal(pe.inputs.location, "westeurope");
    assert.deepEqual(pe.inputs.privateLinkServiceConnections, [
      { name: "vault", privateLinkServiceId: vaultId, groupIds: ["vault"] },
    ]);
    assert.equal(pe.inputs.tags.component, "SecureVault");
    const zg = one(ZG, "platform-pe-vault-dns");
    assert.equal(zg.inputs.privateDnsZoneGroupName, "default");
    assert.deepEqual(zg.inputs.privateDnsZoneConfigs, [
      { name: "vault", privateDnsZoneId: VAULT_ZONE },
    ]);
    const vaultName = await promiseOf(v.vaultName);
    assert.equal(pe.inputs.privateEndpointName, `pep-${vaultName}-vault`);
    assert.equal(zg.inputs.privateEndpointName, `pep-${vaultName}-vault`);
    assert.ok(zg.dependencies.includes(pe.urn), "the zone group waits for its endpoint");
    assert.equal(endpointId, `platform-pe-vault-id`);
  });

  it("gives an account one endpoint per service, named by the service, with its zone, and outputs their ids by service", async () => {
    const a = account({
      skuName: "Standard_RAGZRS",
      privateEndpoints: [
        { service: "blob", subnetResourceId: SUBNET, privateDnsZoneResourceId: BLOB_ZONE },
        {
          service: "blob_secondary",
          subnetResourceId: SUBNET,
          privateDnsZoneResourceId: BLOB_ZONE,
        },
        {
          service: "dfs",
          subnetResourceId: SUBNET,
          name: "pe-payments-dfs",
          location: "northeurope",
        },
      ],
    });
    const [accountId, ids] = await Promise.all([
      promiseOf(a.accountId),
      promiseOf(a.privateEndpointIds),
    ]);
    await settled();
    assert.deepEqual(
      byType(PE)
        .map((r) => r.name)
        .sort(),
      ["payments-pe-blob", "payments-pe-blob_secondary", "payments-pe-dfs"],
    );
    assert.deepEqual(
      byType(ZG)
        .map((r) => r.name)
        .sort(),
      ["payments-pe-blob-dns", "payments-pe-blob_secondary-dns"],
    );
    const dfs = one(PE, "payments-pe-dfs");
    assert.deepEqual(
      [
        dfs.inputs.privateEndpointName,
        dfs.inputs.location,
        dfs.inputs.privateLinkServiceConnections[0],
      ],
      [
        "pe-payments-dfs",
        "northeurope",
        { name: "dfs", privateLinkServiceId: accountId, groupIds: ["dfs"] },
      ],
    );
    assert.deepEqual(Object.keys(ids).sort(), ["blob", "blob_secondary", "dfs"]);
  });

  it("creates no endpoint and an empty id without privateEndpoints", async () => {
    const v = vault({});
    const a = account({});
    assert.equal(await promiseOf(v.privateEndpointId), "");
    assert.deepEqual(await promiseOf(a.privateEndpointIds), {});
    await settled();
    assert.equal(byType(PE).length, 0);
  });

  it("knows each group's zone in every cloud, secondaries in the primary's zone", () => {
    assert.deepEqual(privateDnsZoneNames("storage", "queue_secondary"), [
      "privatelink.queue.core.windows.net",
      "privatelink.queue.core.usgovcloudapi.net",
      "privatelink.queue.core.chinacloudapi.cn",
    ]);
    assert.equal(
      privateDnsZoneIdProblem(zone("privatelink.vaultcore.azure.cn"), "vault", "vault"),
      undefined,
    );
    assert.equal(
      privateDnsZoneIdProblem(zone("PrivateLink.Blob.Core.Windows.Net"), "storage", "blob"),
      undefined,
    );
  });

  const refused: [string, Partial<CmkStorageAccountArgs>, RegExp][] = [
    [
      "the list is not a list",
      { privateEndpoints: "blob" as never },
      /privateEndpoints: must be a list, got "blob"/,
    ],
    [
      "an entry is not an object",
      { privateEndpoints: [null as never] },
      /privateEndpoints\[0\]: must be an object with subnetResourceId, service/,
    ],
    [
      "the service is missing",
      { privateEndpoints: [{ subnetResourceId: SUBNET } as never] },
      /privateEndpoints\[0\]\.service: is required \(one of blob, blob_secondary/,
    ],
    [
      "the service is unknown",
      { privateEndpoints: [{ service: "vault" as never, subnetResourceId: SUBNET }] },
      /privateEndpoints\[0\]\.service: must be one of blob, /,
    ],
    [
      "the service is an output",
      { privateEndpoints: [{ service: pulumi.output("blob") as never, subnetResourceId: SUBNET }] },
      /privateEndpoints\[0\]\.service: must be a plain value/,
    ],
    [
      "a service is listed twice",
      {
        privateEndpoints: [
          { service: "blob", subnetResourceId: SUBNET },
          { service: "blob", subnetResourceId: SUBNET },
        ],
      },
      /privateEndpoints\[1\]\.service: is listed twice \("blob"\)/,
    ],
    [
      "a secondary is asked for on a ZRS account",
      { privateEndpoints: [{ service: "blob_secondary", subnetResourceId: SUBNET }] },
      /privateEndpoints\[0\]\.service: "blob_secondary" needs a read-access geo-redundant account .* but skuName is "Standard_ZRS"/,
    ],
    [
      "the subnet is missing",
      { privateEndpoints: [{ service: "blob" } as never] },
      /privateEndpoints\[0\]\.subnetResourceId: is required, got undefined/,
    ],
    [
      "the subnet id is a virtual network id",
      {
        privateEndpoints: [
          { service: "blob", subnetResourceId: SUBNET.replace(/\/subnets\/.*$/, "") },
        ],
      },
      /privateEndpoints\[0\]\.subnetResourceId: must be a subnet resource id/,
    ],
    [
      "the zone id is not a private DNS zone id",
      {
        privateEndpoints: [
          {
            service: "blob",
            subnetResourceId: SUBNET,
            privateDnsZoneResourceId: "privatelink.blob.core.windows.net",
          },
        ],
      },
      /privateEndpoints\[0\]\.privateDnsZoneResourceId: must be a private DNS zone resource id/,
    ],
    [
      "a blob endpoint is pointed at the vault zone",
      {
        privateEndpoints: [
          { service: "blob", subnetResourceId: SUBNET, privateDnsZoneResourceId: VAULT_ZONE },
        ],
      },
      /privateEndpoints\[0\]\.privateDnsZoneResourceId: must be the zone of the "blob" group, privatelink\.blob\.core\.windows\.net .* but names zone "privatelink\.vaultcore\.azure\.net"/,
    ],
    [
      "the location is not a region",
      { privateEndpoints: [{ service: "blob", subnetResourceId: SUBNET, location: "westeurpoe" }] },
      /privateEndpoints\[0\]\.location: must be an Azure region name/,
    ],
    [
      "the endpoint name is too short",
      { privateEndpoints: [{ service: "blob", subnetResourceId: SUBNET, name: "p" }] },
      /privateEndpoints\[0\]\.name: must be 2-64 letters/,
    ],
    [
      "the NIC name ends with a hyphen",
      {
        privateEndpoints: [
          { service: "blob", subnetResourceId: SUBNET, customNetworkInterfaceName: "nic-" },
        ],
      },
      /privateEndpoints\[0\]\.customNetworkInterfaceName: must be 1-80 letters/,
    ],
  ];
  for (const [what, extra, message] of refused) {
    it(`fails when ${what}, before anything is registered`, async () => {
      const e = errorOf(() => account(extra));
      assert.ok(pulumi.InputPropertiesError.isInstance(e), e.message);
      assert.match(e.message, message);
      assert.equal((await settled()).length, 0);
    });
  }

  it("fails when a vault gets two endpoints (it has one group) or its endpoint points at a blob zone", async () => {
    const e = errorOf(() =>
      vault({
        privateEndpoints: [
          { subnetResourceId: SUBNET, privateDnsZoneResourceId: BLOB_ZONE },
          { subnetResourceId: SUBNET },
        ],
      }),
    );
    assert.match(e.message, /privateEndpoints: may hold at most one endpoint/);
    assert.match(
      e.message,
      /privateEndpoints\[0\]\.privateDnsZoneResourceId: must be the zone of the "vault" group/,
    );
    assert.equal((await settled()).length, 0);
  });

  it("fails at deployment when a subnet output is in another subscription than the provider's, before the endpoint is sent", async () => {
    const other = SUBNET.replace(SUB, HUB);
    account({ privateEndpoints: [{ service: "blob", subnetResourceId: pulumi.output(other) }] });
    const errors = await deploymentErrors();
    assert.ok(
      errors.some((m) =>
        m.includes(
          `privateEndpoints[0].subnetResourceId: is in subscription ${HUB}, but the Azure provider deploys to subscription ${SUB}`,
        ),
      ),
      errors.join("\n"),
    );
    assert.equal(byType(PE).length, 0, "no endpoint reaches Azure");
  });

  it("fails at deployment when a zone id output names another group's zone", async () => {
    account({
      privateEndpoints: [
        {
          service: "table",
          subnetResourceId: SUBNET,
          privateDnsZoneResourceId: pulumi.output(BLOB_ZONE),
        },
      ],
    });
    const errors = await deploymentErrors();
    assert.ok(
      errors.some((m) =>
        /privateEndpoints\[0\]\.privateDnsZoneResourceId: must be the zone of the "table" group/.test(
          m,
        ),
      ),
      errors.join("\n"),
    );
    assert.equal(byType(ZG).length, 0);
  });
});
