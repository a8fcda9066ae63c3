import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type CliRun, previewCliRuns, ROOT } from "../../support/previewCli";
import { accepts, pending, RG, rejects, SUB, withAccount } from "../../support/storageWorld";
import { T, type PendingResource } from "../../../preview/simulatedAzure";
import { PRIVATE_ENDPOINT_RULES } from "../../../preview/rules/privateEndpoints";

/** Pure-function tests of the private-endpoint family: each rule has a passing and a failing case. */

const ACCOUNT_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/stdata01`;
const VAULT_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.KeyVault/vaults/kv-data`;
const SUBNET = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-spoke/subnets/snet-pe`;

const endpoint = (
  target: string,
  groupIds: unknown[],
  over: Record<string, any> = {},
): PendingResource =>
  pending(T.privateEndpoint, "pe", {
    resourceGroupName: RG,
    location: "westeurope",
    privateEndpointName: "pep-data",
    subnet: { id: SUBNET },
    privateLinkServiceConnections: [{ name: "c", privateLinkServiceId: target, groupIds }],
    ...over,
  });

describe("simulated Azure: private endpoints (preview/rules/privateEndpoints.ts)", () => {
  it("registers every rule with a source", () => {
    for (const r of PRIVATE_ENDPOINT_RULES) assert.match(r.source, /\w{8,}/, r.id);
  });

  describe("private-endpoint-group-id", () => {
    it("fails when a storage endpoint asks for the group vault, or for an upper-case group", () => {
      for (const group of ["vault", "BLOB"]) {
        rejects(
          endpoint(ACCOUNT_ID, [group]),
          withAccount().state,
          "private-endpoint-group-id",
          "InvalidValuesForRequestParameters",
          new RegExp(
            `Call to Microsoft\\.storage/storageaccounts failed.*GroupId: ${group}\\..*blob, blob_secondary, dfs`,
            "i",
          ),
        );
      }
    });
    it("fails when a vault endpoint asks for blob", () => {
      rejects(
        endpoint(VAULT_ID, ["blob"]),
        withAccount().state,
        "private-endpoint-group-id",
        "InvalidValuesForRequestParameters",
        /GroupId: blob\. Fix: set groupIds to one of vault/,
      );
    });
    it("accepts vault for a vault and every storage group for an account", () => {
      accepts(endpoint(VAULT_ID, ["vault"]), withAccount().state);
      for (const g of ["blob", "dfs", "file", "queue", "table", "web"]) {
        accepts(endpoint(ACCOUNT_ID, [g]), withAccount().state);
      }
    });
  });

  describe("private-endpoint-one-group-id", () => {
    it("fails when one connection to an account lists blob and file", () => {
      rejects(
        endpoint(ACCOUNT_ID, ["blob", "file"]),
        withAccount().state,
        "private-endpoint-one-group-id",
        "OnlyOneGroupIdPermitted",
        /group Ids: blob, file\. Only one group Id is permitted when connecting to a first-party resource/,
      );
    });
    it("accepts one group per connection", () => {
      accepts(endpoint(ACCOUNT_ID, ["file"]), withAccount().state);
    });
  });

  describe("private-endpoint-secondary-sku", () => {
    it("fails when blob_secondary points at a zone-redundant (not read-access) account of the stack", () => {
      rejects(
        endpoint(ACCOUNT_ID, ["blob_secondary"]),
        withAccount({ sku: { name: "Standard_GZRS" } }).state,
        "private-endpoint-secondary-sku",
        "InvalidValuesForRequestParameters",
        /GroupId: blob_secondary\. Account 'stdata01' has sku Standard_GZRS.*Standard_RAGZRS/,
      );
    });
    it("accepts blob_secondary on a Standard_RAGZRS account", () => {
      accepts(
        endpoint(ACCOUNT_ID, ["blob_secondary"]),
        withAccount({ sku: { name: "Standard_RAGZRS" } }).state,
      );
    });
  });

  describe("private-endpoint-subnet", () => {
    const known = (region: string) => new Map([[SUBNET.toLowerCase(), region]]);
    it("fails when the subnet is not among the subnets known to exist", () => {
      rejects(
        endpoint(ACCOUNT_ID, ["blob"], { subnet: { id: `${SUBNET}x` } }),
        withAccount({}, { existingSubnets: known("westeurope") }).state,
        "private-endpoint-subnet",
        "InvalidResourceReference",
        /snet-pex referenced by resource privateEndpoints\/pep-data was not found.*the subnet does not exist/,
      );
    });
    it("fails when the endpoint's region is not its virtual network's", () => {
      rejects(
        endpoint(ACCOUNT_ID, ["blob"], { location: "northeurope" }),
        withAccount({}, { existingSubnets: known("westeurope") }).state,
        "private-endpoint-subnet",
        "InvalidResourceReference",
        /virtual network is in westeurope, the endpoint in northeurope\. Fix: set location to westeurope/,
      );
    });
    it("accepts a known subnet in the same region, and any subnet when none are declared", () => {
      accepts(
        endpoint(ACCOUNT_ID, ["blob"], { location: "West Europe" }),
        withAccount({}, { existingSubnets: known("westeurope") }).state,
      );
      accepts(
        endpoint(ACCOUNT_ID, ["blob"], { subnet: { id: `${SUBNET}x` } }),
        withAccount().state,
      );
    });
  });
});

describe("private endpoints of the prod stack through the preview CLI (child processes)", function () {
  this.timeout(180_000);
  const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "cmk-pe-"));
  const PROD = fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.prod.yaml"), "utf8");
  const SPOKE = /cmk-storage:privateEndpointSubnetId: (\S+)/.exec(PROD)![1];
  const declaring = (label: string, subnets: Record<string, string>): string => {
    const file = path.join(TMP, `Pulumi.prod.${label}.yaml`);
    const lines = Object.entries(subnets).map(([id, region]) => `    ${id}: ${region}`);
    fs.writeFileSync(
      file,
      `${PROD.trimEnd()}\n  cmk-preview:existingSubnets:\n${lines.join("\n")}\n`,
    );
    return file;
  };
  let runs: Record<string, CliRun> = {};
  before(async () => {
    runs = await previewCliRuns([
      [
        "declared",
        ["--stack", "prod", "--json", "--stack-file", declaring("ok", { [SPOKE]: "westeurope" })],
      ],
      [
        "otherRegion",
        [
          "--stack",
          "prod",
          "--json",
          "--stack-file",
          declaring("region", { [SPOKE]: "northeurope" }),
        ],
      ],
      [
        "undeclared",
        [
          "--stack",
          "prod",
          "--json",
          "--stack-file",
          declaring("other", { [`${SPOKE}-other`]: "westeurope" }),
        ],
      ],
    ]);
  });
  after(() => fs.rmSync(TMP, { recursive: true, force: true }));
  type Doc = { azureErrors: { rule: string; code: string; message: string; stackHint: string }[] };
  const doc = (name: string): Doc => JSON.parse(runs[name].stdout) as Doc;

  it("accepts prod when its spoke subnet is declared in westeurope", () => {
    assert.equal(runs["declared"].code, 0, runs["declared"].stderr);
  });

  it("fails when the declared subnet is in northeurope while the endpoints are in westeurope", () => {
    assert.equal(runs["otherRegion"].code, 2, runs["otherRegion"].stderr);
    const [err] = doc("otherRegion").azureErrors;
    assert.equal(err.rule, "private-endpoint-subnet");
    assert.equal(err.code, "InvalidResourceReference");
    assert.match(err.message, /virtual network is in northeurope, the endpoint in westeurope/);
    assert.match(err.stackHint, /cmk-storage:privateEndpointSubnetId/);
  });

  it("fails when the spoke subnet is not among the declared subnets", () => {
    assert.equal(runs["undeclared"].code, 2, runs["undeclared"].stderr);
    assert.match(
      doc("undeclared").azureErrors[0].message,
      /snet-private-endpoints referenced by resource privateEndpoints\/pep-.* was not found/,
    );
  });
});
