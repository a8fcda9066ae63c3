import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  accepts,
  created,
  pending,
  RG,
  rejects,
  SUB,
  withAccount,
} from "../../support/storageWorld";
import { type CliRun, previewCliRuns, ROOT } from "../../support/previewCli";
import { T, type AzureState, type PendingResource } from "../../../preview/simulatedAzure";
import { STORAGE_DATA_PLANE_RULES } from "../../../preview/rules/storageDataPlane";
import { DEFAULT_ARM_CONTEXT } from "../../../preview/armState";

/** The data-plane family: pure-function pass and fail cases per rule, then raw programs through the preview's CLI. */

const VNET = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-agents`;
const DEPLOYER = { objectId: DEFAULT_ARM_CONTEXT.objectId, publicIp: "192.0.2.10", subnetIds: [] };

const blob = (over: Record<string, any> = {}): PendingResource =>
  pending(T.blob, "readme.txt", {
    accountName: "stdata01",
    resourceGroupName: RG,
    containerName: "reports",
    ...over,
  });

/** A state with one account (inputs `over`), its container "reports", and whatever else is passed. */
function world(
  over: Record<string, any> = {},
  extra: Partial<AzureState> = {},
  more: PendingResource[] = [],
): AzureState {
  const { state } = withAccount(
    { allowSharedKeyAccess: true, ...over },
    { deployer: DEPLOYER, ...extra },
  );
  const container = created(
    pending(T.blobContainer, "reports", {
      accountName: "stdata01",
      resourceGroupName: RG,
      containerName: "reports",
    }),
  );
  return { ...state, created: [...state.created, container, ...more.map(created)] };
}

const accountId = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/stdata01`;

function privateEndpoint(subnet: string, groupIds = ["blob"]): PendingResource {
  return pending(T.privateEndpoint, "pe", {
    resourceGroupName: RG,
    location: "westeurope",
    subnet: { id: subnet },
    privateLinkServiceConnections: [{ name: "c", privateLinkServiceId: accountId, groupIds }],
  });
}

