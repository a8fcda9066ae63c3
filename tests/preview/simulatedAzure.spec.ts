import { strict as assert } from "node:assert";
import { armState } from "../../preview/armState";
import type { RecordedResource } from "../../preview/recorder";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  ARM_RULES,
  type ArmError,
  checkRegistration,
  indexOf,
  T,
  type AzureState,
  type PendingResource,
} from "../../preview/simulatedAzure";
import { ARM_REGIONS, CREATE_ONLY } from "../../preview/azureSpec";
import { STACK_HINTS } from "../../preview/stackHints";
import { FINDING_KINDS } from "../../preview/dataLoss";

/** Pure-function tests of every simulated ARM rule: each has a passing and a failing case. */

const RG = "rg-test";
const urn = (type: string, name: string): string =>
  `urn:pulumi:test::cmk-storage::${type}::${name}`;

function pending(
  type: string,
  name: string,
  inputs: Record<string, any>,
  dependencies: string[] = [],
): PendingResource {
  return {
    urn: urn(type, name),
    type,
    name,
    custom: true,
    parent: undefined,
    inputs,
    dependencies,
    propertyDependencies: {},
    protect: false,
    retainOnDelete: false,
    aliases: [],
  };
}

function created(p: PendingResource): RecordedResource {
  const { id, state } = armState(p.type, p.name, p.inputs);
  return { ...p, id, outputs: state };
}

function vaultInputs(over: Record<string, any> = {}): Record<string, any> {
  return {
    vaultName: "kv-test-01",
    resourceGroupName: RG,
    location: "westeurope",
    properties: {
      tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
      sku: { family: "A", name: "standard" },
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      enablePurgeProtection: true,
      enableRbacAuthorization: false,
      networkAcls: { defaultAction: "Deny", bypass: "AzureServices" },
      ...over,
    },
  };
}

function keyInputs(over: Record<string, any> = {}): Record<string, any> {
  return {
    keyName: "cmk",
    vaultName: "kv-test-01",
    resourceGroupName: RG,
    properties: {
      kty: "RSA",
      keySize: 3072,
      keyOps: ["wrapKey", "unwrapKey"],
      rotationPolicy: {
        attributes: { expiryTime: "P1Y" },
        lifetimeActions: [
          { action: { type: "rotate" }, trigger: { timeAfterCreate: "P90D" } },
          { action: { type: "notify" }, trigger: { timeBeforeExpiry: "P30D" } },
        ],
      },
      ...over,
    },
  };
}

interface World {
  vault: RecordedResource;
  key: RecordedResource;
  identity: RecordedResource;
  grant: RecordedResource | undefined;
  state: AzureState;
}

/** A vault, key, identity and (optionally) grant already created; `vaultOver`/`keyOver` change their properties. */
function world(
  opts: {
    vaultOver?: Record<string, any>;
    keyOver?: Record<string, any>;
    grant?: "accessPolicy" | "role" | "none";
    grantKeys?: string[];
  } = {},
): World {
  const vault = created(pending(T.vault, "vault", vaultInputs(opts.vaultOver)));
  const key = created(pending(T.key, "key", keyInputs(opts.keyOver), [vault.urn]));
  const identity = created(
    pending(T.identity, "identity", {
      resourceGroupName: RG,
      location: "westeurope",
      resourceName: "id-test",
    }),
  );
  const list: RecordedResource[] = [vault, key, identity];
  let grant: RecordedResource | undefined;
  if ((opts.grant ?? "accessPolicy") === "accessPolicy") {
    grant = created(
      pending(
        T.accessPolicy,
        "grant",
        {
          resourceGroupName: RG,
          vaultName: "kv-test-01",
          policy: {
            tenantId: identity.outputs.tenantId,
            objectId: identity.outputs.principalId,
            permissions: { keys: opts.grantKeys ?? ["get", "wrapKey", "unwrapKey"] },
          },
        },
        [identity.urn, vault.urn],
      ),
    );
  } else if (opts.grant === "role") {
    grant = created(
      pending(
        T.roleAssignment,
        "grant",
        {
          principalId: identity.outputs.principalId,
          principalType: "ServicePrincipal",
          roleDefinitionId:
            "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/e147488a-f6f5-4113-8e2d-b22465e65bf6",
          scope: `${key.id}`,
        },
        [identity.urn, key.urn],
      ),
    );
  }
  if (grant) list.push(grant);
  return { vault, key, identity, grant, state: { created: list, existingVaults: new Set() } };
}

