import * as assert from "node:assert/strict";
import { readdirSync } from "fs";
import * as path from "path";
import {
  parsePlatformConfig,
  parseSingleConfig,
  parseTeamConfig,
  readStackKind,
} from "../../stacks/fleetConfig";
import { errorOf } from "../support/mocks";
import { rawStackConfig, REPO } from "../support/stackFiles";
import { fleetStackConfig } from "../support/stackReferences";

const P = "cmk-storage";
const FLEET = readdirSync(path.join(REPO, "stacks", "fleet"))
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((s): s is string => s !== undefined)
  .sort();

/** The endpoint subnet of the example team payments (its own subscription): a team set in a test keeps it. */
const PAYMENTS_SUBNET =
  "/subscriptions/2c3d4e5f-6071-4b8c-9d0e-1f2a3b4c5d6e/resourceGroups/rg-payments-network-weu/providers/Microsoft.Network/virtualNetworks/vnet-payments-weu/subnets/snet-private-endpoints";
const PE = { privateEndpointSubnetId: PAYMENTS_SUBNET };

function team(overrides: Record<string, string | undefined> = {}, provider = {}) {
  const { raw, provider: p, file } = fleetStackConfig("team-payments");
  return parseTeamConfig({ ...raw, ...overrides }, P, file, { ...p, ...provider });
}
function platform(overrides: Record<string, string | undefined> = {}, provider = {}) {
  const { raw, provider: p, file } = fleetStackConfig("platform-weu");
  return parsePlatformConfig({ ...raw, ...overrides }, P, file, { ...p, ...provider });
}

describe("stack kinds (cmk-storage:stackKind)", () => {
  it("reads single when the key is unset or empty, as the single stacks of today", () => {
    assert.equal(readStackKind({}, P, "f"), "single");
    assert.equal(readStackKind({ stackKind: "" }, P, "f"), "single");
    assert.equal(readStackKind({ stackKind: "team" }, P, "f"), "team");
  });

  it("fails when the kind is unknown, naming the kinds and the closest one", () => {
    const e = errorOf(() => readStackKind({ stackKind: "plattform" }, P, "stacks/fleet/x.yaml"));
    assert.match(e.message, /cmk-storage:stackKind must be one of single, platform, team/);
    assert.match(e.message, /did you mean "platform"\?/);
    assert.match(e.message, /got "plattform"/);
  });

  it("keeps every single stack valid, with the Pulumi CLI's defaults of the fleet keys passed along", () => {
    for (const stack of ["dev", "staging", "prod"]) {
      const raw = {
        ...rawStackConfig(stack),
        stackKind: "single",
        platformStack: "",
        platformKey: "",
        platformKeys: "{}",
      };
      assert.ok(parseSingleConfig(raw, P, `stacks/Pulumi.${stack}.yaml`).teams);
    }
  });

  it("fails when a single stack sets a team stack's key, instead of ignoring it", () => {
    const e = errorOf(() =>
      parseSingleConfig(
        { ...rawStackConfig("dev"), platformStack: "acme/cmk-storage/platform-weu" },
        P,
        "stacks/Pulumi.dev.yaml",
      ),
    );
    assert.match(
      e.message,
      /cmk-storage:platformStack does not apply to a single stack \(it is read by team stacks only\)/,
    );
  });
});

describe("the example fleet (stacks/fleet)", () => {
  it("has one platform stack and three team stacks in two team subscriptions", () => {
    assert.deepEqual(FLEET, ["platform-weu", "team-analytics", "team-ledger", "team-payments"]);
    const subs = new Set(
      FLEET.filter((s) => s.startsWith("team-")).map(
        (s) => fleetStackConfig(s).provider.subscriptionId,
      ),
    );
    assert.equal(subs.size, 2);
    assert.ok(!subs.has(fleetStackConfig("platform-weu").provider.subscriptionId));
  });

  for (const stack of FLEET) {
    it(`${stack}: parses as its kind, with its subscription and region stated for the provider`, () => {
      const { raw, provider, file } = fleetStackConfig(stack);
      const kind = readStackKind(raw, P, file);
      const s =
        kind === "platform"
          ? parsePlatformConfig(raw, P, file, provider)
          : parseTeamConfig(raw, P, file, provider);
      assert.equal(s.kind, stack.startsWith("team-") ? "team" : "platform");
      assert.equal(s.subscriptionId, provider.subscriptionId);
      assert.equal(provider.location, s.location);
    });
  }
});