describe("simulated Azure: what azure-native sends to a storage account's data plane (preview/rules/storageDataPlane.ts)", () => {
  it("registers every rule with a source", () => {
    for (const r of STORAGE_DATA_PLANE_RULES) assert.match(r.source, /\w{8,}/, r.id);
  });

  describe("storage-data-plane-network", () => {
    it("fails when public network access is disabled and the deployer has no private path", () => {
      rejects(
        blob(),
        world({ publicNetworkAccess: "Disabled" }),
        "storage-data-plane-network",
        "AuthorizationFailure",
        /^This request is not authorized to perform this operation: .*publicNetworkAccess is Disabled, and the deployer \(from 192\.0\.2\.10, outside every virtual network\) has no private path/,
      );
    });
    it("fails when the firewall denies by default and no IP rule holds the deployer's address, whatever the bypass", () => {
      rejects(
        blob(),
        world({
          networkRuleSet: {
            defaultAction: "Deny",
            bypass: "AzureServices",
            ipRules: [{ iPAddressOrRange: "203.0.113.0/28", action: "Allow" }],
          },
        }),
        "storage-data-plane-network",
        "AuthorizationFailure",
        /ipRules \["203\.0\.113\.0\/28"\].*bypass "AzureServices" admits trusted Azure services, never the deploying machine.*add the deployer's address.*private endpoint/,
      );
    });
    it("fails when the private endpoint is in another virtual network than the deployer, or for another service", () => {
      const elsewhere = privateEndpoint(
        `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-other/subnets/pe`,
      );
      const deployer = { ...DEPLOYER, subnetIds: [`${VNET}/subnets/runners`] };
      rejects(
        blob(),
        world({ publicNetworkAccess: "Disabled" }, { deployer }, [elsewhere]),
        "storage-data-plane-network",
        "AuthorizationFailure",
        /no private path/,
      );
      rejects(
        blob(),
        world({ publicNetworkAccess: "Disabled" }, { deployer }, [
          privateEndpoint(`${VNET}/subnets/pe`, ["file"]),
        ]),
        "storage-data-plane-network",
        "AuthorizationFailure",
        /no private path/,
      );
    });
    it("fails for the static website setting too (it goes to the blob endpoint)", () => {
      rejects(
        pending(T.staticWebsite, "site", { accountName: "stdata01", resourceGroupName: RG }),
        world({ publicNetworkAccess: "Disabled" }),
        "storage-data-plane-network",
        "AuthorizationFailure",
        /the static website setting/,
      );
    });
    it("accepts the deployer's address in an IP rule (single address or range), its subnet in a virtual-network rule, or a private endpoint in its virtual network", () => {
      accepts(
        blob(),
        world({
          networkRuleSet: {
            defaultAction: "Deny",
            ipRules: [{ iPAddressOrRange: "192.0.2.0/28", action: "Allow" }],
          },
        }),
      );
      const runners = `${VNET}/subnets/runners`;
      const inside = { ...DEPLOYER, subnetIds: [runners] };
      accepts(
        blob(),
        world(
          {
            networkRuleSet: {
              defaultAction: "Deny",
              virtualNetworkRules: [{ virtualNetworkResourceId: runners, action: "Allow" }],
            },
          },
          { deployer: inside },
        ),
      );
      accepts(
        blob(),
        world({ publicNetworkAccess: "Disabled" }, { deployer: inside }, [
          privateEndpoint(`${VNET}/subnets/private-endpoints`),
        ]),
      );
      accepts(blob(), world({ networkRuleSet: { defaultAction: "Allow" } }));
    });
  });

  describe("storage-data-plane-shared-key", () => {
    it("fails when the account has shared keys off and the deployer has no data-plane role, naming the fix", () => {
      rejects(
        blob(),
        world({ allowSharedKeyAccess: false }),
        "storage-data-plane-shared-key",
        "KeyBasedAuthenticationNotPermitted",
        /^Key based authentication is not permitted on this storage account: account 'stdata01' has allowSharedKeyAccess false.*lists the account keys.*A data-plane role for the deployer \(objectId 5b7c3e2a-1d4f-4e6a-8b9c-0d1e2f3a4b5c, e.g\. Storage Blob Data Contributor\) would not help.*az storage blob upload --auth-mode login/,
      );
    });
    it("fails when the deployer holds Storage Blob Data Contributor on the account too: the provider never sends a token", () => {
      const role = pending(T.roleAssignment, "deployer-blob-data", {
        principalId: DEFAULT_ARM_CONTEXT.objectId,
        principalType: "User",
        roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe`,
        scope: accountId,
      });
      rejects(
        blob(),
        world({ allowSharedKeyAccess: false }, {}, [role]),
        "storage-data-plane-shared-key",
        "KeyBasedAuthenticationNotPermitted",
        /role assignment on the account \(deployer-blob-data\) do not change this/,
      );
    });
    it("accepts a blob where shared keys are allowed (explicitly or by Azure's default)", () => {
      accepts(blob(), world({ allowSharedKeyAccess: true }));
      accepts(blob(), world({ allowSharedKeyAccess: undefined }));
    });
  });

  describe("storage-blob-container-missing", () => {
    it("fails when the blob's container is not created in the account", () => {
      rejects(
        blob({ containerName: "missing" }),
        world(),
        "storage-blob-container-missing",
        "ContainerNotFound",
        /The specified container does not exist: 'missing' in account 'stdata01'/,
      );
    });
    it("fails for $web without the static website, suggesting it", () => {
      rejects(
        blob({ containerName: "$web" }),
        world(),
        "storage-blob-container-missing",
        "ContainerNotFound",
        /StorageAccountStaticWebsite/,
      );
    });
    it("accepts a blob in a created container, and in $web once the static website is enabled", () => {
      accepts(blob(), world());
      accepts(
        blob({ containerName: "$web" }),
        world({}, {}, [
          pending(T.staticWebsite, "site", { accountName: "stdata01", resourceGroupName: RG }),
        ]),
      );
    });
  });
});

describe("data-plane resources through the preview CLI (raw programs, child processes)", function () {
  this.timeout(180_000);
  const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "cmk-dataplane-"));
  let runs: Record<string, CliRun> = {};

  function devWith(extra: string): string {
    const file = path.join(TMP, `Pulumi.dev.${Object.keys(runs).length}${extra.length}.yaml`);
    fs.writeFileSync(
      file,
      fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.dev.yaml"), "utf8") + extra,
    );
    return file;
  }

  before(async () => {
    const inside = devWith(
      `  cmk-preview:deployer:\n    subnetIds:\n      - ${VNET}/subnets/runners\n`,
    );
    const broken = devWith(`  cmk-preview:deployer:\n    publicIP: 203.0.113.7\n`);
    runs = await previewCliRuns([
      ["sharedKey", ["--program", "tests/preview/fixtures/blobSharedKeyOff.ts", "--json"]],
      ["outside", ["--program", "tests/preview/fixtures/blobPrivateEndpoint.ts", "--json"]],
      [
        "inside",
        [
          "--program",
          "tests/preview/fixtures/blobPrivateEndpoint.ts",
          "--json",
          "--stack",
          "dev",
          "--stack-file",
          inside,
        ],
      ],
      ["broken", ["--stack", "dev", "--stack-file", broken]],
    ]);
  });

  after(() => fs.rmSync(TMP, { recursive: true, force: true }));

  type Result = {
    resources: { type: string; name: string }[];
    status: string;
    azureErrors: { code: string; rule: string; message: string; name: string; stackHint: string }[];
  };
  const json = (r: CliRun): Result => JSON.parse(r.stdout) as Result;

  it("fails when a blob goes into an account with shared keys off, though the deployer holds a data-plane role", () => {
    const r = runs["sharedKey"];
    assert.equal(r.code, 2, r.stderr);
    const [err] = json(r).azureErrors;
    assert.equal(err.code, "KeyBasedAuthenticationNotPermitted");
    assert.equal(err.rule, "storage-data-plane-shared-key");
    assert.equal(err.name, "readme.txt");
    assert.match(
      err.message,
      /Key based authentication is not permitted on this storage account: account 'stdataplane01' has allowSharedKeyAccess false.*\(deployer-blob-data\) do not change this.*Fix: create the blob out of band with Entra ID/,
    );
    assert.match(err.stackHint, /cmk-storage:teams\.<team>\.allowSharedKeyAccess/);
  });

  it("fails when the account is private and the preview's deployer stands outside every virtual network", () => {
    const r = runs["outside"];
    assert.equal(r.code, 2, r.stderr);
    const [err] = json(r).azureErrors;
    assert.equal(err.code, "AuthorizationFailure");
    assert.match(err.message, /publicNetworkAccess is Disabled.*no private path/);
    assert.match(err.stackHint, /cmk-preview:deployer/);
  });

  it("accepts the same program when cmk-preview:deployer puts the deployer in the private endpoint's virtual network", () => {
    const r = runs["inside"];
    assert.deepEqual(json(r).azureErrors, [], r.stderr);
    assert.ok(
      json(r).resources.some(
        (x) => x.type === "azure-native:storage:Blob" && x.name === "index.html",
      ),
      "the blob was registered and accepted",
    );
    assert.notEqual(json(r).status, "azure-error");
  });

  it("fails when cmk-preview:deployer has an unknown setting, before anything runs", () => {
    const r = runs["broken"];
    assert.equal(r.code, 3, r.stderr);
    assert.match(
      r.stderr,
      /cmk-preview:deployer\.publicIP is not a known setting \(known: publicIp, subnetIds\)/,
    );
  });
});
