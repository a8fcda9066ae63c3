import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import Ajv from "ajv";
import { join } from "node:path";
import { TYPES } from "../../../policy/lib/constants";
import { STACK_REFERENCE_TYPE } from "../../../policy/lib/stackReferences";
import { cmkCrossStackKey } from "../../../policy/stack/cmkCrossStackKey";
import {
  type StackResourceSpec,
  configDefaults,
  policies,
  reconcileConfig,
  runStackPolicy,
  stackResource,
} from "../../support/policyHarness";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const PLATFORM = "acme/cmk-storage/platform-weu";
const VAULT_ID =
  "/subscriptions/1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d/resourceGroups/rg-cmk-platform-weu/providers/Microsoft.KeyVault/vaults/cmkpweu-kv-a1b2c3";
const VAULT_URI = "https://cmkpweu-kv-a1b2c3.vault.azure.net/";

interface Options {
  keyLocation?: string;
  accountLocation?: string;
  keyType?: string;
  keySize?: number;
  rotateAfter?: string | undefined;
  permissionModel?: string;
  keyTenant?: string;
  identityTenant?: string;
  tag?: string | undefined;
  keyName?: string;
}

/** A team stack as the policy pack sees it: the platform's StackReference, the identity and the CMK account. */
function teamStack(o: Options = {}): StackResourceSpec[] {
  const ref = stackResource(STACK_REFERENCE_TYPE, "platform", {
    name: PLATFORM,
    outputs: {
      keys: {
        storage: {
          vault: {
            vaultId: VAULT_ID,
            vaultUri: VAULT_URI,
            permissionModel: o.permissionModel ?? "rbac",
            sku: "premium",
            location: o.keyLocation ?? "westeurope",
            tenantId: o.keyTenant ?? TENANT,
          },
          keyName: "cmkpweu-storage-cmk",
          keyId: `${VAULT_ID}/keys/cmkpweu-storage-cmk`,
          keyUri: `${VAULT_URI}keys/cmkpweu-storage-cmk`,
          keyType: o.keyType ?? "RSA-HSM",
          keySize: o.keySize ?? 4096,
          rotation: {
            ...("rotateAfter" in o ? { rotateAfter: o.rotateAfter } : { rotateAfter: "P90D" }),
            expiresAfter: "P1Y",
            notifyBefore: "P30D",
          },
          enabled: true,
        },
      },
    },
    secretOutputNames: [],
  });
  const identity = stackResource(TYPES.userAssignedIdentity, "payments-identity", {
    id: "/subscriptions/2c3d4e5f-6071-4b8c-9d0e-1f2a3b4c5d6e/resourceGroups/rg-payments-storage-weu/providers/Microsoft.ManagedIdentity/userAssignedIdentities/payments-identity",
    tenantId: o.identityTenant ?? TENANT,
    principalId: "11111111-2222-4333-8444-555555555555",
  });
  const account = stackResource(
    TYPES.storageAccount,
    "payments-account",
    {
      location: o.accountLocation ?? "westeurope",
      tags: {
        team: "payments",
        ...("tag" in o
          ? o.tag !== undefined
            ? { cmkPlatformStack: o.tag }
            : {}
          : { cmkPlatformStack: PLATFORM }),
      },
      encryption: {
        keySource: "Microsoft.Keyvault",
        keyVaultProperties: {
          keyName: o.keyName ?? "cmkpweu-storage-cmk",
          keyVaultUri: VAULT_URI.replace(/\/$/, ""),
        },
        encryptionIdentity: { encryptionUserAssignedIdentity: identity.props.id },
      },
    },
    { dependencies: [identity] },
  );
  return [ref, identity, account];
}

async function messages(o: Options = {}, config?: Record<string, unknown>): Promise<string[]> {
  return (await runStackPolicy(cmkCrossStackKey, teamStack(o), config ? { config } : {})).messages;
}