describe("platform stack config", () => {
  it("reads the platform's keys with the stack's key settings as defaults", () => {
    const s = platform();
    assert.deepEqual(s.platformKeys, {
      storage: { keyType: "RSA-HSM", keySize: 4096, enabled: true, protect: true },
      archive: { keyType: "RSA-HSM", keySize: 3072, enabled: true, protect: true },
    });
    assert.equal(s.vaultPermissionModel, "rbac");
    assert.deepEqual(s.teams, {});
  });

  it("exports one key named storage when platformKeys is unset (the CLI passes {})", () => {
    assert.deepEqual(Object.keys(platform({ platformKeys: "{}" }).platformKeys), ["storage"]);
  });

  it("fails when the vault uses access policies, saying why platform vaults are RBAC", () => {
    const e = errorOf(() => platform({ vaultPermissionModel: "accessPolicy" }));
    assert.match(e.message, /cmk-storage:vaultPermissionModel must be rbac in a platform stack/);
    assert.match(e.message, /got "accessPolicy"/);
  });

  it("fails when a platform stack lists teams, pointing to team stacks", () => {
    const e = errorOf(() => platform({ teams: JSON.stringify({ payments: {} }) }));
    assert.match(e.message, /cmk-storage:teams does not apply to a platform stack/);
    assert.match(e.message, /npm run team:onboard/);
  });

  it("fails when a key id is invalid, a key setting unknown, or an HSM key is in a standard vault", () => {
    const e = errorOf(() =>
      platform({
        vaultSku: "standard",
        keyType: "RSA",
        platformKeys: JSON.stringify({ Storage: {}, hsm: { keyType: "RSA-HSM" }, x1: { size: 1 } }),
      }),
    );
    assert.match(e.message, /cmk-storage:platformKeys\.Storage is not a valid key id/);
    assert.match(e.message, /cmk-storage:platformKeys\.x1\.size is not a known setting/);
    assert.match(
      e.message,
      /cmk-storage:platformKeys\.hsm\.keyType RSA-HSM needs cmk-storage:vaultSku: premium/,
    );
  });

  it("fails when the provider's subscription is missing or not a GUID", () => {
    assert.match(
      errorOf(() => platform({}, { subscriptionId: undefined })).message,
      /azure-native:subscriptionId is required in a platform stack/,
    );
    assert.match(
      errorOf(() => platform({}, { subscriptionId: "sub-a" })).message,
      /azure-native:subscriptionId must be a subscription id \(a GUID\); got "sub-a"/,
    );
  });

  it("fails when the provider's region differs from the stack's, naming both", () => {
    const e = errorOf(() => platform({}, { location: "northeurope" }));
    assert.match(
      e.message,
      /azure-native:location \(northeurope\) differs from cmk-storage:location \(westeurope\)/,
    );
  });
});

