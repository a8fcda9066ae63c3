import { strict as assert } from "node:assert";
import { KIND_SERVICES, servicesOf } from "../../../preview/rules/storageEncryption";
import {
  allRejections,
  T,
  type AzureState,
  type PendingResource,
} from "../../../preview/simulatedAzure";
import { created, pending } from "../../support/storageWorld";

/** Pass and fail cases of the storage-encryption family: kinds × services, disabled encryption, key validity. */

const RG = "rg-test";
const NOW = 1_800_000_000; // 2027-01-15T08:00:00Z
const DAY = 86_400;

function account(over: Record<string, any> = {}, encryption: Record<string, any> = {}) {
  const service = { enabled: true, keyType: "Account" };
  return pending(T.account, "sa", {
    accountName: "sttest01",
    resourceGroupName: RG,
    location: "westeurope",
    kind: "StorageV2",
    sku: { name: "Standard_ZRS" },
    encryption: {
      keySource: "Microsoft.Storage",
      services: { blob: service, file: service, queue: service, table: service },
      ...encryption,
    },
    ...over,
  });
}

const rules = (p: PendingResource, s: AzureState): string[] =>
  allRejections(p, s)
    .filter(
      (r) => r.rule.startsWith("storage-encryption") || r.rule === "storage-cmk-key-not-usable",
    )
    .map((r) => r.rule);

const empty = (): AzureState => ({ created: [], existingVaults: new Set(), now: NOW });

