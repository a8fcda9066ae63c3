import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  countQuotas,
  parseQuotaLimits,
  QUOTA_LIMITS,
  quotaErrors,
  type QuotaStack,
} from "../../../preview/rules/quotas";
import type { RecordedResource } from "../../../preview/recorder";
import { T } from "../../../preview/armTypes";
import { previewCli, ROOT } from "../../support/previewCli";

const SUB_A = "11111111-1111-1111-1111-111111111111";
const SUB_B = "22222222-2222-2222-2222-222222222222";

let seq = 0;
function res(type: string, inputs: Record<string, unknown>, sub = SUB_A): RecordedResource {
  const name = `r${++seq}`;
  return {
    urn: `urn:pulumi:s::p::${type}::${name}`,
    type,
    name,
    custom: true,
    id: `/subscriptions/${sub}/resourceGroups/rg/providers/x/${name}`,
    parent: undefined,
    inputs,
    outputs: {},
    dependencies: [],
    propertyDependencies: {},
    protect: false,
    retainOnDelete: false,
    aliases: [],
  };
}

const accounts = (n: number, over: Record<string, unknown> = {}, sub = SUB_A): RecordedResource[] =>
  Array.from({ length: n }, (_, i) =>
    res(T.account, { accountName: `st${i}`, location: "westeurope", ...over }, sub),
  );

const only = (stacks: QuotaStack[], quota: string) =>
  countQuotas(stacks).filter((f) => f.quota === quota);

