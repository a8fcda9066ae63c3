import * as assert from "node:assert/strict";
import { parseStackConfig, type TeamSettings } from "../../stacks/config";
import { RESERVED_TEAM_TAGS } from "../../stacks/configSchema";

const parse = (raw: Record<string, string | undefined>) =>
  parseStackConfig(raw, "cmk-storage", "stacks/Pulumi.test.yaml");
const BASE = { location: "westeurope", resourceGroupName: "rg-cmk" };
const withTeams = (teams: unknown) => ({ ...BASE, teams: JSON.stringify(teams) });

const VAULT_ID =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/kv-ledger";
const SUBNET_ID =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/app";

/** A team that overrides every default. */
const MAX_TEAM: TeamSettings = {
  displayName: "Ledger & Settlements",
  owner: "ledger-oncall@example.com",
  costCentre: "CC-4711",
  tags: { dataClass: "confidential" },
  accountSku: "Standard_GZRS",
  allowedIpRanges: ["198.51.100.0/28"],
  allowedSubnetIds: [SUBNET_ID],
  allowSharedKeyAccess: true,
  rotateAccessKeys: true,
  accessKeyRotationPeriodInDays: 30,
  accessKeySecretVaultId: VAULT_ID,
  accessKeySecretVaultPermissionModel: "rbac",
  protect: true,
  key: { vaultId: VAULT_ID, keyName: "ledger-cmk", permissionModel: "rbac" },
};

