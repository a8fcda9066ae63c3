import { strict as assert } from "node:assert";
import { countFleetQuotas } from "../../preview/fleetQuotas";
import type { StackSummary } from "../../preview/fleetSummary";

/** The fleet's cross-stack quota counter over per-stack summaries (preview/fleetQuotas.ts). */

const SUB_A = "aaaaaaaa-0000-4000-8000-000000000001";
const SUB_B = "bbbbbbbb-0000-4000-8000-000000000002";

function stack(
  name: string,
  accounts: { subscriptionId: string; location: string; count: number }[],
  roleAssignments: { subscriptionId: string; count: number }[] = [],
): StackSummary {
  return {
    stack: name,
    stackFile: `stacks/fleet/Pulumi.${name}.yaml`,
    kind: "team",
    platformStack: "acme/cmk-storage/platform-weu",
    status: "ok",
    exitCode: 0,
    resources: 10,
    mandatory: [],
    advisory: 0,
    azureErrors: [],
    programErrors: [],
    dataLoss: null,
    previous: null,
    storageAccounts: accounts,
    roleAssignments,
    durationMs: 1,
  };
}

const teams = (n: number, sub: (i: number) => string, location = "westeurope"): StackSummary[] =>
  Array.from({ length: n }, (_, i) =>
    stack(
      `team-${i}`,
      [{ subscriptionId: sub(i), location, count: 1 }],
      [{ subscriptionId: SUB_A, count: 1 }],
    ),
  );

describe("fleet quotas (preview/fleetQuotas.ts)", () => {
  it("counts storage accounts per subscription and region over every stack, within the limit at 250", () => {
    const q = countFleetQuotas(teams(250, () => SUB_B)).find(
      (x) => x.quota === "storage-accounts-per-region",
    )!;
    assert.equal(q.count, 250);
    assert.equal(q.exceeded, false);
    assert.equal(q.message, null);
  });

  it("fails when a subscription and region hold more than 250 storage accounts, naming the count, the limit and the shard", () => {
    const [q] = countFleetQuotas(teams(300, () => SUB_B));
    assert.equal(q.exceeded, true);
    assert.equal(q.stacks.length, 300);
    assert.match(
      q.message!,
      /^300 storage accounts in subscription bbbbbbbb-.*, region westeurope, over 300 stack\(s\): Azure allows 250 per region per subscription/,
    );
    assert.match(
      q.message!,
      /Way out: shard the teams over subscriptions .*at least 2 subscription\(s\) here/,
    );
    assert.match(q.source, /azure-subscription-service-limits#azure-storage-limits/);
  });

  it("keeps subscriptions and regions apart: 300 teams over two subscriptions, or two regions, are within the limit", () => {
    const subs = countFleetQuotas(teams(300, (i) => (i % 2 ? SUB_A : SUB_B)));
    assert.deepEqual(
      subs
        .filter((q) => q.quota === "storage-accounts-per-region")
        .map((q) => [q.subscriptionId, q.count, q.exceeded]),
      [
        [SUB_A, 150, false],
        [SUB_B, 150, false],
      ],
    );
    const regions = countFleetQuotas([
      ...teams(150, () => SUB_B, "westeurope"),
      ...teams(150, () => SUB_B, "northeurope"),
    ]);
    assert.ok(regions.every((q) => !q.exceeded));
  });

  it("fails when the role assignments counted in one subscription (team grants on a platform key) pass 4,000", () => {
    const within = countFleetQuotas(teams(4000, (i) => `sub-${i % 20}`));
    assert.equal(within.find((q) => q.quota === "role-assignments-per-subscription")!.count, 4000);
    assert.ok(within.every((q) => !q.exceeded));
    const over = countFleetQuotas(teams(4001, (i) => `sub-${i % 20}`));
    const [q] = over.filter((x) => x.exceeded);
    assert.equal(q.quota, "role-assignments-per-subscription");
    assert.equal(q.subscriptionId, SUB_A);
    assert.match(q.message!, /Way out: split the platform stack/);
  });

  it("lists exceeded quotas first", () => {
    const quotas = countFleetQuotas([...teams(10, () => SUB_A), ...teams(260, () => SUB_B)]);
    assert.equal(quotas[0].exceeded, true);
    assert.equal(quotas[0].subscriptionId, SUB_B);
  });

  it("counts West Europe and westeurope as one region", () => {
    const fleet = [
      ...teams(200, () => SUB_B, "West Europe"),
      ...teams(100, () => SUB_B).map((t, i) => ({ ...t, stack: `other-${i}` })),
    ];
    const q = countFleetQuotas(fleet).filter((x) => x.quota === "storage-accounts-per-region");
    assert.equal(q.length, 1);
    assert.equal(q[0].location, "westeurope");
    assert.equal(q[0].count, 300);
    assert.equal(q[0].exceeded, true);
  });

  it("counts Azure DNS zone accounts against the 5,000 limit, not the 250", () => {
    const fleet = teams(300, () => SUB_B).map((t) => ({
      ...t,
      storageAccounts: t.storageAccounts.map((a) => ({ ...a, dnsZone: true })),
    }));
    const q = countFleetQuotas(fleet).filter(
      (x) => x.quota !== "role-assignments-per-subscription",
    );
    assert.deepEqual(
      q.map((x) => [x.quota, x.count, x.limit, x.exceeded]),
      [["storage-accounts-dns-zone-per-region", 300, 5000, false]],
    );
    assert.match(q[0].source, /5,000 storage accounts with Azure DNS zone endpoints/);
  });

  it("honours the highest storage-account quota increase a stack in that subscription and region declares", () => {
    const fleet = teams(300, () => SUB_B);
    fleet[7] = { ...fleet[7], grantedStorageAccountsPerRegion: 500 };
    const q = countFleetQuotas(fleet).find((x) => x.quota === "storage-accounts-per-region")!;
    assert.equal(q.limit, 500);
    assert.equal(q.exceeded, false);
  });

  it("fails when a granted increase is declared only in another subscription", () => {
    const fleet = [
      ...teams(300, () => SUB_B),
      stack("elsewhere", [{ subscriptionId: SUB_A, location: "westeurope", count: 1 }]),
    ];
    fleet[300] = { ...fleet[300], grantedStorageAccountsPerRegion: 500 };
    const q = countFleetQuotas(fleet).find((x) => x.subscriptionId === SUB_B)!;
    assert.equal(q.limit, 250);
    assert.equal(q.exceeded, true);
  });
});
