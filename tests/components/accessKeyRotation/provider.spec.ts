/** Provider behaviour that needs no network: check, diff on unknown or changed inputs, conflicts, error hygiene. */
import assert from "node:assert/strict";
import type { RotationClients } from "../../../components/accessKeyRotation/azureClients";
import type {
  AccessKeyRotationInputs,
  AccessKeyRotationOutputs,
} from "../../../components/accessKeyRotation/provider";
import { accessKeyRotationProvider } from "../../../components/accessKeyRotation/provider";
import type {
  KeyCreationTimes,
  PublishedSecret,
} from "../../../components/accessKeyRotation/schedule";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const ACCOUNT =
  "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stdata001";
const KEY = "A".repeat(86) + "==";
const INPUTS: AccessKeyRotationInputs = {
  storageAccountId: ACCOUNT,
  vaultUri: "https://kv.vault.azure.net/",
  secretName: "stdata001-access-key",
  rotationPeriodInDays: 30,
  tags: {},
};
const OLDS: AccessKeyRotationOutputs = {
  ...INPUTS,
  activeKeyName: "key1",
  lastRotatedAt: "2026-01-01T00:00:00.000Z",
  nextRotationAt: "2026-01-31T00:00:00.000Z",
  secretId: "https://kv.vault.azure.net/secrets/stdata001-access-key",
  secretVersion: "v1",
};

/** In-memory clients; `calls` records every call so tests can prove no Azure call was made. */
function memoryClients(latest: PublishedSecret | undefined, failWith?: Error) {
  const calls: string[] = [];
  const times: KeyCreationTimes = {
    key1: "2026-01-01T00:00:00.000Z",
    key2: "2025-12-01T00:00:00.000Z",
  };
  const clients: RotationClients = {
    getKeyCreationTimes: async () => (calls.push("getKeyCreationTimes"), times),
    getKeyValue: async () => (calls.push("getKeyValue"), KEY),
    regenerateKey: async () => void calls.push("regenerateKey"),
    getLatestSecret: async () => (calls.push("getLatestSecret"), latest),
    setSecret: async () => {
      calls.push("setSecret");
      if (failWith) throw failWith;
      return latest!;
    },
  };
  return { clients, calls };
}

describe("access-key rotation provider", () => {
  it("reports a replacement without calling Azure when the account id is unknown during preview", async () => {
    const { clients, calls } = memoryClients(undefined);
    const provider = accessKeyRotationProvider({ clients: () => clients });
    const diff = await provider.diff!("id", OLDS, { ...INPUTS, storageAccountId: UNKNOWN });
    assert.equal(diff.changes, true);
    assert.deepEqual(diff.replaces, ["storageAccountId"]);
    assert.deepEqual(calls, []);
  });

  it("reports an update without calling Azure when the period changes", async () => {
    const { clients, calls } = memoryClients(undefined);
    const provider = accessKeyRotationProvider({ clients: () => clients });
    assert.deepEqual(await provider.diff!("id", OLDS, { ...INPUTS, rotationPeriodInDays: 60 }), {
      changes: true,
    });
    assert.deepEqual(calls, []);
  });

  it("treats a differently cased account id and a missing trailing slash on the vault URI as unchanged", async () => {
    const latest: PublishedSecret = {
      id: `${OLDS.secretId}/v1`,
      version: "v1",
      tags: {
        CredentialId: "key1",
        ProviderAddress: ACCOUNT,
        ValidityPeriodDays: "30",
        KeyCreationTime: "2026-01-01T00:00:00.000Z",
      },
      createdOn: null,
      expiresOn: null,
    };
    const { clients } = memoryClients(latest);
    const provider = accessKeyRotationProvider({
      clients: () => clients,
      now: () => new Date("2026-01-10T00:00:00Z"),
    });
    const diff = await provider.diff!("id", OLDS, {
      ...INPUTS,
      storageAccountId: ACCOUNT.toLowerCase(),
      vaultUri: "https://kv.vault.azure.net",
    });
    assert.equal(diff.changes, false);
  });

  it("fails when the secret belongs to another storage account, and writes nothing", async () => {
    const foreign: PublishedSecret = {
      id: "x/v9",
      version: "v9",
      tags: { CredentialId: "key1", ProviderAddress: ACCOUNT.replace("stdata001", "stother002") },
      createdOn: null,
      expiresOn: null,
    };
    const { clients, calls } = memoryClients(foreign);
    const provider = accessKeyRotationProvider({ clients: () => clients });
    await assert.rejects(
      provider.create(INPUTS),
      /holds a key of another storage account .*stother002.*refusing to overwrite/,
    );
    assert.ok(!calls.includes("regenerateKey") && !calls.includes("setSecret"));
  });

  it("fails with an error naming the step and redacting anything shaped like a key", async () => {
    const { clients } = memoryClients(
      undefined,
      Object.assign(new Error(`bad request body {"value":"${KEY}"}`), { statusCode: 400 }),
    );
    const provider = accessKeyRotationProvider({ clients: () => clients });
    const err = await provider.create(INPUTS).then(
      () => assert.fail("expected a failure"),
      (e: Error) => e,
    );
    assert.match(
      err.message,
      /^access-key rotation: publishing key1 to stdata001-access-key failed \(400\): /,
    );
    assert.ok(!err.message.includes(KEY));
    assert.match(err.message, /\[redacted\]/);
  });

  it("fails check when the account id is not a storage account id or the period is not a whole number", async () => {
    const provider = accessKeyRotationProvider();
    const result = await provider.check!(INPUTS, {
      ...INPUTS,
      storageAccountId: "/subscriptions/x",
      rotationPeriodInDays: 1.5,
    });
    assert.deepEqual(
      result.failures?.map((f) => f.property),
      ["storageAccountId", "rotationPeriodInDays"],
    );
  });

  it("reports the resource as gone on refresh when the secret holds no rotation-managed version", async () => {
    const { clients } = memoryClients(undefined);
    const provider = accessKeyRotationProvider({ clients: () => clients });
    assert.deepEqual(await provider.read!("id", OLDS), { id: "" });
  });

  it("deletes nothing in Azure when the resource is deleted", async () => {
    const { clients, calls } = memoryClients(undefined);
    const provider = accessKeyRotationProvider({ clients: () => clients });
    await provider.delete!("id", OLDS);
    assert.deepEqual(calls, []);
  });
});