function errorText(raw: Record<string, string | undefined>): string {
  try {
    parse(raw);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected the config to be rejected");
}

describe("team config (cmk-storage:teams)", () => {
  it("reads a team that overrides every stack default exactly as written", () => {
    assert.deepEqual(parse(withTeams({ ledger: MAX_TEAM })).teams, { ledger: MAX_TEAM });
  });

  it("reads an empty entry as a team with the stack defaults, keeping the config order of teams", () => {
    const s = parse(
      withTeams({ payments: {}, analytics: { displayName: "Analytics" }, archive: {} }),
    );
    assert.deepEqual(Object.keys(s.teams), ["payments", "analytics", "archive"]);
    assert.deepEqual(s.teams.payments, {});
  });

  it("reads a team written with no value in YAML (`payments:`) as a team with the stack defaults", () => {
    assert.deepEqual(
      parse({ ...BASE, teams: '{"payments":null,"ledger":{"owner":"a@example.com"}}' }).teams,
      { payments: {}, ledger: { owner: "a@example.com" } },
    );
  });

  it("reads the older list form cmk-storage:accounts as teams with no overrides", () => {
    const s = parse({ ...BASE, accounts: '["payments","analytics"]' });
    assert.deepEqual(s.teams, { payments: {}, analytics: {} });
    assert.equal("accounts" in s, false);
  });

  it("accepts booleans and numbers that `pulumi config set --path` stored as text", () => {
    const s = parse(
      withTeams({
        ledger: {
          allowSharedKeyAccess: "true",
          rotateAccessKeys: "true",
          accessKeyRotationPeriodInDays: "45",
          protect: "false",
        },
      }),
    );
    assert.deepEqual(s.teams.ledger, {
      allowSharedKeyAccess: true,
      rotateAccessKeys: true,
      accessKeyRotationPeriodInDays: 45,
      protect: false,
    });
  });

  const P = "cmk-storage:teams.ledger";
  const failures: [string, unknown, string][] = [
    [
      "a team id has capitals or an underscore",
      { Bad_Team: {} },
      'cmk-storage:teams.Bad_Team is not a valid team id: team ids are 2-12 lowercase letters and digits, starting with a letter; got "Bad_Team"',
    ],
    [
      "a team id is longer than 12 characters",
      { paymentsteam01: {} },
      "cmk-storage:teams.paymentsteam01 is not a valid team id",
    ],
    [
      "a team setting is unknown (a typo)",
      { ledger: { acountSku: "Standard_GZRS" } },
      `${P}.acountSku is not a known setting (did you mean "accountSku"? known: displayName, owner, costCentre, tags, accountSku, allowedIpRanges, allowedSubnetIds, allowSharedKeyAccess, rotateAccessKeys, accessKeyRotationPeriodInDays, accessKeySecretVaultId, accessKeySecretVaultPermissionModel, protect, decommissioned, privateEndpoints, privateEndpointSubnetId, lock, blobProtection, key); got "Standard_GZRS"`,
    ],
    [
      "a team's accountSku is not a storage SKU",
      { ledger: { accountSku: "Premium_LRS" } },
      `${P}.accountSku must be one of Standard_LRS, Standard_ZRS, Standard_GRS, Standard_GZRS, Standard_RAGRS, Standard_RAGZRS; got "Premium_LRS"`,
    ],
    [
      "a team's IP range is not an IPv4 address or range",
      { ledger: { allowedIpRanges: ["198.51.100.0/28", "not-an-ip"] } },
      `${P}.allowedIpRanges[1] must match pattern`,
    ],
    [
      "a team's subnet is not a subnet id",
      { ledger: { allowedSubnetIds: ["app-subnet"] } },
      `${P}.allowedSubnetIds[0] must match pattern`,
    ],
    [
      "a team's rotation period is above 730 days",
      {
        ledger: {
          allowSharedKeyAccess: true,
          rotateAccessKeys: true,
          accessKeyRotationPeriodInDays: 1000,
        },
      },
      `${P}.accessKeyRotationPeriodInDays must be <= 730; got 1000`,
    ],
    [
      "a team's rotation period is not a whole number",
      {
        ledger: {
          allowSharedKeyAccess: true,
          rotateAccessKeys: true,
          accessKeyRotationPeriodInDays: 7.5,
        },
      },
      `${P}.accessKeyRotationPeriodInDays must be integer; got 7.5`,
    ],
    [
      "a team's protect holds text",
      { ledger: { protect: "yes" } },
      `${P}.protect must be boolean; got "yes"`,
    ],
    [
      "a team's displayName is empty",
      { ledger: { displayName: "" } },
      `${P}.displayName must NOT have fewer than 1 characters; got ""`,
    ],
    [
      "a team key has no keyName",
      { ledger: { key: { vaultId: VAULT_ID, permissionModel: "rbac" } } },
      `${P}.key.keyName is required; got nothing`,
    ],
    [
      "a team key's vault is not a Key Vault id",
      { ledger: { key: { vaultId: "kv-ledger", keyName: "k", permissionModel: "rbac" } } },
      `${P}.key.vaultId must match pattern`,
    ],
    [
      "a team key's permission model is misspelt",
      { ledger: { key: { vaultId: VAULT_ID, keyName: "k", permissionModel: "RBAC" } } },
      `${P}.key.permissionModel must be one of accessPolicy, rbac; got "RBAC"`,
    ],
    [
      "a team key has an unknown setting",
      {
        ledger: {
          key: { vaultId: VAULT_ID, keyName: "k", permissionModel: "rbac", keyVersion: "abc" },
        },
      },
      `${P}.key.keyVersion is not a known setting (known: vaultId, keyName, permissionModel); got "abc"`,
    ],
    [
      "a team key setting is misspelt, suggesting the closest one",
      {
        ledger: {
          key: { vaultId: VAULT_ID, keyName: "k", permisionModel: "rbac" },
        },
      },
      `${P}.key.permisionModel is not a known setting (did you mean "permissionModel"? known: vaultId, keyName, permissionModel); got "rbac"`,
    ],
    [
      "a team's secret vault is not a Key Vault id",
      {
        ledger: {
          allowSharedKeyAccess: true,
          rotateAccessKeys: true,
          accessKeySecretVaultId: "https://kv.vault.azure.net",
        },
      },
      `${P}.accessKeySecretVaultId must match pattern`,
    ],
    [
      "a tag value is longer than Azure allows",
      { ledger: { tags: { note: "x".repeat(257) } } },
      `${P}.tags.note must NOT have more than 256 characters`,
    ],
    [
      "a tag name has a character Azure refuses",
      { ledger: { tags: { "a/b": "x" } } },
      `${P}.tags.a/b is not a valid tag name: 1-512 characters without < > % & \\ ? /; got "a/b"`,
    ],
    [
      "rotateAccessKeys is set without allowSharedKeyAccess",
      { ledger: { rotateAccessKeys: true } },
      `${P}.rotateAccessKeys needs ${P}.allowSharedKeyAccess: true (with shared keys off there are no usable keys to rotate); got true`,
    ],
    [
      "a rotation period is set without rotateAccessKeys",
      { ledger: { allowSharedKeyAccess: true, accessKeyRotationPeriodInDays: 30 } },
      `${P}.accessKeyRotationPeriodInDays only applies with ${P}.rotateAccessKeys: true; got 30`,
    ],
    [
      "a secret vault is set without rotateAccessKeys",
      { ledger: { accessKeySecretVaultId: VAULT_ID } },
      `${P}.accessKeySecretVaultId only applies with ${P}.rotateAccessKeys: true`,
    ],
    [
      "a secret vault permission model is set without the secret vault",
      {
        ledger: {
          allowSharedKeyAccess: true,
          rotateAccessKeys: true,
          accessKeySecretVaultPermissionModel: "rbac",
        },
      },
      `${P}.accessKeySecretVaultPermissionModel needs ${P}.accessKeySecretVaultId`,
    ],
    [
      "a decommissioned team is protected explicitly",
      { ledger: { decommissioned: true, protect: true } },
      `${P}.protect cannot be true for a decommissioned team (decommissioning removes the protection so the account can be deleted); got true`,
    ],
    [
      "free-form tags redefine the owner tag",
      { ledger: { tags: { owner: "someone" } } },
      `${P}.tags.owner is a reserved tag (set ${P}.owner instead); got "someone"`,
    ],
    [
      "free-form tags redefine the team tag",
      { ledger: { tags: { team: "payments" } } },
      `${P}.tags.team is a reserved tag (the program sets it); got "payments"`,
    ],
    [
      "teams is a list instead of a map",
      ["payments"],
      'cmk-storage:teams must be object; got ["payments"]',
    ],
  ];
  for (const [when, teams, message] of failures) {
    it(`fails when ${when}, naming the full config path`, () => {
      const text = errorText(withTeams(teams));
      assert.ok(text.startsWith("Invalid stack configuration in stacks/Pulumi.test.yaml:\n"), text);
      assert.ok(text.includes(`  - ${message}`), `${text}\n  does not include\n  - ${message}`);
    });
  }

  it("fails when a team tag name is reserved, for every reserved name", () => {
    const text = errorText(
      withTeams({ ledger: { tags: Object.fromEntries(RESERVED_TEAM_TAGS.map((t) => [t, "x"])) } }),
    );
    for (const tag of RESERVED_TEAM_TAGS) {
      assert.ok(text.includes(`  - ${P}.tags.${tag} is a reserved tag`), `${tag}: ${text}`);
    }
  });

  it("fails when a stack sets both teams and the older accounts list, telling how to migrate", () => {
    const text = errorText({ ...withTeams({ payments: {} }), accounts: '["analytics"]' });
    assert.ok(
      text.includes(
        "  - cmk-storage:teams and cmk-storage:accounts are both set; set one: move each name of cmk-storage:accounts to a key of cmk-storage:teams (e.g. `pulumi config set --path 'cmk-storage:teams.analytics.displayName' analytics`) and remove cmk-storage:accounts, or keep the older list form only",
      ),
      text,
    );
  });

  it("fails when a stack sets neither teams nor accounts", () => {
    assert.ok(
      errorText(BASE).includes(
        "  - cmk-storage:teams is required: a map of team id to settings (or the older list form cmk-storage:accounts); got nothing",
      ),
    );
    assert.ok(errorText(withTeams({})).includes("  - cmk-storage:teams is required"));
  });

  it("fails when teams is not a map without also claiming that teams is missing", () => {
    const text = errorText(withTeams(["payments"]));
    assert.equal(text.split("\n").filter((l) => l.startsWith("  - ")).length, 1, text);
  });

  it("fails with every team problem listed at once, each under its own team's path", () => {
    const text = errorText(
      withTeams({
        payments: { accountSku: "gold" },
        ledger: { rotateAccessKeys: true, protect: "yes" },
      }),
    );
    const lines = text.split("\n").filter((l) => l.startsWith("  - "));
    assert.equal(lines.length, 3, text);
    assert.ok(
      lines[0].startsWith("  - cmk-storage:teams.payments.accountSku must be one of"),
      text,
    );
    assert.ok(
      lines.some((l) => l.startsWith(`  - ${P}.protect must be boolean`)),
      text,
    );
    assert.ok(
      lines.some((l) => l.startsWith(`  - ${P}.rotateAccessKeys needs`)),
      text,
    );
  });
});
