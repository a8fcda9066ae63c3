import { strict as assert } from "node:assert";
import { created, pending, SUB } from "../../support/storageWorld";
import { T } from "../../../preview/simulatedAzure";
import { ipAllowed, networkDenial, servicesOf } from "../../../preview/rules/storageAccounts";
import { DEFAULT_ARM_CONTEXT } from "../../../preview/armState";
import { parseDeployer } from "../../../preview/run";

const VNET = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-agents`;
const DEPLOYER = { objectId: DEFAULT_ARM_CONTEXT.objectId, publicIp: "192.0.2.10", subnetIds: [] };

describe("storage account facts for the storage rule families (preview/rules/storageAccounts.ts, cmk-preview:deployer)", () => {
  it("matches single addresses and CIDR ranges, never malformed rules", () => {
    assert.equal(ipAllowed("192.0.2.10", ["192.0.2.10"]), true);
    assert.equal(ipAllowed("192.0.2.10", ["192.0.2.0/24"]), true);
    assert.equal(ipAllowed("192.0.2.10", ["192.0.3.0/24", "not-an-ip", "1.2.3.4/99"]), false);
  });
  it("derives the services of each account kind and SKU", () => {
    const services = (kind: string, sku: string): string[] =>
      [...servicesOf(created(pending(T.account, "a", { kind, sku: { name: sku } })))].sort();
    assert.deepEqual(services("StorageV2", "Standard_LRS"), [
      "blob",
      "blockBlob",
      "file",
      "queue",
      "table",
    ]);
    assert.deepEqual(services("FileStorage", "Premium_LRS"), ["file"]);
    assert.deepEqual(services("BlockBlobStorage", "Premium_ZRS"), ["blob", "blockBlob"]);
    assert.deepEqual(services("StorageV2", "Premium_LRS"), ["blob"]);
  });
  it("reads cmk-preview:deployer, and fails when it is malformed, naming the setting", () => {
    const ctx = DEFAULT_ARM_CONTEXT;
    assert.deepEqual(parseDeployer(undefined, ctx).deployer, DEPLOYER);
    const inside = parseDeployer(
      JSON.stringify({ publicIp: "203.0.113.7", subnetIds: [`${VNET}/subnets/runners`] }),
      ctx,
    );
    assert.deepEqual(inside.problems, []);
    assert.equal(inside.deployer.publicIp, "203.0.113.7");
    const bad = parseDeployer(
      JSON.stringify({ publicIp: "10.0.0.300", subnetId: ["x"], subnetIds: "y" }),
      ctx,
    ).problems;
    assert.equal(bad.length, 3);
    assert.match(bad[0], /cmk-preview:deployer\.subnetId is not a known setting/);
    assert.match(
      bad.join("\n"),
      /cmk-preview:deployer\.publicIp must be an IPv4 address .*; got "10\.0\.0\.300"/,
    );
    assert.match(
      bad.join("\n"),
      /cmk-preview:deployer\.subnetIds must be a list of subnet resource ids/,
    );
  });
});

describe("storage accounts: publicNetworkAccess SecuredByPerimeter", () => {
  const account = (publicNetworkAccess: string) =>
    created(
      pending(T.account, `acct-${publicNetworkAccess}`, {
        accountName: `st${publicNetworkAccess.toLowerCase()}`,
        resourceGroupName: "rg-data",
        location: "westeurope",
        publicNetworkAccess,
        networkRuleSet: { defaultAction: "Deny" },
      }),
    );
  const state = (a: ReturnType<typeof account>) => ({
    created: [a],
    existingVaults: new Set<string>(),
    deployer: DEPLOYER,
  });

  it("does not refuse the deployer of a perimeter-secured account: the perimeter's rules decide", () => {
    const a = account("SecuredByPerimeter");
    assert.equal(networkDenial(state(a), a, "blob"), undefined);
  });

  it("fails when public network access is Disabled and the deployer has no private path", () => {
    const a = account("Disabled");
    assert.match(
      networkDenial(state(a), a, "blob")!,
      /^publicNetworkAccess is Disabled, and the deployer/,
    );
  });
});
