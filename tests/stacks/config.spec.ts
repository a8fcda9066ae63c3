import * as assert from "node:assert/strict";
import { parseStackConfig } from "../../stacks/config";
import { rawStackConfig, STACKS } from "../support/stackFiles";

const parse = (raw: Record<string, string | undefined>) =>
  parseStackConfig(raw, "cmk-storage", "stacks/Pulumi.test.yaml");
const MINIMAL = { location: "westeurope", resourceGroupName: "rg-cmk", accounts: '["payments"]' };

function errorText(raw: Record<string, string | undefined>): string {
  try {
    parse(raw);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected the config to be rejected");
}

describe("stack config", () => {
  for (const stack of STACKS) {
    it(`loads stacks/Pulumi.${stack}.yaml`, () => {
      const s = parseStackConfig(
        rawStackConfig(stack),
        "cmk-storage",
        `stacks/Pulumi.${stack}.yaml`,
      );
      assert.ok(Object.keys(s.teams).length >= 3);
    });
  }

  it("gives prod a premium vault, RSA-HSM keys and resource protection, and dev none of them", () => {
    const prod = parse(rawStackConfig("prod"));
    const dev = parse(rawStackConfig("dev"));
    assert.deepEqual(
      [prod.vaultSku, prod.keyType, prod.protect, prod.keyProtect],
      ["premium", "RSA-HSM", true, true],
    );
    assert.deepEqual([dev.vaultSku, dev.keyType, dev.protect], ["standard", "RSA", false]);
  });

  it("applies the documented defaults to a minimal config", () => {
    assert.deepEqual(parse(MINIMAL), {
      location: "westeurope",
      resourceGroupName: "rg-cmk",
      teams: { payments: {} },
      createResourceGroup: true,
      namePrefix: "cmk",
      vaultSku: "standard",
      vaultPermissionModel: "accessPolicy",
      vaultSoftDeleteRetentionInDays: 90,
      vaultPublicNetworkAccess: "Disabled",
      vaultAllowedIpRanges: [],
      vaultAllowedSubnetIds: [],
      vaultAdministratorObjectIds: [],
      vaultAdministratorPrincipalType: "Group",
      keyType: "RSA",
      keySize: 3072,
      keyRotateAfter: "P90D",
      keyExpiresAfter: "P1Y",
      keyNotifyBefore: "P30D",
      keyEnabled: true,
      keyProtect: true,
      accountSku: "Standard_ZRS",
      accountAllowedIpRanges: [],
      rbacPropagationSeconds: 60,
      protect: false,
      privateDnsZoneIds: {},
      accountPrivateEndpoints: [],
      lock: "None",
      blobSoftDeleteRetentionInDays: 7,
      containerSoftDeleteRetentionInDays: 7,
      blobVersioning: true,
      blobChangeFeed: false,
      blobChangeFeedRetentionInDays: 0,
      blobPointInTimeRestoreDays: 0,
    });
  });

  it("treats an empty tenantId or vaultName as unset", () => {
    const s = parse({ ...MINIMAL, tenantId: "", vaultName: "" });
    assert.equal("tenantId" in s, false);
    assert.equal("vaultName" in s, false);
  });

  const failures: [string, Record<string, string>, string][] = [
    [
      "a required key is missing",
      { resourceGroupName: "rg", accounts: '["a1"]' },
      "cmk-storage:location is required; got nothing",
    ],
    [
      "an integer key holds text",
      { keySize: "big" },
      'cmk-storage:keySize must be one of 2048, 3072, 4096; got "big"',
    ],
    [
      "the key size is not allowed",
      { keySize: "1024" },
      "cmk-storage:keySize must be one of 2048, 3072, 4096; got 1024",
    ],
    [
      "retention is out of range",
      { vaultSoftDeleteRetentionInDays: "120" },
      "cmk-storage:vaultSoftDeleteRetentionInDays must be <= 90; got 120",
    ],
    [
      "an enum value is misspelt",
      { vaultPermissionModel: "RBAC" },
      'cmk-storage:vaultPermissionModel must be one of accessPolicy, rbac; got "RBAC"',
    ],
    [
      "a duration is not ISO-8601",
      { keyRotateAfter: "90d" },
      'cmk-storage:keyRotateAfter must be an ISO-8601 duration such as P90D or P1Y; got "90d"',
    ],
    ["a boolean holds text", { protect: "yes" }, 'cmk-storage:protect must be boolean; got "yes"'],
    [
      "an array item is invalid",
      { accounts: '["payments","Bad_Team"]' },
      'cmk-storage:accounts[1] must match pattern "^[a-z][a-z0-9]{1,11}$"; got "Bad_Team"',
    ],
    [
      "an array key holds a string",
      { vaultAllowedIpRanges: "10.0.0.1" },
      'cmk-storage:vaultAllowedIpRanges must be array; got "10.0.0.1"',
    ],
    [
      "a key is unknown (a typo)",
      { keysize: "3072" },
      'cmk-storage:keysize is not a known config key (did you mean "keySize"? known: ',
    ],
  ];
  for (const [when, override, message] of failures) {
    it(`fails when ${when}, naming the key and the stack file`, () => {
      const text = errorText({
        ...MINIMAL,
        ...override,
        ...(when.startsWith("a required") ? { location: undefined } : {}),
      });
      assert.ok(text.startsWith("Invalid stack configuration in stacks/Pulumi.test.yaml:\n"), text);
      assert.ok(text.includes(message), `${text}\n  does not include\n${message}`);
    });
  }

  it("fails with every problem listed at once", () => {
    const text = errorText({ ...MINIMAL, keySize: "1", vaultSku: "gold" });
    assert.equal(text.split("\n").filter((l) => l.startsWith("  - ")).length, 2);
  });
});