describe("team stack config", () => {
  it("reads the platform stack, the key id and the stack's one team", () => {
    const s = team();
    assert.equal(s.platformStack, "acme/cmk-storage/platform-weu");
    assert.equal(s.platformKey, "storage");
    assert.equal(s.teamId, "payments");
    assert.equal(s.team.owner, "payments-oncall@example.com");
    assert.deepEqual(Object.keys(s.teams), ["payments"]);
  });

  it("accepts the Pulumi CLI's defaults of the vault keys a team stack does not read", () => {
    const s = team({ vaultSku: "standard", keyType: "RSA", vaultPermissionModel: "accessPolicy" });
    assert.equal(s.teamId, "payments");
  });

  it("fails when a team stack sets a vault key, naming the platform as its place", () => {
    const e = errorOf(() => team({ keyType: "RSA-HSM", vaultSku: "premium" }));
    assert.match(
      e.message,
      /cmk-storage:keyType does not apply to a team stack \(it is read by single and platform stacks only\)/,
    );
    assert.match(e.message, /cmk-storage:vaultSku does not apply to a team stack/);
  });

  it("fails when the team stack holds two teams or none", () => {
    const two = errorOf(() => team({ teams: JSON.stringify({ payments: PE, ledger: PE }) }));
    assert.match(
      two.message,
      /cmk-storage:teams must hold exactly one team in a team stack .*got 2 \(payments, ledger\)/,
    );
    assert.match(errorOf(() => team({ teams: "{}" })).message, /cmk-storage:teams is required/);
  });

  it("fails when the team names its own key, which comes from the platform", () => {
    const e = errorOf(() =>
      team({
        teams: JSON.stringify({
          payments: {
            ...PE,
            key: {
              vaultId:
                "/subscriptions/2c3d4e5f-6071-4b8c-9d0e-1f2a3b4c5d6e/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-pay",
              keyName: "k",
              permissionModel: "rbac",
            },
          },
        }),
      }),
    );
    assert.match(e.message, /cmk-storage:teams\.payments\.key is not used in a team stack/);
  });

  it("fails when platformStack is missing or not <organization>/<project>/<stack>", () => {
    assert.match(
      errorOf(() => team({ platformStack: undefined })).message,
      /cmk-storage:platformStack is required in a team stack/,
    );
    assert.match(
      errorOf(() => team({ platformStack: "platform-weu" })).message,
      /cmk-storage:platformStack must be a fully qualified stack name <organization>\/<project>\/<stack>.*got "platform-weu"/,
    );
  });

  it("fails when the stack-level endpoint subnet is set, pointing to the team's own setting", () => {
    const e = errorOf(() =>
      team({
        privateEndpointSubnetId:
          "/subscriptions/2c3d4e5f-6071-4b8c-9d0e-1f2a3b4c5d6e/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/pe",
      }),
    );
    assert.match(e.message, /cmk-storage:teams\.<id>\.privateEndpointSubnetId/);
  });

  it("accepts a team's endpoint subnet in the team's own subscription, as the example team stacks set it", () => {
    assert.equal(team().team.privateEndpointSubnetId, PAYMENTS_SUBNET);
  });

  it("fails when a team's endpoint subnet is in another subscription than the provider's, naming the key and both subscriptions", () => {
    const hub =
      "/subscriptions/6d1f4a2b-9c3e-4f5a-8b7d-2e0c1a9f3b6d/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-pe";
    const e = errorOf(() =>
      team({ teams: JSON.stringify({ payments: { privateEndpointSubnetId: hub } }) }),
    );
    assert.match(
      e.message,
      /cmk-storage:teams\.payments\.privateEndpointSubnetId must be a subnet in the team's subscription 2c3d4e5f-6071-4b8c-9d0e-1f2a3b4c5d6e \(azure-native:subscriptionId: Azure creates a private endpoint only in its virtual network's subscription/,
    );
    assert.ok(e.message.includes(`got "${hub}"`));
  });

  it("fails when access keys are rotated without a secret vault in the team's subscription", () => {
    const rotate = { ...PE, allowSharedKeyAccess: true, rotateAccessKeys: true };
    assert.match(
      errorOf(() => team({ teams: JSON.stringify({ payments: rotate }) })).message,
      /cmk-storage:teams\.payments\.accessKeySecretVaultId is required with cmk-storage:teams\.payments\.rotateAccessKeys: true in a team stack/,
    );
    const elsewhere = errorOf(() =>
      team({
        teams: JSON.stringify({
          payments: {
            ...rotate,
            accessKeySecretVaultId:
              "/subscriptions/1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-secrets",
          },
        }),
      }),
    );
    assert.match(
      elsewhere.message,
      /accessKeySecretVaultId must be a vault in the team's subscription 2c3d4e5f-6071-4b8c-9d0e-1f2a3b4c5d6e/,
    );
  });

  it("fails when the RBAC propagation wait is too short (the team's grant is a role assignment)", () => {
    assert.match(
      errorOf(() => team({ rbacPropagationSeconds: "5" })).message,
      /cmk-storage:rbacPropagationSeconds must be at least 30/,
    );
  });

  it("reports every problem at once, with the stack file", () => {
    const e = errorOf(() =>
      team({ platformStack: undefined, keyType: "RSA-HSM" }, { subscriptionId: "x" }),
    );
    assert.match(
      e.message,
      /^Invalid stack configuration in stacks\/fleet\/Pulumi\.team-payments\.yaml:/,
    );
    assert.equal(e.message.split("\n").filter((l) => l.startsWith("  - ")).length, 3);
  });
});
