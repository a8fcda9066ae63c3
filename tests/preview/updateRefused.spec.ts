import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { refusedUpdate, UPDATE_REFUSALS } from "../../preview/updateRefused";
import { refusedUpdateErrors } from "../../preview/refusedErrors";
import { diffDeployment, type PreviousDeployment } from "../../preview/diff";
import type { RecordedResource } from "../../preview/recorder";

const ACCOUNT = "azure-native:storage:StorageAccount";
const VAULT = "azure-native:keyvault:Vault";

/** The refusal id a change of `path` from `before` to `after` trips, or undefined when ARM accepts it. */
function refusedId(
  type: string,
  path: string,
  before: unknown,
  after: unknown,
): string | undefined {
  const set = (v: unknown): Record<string, unknown> =>
    path
      .split(".")
      .reverse()
      .reduce<Record<string, unknown>>((o, k, i) => ({ [k]: i === 0 ? v : o }), {});
  return refusedUpdate(type, [path], set(before), set(after))?.refusal.id;
}

function resource(type: string, inputs: Record<string, unknown>): RecordedResource {
  return {
    urn: `urn:pulumi:dev::p::${type}::r`,
    type,
    name: "r",
    custom: true,
    id: "id",
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

function previous(r: RecordedResource): PreviousDeployment {
  return {
    file: "prev.json",
    format: "preview-json",
    resources: [{ ...r, parent: undefined, protect: false, retainOnDelete: false }],
  };
}

describe("update-refused list (preview/updateRefused.ts)", () => {
  it("accepts a storage SKU change within a redundancy family (LRS to GRS, GZRS to RAGZRS)", () => {
    assert.equal(refusedId(ACCOUNT, "sku.name", "Standard_LRS", "Standard_GRS"), undefined);
    assert.equal(refusedId(ACCOUNT, "sku.name", "Standard_GZRS", "Standard_RAGZRS"), undefined);
  });

  it("fails when the SKU moves between zone-redundant and non-zone-redundant replication", () => {
    assert.equal(
      refusedId(ACCOUNT, "sku.name", "Standard_LRS", "Standard_ZRS"),
      "storage-sku-zonal-conversion",
    );
    assert.equal(
      refusedId(ACCOUNT, "sku.name", "Standard_GZRS", "Standard_GRS"),
      "storage-sku-zonal-conversion",
    );
  });

  it("fails when the SKU moves between Standard and Premium", () => {
    assert.equal(
      refusedId(ACCOUNT, "sku.name", "Premium_LRS", "Standard_LRS"),
      "storage-sku-performance-tier",
    );
    assert.equal(
      refusedId(ACCOUNT, "sku.name", "Standard_ZRS", "Premium_ZRS"),
      "storage-sku-performance-tier",
    );
  });

  it("accepts the one-way upgrade of a Storage or BlobStorage account to StorageV2", () => {
    assert.equal(refusedId(ACCOUNT, "kind", "Storage", "StorageV2"), undefined);
    assert.equal(refusedId(ACCOUNT, "kind", "BlobStorage", "StorageV2"), undefined);
  });

  it("fails when an account kind is downgraded or changed to anything but StorageV2", () => {
    assert.equal(refusedId(ACCOUNT, "kind", "StorageV2", "Storage"), "storage-kind-change");
    assert.equal(
      refusedId(ACCOUNT, "kind", "BlockBlobStorage", "StorageV2"),
      "storage-kind-change",
    );
  });

  it("fails when large file shares are disabled again, and accepts enabling them", () => {
    assert.equal(
      refusedId(ACCOUNT, "largeFileSharesState", "Enabled", "Disabled"),
      "storage-large-file-shares-disable",
    );
    assert.equal(refusedId(ACCOUNT, "largeFileSharesState", "Disabled", "Enabled"), undefined);
  });

  it("fails when account-level version immutability changes after creation", () => {
    assert.equal(
      refusedId(ACCOUNT, "immutableStorageWithVersioning.enabled", undefined, true),
      "storage-immutability-after-creation",
    );
    assert.equal(
      refusedId(ACCOUNT, "immutableStorageWithVersioning.enabled", true, true),
      undefined,
    );
  });

  it("fails when a custom domain is replaced without clearing it first, and accepts clearing it", () => {
    assert.equal(
      refusedId(ACCOUNT, "customDomain.name", "a.example.com", "b.example.com"),
      "storage-custom-domain-replace",
    );
    assert.equal(refusedId(ACCOUNT, "customDomain.name", "a.example.com", ""), undefined);
  });

  it("fails when a container's version-level immutability changes after creation, and passes it unchanged", () => {
    const C = "azure-native:storage:BlobContainer";
    assert.equal(
      refusedId(C, "immutableStorageWithVersioning.enabled", undefined, true),
      "container-immutability-after-creation",
    );
    assert.equal(refusedId(C, "immutableStorageWithVersioning.enabled", true, true), undefined);
  });

  it("fails when purge protection or soft delete is turned off, and accepts turning them on", () => {
    assert.equal(
      refusedId(VAULT, "properties.enablePurgeProtection", true, false),
      "vault-purge-protection-disable",
    );
    assert.equal(refusedId(VAULT, "properties.enablePurgeProtection", false, true), undefined);
    assert.equal(
      refusedId(VAULT, "properties.enableSoftDelete", true, false),
      "vault-soft-delete-disable",
    );
    assert.equal(refusedId(VAULT, "properties.enableSoftDelete", false, true), undefined);
  });

  it("fails when a Managed HSM's purge protection is turned off, and accepts keeping it on", () => {
    const H = "azure-native:keyvault:ManagedHsm";
    assert.equal(
      refusedId(H, "properties.enablePurgeProtection", true, false),
      "managed-hsm-purge-protection-disable",
    );
    assert.equal(refusedId(H, "properties.enablePurgeProtection", true, true), undefined);
  });

  it("fails when the soft-delete retention of an existing vault changes, and accepts the same value", () => {
    assert.equal(
      refusedId(VAULT, "properties.softDeleteRetentionInDays", 90, 30),
      "vault-soft-delete-retention-change",
    );
    assert.equal(refusedId(VAULT, "properties.softDeleteRetentionInDays", 90, 90), undefined);
  });

  it("has a row in docs/offline-preview.md for every refusal", () => {
    const doc = fs.readFileSync(
      path.join(__dirname, "..", "..", "docs", "offline-preview.md"),
      "utf8",
    );
    for (const r of UPDATE_REFUSALS) assert.match(doc, new RegExp(`\\| \`${r.id}\` \\|`), r.id);
  });

  it("cites a specification or documentation source and a fix for every refusal", () => {
    for (const r of UPDATE_REFUSALS) {
      assert.match(r.source, /azure-rest-api-specs|learn\.microsoft\.com/, r.id);
      assert.ok(r.fix.length > 10, r.id);
    }
  });

  it("fails when a refused change reaches the diff: the step is refused (never an update) and becomes an error with the fix and source", () => {
    const before = resource(VAULT, {
      properties: { softDeleteRetentionInDays: 90, enableSoftDelete: true },
    });
    const after = resource(VAULT, {
      properties: { softDeleteRetentionInDays: 30, enableSoftDelete: true },
    });
    const d = diffDeployment([after], previous(before));
    assert.equal(d.steps[0].op, "refused");
    assert.equal(d.counts.refused, 1);
    assert.equal(d.counts.update, 0);
    assert.match(
      d.steps[0].cause!,
      /properties\.softDeleteRetentionInDays changed \(update refused/,
    );
    const [err] = refusedUpdateErrors(d);
    assert.equal(err.rule, "vault-soft-delete-retention-change");
    assert.match(
      err.armMessage,
      /Fix: keep properties\.softDeleteRetentionInDays as deployed.*Source: learn\.microsoft\.com/,
    );
  });

  it("fails when a queue's encryption key type changes on an existing account: replace, citing the specification's x-ms-mutability", () => {
    const enc = (keyType: string) => ({
      encryption: { services: { queue: { keyType, enabled: true } } },
    });
    const d = diffDeployment(
      [resource(ACCOUNT, enc("Account"))],
      previous(resource(ACCOUNT, enc("Service"))),
    );
    assert.equal(d.steps[0].op, "replace");
    assert.match(
      d.steps[0].source!,
      /storage\.json \(2024-01-01.*EncryptionService\.keyType x-ms-mutability \[create, read\]/,
    );
  });

  it("passes an in-place change ARM accepts as a plain update", () => {
    const d = diffDeployment(
      [resource(ACCOUNT, { sku: { name: "Standard_GRS" } })],
      previous(resource(ACCOUNT, { sku: { name: "Standard_LRS" } })),
    );
    assert.equal(d.steps[0].op, "update");
    assert.deepEqual(refusedUpdateErrors(d), []);
  });
});
