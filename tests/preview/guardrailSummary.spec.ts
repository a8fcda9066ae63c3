import { strict as assert } from "node:assert";
import { created, pending, RG, SUB, withAccount } from "../support/storageWorld";
import { T } from "../../preview/simulatedAzure";
import { accessLines, logsText, reachText } from "../../preview/guardrailSummary";
import { teamAccessLines, type TeamView } from "../../preview/teams";
import type { RecordedResource } from "../../preview/recorder";

/** The access lines of the security summary (preview/guardrailSummary.ts): reached how, logs where, lock. */
const ACCOUNT_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/stdata01`;
const WORKSPACE = `/subscriptions/${SUB}/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-platform`;

const endpoint = (group: string) =>
  created(
    pending(T.privateEndpoint, `pe-${group}`, {
      privateLinkServiceConnections: [
        { name: group, privateLinkServiceId: ACCOUNT_ID, groupIds: [group] },
      ],
    }),
  );
const setting = (uri: string, logs: string[]) =>
  created(
    pending(T.diagnosticSetting, `diag-${uri.length}`, {
      resourceUri: uri,
      workspaceId: WORKSPACE,
      logs: logs.map((category) => ({ category, enabled: true })),
      metrics: [{ category: "Transaction", enabled: true }],
    }),
  );

function stack(over: Record<string, any>, extra: RecordedResource[]): RecordedResource[] {
  const { account } = withAccount(over);
  return [account, ...extra];
}

describe("security summary: how each account is reached and where its logs go", () => {
  it("names the private endpoints' services and the closed public network", () => {
    const resources = stack({ publicNetworkAccess: "Disabled" }, [
      endpoint("blob"),
      endpoint("dfs"),
    ]);
    assert.equal(
      reachText(resources, resources[0]),
      "private endpoints blob, dfs; public network access Disabled",
    );
  });

  it("says UNREACHABLE for a closed account without an endpoint, and PUBLIC for an open one", () => {
    const closed = stack({ publicNetworkAccess: "Disabled" }, []);
    assert.match(
      reachText(closed, closed[0]),
      /^UNREACHABLE \(public network access Disabled, no private endpoint/,
    );
    const open = stack({}, []);
    assert.equal(reachText(open, open[0]), "PUBLIC (firewall allows every network)");
    const firewall = stack(
      {
        networkRuleSet: {
          defaultAction: "Deny",
          ipRules: [{ iPAddressOrRange: "198.51.100.0/28" }],
        },
      },
      [],
    );
    assert.equal(reachText(firewall, firewall[0]), "firewall 1 IP range, 0 subnets");
  });

  it("groups the logs by destination and by what each part sends", () => {
    const resources = stack({}, [
      setting(ACCOUNT_ID, []),
      setting(`${ACCOUNT_ID}/blobServices/default`, [
        "StorageRead",
        "StorageWrite",
        "StorageDelete",
      ]),
    ]);
    assert.equal(
      logsText(resources, resources[0]),
      "workspace law-platform (account: metrics; blob: StorageRead, StorageWrite, StorageDelete, metrics)",
    );
    assert.equal(logsText(stack({}, []), stack({}, [])[0]), "NONE (no diagnostic setting)");
  });

  it("writes one access line per account with its lock and blob protection", () => {
    const lock = created(
      pending(T.lockByScope, "lock", { scope: ACCOUNT_ID, level: "CanNotDelete" }),
    );
    const blob = created(
      pending(T.blobServiceProperties, "blob", {
        accountName: "stdata01",
        deleteRetentionPolicy: { enabled: true, days: 30 },
        containerDeleteRetentionPolicy: { enabled: false },
        isVersioningEnabled: true,
      }),
    );
    const [line] = accessLines(
      stack({ publicNetworkAccess: "Disabled" }, [endpoint("blob"), lock, blob]),
    );
    assert.equal(
      line,
      "Access to account stdata01 (data-account): private endpoint blob; public network access Disabled; logs to NONE (no diagnostic setting); lock CanNotDelete; blob soft delete 30 days, container soft delete OFF, versioning on",
    );
  });

  it("writes one access line per team from its view", () => {
    const view = {
      id: "payments",
      reach: "private endpoint blob",
      logs: "workspace law",
    } as TeamView;
    assert.deepEqual(teamAccessLines([view]), [
      "Team payments access: private endpoint blob; logs to workspace law",
    ]);
  });
});

describe("security summary: a hand-edited --previous file", () => {
  it("reads list inputs that are not lists as empty instead of throwing", () => {
    const resources = stack({ publicNetworkAccess: "Disabled" }, [
      created(pending(T.privateEndpoint, "pe-odd", { privateLinkServiceConnections: "blob" })),
      created(
        pending(T.diagnosticSetting, "diag-odd", {
          resourceUri: ACCOUNT_ID,
          workspaceId: WORKSPACE,
          logs: "StorageRead",
          metrics: { enabled: true },
        }),
      ),
    ]);
    assert.match(reachText(resources, resources[0]), /^UNREACHABLE/);
    assert.equal(logsText(resources, resources[0]), "workspace law-platform (account: )");
  });

  it("names a manual-approval endpoint's group", () => {
    const resources = stack({ publicNetworkAccess: "Disabled" }, [
      created(
        pending(T.privateEndpoint, "pe-manual", {
          manualPrivateLinkServiceConnections: [
            { name: "blob", privateLinkServiceId: ACCOUNT_ID, groupIds: ["blob"] },
          ],
        }),
      ),
    ]);
    assert.equal(
      reachText(resources, resources[0]),
      "private endpoint blob; public network access Disabled",
    );
  });
});

describe("security summary: a perimeter-secured account", () => {
  it("says the perimeter decides instead of UNREACHABLE", () => {
    const resources = stack({ publicNetworkAccess: "SecuredByPerimeter" }, []);
    assert.equal(
      reachText(resources, resources[0]),
      "public network access SecuredByPerimeter (cannot verify: the network security perimeter's access rules decide)",
    );
  });
});