function accountInputs(w: World, over: Record<string, any> = {}): Record<string, any> {
  return {
    accountName: "sttest01",
    resourceGroupName: RG,
    location: "westeurope",
    kind: "StorageV2",
    sku: { name: "Standard_LRS" },
    identity: { type: "UserAssigned", userAssignedIdentities: [w.identity.id] },
    encryption: {
      keySource: "Microsoft.Keyvault",
      keyVaultProperties: { keyName: "cmk", keyVaultUri: "https://kv-test-01.vault.azure.net" },
      encryptionIdentity: { encryptionUserAssignedIdentity: w.identity.id },
    },
    ...over,
  };
}

function account(w: World, over: Record<string, any> = {}, deps?: string[]): PendingResource {
  return pending(
    T.account,
    "account",
    accountInputs(w, over),
    deps ?? [w.identity.urn, w.key.urn, w.vault.urn, ...(w.grant ? [w.grant.urn] : [])],
  );
}

/** The rejection for `p`, asserting it comes from `rule`. */
function rejects(
  p: PendingResource,
  state: AzureState,
  rule: string,
  code: string,
  fragment: RegExp,
): ArmError {
  const err = checkRegistration(p, state);
  assert.ok(err, `expected rule ${rule} to reject`);
  assert.equal(err.rule, rule);
  assert.equal(err.code, code);
  assert.match(err.armMessage, fragment);
  assert.match(err.armMessage, /Fix: /);
  assert.doesNotMatch(
    err.armMessage,
    /cmk-(storage|preview):(?!:)/,
    "the simulation speaks ARM; stack keys come from the renderer's hint",
  );
  return err;
}

function accepts(p: PendingResource, state: AzureState): void {
  const err = checkRegistration(p, state);
  assert.equal(err, undefined, err?.message);
}

/** A fresh, fresh() simulated Azure (each call: names taken in one test must not leak into another). */
const fresh = (): AzureState => ({ created: [], existingVaults: new Set() });