describe("simulated Azure: storage encryption rules", () => {
  describe("storage-encryption-key-scope-kind", () => {
    it("accepts account-scoped queue and table keys on a standard StorageV2 account", () => {
      assert.deepEqual(rules(account(), empty()), []);
    });

    // Every kind × scoped service: only standard StorageV2 accepts keyType Account for queue and table.
    for (const kind of Object.keys(KIND_SERVICES)) {
      for (const svc of ["queue", "table"]) {
        for (const sku of ["Standard_LRS", "Premium_LRS"]) {
          const accepted = kind === "StorageV2" && sku === "Standard_LRS";
          it(`${accepted ? "accepts" : "fails when"} ${svc} keyType Account is set on a ${kind} ${sku} account`, () => {
            const p = account(
              { kind, sku: { name: sku } },
              { services: { [svc]: { enabled: true, keyType: "Account" } } },
            );
            const found = allRejections(p, empty()).find(
              (r) => r.rule === "storage-encryption-key-scope-kind",
            );
            if (accepted) {
              assert.equal(found, undefined);
            } else {
              assert.equal(found?.code, "FeatureNotSupportedForAccount");
              assert.match(found.message, new RegExp(`for ${svc} are not supported`));
              assert.match(found.message, new RegExp(`kind ${kind} \\(sku ${sku}\\) offers`));
              assert.match(found.message, /Fix: create the account with kind StorageV2/);
            }
          });
        }
      }
    }

    it("accepts queue and table on the service key (keyType Service) for every kind", () => {
      for (const kind of Object.keys(KIND_SERVICES)) {
        const p = account(
          { kind, sku: { name: "Premium_LRS" } },
          { services: { queue: { keyType: "Service" }, table: { keyType: "Service" } } },
        );
        assert.deepEqual(rules(p, empty()), [], kind);
      }
    });

    it("knows which services each kind offers, premium StorageV2 holding page blobs only", () => {
      assert.deepEqual(servicesOf("StorageV2", "Standard_GZRS"), [
        "blob",
        "file",
        "queue",
        "table",
      ]);
      assert.deepEqual(servicesOf("StorageV2", "Premium_ZRS"), ["blob"]);
      assert.deepEqual(servicesOf("FileStorage", "Premium_LRS"), ["file"]);
      assert.deepEqual(servicesOf("BlockBlobStorage", "Premium_LRS"), ["blob"]);
    });
  });

  describe("storage-encryption-disabled", () => {
    it("fails when a service's encryption is disabled, naming the service", () => {
      const p = account({}, { services: { table: { enabled: false } } });
      const found = allRejections(p, empty()).find((r) => r.rule === "storage-encryption-disabled");
      assert.equal(found?.code, "FeatureNotSupportedForAccount");
      assert.match(found.message, /^Disabling Table Encryption is not supported for the account/);
    });

    it("accepts services with encryption enabled or left out", () => {
      assert.deepEqual(rules(account({}, { services: { blob: {} } }), empty()), []);
    });
  });

  describe("storage-cmk-key-not-usable", () => {
    function withKey(attributes: Record<string, any>, state: Partial<AzureState> = {}) {
      const vault = created(
        pending(T.vault, "vault", {
          vaultName: "kv-test-01",
          resourceGroupName: RG,
          location: "westeurope",
          properties: { enablePurgeProtection: true, sku: { name: "standard" } },
        }),
      );
      const key = created(
        pending(T.key, "key", {
          keyName: "cmk",
          vaultName: "kv-test-01",
          resourceGroupName: RG,
          properties: { kty: "RSA", keySize: 3072, attributes },
        }),
      );
      const p = account(
        {},
        {
          keySource: "Microsoft.Keyvault",
          keyVaultProperties: { keyName: "cmk", keyVaultUri: "https://kv-test-01.vault.azure.net" },
        },
      );
      const s: AzureState = {
        created: [vault, key],
        existingVaults: new Set(),
        now: NOW,
        ...state,
      };
      return allRejections(p, s).find((r) => r.rule === "storage-cmk-key-not-usable");
    }

    it("accepts an enabled key within its validity period", () => {
      assert.equal(
        withKey({ enabled: true, notBefore: NOW - DAY, expires: NOW + 30 * DAY }),
        undefined,
      );
    });

    it("fails when the key is disabled", () => {
      const found = withKey({ enabled: false });
      assert.equal(found?.code, "KeyVaultAuthenticationFailure");
      assert.match(
        found.message,
        /key 'cmk' in vault 'kv-test-01' \(properties.attributes\) is disabled/,
      );
    });

    it("fails when the key has expired, naming when", () => {
      const found = withKey({ expires: NOW - DAY });
      assert.match(found!.message, /expired at 2027-01-14T08:00:00Z/);
    });

    it("fails when the key is not valid yet, naming from when", () => {
      const found = withKey({ notBefore: NOW + DAY });
      assert.match(found!.message, /is not valid before 2027-01-16T08:00:00Z/);
    });

    it("skips an account the previous deployment already holds (revocation is a data-loss finding)", () => {
      const deployed = new Set([`urn:pulumi:test::cmk-storage::${T.account}::sa`]);
      assert.equal(withKey({ enabled: false }, { deployed }), undefined);
    });

    it("fails when a Managed HSM key in the stack has expired", () => {
      const hsm = created(
        pending(T.managedHsm, "hsm", {
          name: "hsm-test-01",
          resourceGroupName: RG,
          location: "westeurope",
          properties: { enablePurgeProtection: true },
        }),
      );
      const key = created(
        pending(T.hsmKey, "hsmkey", {
          name: "cmk",
          managedHsmId: hsm.id,
          keyType: "RSA-HSM",
          keySize: 3072,
          keyOpts: ["wrapKey", "unwrapKey"],
          expirationDate: "2027-01-01T00:00:00Z",
        }),
      );
      const p = account(
        {},
        {
          keySource: "Microsoft.Keyvault",
          keyVaultProperties: {
            keyName: "cmk",
            keyVaultUri: "https://hsm-test-01.managedhsm.azure.net/",
          },
        },
      );
      const s: AzureState = { created: [hsm, key], existingVaults: new Set(), now: NOW };
      const found = allRejections(p, s).find((r) => r.rule === "storage-cmk-key-not-usable");
      assert.match(
        found!.message,
        /managed HSM 'hsm-test-01' \(expirationDate\/notBeforeDate\) expired at 2027-01-01T00:00:00Z/,
      );
    });
  });
});
