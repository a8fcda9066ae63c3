import { strict as assert } from "node:assert";
import { renderTree } from "../../preview/render";
import type { PreviewResult } from "../../preview/run";
import { teamLines, teamViews } from "../../preview/teams";
import { parseStackConfig } from "../../stacks/config";
import { deployCmkPlatform } from "../../stacks/program";
import { recorder, settled } from "../support/mocks";
import { type CliRun, previewCliRuns } from "../support/previewCli";
import { STACKS } from "../support/stackFiles";

const KV_LEDGER =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/kv-ledger";

/** Builds the program in this process (tests/setup.ts mocks answer like ARM) and returns what the preview renders from. */
async function build(teams: unknown, protect = "true") {
  recorder.reset();
  deployCmkPlatform(
    parseStackConfig(
      {
        location: "westeurope",
        resourceGroupName: "rg-cmk",
        namePrefix: "cmk",
        protect,
        teams: JSON.stringify(teams),
      },
      "cmk-storage",
      "stacks/Pulumi.test.yaml",
    ),
  );
  return [...(await settled())];
}

describe("offline preview shows per-team differences", () => {
  it("lists every team with its settings and marks those that differ from most teams", async () => {
    const resources = await build({
      payments: {},
      analytics: {},
      reporting: {},
      ledger: {
        displayName: "Ledger",
        owner: "ledger@example.com",
        costCentre: "CC-1",
        accountSku: "Standard_GZRS",
        key: { vaultId: KV_LEDGER, keyName: "ledger-cmk", permissionModel: "rbac" },
      },
      archive: { decommissioned: true },
    });
    const views = teamViews(resources);
    assert.deepEqual(views.map((v) => v.id).sort(), [
      "analytics",
      "archive",
      "ledger",
      "payments",
      "reporting",
    ]);
    const byId = Object.fromEntries(views.map((v) => [v.id, v]));
    const stackKey = byId.payments.settings.key;
    assert.match(stackKey, /^cmk-storage-cmk in cmk-kv-[a-z0-9]{6}$/);
    assert.deepEqual(byId.payments.settings, {
      sku: "Standard_ZRS",
      network: "private only",
      sharedKeys: "off",
      key: stackKey,
      protection: "protected",
    });
    assert.deepEqual(byId.payments.differs, []);
    assert.deepEqual(byId.ledger.settings, {
      sku: "Standard_GZRS",
      network: "private only",
      sharedKeys: "off",
      key: "ledger-cmk in kv-ledger",
      protection: "protected",
    });
    assert.deepEqual(byId.ledger.differs, ["sku", "key"]);
    assert.deepEqual(byId.archive.differs, ["protection"]);
    const ledgerLine = teamLines(views).find((l) => l.startsWith("Team ledger"));
    assert.equal(
      ledgerLine,
      `Team ledger "Ledger" (owner ledger@example.com, cost centre CC-1): account ${byId.ledger.accountName}, SKU Standard_GZRS (differs), firewall private only, shared keys off, key ledger-cmk in kv-ledger (differs), protection protected`,
    );
    assert.match(byId.ledger.accountName, /^cmkledger[a-z0-9]{6}$/);
  });

  it("notes a team's display name and overrides on its component in the tree, and nothing on teams with the stack defaults", async () => {
    const resources = await build(
      {
        payments: {},
        analytics: {},
        ledger: {
          displayName: "Ledger",
          allowSharedKeyAccess: true,
          rotateAccessKeys: true,
          accessKeyRotationPeriodInDays: 30,
        },
      },
      "false",
    );
    const tree = renderTree({
      project: "cmk-storage",
      stack: "test",
      resources,
    } as unknown as PreviewResult);
    assert.match(
      tree,
      /CmkStorageAccount\s+ledger \["Ledger"; shared keys ON, rotated every 30 days\]\n/,
    );
    assert.match(tree, /CmkStorageAccount\s+payments\n/);
    assert.match(tree, /CmkStorageAccount\s+analytics\n/);
  });

  it("singles out no team when there is one team or the teams split evenly", async () => {
    assert.deepEqual(
      teamViews(await build({ solo: { accountSku: "Standard_GZRS" } })).map((v) => v.differs),
      [[]],
    );
    const even = teamViews(await build({ payments: {}, ledger: { accountSku: "Standard_GZRS" } }));
    assert.deepEqual(
      even.map((v) => v.differs),
      [[], []],
    );
  });
});

describe("offline preview CLI for every stack file (child processes)", function () {
  this.timeout(180_000);
  let runs: Record<string, CliRun> = {};

  before(async () => {
    runs = await previewCliRuns(STACKS.map((stack) => [stack, ["--stack", stack]]));
  });

  const onboarded: Record<(typeof STACKS)[number], [string, RegExp, RegExp]> = {
    dev: [
      "ledger",
      /ledger \["Ledger & Settlements"; SKU Standard_ZRS; shared keys ON, rotated every 30 days\]/,
      /Team ledger "Ledger & Settlements" \(owner ledger-oncall@example\.com, cost centre CC-4711\): account cmkdevledger\w{6}, SKU Standard_ZRS \(differs\), .*shared keys ON, rotated every 30 days \(differs\)/,
    ],
    staging: [
      "insights",
      /insights \["Customer Insights"; SKU Standard_GZRS; firewall 0 IP ranges, 1 subnet\]/,
      /Team insights "Customer Insights" .*SKU Standard_GZRS \(differs\), firewall 0 IP ranges, 1 subnet \(differs\)/,
    ],
    prod: [
      "treasury",
      /treasury \["Group Treasury"; SKU Standard_RAGZRS; firewall 1 IP range, 0 subnets\]/,
      /Team treasury "Group Treasury" .*SKU Standard_RAGZRS \(differs\), firewall 1 IP range, 0 subnets \(differs\), shared keys off, key cmkprd-storage-cmk in cmkprd-kv-\w+, protection protected/,
    ],
  };
  for (const stack of STACKS) {
    it(`previews ${stack} with exit code 0 and shows its onboarded team's overrides in the tree and the security summary`, () => {
      const r = runs[stack];
      assert.equal(r.code, 0, r.stderr);
      const [team, tree, summary] = onboarded[stack];
      assert.match(r.stdout, tree, team);
      assert.match(r.stdout, summary, team);
      assert.match(
        r.stdout,
        /Team payments: account \w+, SKU \w+, firewall [^(]*, shared keys off, key [\w-]+ in [\w-]+, protection \w+\n/,
        "a team with the stack defaults has no (differs) mark",
      );
    });
  }
});
