import * as assert from "node:assert/strict";
import {
  MIN_RBAC_PROPAGATION_SECONDS,
  parseStackConfig,
  type ProviderConfig,
} from "../../stacks/config";

/**
 * Cross-field rules of the stack config layer (stacks/config.ts): each runs before anything is registered and names the
 * stack file and the config key. Every rule has a passing and a failing case.
 */
const FILE = "stacks/Pulumi.test.yaml";
const BASE: Record<string, string> = {
  location: "westeurope",
  resourceGroupName: "rg-cmk",
  teams: '{"payments":{}}',
};
const parse = (over: Record<string, string>, provider: ProviderConfig = {}) =>
  parseStackConfig({ ...BASE, ...over }, "cmk-storage", FILE, provider);

function problems(over: Record<string, string>, provider: ProviderConfig = {}): string {
  try {
    parse(over, provider);
  } catch (e) {
    const text = (e as Error).message;
    assert.match(
      text,
      new RegExp(`^Invalid stack configuration in ${FILE.replace(/\./g, "\\.")}:`),
    );
    return text;
  }
  throw new Error("expected the config to be rejected");
}

describe("stack config cross-field rules", () => {
  describe("location", () => {
    it("accepts an Azure region name", () =>
      assert.equal(parse({ location: "northeurope" }).location, "northeurope"));
    it("fails when the location is westeurpoe, suggesting westeurope", () => {
      assert.match(
        problems({ location: "westeurpoe" }),
        /cmk-storage:location must be an Azure region name .*got "westeurpoe"; did you mean "westeurope"\?/,
      );
    });
    it("fails when the location is no region at all, without a suggestion", () => {
      const text = problems({ location: "moon" });
      assert.match(text, /cmk-storage:location must be an Azure region name .*got "moon"$/m);
    });
  });

  describe("rotation limits", () => {
    it("accepts rotation after P7D with a P1Y expiry, and P21D with a P28D expiry", () => {
      assert.equal(
        parse({ keyRotateAfter: "P7D", keyExpiresAfter: "P1Y", keyNotifyBefore: "P7D" })
          .keyRotateAfter,
        "P7D",
      );
      assert.equal(
        parse({ keyRotateAfter: "P21D", keyExpiresAfter: "P28D", keyNotifyBefore: "P14D" })
          .keyExpiresAfter,
        "P28D",
      );
    });
    it("fails when cmk-storage:keyRotateAfter is under P7D", () => {
      assert.match(
        problems({ keyRotateAfter: "P6D" }),
        /cmk-storage:keyRotateAfter must be at least P7D .*got "P6D"/,
      );
    });
    it("fails when cmk-storage:keyExpiresAfter is under P28D", () => {
      assert.match(
        problems({ keyRotateAfter: "P7D", keyExpiresAfter: "P27D", keyNotifyBefore: "P7D" }),
        /cmk-storage:keyExpiresAfter must be at least P28D .*got "P27D"/,
      );
    });
    it("fails when cmk-storage:keyNotifyBefore is under P7D", () => {
      assert.match(
        problems({ keyNotifyBefore: "P6D" }),
        /cmk-storage:keyNotifyBefore must be at least P7D .*got "P6D"/,
      );
    });
    it("fails when rotation is less than 7 days before expiry", () => {
      assert.match(
        problems({ keyRotateAfter: "P85D", keyExpiresAfter: "P90D" }),
        /cmk-storage:keyRotateAfter must be at least 7 days shorter than cmk-storage:keyExpiresAfter .*got "P85D" with "P90D"/,
      );
    });
    it("fails when the notification is not shorter than the expiry", () => {
      assert.match(
        problems({ keyRotateAfter: "P7D", keyExpiresAfter: "P30D", keyNotifyBefore: "P30D" }),
        /cmk-storage:keyNotifyBefore must be shorter than cmk-storage:keyExpiresAfter/,
      );
    });
  });

  describe("HSM key vs vault SKU", () => {
    it("accepts an RSA-HSM key in a premium vault", () =>
      assert.equal(parse({ keyType: "RSA-HSM", vaultSku: "premium" }).keyType, "RSA-HSM"));
    it("fails when an RSA-HSM key is set with a standard vault", () => {
      assert.match(
        problems({ keyType: "RSA-HSM", vaultSku: "standard" }),
        /cmk-storage:keyType RSA-HSM needs cmk-storage:vaultSku: premium .*got cmk-storage:vaultSku "standard"/,
      );
    });
  });

  describe("network", () => {
    it("accepts vault allow-lists with public network access Enabled", () => {
      assert.deepEqual(
        parse({ vaultPublicNetworkAccess: "Enabled", vaultAllowedIpRanges: '["203.0.113.0/28"]' })
          .vaultAllowedIpRanges,
        ["203.0.113.0/28"],
      );
    });
    it("fails when vault allow-lists are set while public network access is Disabled", () => {
      const text = problems({
        vaultPublicNetworkAccess: "Disabled",
        vaultAllowedIpRanges: '["203.0.113.0/28"]',
      });
      assert.match(
        text,
        /cmk-storage:vaultAllowedIpRanges has no effect while cmk-storage:vaultPublicNetworkAccess is Disabled/,
      );
    });
  });

  describe("RBAC propagation", () => {
    it(`accepts ${MIN_RBAC_PROPAGATION_SECONDS} seconds with the rbac model, and 0 with access policies`, () => {
      assert.equal(
        parse({
          vaultPermissionModel: "rbac",
          rbacPropagationSeconds: String(MIN_RBAC_PROPAGATION_SECONDS),
        }).rbacPropagationSeconds,
        MIN_RBAC_PROPAGATION_SECONDS,
      );
      assert.equal(
        parse({ vaultPermissionModel: "accessPolicy", rbacPropagationSeconds: "0" })
          .rbacPropagationSeconds,
        0,
      );
    });
    it("fails when cmk-storage:rbacPropagationSeconds is 0 with the rbac model", () => {
      assert.match(
        problems({ vaultPermissionModel: "rbac", rbacPropagationSeconds: "0" }),
        /cmk-storage:rbacPropagationSeconds must be at least 30 when a vault uses the rbac permission model.*got 0/,
      );
    });
    it("fails when a team key uses rbac and the wait is 0", () => {
      const teams = JSON.stringify({
        payments: {
          key: {
            vaultId:
              "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-team-01",
            keyName: "k",
            permissionModel: "rbac",
          },
        },
      });
      assert.match(
        problems({ teams, rbacPropagationSeconds: "0" }),
        /cmk-storage:rbacPropagationSeconds must be at least 30/,
      );
    });
  });

  describe("tenant", () => {
    const T1 = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    const T2 = "11111111-2222-4333-8444-555555555555";
    it("accepts cmk-storage:tenantId equal to azure-native:tenantId", () =>
      assert.equal(parse({ tenantId: T1 }, { tenantId: T1.toUpperCase() }).tenantId, T1));
    it("fails when cmk-storage:tenantId differs from azure-native:tenantId (cross-tenant key)", () => {
      assert.match(
        problems({ tenantId: T2 }, { tenantId: T1 }),
        new RegExp(
          `cmk-storage:tenantId \\(${T2}\\) differs from azure-native:tenantId \\(${T1}\\)`,
        ),
      );
    });
  });

  it("reports every broken rule at once", () => {
    const text = problems({ location: "westeurpoe", keyRotateAfter: "P1D", keyType: "RSA-HSM" });
    assert.equal(text.split("\n").filter((l) => l.startsWith("  - ")).length, 3);
  });
});