describe("quotas (preview/rules/quotas.ts)", () => {
  it("cites a learn.microsoft.com or REST specification source and a way out for every limit", () => {
    for (const q of Object.values(QUOTA_LIMITS)) {
      assert.match(q.source, /learn\.microsoft\.com|azure-rest-api-specs/, q.id);
      assert.ok(q.wayOut.length > 10, q.id);
    }
  });

  it("has a row in docs/offline-preview.md for every quota, with its limit", () => {
    const doc = fs.readFileSync(path.join(ROOT, "docs", "offline-preview.md"), "utf8");
    for (const q of Object.values(QUOTA_LIMITS)) {
      const row = doc.split("\n").find((l) => l.startsWith(`| \`${q.id}\` |`));
      assert.ok(row, q.id);
      assert.ok(row.includes(q.limit.toLocaleString("en-US")), `${q.id}: limit ${q.limit}`);
    }
  });

  describe("storage accounts per region per subscription (250)", () => {
    it("passes 199 accounts in one region, and 250 accounts spread over two regions", () => {
      assert.deepEqual(
        only([{ stack: "a", resources: accounts(199) }], "storage-accounts-per-region"),
        [],
      );
      const spread = [...accounts(125), ...accounts(125, { location: "North Europe" })];
      assert.deepEqual(
        only([{ stack: "a", resources: spread }], "storage-accounts-per-region"),
        [],
      );
    });

    it("warns from 80% of the limit on: other accounts in the subscription count too", () => {
      const [f] = only([{ stack: "a", resources: accounts(200) }], "storage-accounts-per-region");
      assert.equal(f.severity, "warning");
      assert.match(f.message, /200 storage accounts .* close to the limit of 250/);
    });

    it("fails when 251 accounts go to one region of one subscription, naming the limit, the count, the way out and the source, at the 251st account", () => {
      const list = accounts(251);
      const [f] = only([{ stack: "prod", resources: list }], "storage-accounts-per-region");
      assert.equal(f.severity, "error");
      assert.equal(f.count, 251);
      assert.equal(f.urn, list[250].urn);
      assert.match(
        f.message,
        /251 storage accounts with standard endpoints per region per subscription in subscription 11111111-.*, region westeurope \(stack prod\) exceed the limit of 250/,
      );
      assert.match(
        f.message,
        /Way out: spread the teams over more subscriptions.*quota increase to 500/,
      );
      assert.match(
        f.message,
        /Source: learn\.microsoft\.com\/azure\/azure-resource-manager\/management\/azure-subscription-service-limits/,
      );
      const [e] = quotaErrors([f]);
      assert.equal(e.code, "QuotaExceeded");
      assert.equal(e.rule, "quota-storage-accounts-per-region");
    });

    it("fails when two stacks in the same subscription together pass the limit, and passes them in two subscriptions", () => {
      const same = only(
        [
          { stack: "team-a", resources: accounts(150) },
          { stack: "team-b", resources: accounts(150) },
        ],
        "storage-accounts-per-region",
      );
      assert.equal(same[0].severity, "error");
      assert.deepEqual(same[0].stacks, ["team-a", "team-b"]);
      const apart = only(
        [
          { stack: "team-a", resources: accounts(150), subscriptionId: SUB_A },
          { stack: "team-b", resources: accounts(150, {}, SUB_B), subscriptionId: SUB_B },
        ],
        "storage-accounts-per-region",
      );
      assert.deepEqual(apart, []);
    });

    it("passes 300 accounts with a granted increase to 500 declared, and counts Azure DNS zone accounts against 5,000", () => {
      assert.deepEqual(
        countQuotas([{ stack: "a", resources: accounts(300) }], {
          limits: { "storage-accounts-per-region": 500 },
        }),
        [],
      );
      assert.deepEqual(
        countQuotas([
          { stack: "a", resources: accounts(300, { dnsEndpointType: "AzureDnsZone" }) },
        ]),
        [],
      );
    });
  });

  describe("access-policy entries per vault (1,024)", () => {
    const policies = (n: number, vaultName = "kv-a") =>
      Array.from({ length: n }, () => res(T.accessPolicy, { vaultName, policy: {} }));

    it("passes 800 entries on one vault, and 1,100 spread over two vaults", () => {
      assert.deepEqual(
        only([{ stack: "a", resources: policies(800) }], "vault-access-policies"),
        [],
      );
      assert.deepEqual(
        only(
          [{ stack: "a", resources: [...policies(550), ...policies(550, "kv-b")] }],
          "vault-access-policies",
        ),
        [],
      );
    });

    it("fails when inline and separate entries on one vault pass 1,024, with RBAC as the way out", () => {
      const vault = res(T.vault, {
        vaultName: "KV-A",
        properties: { accessPolicies: Array.from({ length: 30 }, () => ({})) },
      });
      const [f] = only(
        [{ stack: "a", resources: [vault, ...policies(1000)] }],
        "vault-access-policies",
      );
      assert.equal(f.severity, "error");
      assert.equal(f.count, 1030);
      assert.match(
        f.message,
        /access-policy entries per key vault in vault kv-a .* exceed the limit of 1024.*Azure RBAC/,
      );
    });
  });

  describe("role assignments per subscription (4,000)", () => {
    const assignments = (n: number, sub: string) =>
      Array.from({ length: n }, () =>
        res(T.roleAssignment, { scope: `/subscriptions/${sub}/resourceGroups/rg` }),
      );

    it("passes 3,000 assignments in one subscription", () => {
      assert.deepEqual(
        only(
          [{ stack: "a", resources: assignments(3000, SUB_A) }],
          "role-assignments-per-subscription",
        ),
        [],
      );
    });

    it("fails when 4,001 assignments scope into one subscription, counting by the scope's subscription", () => {
      const [f] = only(
        [{ stack: "a", resources: assignments(4001, SUB_B), subscriptionId: SUB_A }],
        "role-assignments-per-subscription",
      );
      assert.equal(f.severity, "error");
      assert.match(f.scope, new RegExp(SUB_B));
      assert.match(
        f.message,
        /4001 Azure role assignments per subscription .* exceed the limit of 4000.*groups/,
      );
    });
  });

  describe("diagnostic settings per resource (5)", () => {
    const settings = (n: number, uri: string) =>
      Array.from({ length: n }, () =>
        res("azure-native:monitor:DiagnosticSetting", { resourceUri: uri }),
      );

    it("passes three settings on a resource", () => {
      assert.deepEqual(
        only(
          [{ stack: "a", resources: settings(3, "/x/vault") }],
          "diagnostic-settings-per-resource",
        ),
        [],
      );
    });

    it("fails when a sixth setting targets the same resource", () => {
      const [f] = only(
        [{ stack: "a", resources: settings(6, "/x/vault") }],
        "diagnostic-settings-per-resource",
      );
      assert.equal(f.severity, "error");
      assert.equal(f.count, 6);
    });
  });

  describe("private endpoints per virtual network (1,000) and per storage account (200)", () => {
    const vnet = `/subscriptions/${SUB_A}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-1`;
    const account = `/subscriptions/${SUB_A}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1`;
    const endpoints = (n: number, target: (i: number) => string) =>
      Array.from({ length: n }, (_, i) =>
        res(T.privateEndpoint, {
          subnet: { id: `${vnet}/subnets/snet-${i % 3}` },
          privateLinkServiceConnections: [{ privateLinkServiceId: target(i), groupIds: ["blob"] }],
        }),
      );

    it("passes 700 endpoints in one virtual network to different accounts", () => {
      assert.deepEqual(
        countQuotas([{ stack: "a", resources: endpoints(700, (i) => `${account}${i}`) }]),
        [],
      );
    });

    it("fails when 1,001 endpoints share a virtual network (over its subnets), and 201 target one account", () => {
      const vnetF = only(
        [{ stack: "a", resources: endpoints(1001, (i) => `${account}${i}`) }],
        "private-endpoints-per-vnet",
      );
      assert.equal(vnetF[0].severity, "error");
      const acc = only(
        [{ stack: "a", resources: endpoints(201, () => account) }],
        "private-endpoints-per-storage-account",
      );
      assert.equal(acc[0].severity, "error");
    });

    it("fails when 201 endpoints with manual-approval connections target one account", () => {
      const manual = endpoints(201, () => account).map((r) => ({
        ...r,
        inputs: {
          subnet: r.inputs.subnet,
          manualPrivateLinkServiceConnections: r.inputs.privateLinkServiceConnections,
        },
      }));
      const acc = only(
        [{ stack: "a", resources: manual }],
        "private-endpoints-per-storage-account",
      );
      assert.equal(acc.length, 1);
      assert.equal(acc[0].severity, "error");
    });
  });

  describe("cmk-preview:quotas", () => {
    it("reads granted limits", () => {
      assert.deepEqual(parseQuotaLimits('{"storage-accounts-per-region":500}'), {
        limits: { "storage-accounts-per-region": 500 },
        problems: [],
      });
    });

    it("fails when a quota id is unknown or a limit is not a positive whole number, naming the key and the value", () => {
      const { problems } = parseQuotaLimits('{"storageAccounts":500,"vault-access-policies":-1}');
      assert.equal(problems.length, 2);
      assert.match(
        problems[0],
        /cmk-preview:quotas\.storageAccounts is not a known quota \(known: storage-accounts-per-region/,
      );
      assert.match(
        problems[1],
        /cmk-preview:quotas\.vault-access-policies must be a positive whole number .* got -1/,
      );
    });
    it("fails when a quota Azure does not raise is declared, naming the key, the value and the rule", () => {
      const { limits, problems } = parseQuotaLimits('{"vault-access-policies":2000}');
      assert.deepEqual(limits, {});
      assert.equal(problems.length, 1);
      assert.match(
        problems[0],
        /^cmk-preview:quotas\.vault-access-policies cannot be raised: Azure grants no increase of the access-policy entries per key vault \(fixed at 1024; .*keyvault\.json.*\); got 2000\. Fix: remove the key; only storage-accounts-per-region can be raised\.$/,
      );
    });

    it("fails when the storage-account quota is declared above the 500 Azure grants", () => {
      const { limits, problems } = parseQuotaLimits('{"storage-accounts-per-region":1000}');
      assert.deepEqual(limits, {});
      assert.match(
        problems[0],
        /^cmk-preview:quotas\.storage-accounts-per-region is at most 500 \(the highest increase Azure grants .*azure-subscription-service-limits#azure-storage-limits.*\); got 1000$/,
      );
    });

    it("marks only the storage accounts per region as raisable, to 500", () => {
      assert.deepEqual(
        Object.values(QUOTA_LIMITS)
          .filter((q) => q.raisable)
          .map((q) => [q.id, q.maxGranted]),
        [["storage-accounts-per-region", 500]],
      );
    });
  });

  describe("a prod stack with 300 teams (child process)", function () {
    this.timeout(300000);

    it("fails its preview naming the storage-account quota, the count, the way out and the source", async () => {
      const original = fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.prod.yaml"), "utf8");
      const start = original.indexOf("  cmk-storage:teams:\n");
      const end = original.indexOf("  cmk-storage:accountSku:");
      assert.ok(start > 0 && end > start, "prod's teams map");
      const teams = Array.from(
        { length: 300 },
        (_, i) => `    t${String(i).padStart(3, "0")}: {}\n`,
      ).join("");
      const file = path.join(
        fs.mkdtempSync(path.join(os.tmpdir(), "cmk-quota-")),
        "Pulumi.prod.yaml",
      );
      fs.writeFileSync(
        file,
        `${original.slice(0, start)}  cmk-storage:teams:\n${teams}${original.slice(end)}`,
      );
      const r = await previewCli("--stack", "prod", "--stack-file", file, "--json");
      assert.notEqual(r.code, 0);
      const doc = JSON.parse(r.stdout) as {
        status: string;
        azureErrors: { code: string; rule: string; message: string; name: string }[];
      };
      assert.equal(doc.status, "azure-error");
      const q = doc.azureErrors.find((e) => e.rule === "quota-storage-accounts-per-region");
      assert.ok(q, JSON.stringify(doc.azureErrors.map((e) => e.rule)));
      assert.equal(q.code, "QuotaExceeded");
      assert.match(
        q.message,
        /300 storage accounts with standard endpoints per region per subscription in subscription .*region westeurope \(stack prod\) exceed the limit of 250/,
      );
      assert.match(q.message, /Way out: spread the teams over more subscriptions/);
      assert.match(q.message, /Source: learn\.microsoft\.com/);
    });
  });
});