describe("simulated Azure", () => {
  it("every rule has an id, an ARM error code, a title and a source", () => {
    const ids = new Set<string>();
    for (const r of ARM_RULES) {
      assert.ok(!ids.has(r.id), `duplicate rule id ${r.id}`);
      ids.add(r.id);
      assert.match(r.code, /^[A-Z][A-Za-z]+$/);
      assert.ok(r.title.length > 10 && r.source.length > 10, r.id);
    }
  });

  describe("vault-name-invalid", () => {
    it("accepts a 3-24 character name that starts with a letter", () =>
      accepts(pending(T.vault, "v", vaultInputs()), fresh()));
    for (const bad of ["kv", "1kv-test", "kv-test-", "kv--test", "kv_test", "a".repeat(25)]) {
      it(`fails when the vault name is ${JSON.stringify(bad)}`, () => {
        rejects(
          pending(T.vault, "v", { ...vaultInputs(), vaultName: bad }),
          fresh(),
          "vault-name-invalid",
          "VaultNameNotValid",
          new RegExp(`The vault name '${bad}' is invalid`),
        );
      });
    }
  });

  describe("vault-name-taken", () => {
    it("fails when two vaults have the same name", () => {
      const w = world();
      rejects(
        pending(T.vault, "other", vaultInputs()),
        w.state,
        "vault-name-taken",
        "VaultAlreadyExists",
        /already in use/,
      );
    });
    it("accepts a second vault with another name", () => {
      const w = world();
      accepts(pending(T.vault, "other", { ...vaultInputs(), vaultName: "kv-test-02" }), w.state);
    });
  });

  describe("vault-purge-protection-false", () => {
    it("accepts enablePurgeProtection true", () =>
      accepts(pending(T.vault, "v", vaultInputs({ enablePurgeProtection: true })), fresh()));
    it("fails when enablePurgeProtection is false", () => {
      rejects(
        pending(T.vault, "v", vaultInputs({ enablePurgeProtection: false })),
        fresh(),
        "vault-purge-protection-false",
        "BadRequest",
        /cannot be set to false/,
      );
    });
  });

  describe("vault-soft-delete-retention", () => {
    it("accepts 7 and 90 days", () => {
      accepts(pending(T.vault, "v", vaultInputs({ softDeleteRetentionInDays: 7 })), fresh());
      accepts(pending(T.vault, "v", vaultInputs({ softDeleteRetentionInDays: 90 })), fresh());
    });
    it("fails when softDeleteRetentionInDays is 6 or 91", () => {
      rejects(
        pending(T.vault, "v", vaultInputs({ softDeleteRetentionInDays: 6 })),
        fresh(),
        "vault-soft-delete-retention",
        "BadRequest",
        /accepts >=7 and <=90/,
      );
      rejects(
        pending(T.vault, "v", vaultInputs({ softDeleteRetentionInDays: 91 })),
        fresh(),
        "vault-soft-delete-retention",
        "BadRequest",
        /91/,
      );
    });
  });

  describe("key rules", () => {
    const vaultOnly = (sku = "standard"): AzureState => ({
      created: [
        created(pending(T.vault, "vault", vaultInputs({ sku: { family: "A", name: sku } }))),
      ],
      existingVaults: new Set(),
    });

    it("accepts a valid RSA key in an existing vault", () =>
      accepts(pending(T.key, "k", keyInputs()), vaultOnly()));
    it("fails when the key name has invalid characters", () => {
      rejects(
        pending(T.key, "k", { ...keyInputs(), keyName: "cmk_key" }),
        vaultOnly(),
        "key-name-invalid",
        "InvalidResourceName",
        /'cmk_key'/,
      );
    });
    it("fails when the key's vault is neither in the stack nor declared as existing", () => {
      rejects(
        pending(T.key, "k", { ...keyInputs(), vaultName: "kv-elsewhere" }),
        vaultOnly(),
        "key-vault-missing",
        "ParentResourceNotFound",
        /kv-elsewhere/,
      );
    });
    it("accepts a key in a vault declared as existing", () => {
      accepts(pending(T.key, "k", { ...keyInputs(), vaultName: "kv-elsewhere" }), {
        created: [],
        existingVaults: new Set(["kv-elsewhere"]),
      });
    });
    it("fails when an RSA-HSM key goes into a standard vault", () => {
      rejects(
        pending(T.key, "k", keyInputs({ kty: "RSA-HSM" })),
        vaultOnly("standard"),
        "key-hsm-standard-vault",
        "BadRequest",
        /Hardware key operation not allowed on standard vault/,
      );
    });
    it("accepts an RSA-HSM key in a premium vault", () =>
      accepts(pending(T.key, "k", keyInputs({ kty: "RSA-HSM" })), vaultOnly("premium")));
    it("fails when the RSA key size is 1024", () => {
      rejects(
        pending(T.key, "k", keyInputs({ keySize: 1024 })),
        vaultOnly(),
        "key-rsa-size",
        "BadRequest",
        /Unsupported key size 1024/,
      );
    });
    it("accepts RSA sizes 2048, 3072 and 4096", () => {
      for (const keySize of [2048, 3072, 4096]) {
        accepts(pending(T.key, "k", keyInputs({ keySize })), vaultOnly());
      }
    });
  });

  describe("key-rotation-policy", () => {
    const state: AzureState = {
      created: [created(pending(T.vault, "vault", vaultInputs()))],
      existingVaults: new Set(),
    };
    const withPolicy = (expiryTime: string, actions: any[]): PendingResource =>
      pending(
        T.key,
        "k",
        keyInputs({ rotationPolicy: { attributes: { expiryTime }, lifetimeActions: actions } }),
      );
    const rotate = (t: Record<string, string>) => ({ action: { type: "rotate" }, trigger: t });
    it("accepts rotate P90D, expiry P1Y, notify P30D before expiry", () => {
      accepts(
        withPolicy("P1Y", [
          rotate({ timeAfterCreate: "P90D" }),
          { action: { type: "notify" }, trigger: { timeBeforeExpiry: "P30D" } },
        ]),
        state,
      );
    });
    it("fails when rotation is less than 7 days after creation", () => {
      rejects(
        withPolicy("P1Y", [rotate({ timeAfterCreate: "P6D" })]),
        state,
        "key-rotation-policy",
        "BadParameter",
        /timeAfterCreate must be at least P7D/,
      );
    });
    it("fails when rotation is less than 7 days before expiry", () => {
      rejects(
        withPolicy("P30D", [rotate({ timeAfterCreate: "P25D" })]),
        state,
        "key-rotation-policy",
        "BadParameter",
        /at least 7 days shorter than the expiry/,
      );
    });
    it("fails when the expiry is shorter than P28D", () => {
      rejects(
        withPolicy("P27D", [rotate({ timeAfterCreate: "P7D" })]),
        state,
        "key-rotation-policy",
        "BadParameter",
        /expiryTime must be at least P28D/,
      );
    });
    it("fails when a notify action uses timeAfterCreate", () => {
      rejects(
        withPolicy("P1Y", [
          rotate({ timeAfterCreate: "P90D" }),
          { action: { type: "notify" }, trigger: { timeAfterCreate: "P30D" } },
        ]),
        state,
        "key-rotation-policy",
        "BadParameter",
        /notify action takes only timeBeforeExpiry/,
      );
    });
    it("fails when an action type is not rotate or notify", () => {
      rejects(
        withPolicy("P1Y", [{ action: { type: "Rotate" }, trigger: { timeAfterCreate: "P90D" } }]),
        state,
        "key-rotation-policy",
        "BadParameter",
        /must be "rotate" or "notify"/,
      );
    });
  });

  describe("storage account names", () => {
    it("accepts 3-24 lowercase letters and digits", () => accepts(account(world()), world().state));
    it("fails when the account name has uppercase letters or hyphens", () => {
      const w = world();
      rejects(
        account(w, { accountName: "St-Test" }),
        w.state,
        "storage-account-name-invalid",
        "AccountNameInvalid",
        /St-Test is not a valid storage account name/,
      );
    });
    it("fails when two accounts have the same name", () => {
      const w = world();
      const first = created(account(w));
      const state: AzureState = { ...w.state, created: [...w.state.created, first] };
      rejects(
        pending(T.account, "second", accountInputs(w), [w.grant!.urn]),
        state,
        "storage-account-name-taken",
        "StorageAccountAlreadyTaken",
        /sttest01 is already taken/,
      );
    });
  });

  describe("storage CMK wiring", () => {
    it("accepts an account with identity, grant and dependency on the grant", () => {
      const w = world();
      accepts(account(w), w.state);
    });
    it("fails when keySource is Microsoft.Keyvault without key vault properties", () => {
      const w = world();
      rejects(
        account(w, {
          encryption: {
            keySource: "Microsoft.Keyvault",
            encryptionIdentity: { encryptionUserAssignedIdentity: w.identity.id },
          },
        }),
        w.state,
        "storage-cmk-key-properties",
        "MissingKeyvaultProperties",
        /keyvault properties are missing/,
      );
    });
    it("fails when the account has a CMK but no user-assigned identity", () => {
      const w = world();
      rejects(
        account(w, { identity: { type: "SystemAssigned" } }),
        w.state,
        "storage-cmk-identity",
        "InvalidValuesForRequestParameters",
        /needs a user-assigned identity/,
      );
    });
    it("fails when the encryption identity is not one of the account's identities", () => {
      const w = world();
      const inputs = accountInputs(w);
      inputs.encryption.encryptionIdentity.encryptionUserAssignedIdentity = `${w.identity.id}-other`;
      rejects(
        pending(T.account, "account", inputs, [w.grant!.urn]),
        w.state,
        "storage-cmk-identity",
        "InvalidValuesForRequestParameters",
        /is not one of the account's identities/,
      );
    });
    it("fails when the key URI points at a vault neither in the stack nor declared as existing", () => {
      const w = world();
      const inputs = accountInputs(w);
      inputs.encryption.keyVaultProperties.keyVaultUri = "https://kv-elsewhere.vault.azure.net";
      rejects(
        pending(T.account, "account", inputs, [w.grant!.urn]),
        w.state,
        "storage-cmk-vault-unknown",
        "KeyVaultNotFound",
        /key vault 'kv-elsewhere'/,
      );
    });
    it("accepts a key URI pointing at a vault declared as existing", () => {
      const w = world();
      const inputs = accountInputs(w);
      inputs.encryption.keyVaultProperties.keyVaultUri = "https://kv-elsewhere.vault.azure.net/";
      accepts(pending(T.account, "account", inputs, [w.grant!.urn]), {
        ...w.state,
        existingVaults: new Set(["kv-elsewhere"]),
      });
    });
    it("fails when the key does not exist in a vault of the stack", () => {
      const w = world();
      const inputs = accountInputs(w);
      inputs.encryption.keyVaultProperties.keyName = "missing";
      rejects(
        pending(T.account, "account", inputs, [w.grant!.urn]),
        w.state,
        "storage-cmk-vault-unknown",
        "KeyVaultNotFound",
        /key 'missing' does not exist/,
      );
    });
    it("fails when the key's vault has no purge protection", () => {
      const w = world({ vaultOver: { enablePurgeProtection: undefined } });
      rejects(
        account(w),
        w.state,
        "storage-cmk-vault-recoverable",
        "KeyVaultPolicyError",
        /Keyvault policy recoverable is not set/,
      );
    });
    it("fails when the key's keyOps lack unwrapKey", () => {
      const w = world({ keyOver: { keyOps: ["wrapKey", "encrypt"] } });
      rejects(
        account(w),
        w.state,
        "storage-cmk-key-operations",
        "KeyVaultAuthenticationFailure",
        /does not permit operation\(s\) unwrapKey/,
      );
    });
  });

  describe("storage-cmk-grant", () => {
    it("fails when the identity has no grant on the key", () => {
      const w = world({ grant: "none" });
      rejects(
        account(w),
        w.state,
        "storage-cmk-grant",
        "KeyVaultAuthenticationFailure",
        /has no access policy granting get\/wrapKey\/unwrapKey/,
      );
    });
    it("fails when the access policy misses unwrapKey", () => {
      const w = world({ grantKeys: ["get", "wrapKey"] });
      rejects(
        account(w),
        w.state,
        "storage-cmk-grant",
        "KeyVaultAuthenticationFailure",
        /has no access policy/,
      );
    });
    it("fails when the grant exists but the account has no dependency path to it", () => {
      const w = world();
      rejects(
        account(w, {}, [w.identity.urn, w.key.urn]),
        w.state,
        "storage-cmk-grant",
        "KeyVaultAuthenticationFailure",
        /does not depend on it/,
      );
    });
    it("accepts a dependency path through another resource (account → wait → grant)", () => {
      const w = world({ vaultOver: { enableRbacAuthorization: true }, grant: "role" });
      const wait = created(
        pending(
          "pulumi-nodejs:dynamic/cmk:RbacPropagationWait",
          "wait",
          { grantId: w.grant!.id, seconds: 60 },
          [w.grant!.urn],
        ),
      );
      const state: AzureState = { ...w.state, created: [...w.state.created, wait] };
      accepts(account(w, {}, [w.identity.urn, wait.urn]), state);
    });
    it("fails when an RBAC vault's identity only has an access policy (wrong permission model)", () => {
      const w = world({ vaultOver: { enableRbacAuthorization: true }, grant: "accessPolicy" });
      rejects(
        account(w),
        w.state,
        "storage-cmk-grant",
        "KeyVaultAuthenticationFailure",
        /no role assignment/,
      );
    });
  });

  describe("storage-cmk-vault-firewall", () => {
    it("fails when the vault firewall denies without the AzureServices bypass", () => {
      const w = world({ vaultOver: { networkAcls: { defaultAction: "Deny", bypass: "None" } } });
      rejects(
        account(w),
        w.state,
        "storage-cmk-vault-firewall",
        "KeyVaultAuthenticationFailure",
        /caller is not a trusted service/,
      );
    });
    it("fails when public network access is disabled and there is no bypass", () => {
      const w = world({
        vaultOver: { publicNetworkAccess: "Disabled", networkAcls: { defaultAction: "Allow" } },
      });
      rejects(
        account(w),
        w.state,
        "storage-cmk-vault-firewall",
        "KeyVaultAuthenticationFailure",
        /bypass/,
      );
    });
    it("accepts an open vault without a bypass", () => {
      const w = world({ vaultOver: { networkAcls: { defaultAction: "Allow", bypass: "None" } } });
      accepts(account(w), w.state);
    });
  });

  it("lets unknown resource types (dynamic providers, components) through", () => {
    accepts(
      pending("pulumi-nodejs:dynamic/cmk:AccessKeyRotation", "rot", { anything: 1 }),
      fresh(),
    );
    accepts({ ...pending("cmk:storage:CmkStorageAccount", "c", {}), custom: false }, fresh());
  });

  describe("independence", () => {
    it("imports nothing from components/ or stacks/", () => {
      for (const file of ["simulatedAzure.ts", "azureSpec.ts", "armState.ts"]) {
        const text = fs.readFileSync(path.join(__dirname, "..", "..", "preview", file), "utf8");
        assert.doesNotMatch(text, /from "(\.\.\/components|\.\.\/stacks|@cmk-platform\/)/, file);
      }
    });
    it("gives every rule a stack-config hint in the renderer's table", () => {
      assert.deepEqual(
        ARM_RULES.map((r) => r.id).filter((id) => !(id in STACK_HINTS)),
        [],
      );
    });
    it("is documented rule by rule, with each source, in docs/offline-preview.md", () => {
      const doc = fs.readFileSync(
        path.join(__dirname, "..", "..", "docs", "offline-preview.md"),
        "utf8",
      );
      for (const r of ARM_RULES) {
        const row = doc.split("\n").find((l) => l.startsWith(`| \`${r.id}\` |`));
        assert.ok(row, `no row for ${r.id}`);
        assert.ok(row.includes(r.source.replace(/\|/g, "\\|")), `${r.id}: source not in the row`);
        assert.ok(row.includes(`\`${r.code}\``), `${r.id}: code not in the row`);
      }
      for (const kind of Object.keys(FINDING_KINDS)) {
        assert.match(doc, new RegExp(`\\| \`${kind}\` \\|`), kind);
      }
    });
    it("gives every create-only property a source", () => {
      for (const [type, entries] of Object.entries(CREATE_ONLY)) {
        for (const e of entries) assert.match(e.source, /\w{8,}/, `${type} ${e.path}`);
      }
    });
  });

  describe("location-unknown and resource-group-location-unknown", () => {
    it("accepts every region of the table, in ARM or display form", () => {
      for (const region of ARM_REGIONS) {
        accepts(
          pending(T.identity, "id", {
            resourceGroupName: RG,
            location: region,
            resourceName: "id-x",
          }),
          fresh(),
        );
      }
      accepts(
        pending(T.resourceGroup, "rg", { resourceGroupName: RG, location: "West Europe" }),
        fresh(),
      );
    });
    it("fails when a vault's location is westeurpoe, with the closest region suggested", () => {
      rejects(
        pending(T.vault, "v", { ...vaultInputs(), location: "westeurpoe" }),
        fresh(),
        "location-unknown",
        "LocationNotAvailableForResourceType",
        /The provided location 'westeurpoe' is not available for resource type 'Microsoft\.KeyVault\/vaults'.*did you mean 'westeurope'/,
      );
    });
    it("fails when a resource group's location is not a region", () => {
      rejects(
        pending(T.resourceGroup, "rg", { resourceGroupName: RG, location: "mars" }),
        fresh(),
        "resource-group-location-unknown",
        "LocationNotAvailableForResourceGroup",
        /'mars'/,
      );
    });
  });

  describe("names in flight", () => {
    it("fails when two storage accounts with the same explicit name are registered in one run before either is created", () => {
      const w = world();
      accepts(account(w), w.state);
      const second = { ...account(w), urn: urn(T.account, "account-two"), name: "account-two" };
      rejects(
        second,
        w.state,
        "storage-account-name-taken",
        "StorageAccountAlreadyTaken",
        /sttest01 is already taken \(by urn:pulumi:test::cmk-storage::azure-native:storage:StorageAccount::account\)/,
      );
    });
    it("fails when two vaults with the same name are in flight", () => {
      const s = fresh();
      accepts(pending(T.vault, "v1", vaultInputs()), s);
      rejects(
        pending(T.vault, "v2", vaultInputs()),
        s,
        "vault-name-taken",
        "VaultAlreadyExists",
        /'kv-test-01' is already in use \(by .*::v1\)/,
      );
    });
    it("accepts the same registration checked again (a resource does not collide with itself)", () => {
      const w = world();
      accepts(account(w), w.state);
      accepts(account(w), w.state);
    });
    it("accepts a rejected name again after the rejection (only accepted names are taken)", () => {
      const s = fresh();
      assert.ok(
        checkRegistration(pending(T.vault, "v1", vaultInputs({ enablePurgeProtection: false })), s),
      );
      accepts(pending(T.vault, "v2", vaultInputs()), s);
    });
  });

  describe("role-assignment-principal-type", () => {
    const role = (w: World, over: Record<string, any>) =>
      pending(T.roleAssignment, "ra", {
        principalId: w.identity.outputs.principalId,
        roleDefinitionId:
          "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/e147488a-f6f5-4113-8e2d-b22465e65bf6",
        scope: w.key.id,
        ...over,
      });
    it("accepts a managed identity's role assignment with principalType ServicePrincipal", () => {
      const w = world({ grant: "none" });
      accepts(role(w, { principalType: "ServicePrincipal" }), w.state);
    });
    it("fails when a managed identity's role assignment has no principalType", () => {
      const w = world({ grant: "none" });
      rejects(
        role(w, {}),
        w.state,
        "role-assignment-principal-type",
        "PrincipalNotFound",
        /principalType is "User \(azure-native default\)".*Fix: set principalType to ServicePrincipal/,
      );
    });
    it("fails when a managed identity's role assignment says principalType User", () => {
      const w = world({ grant: "none" });
      rejects(
        role(w, { principalType: "User" }),
        w.state,
        "role-assignment-principal-type",
        "PrincipalNotFound",
        /principalType is "User"/,
      );
    });
    it("accepts a group's role assignment without principalType (not a managed identity of the stack)", () => {
      const w = world({ grant: "none" });
      accepts(role(w, { principalId: "9a1c3f5e-2b4d-4c6e-8f0a-1b2c3d4e5f60" }), w.state);
    });
  });

  describe("storage-cmk-rbac-propagation", () => {
    const rbacWorld = () => world({ vaultOver: { enableRbacAuthorization: true }, grant: "role" });
    const sleep = (w: World, duration: string) =>
      created(
        pending(
          T.sleep,
          "wait",
          { createDuration: duration, triggers: { roleAssignmentIds: w.grant!.id } },
          [w.grant!.urn],
        ),
      );
    it("accepts an account that waits for its role assignment through a time:Sleep of 60s", () => {
      const w = rbacWorld();
      const wait = sleep(w, "60s");
      accepts(account(w, {}, [w.identity.urn, w.key.urn, w.grant!.urn, wait.urn]), {
        ...w.state,
        created: [...w.state.created, wait],
      });
    });
    it("fails when the account depends on its role assignment with no wait at all", () => {
      const w = rbacWorld();
      rejects(
        account(w),
        w.state,
        "storage-cmk-rbac-propagation",
        "KeyVaultAuthenticationFailure",
        /role assignments take minutes to propagate \(no wait between them\).*Fix: put a time:Sleep/,
      );
    });
    it("fails when the wait between role assignment and account is 0s", () => {
      const w = rbacWorld();
      const wait = sleep(w, "0s");
      rejects(
        account(w, {}, [w.identity.urn, w.key.urn, wait.urn]),
        { ...w.state, created: [...w.state.created, wait] },
        "storage-cmk-rbac-propagation",
        "KeyVaultAuthenticationFailure",
        /createDuration "0s"/,
      );
    });
    it("accepts an access-policy vault without a wait (access policies apply at once)", () => {
      const w = world();
      accepts(account(w), w.state);
    });
  });

  describe("scale", () => {
    /** Registers `n` teams (identity, access policy, account) against one vault and key; returns the milliseconds taken. */
    function fleet(n: number): number {
      const w = world({ grant: "none" });
      const state: AzureState = { created: [...w.state.created], existingVaults: new Set() };
      const list = state.created as RecordedResource[];
      const start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) {
        const identity = created(
          pending(T.identity, `id${i}`, {
            resourceGroupName: RG,
            location: "westeurope",
            resourceName: `id-${i}`,
          }),
        );
        list.push(identity);
        const grant = created(
          pending(
            T.accessPolicy,
            `grant${i}`,
            {
              resourceGroupName: RG,
              vaultName: "kv-test-01",
              policy: {
                tenantId: identity.outputs.tenantId,
                objectId: identity.outputs.principalId,
                permissions: { keys: ["get", "wrapKey", "unwrapKey"] },
              },
            },
            [identity.urn],
          ),
        );
        list.push(grant);
        const p = pending(
          T.account,
          `account${i}`,
          { ...accountInputs({ ...w, identity }), accountName: `st${String(i).padStart(6, "0")}` },
          [identity.urn, w.key.urn, grant.urn],
        );
        assert.equal(checkRegistration(p, state), undefined);
        list.push(created(p));
      }
      return Number(process.hrtime.bigint() - start) / 1e6;
    }
    it("checks a 1,000-account fleet in linear time (4x the accounts take far less than 16x the time)", () => {
      fleet(250); // warm-up
      const small = fleet(500);
      const large = fleet(2000);
      assert.ok(
        large < small * 10,
        `500 accounts: ${small.toFixed(1)} ms, 2000 accounts: ${large.toFixed(1)} ms`,
      );
    });
    it("indexes each created resource once (the index follows the created list incrementally)", () => {
      const w = world();
      const idx = indexOf(w.state);
      assert.equal(idx.byUrn.size, w.state.created.length);
      assert.equal(indexOf(w.state), idx);
    });
  });
});

describe("secret inputs", () => {
  it("are judged by their values, as ARM sees them, and masked in the rendered JSON", async () => {
    const pulumi = await import("@pulumi/pulumi");
    const { SecureVault } = await import("../../components/secureVault");
    const { recorder, settled } = await import("../support/mocks");
    const { maskSecrets } = await import("../../preview/secrets");
    recorder.reset();
    new SecureVault("kv", {
      resourceGroupName: "rg",
      location: "westeurope",
      tenantId: pulumi.secret("72f988bf-86f1-41af-91ab-2d7cd011db47"),
    });
    await settled();
    const vault = recorder.resources.find((r) => r.type === "azure-native:keyvault:Vault")!;
    assert.equal(
      vault.inputs.properties.tenantId,
      "72f988bf-86f1-41af-91ab-2d7cd011db47",
      "the simulation and the policies see the value",
    );
    // Pulumi lifts secretness to the top-level property, as `pulumi preview` shows it.
    assert.deepEqual(vault.secretInputs, ["properties"]);
    const masked = maskSecrets(vault.inputs, vault.secretInputs) as {
      properties: unknown;
      location: string;
    };
    assert.equal(masked.properties, "[secret]");
    assert.equal(masked.location, "westeurope");
  });
});
