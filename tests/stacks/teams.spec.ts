import * as assert from "node:assert/strict";
import { TYPES } from "@cmk-platform/azure-cmk-storage";
import type { RecordedResource } from "../../preview/recorder";
import { parseStackConfig } from "../../stacks/config";
import { deployCmkPlatform, type PlatformOutputs } from "../../stacks/program";
import { DEFAULT_ARM_CONTEXT } from "../../preview/armState";
import { one, promiseOf, recorder, settled } from "../support/mocks";

const BASE = {
  location: "westeurope",
  resourceGroupName: "rg-cmk",
  namePrefix: "cmk",
  accountSku: "Standard_ZRS",
};
const KV = (name: string) =>
  `/subscriptions/${DEFAULT_ARM_CONTEXT.subscriptionId}/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/${name}`;
const SUBNET_ID =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/app";
const T = {
  account: "azure-native:storage:StorageAccount",
  identity: "azure-native:managedidentity:UserAssignedIdentity",
  accessPolicy: "azure-native:keyvault:AccessPolicy",
  roleAssignment: "azure-native:authorization:RoleAssignment",
};

interface Built {
  out: PlatformOutputs;
  resources: RecordedResource[];
  warnings: string[];
}

/** Builds the program from raw stack config (keys without the project prefix, objects as JSON), capturing warnings. */
async function build(raw: Record<string, unknown>): Promise<Built> {
  recorder.reset();
  const config = Object.fromEntries(
    Object.entries({ ...BASE, ...raw }).map(([k, v]) => [
      k,
      typeof v === "string" ? v : JSON.stringify(v),
    ]),
  );
  const warnings: string[] = [];
  const saved = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(" "));
  try {
    const out = deployCmkPlatform(
      parseStackConfig(config, "cmk-storage", "stacks/Pulumi.test.yaml"),
    );
    const resources = await settled();
    return { out, resources: [...resources], warnings };
  } finally {
    console.warn = saved;
  }
}

/** The resources of one team: its CmkStorageAccount component and everything under it. */
function teamResources(resources: readonly RecordedResource[], team: string): RecordedResource[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  return resources.filter((r) => {
    for (
      let at: RecordedResource | undefined = r;
      at;
      at = at.parent ? byUrn.get(at.parent) : undefined
    ) {
      if (at.type === TYPES.CmkStorageAccount) return at.name === team;
    }
    return false;
  });
}

const urns = (resources: readonly RecordedResource[]) => resources.map((r) => r.urn).sort();