describe("cmk-cross-stack-key", () => {
  it("passes a team account whose key reference matches its region, tenant, type and rotation", async () => {
    assert.deepEqual(await messages(), []);
  });

  it("fails when the team stack's region differs from its key's, naming both regions", async () => {
    assert.deepEqual(await messages({ accountLocation: "northeurope" }), [
      `Storage account "payments-account" is in "northeurope" but key "storage" (cmkpweu-storage-cmk) of platform stack ${PLATFORM} is in a vault in "westeurope"; a team stack must use the platform stack of its own region.`,
    ]);
  });

  it("fails when the key's vault is in another tenant than the encryption identity", async () => {
    const m = await messages({ keyTenant: "00000000-1111-4222-8333-444444444444" });
    assert.equal(m.length, 1);
    assert.match(m[0], /encryption identity "payments-identity" in tenant "72f988bf-/);
    assert.match(m[0], /vault of tenant "00000000-1111-4222-8333-444444444444"/);
  });

  it("fails when the key type or size is not allowed by the policy config", async () => {
    const m = await messages(
      { keyType: "RSA", keySize: 2048 },
      { allowedKeyTypes: ["RSA-HSM"], minRsaKeySize: 3072 },
    );
    assert.deepEqual(m, [
      `Storage account "payments-account" uses key "storage" (cmkpweu-storage-cmk) of platform stack ${PLATFORM}: kty "RSA" is not allowed; use one of "RSA-HSM".`,
      `Storage account "payments-account" uses key "storage" (cmkpweu-storage-cmk) of platform stack ${PLATFORM}: keySize 2048 is below the minimum RSA key size of 3072 bits.`,
    ]);
  });

  it("fails when the key rotates later than maxDaysToRotate, or states no rotation", async () => {
    assert.match(
      (await messages({ rotateAfter: "P1Y" }, { maxDaysToRotate: 180 }))[0],
      /rotates after 365 days, more than the maximum of 180/,
    );
    assert.match(
      (await messages({ rotateAfter: undefined }))[0],
      /whose reference states no rotation \(rotation\.rotateAfter\)/,
    );
  });

  it("fails when the key's vault is not RBAC (no grant can be made from the team stack)", async () => {
    assert.match(
      (await messages({ permissionModel: "accessPolicy" }))[0],
      /permission model "accessPolicy"; a team stack can only be granted with a role assignment/,
    );
  });

  it("fails when the account is tagged with a platform stack that does not export its key", async () => {
    const m = await messages({ keyName: "some-other-key" });
    assert.deepEqual(m, [
      `Storage account "payments-account" is tagged cmkPlatformStack=${PLATFORM} but its key "some-other-key" in vault "https://cmkpweu-kv-a1b2c3.vault.azure.net" is not among the keys that stack exports.`,
    ]);
  });

  it("passes over an account of the single layout (no reference, no tag): other rules check it in its stack", async () => {
    const [, identity, account] = teamStack({ tag: undefined });
    assert.deepEqual((await runStackPolicy(cmkCrossStackKey, [identity, account])).messages, []);
  });

  it("is mandatory in the team stacks' policy config (policy/config/fleet/team.json), HSM keys only", () => {
    const file = join(__dirname, "../../../policy/config/fleet/team.json");
    const config = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    const merged = reconcileConfig(policies, config as never).get("cmk-cross-stack-key");
    assert.equal(merged?.enforcementLevel, "mandatory");
    assert.deepEqual(merged?.properties?.allowedKeyTypes, ["RSA-HSM"]);
  });

  for (const file of readdirSync(join(__dirname, "../../../policy/config/fleet"))) {
    it(`validates policy/config/fleet/${file} against every policy's schema as the CLI would`, () => {
      const config = JSON.parse(
        readFileSync(join(__dirname, "../../../policy/config/fleet", file), "utf8"),
      ) as Record<string, unknown>;
      const names = new Set(policies.map((p) => p.name));
      for (const key of Object.keys(config)) assert.ok(names.has(key), `unknown policy ${key}`);
      for (const p of policies) {
        const given = config[p.name];
        const props =
          typeof given === "string" ? { enforcementLevel: given } : ((given as object) ?? {});
        const validate = new Ajv({ strict: true }).compile({
          type: "object",
          properties: {
            ...(p.configSchema?.properties ?? {}),
            enforcementLevel: {
              type: "string",
              enum: ["advisory", "mandatory", "remediate", "disabled"],
            },
          },
          additionalProperties: false,
        });
        assert.ok(validate({ ...configDefaults(p), ...props }), `${file} ${p.name}`);
      }
    });
  }
});