describe("teams in the program", () => {
  it("names a team's component, children and storage account after the team id, never after its display name", async () => {
    const { resources, out } = await build({
      teams: { ledger: { displayName: "Ledger & Settlements" } },
    });
    assert.deepEqual(
      teamResources(resources, "ledger")
        .map((r) => `${r.type}::${r.name}`)
        .sort(),
      [
        `${TYPES.CmkStorageAccount}::ledger`,
        `${T.accessPolicy}::ledger-key-access`,
        `${T.identity}::ledger-identity`,
        "azure-native:storage:BlobServiceProperties::ledger-blob-service",
        `${T.account}::ledger-account`,
        "random:index/randomString:RandomString::ledger-name-suffix",
      ].sort(),
    );
    assert.match(await promiseOf(out.accounts.ledger.accountName), /^cmkledger[a-z0-9]{6}$/);
    assert.equal(out.accounts.ledger.displayName, "Ledger & Settlements");
  });

  it("renaming a team (its display name) keeps every URN and changes only the displayName tag of its identity and account", async () => {
    const before = await build({ teams: { payments: {}, ledger: { displayName: "Ledger" } } });
    const after = await build({
      teams: { payments: {}, ledger: { displayName: "Ledger & Settlements" } },
    });
    assert.deepEqual(urns(after.resources), urns(before.resources));
    const changed: string[] = [];
    for (const r of after.resources) {
      const old = before.resources.find((b) => b.urn === r.urn)!;
      assert.equal(r.protect, old.protect, r.urn);
      if (JSON.stringify(r.inputs) === JSON.stringify(old.inputs)) continue;
      changed.push(`${r.type}::${r.name}`);
      // Everything but the tag is identical: an in-place tag update, no replacement.
      const { displayName: newName, ...restAfter } = r.inputs.tags as Record<string, string>;
      const { displayName: oldName, ...restBefore } = old.inputs.tags as Record<string, string>;
      assert.deepEqual(
        { ...r.inputs, tags: restAfter },
        { ...old.inputs, tags: restBefore },
        r.urn,
      );
      assert.deepEqual([oldName, newName], ["Ledger", "Ledger & Settlements"]);
    }
    assert.deepEqual(
      changed.sort(),
      [`${T.identity}::ledger-identity`, `${T.account}::ledger-account`].sort(),
    );
  });

  it("gives a team without overrides the stack defaults and exactly the team tag", async () => {
    const { resources, out } = await build({
      accountSku: "Standard_GRS",
      accountAllowedIpRanges: ["203.0.113.0/28"],
      teams: { payments: {} },
    });
    const account = one(T.account, "payments-account");
    assert.deepEqual(account.inputs.sku, { name: "Standard_GRS" });
    assert.deepEqual(account.inputs.networkRuleSet.ipRules, [
      { action: "Allow", iPAddressOrRange: "203.0.113.0/28" },
    ]);
    assert.deepEqual(account.inputs.networkRuleSet.virtualNetworkRules, []);
    assert.equal(account.inputs.allowSharedKeyAccess, false);
    assert.deepEqual(account.inputs.tags, {
      managedBy: "pulumi",
      component: "CmkStorageAccount",
      team: "payments",
    });
    assert.match(
      account.inputs.encryption.keyVaultProperties.keyVaultUri,
      /^https:\/\/cmk-kv-\w+\.vault\.azure\.net$/,
    );
    assert.equal(account.inputs.encryption.keyVaultProperties.keyName, "cmk-storage-cmk");
    assert.equal(resources.filter((r) => r.type === TYPES.StorageAccessKeyRotation).length, 0);
    assert.deepEqual(
      [
        out.accounts.payments.protected,
        out.accounts.payments.decommissioned,
        "displayName" in out.accounts.payments,
      ],
      [false, false, false],
    );
  });

  it("applies a team's SKU, firewall and tag overrides to its account only", async () => {
    await build({
      accountAllowedIpRanges: ["203.0.113.0/28"],
      teams: {
        payments: {},
        insights: {
          displayName: "Customer Insights",
          owner: "insights@example.com",
          costCentre: "CC-2001",
          tags: { dataClass: "confidential" },
          accountSku: "Standard_GZRS",
          allowedIpRanges: ["198.51.100.0/28"],
          allowedSubnetIds: [SUBNET_ID],
        },
      },
    });
    const insights = one(T.account, "insights-account");
    assert.deepEqual(insights.inputs.sku, { name: "Standard_GZRS" });
    assert.deepEqual(insights.inputs.networkRuleSet.ipRules, [
      { action: "Allow", iPAddressOrRange: "198.51.100.0/28" },
    ]);
    assert.deepEqual(insights.inputs.networkRuleSet.virtualNetworkRules, [
      { action: "Allow", virtualNetworkResourceId: SUBNET_ID },
    ]);
    const tags = {
      managedBy: "pulumi",
      component: "CmkStorageAccount",
      team: "insights",
      displayName: "Customer Insights",
      owner: "insights@example.com",
      costCentre: "CC-2001",
      dataClass: "confidential",
    };
    assert.deepEqual(insights.inputs.tags, tags);
    assert.deepEqual(one(T.identity, "insights-identity").inputs.tags, tags);
    const payments = one(T.account, "payments-account");
    assert.deepEqual(payments.inputs.sku, { name: "Standard_ZRS" });
    assert.deepEqual(payments.inputs.networkRuleSet.ipRules, [
      { action: "Allow", iPAddressOrRange: "203.0.113.0/28" },
    ]);
  });

  it("gives a team shared keys with access-key rotation, its period, and a secret vault in the stack's permission model", async () => {
    const { resources } = await build({
      teams: {
        payments: {},
        ledger: {
          allowSharedKeyAccess: true,
          rotateAccessKeys: true,
          accessKeyRotationPeriodInDays: 30,
          accessKeySecretVaultId: KV("kv-ledger-secrets"),
        },
      },
    });
    const ledger = one(T.account, "ledger-account");
    assert.equal(ledger.inputs.allowSharedKeyAccess, true);
    assert.deepEqual(ledger.inputs.keyPolicy, { keyExpirationPeriodInDays: 30 });
    assert.deepEqual(
      resources.filter((r) => r.type === TYPES.StorageAccessKeyRotation).map((r) => r.name),
      ["ledger-access-keys"],
    );
    // The deployer may read and write the access-key secret in the team's vault, by access policy (the stack's model).
    const secretGrant = one(T.accessPolicy, "ledger-access-keys-deployer-secrets");
    assert.equal(secretGrant.inputs.vaultName, "kv-ledger-secrets");
    assert.deepEqual(secretGrant.inputs.policy.permissions, { secrets: ["get", "set"] });
    assert.equal(one(T.account, "payments-account").inputs.allowSharedKeyAccess, false);
  });

  it("stores a team's access key in a secret vault with its own permission model when one is given", async () => {
    await build({
      teams: {
        ledger: {
          allowSharedKeyAccess: true,
          rotateAccessKeys: true,
          accessKeySecretVaultId: KV("kv-ledger-secrets"),
          accessKeySecretVaultPermissionModel: "rbac",
        },
      },
    });
    const grant = one(T.roleAssignment, "ledger-access-keys-deployer-KeyVaultSecretsOfficer");
    assert.equal(grant.inputs.scope, KV("kv-ledger-secrets"));
    assert.equal(
      recorder.resources.filter(
        (r) => r.type === T.accessPolicy && r.name.startsWith("ledger-access-keys"),
      ).length,
      0,
    );
  });

  it("encrypts a team's account with its own key by reference, granted in that vault's permission model", async () => {
    const { resources } = await build({
      teams: {
        payments: {},
        ledger: {
          key: { vaultId: KV("kv-ledger"), keyName: "ledger-cmk", permissionModel: "rbac" },
        },
      },
    });
    const ledger = one(T.account, "ledger-account");
    assert.deepEqual(
      {
        uri: ledger.inputs.encryption.keyVaultProperties.keyVaultUri,
        name: ledger.inputs.encryption.keyVaultProperties.keyName,
      },
      { uri: "https://kv-ledger.vault.azure.net", name: "ledger-cmk" },
    );
    const grant = one(T.roleAssignment, "ledger-key-access");
    assert.equal(grant.inputs.scope, `${KV("kv-ledger")}/keys/ledger-cmk`);
    assert.match(
      grant.inputs.roleDefinitionId,
      /\/roleDefinitions\/e147488a-f6f5-4113-8e2d-b22465e65bf6$/,
    );
    assert.ok(
      ledger.dependencies.includes(one("time:index/sleep:Sleep", "ledger-rbac-propagation").urn),
      "waits for RBAC propagation",
    );
    // The stack's key still serves the other team.
    assert.equal(
      one(T.account, "payments-account").inputs.encryption.keyVaultProperties.keyName,
      "cmk-storage-cmk",
    );
    assert.equal(
      resources.filter((r) => r.type === "azure-native:keyvault:Key").length,
      1,
      "no key is created for the team",
    );
  });

  it("protects one team in an unprotected stack, and leaves one team unprotected in a protected stack", async () => {
    const open = await build({
      protect: "false",
      teams: { payments: {}, vault: { protect: true } },
    });
    assert.deepEqual(
      [...new Set(teamResources(open.resources, "vault").map((r) => r.protect))],
      [true],
    );
    assert.deepEqual(
      [...new Set(teamResources(open.resources, "payments").map((r) => r.protect))],
      [false],
    );
    assert.equal(open.out.accounts.vault.protected, true);
    const closed = await build({
      protect: "true",
      teams: { payments: {}, sandbox: { protect: false } },
    });
    assert.deepEqual(
      [...new Set(teamResources(closed.resources, "sandbox").map((r) => r.protect))],
      [false],
    );
    assert.deepEqual(
      [...new Set(teamResources(closed.resources, "payments").map((r) => r.protect))],
      [true],
    );
  });

  describe("offboarding a team from a protected stack", () => {
    const teams = { payments: {}, archive: {} };

    it("decommissioning a locked team lifts exactly its account's lock (never Pulumi-protected) and changes nothing else", async () => {
      const LOCK = "azure-native:authorization:ManagementLockByScope";
      const before = await build({ protect: "true", lock: "CanNotDelete", teams });
      const after = await build({
        protect: "true",
        lock: "CanNotDelete",
        teams: { ...teams, archive: { decommissioned: true } },
      });
      assert.deepEqual(
        before.resources
          .filter((r) => r.type === LOCK)
          .map((r) => [r.name, r.protect])
          .sort(),
        [
          ["archive-lock", false],
          ["payments-lock", false],
          ["platform-lock", false],
        ],
      );
      assert.deepEqual(
        urns(after.resources),
        urns(before.resources.filter((r) => r.name !== "archive-lock")),
      );
      for (const r of after.resources) {
        const old = before.resources.find((b) => b.urn === r.urn)!;
        assert.deepEqual(r.inputs, old.inputs, `${r.urn}: no change in Azure`);
      }
      assert.equal(after.out.accounts.archive.locked, false);
      assert.equal(after.out.accounts.payments.locked, true);
      assert.ok(
        after.warnings.some((w) =>
          w.includes(
            `team "archive" is decommissioned: its storage account and identity are no longer protected and its account's lock is removed`,
          ),
        ),
        after.warnings.join("\n"),
      );
    });

    it("decommissioning keeps the team's resources and URNs, removes only their protection, and says how to finish", async () => {
      const before = await build({ protect: "true", teams });
      const after = await build({
        protect: "true",
        teams: { ...teams, archive: { decommissioned: true } },
      });
      assert.deepEqual(urns(after.resources), urns(before.resources));
      for (const r of after.resources) {
        const old = before.resources.find((b) => b.urn === r.urn)!;
        assert.deepEqual(r.inputs, old.inputs, `${r.urn}: no change in Azure`);
        const inArchive = teamResources(after.resources, "archive").includes(r);
        assert.equal(r.protect, !inArchive, `${r.type}::${r.name}`);
      }
      assert.deepEqual(
        [after.out.accounts.archive.protected, after.out.accounts.archive.decommissioned],
        [false, true],
      );
      assert.deepEqual(
        after.warnings.filter((w) => w.includes("decommissioned")),
        [
          `warning: [runtime] team "archive" is decommissioned: its storage account and identity are no longer protected. To delete them and the data, remove the team (pulumi config rm --path 'cmk-storage:teams.archive') and run pulumi up; to keep them, remove decommissioned.`,
        ],
      );
    });

    it("removing the decommissioned team then drops exactly its resources and leaves every other resource unchanged", async () => {
      const decommissioned = await build({
        protect: "true",
        teams: { ...teams, archive: { decommissioned: true } },
      });
      const removed = await build({ protect: "true", teams: { payments: {} } });
      const archive = teamResources(decommissioned.resources, "archive");
      assert.equal(
        archive.length,
        6,
        "component, identity, grant, suffix, account, blob service properties",
      );
      assert.deepEqual(
        urns(removed.resources),
        urns(decommissioned.resources.filter((r) => !archive.includes(r))),
      );
      for (const r of removed.resources) {
        const old = decommissioned.resources.find((b) => b.urn === r.urn)!;
        assert.deepEqual([r.inputs, r.protect], [old.inputs, old.protect], r.urn);
      }
    });
  });
});
