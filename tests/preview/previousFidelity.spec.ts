import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { previewCliRuns, ROOT, type CliRun } from "../support/previewCli";

/**
 * `--previous` with what ARM refuses or replaces (issue 17): a changed copy of a stack file (--stack-file) against a
 * --json run of the stack; and a deletion that the simulated Azure also rejects, which must still report data loss.
 */
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "cmk-fidelity-"));

function stackCopy(stack: string, label: string, from: string, to: string): string {
  const original = fs.readFileSync(path.join(ROOT, "stacks", `Pulumi.${stack}.yaml`), "utf8");
  const text = original.replace(from, to);
  assert.notEqual(text, original, `edit ${label} changed nothing`);
  const file = path.join(TMP, `Pulumi.${stack}.${label}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}

function fixtureStack(variant: string): string {
  const file = path.join(TMP, `Pulumi.fixture.${variant}.yaml`);
  fs.writeFileSync(file, `config:\n  fixture:variant: ${variant}\n`);
  return file;
}

interface Doc {
  status: string;
  changes: {
    op: string;
    name: string;
    type: string;
    cause: string | null;
    source: string | null;
  }[];
  dataLoss: { kind: string; urn: string; message: string }[];
  azureErrors: { code: string; rule: string; name: string; message: string }[];
}

const FIXTURE = [
  "--program",
  "tests/preview/fixtures/lifecycle.ts",
  "--stack",
  "dev",
  "--policy-defaults",
];

describe("offline preview --previous: create-only and update-refused properties (child processes)", function () {
  this.timeout(600000);
  const runs: Record<string, CliRun> = {};
  const doc = (name: string): Doc => JSON.parse(runs[name].stdout) as Doc;

  before(async () => {
    const first = await previewCliRuns([
      ["dev", ["--stack", "dev", "--json"]],
      ["fixture", [...FIXTURE, "--stack-file", fixtureStack("base"), "--json"]],
    ]);
    const files: Record<string, string> = {};
    for (const [name, r] of Object.entries(first)) {
      assert.equal(r.code, 0, r.stderr);
      files[name] = path.join(TMP, `${name}.previous.json`);
      fs.writeFileSync(files[name], r.stdout);
    }
    const dev = (label: string, from: string, to: string): string[] => [
      "--stack",
      "dev",
      "--json",
      "--previous",
      files["dev"],
      "--stack-file",
      stackCopy("dev", label, from, to),
    ];
    Object.assign(
      runs,
      await previewCliRuns([
        [
          "zrs",
          dev(
            "zrs",
            "cmk-storage:accountSku: Standard_LRS",
            "cmk-storage:accountSku: Standard_ZRS",
          ),
        ],
        [
          "retention",
          dev(
            "retention",
            "vaultSoftDeleteRetentionInDays: 7",
            "vaultSoftDeleteRetentionInDays: 14",
          ),
        ],
        ["keySize", dev("keySize", "cmk-storage:keySize: 3072", "cmk-storage:keySize: 4096")],
        [
          "keyDeleted",
          [
            ...FIXTURE,
            "--stack-file",
            fixtureStack("key-deleted"),
            "--json",
            "--previous",
            files["fixture"],
          ],
        ],
      ]),
    );
  });

  it("fails when the stack's storage SKU moves from LRS to ZRS: each account's update is refused with the conversion as the fix and the source", () => {
    const r = runs["zrs"];
    assert.notEqual(r.code, 0);
    const d = doc("zrs");
    assert.equal(d.status, "azure-error");
    const refused = d.changes.filter((c) => c.op === "refused");
    assert.deepEqual(refused.map((c) => c.name).sort(), ["analytics-account", "payments-account"]);
    for (const c of refused) {
      assert.match(c.cause!, /sku\.name changed \(update refused: .*Standard_LRS → Standard_ZRS/);
      assert.match(c.source!, /redundancy-migration/);
    }
    assert.ok(
      !d.changes.some(
        (c) => c.op === "update" && /account/.test(c.name) && /sku/.test(c.cause ?? ""),
      ),
    );
    const errs = d.azureErrors.filter((e) => e.rule === "storage-sku-zonal-conversion");
    assert.equal(errs.length, 2);
    assert.match(errs[0].message, /Fix: request a customer-initiated conversion/);
  });

  it("fails when the vault's soft-delete retention changes after creation: refused, citing the soft-delete documentation", () => {
    const d = doc("retention");
    assert.notEqual(runs["retention"].code, 0);
    const vault = d.changes.find((c) => c.type === "azure-native:keyvault:Vault")!;
    assert.equal(vault.op, "refused");
    assert.match(vault.cause!, /softDeleteRetentionInDays changed \(update refused: .*7 → 14 days/);
    assert.match(vault.source!, /key-vault\/general\/soft-delete-overview/);
  });

  it("fails when the key size changes: replace, with the specification's create-if-not-exist operation as the source", () => {
    const d = doc("keySize");
    const key = d.changes.find((c) => c.type === "azure-native:keyvault:Key")!;
    assert.equal(key.op, "replace");
    assert.match(key.source!, /keys\.json \(2024-11-01.*Keys_CreateIfNotExist/);
    assert.ok(d.dataLoss.some((f) => f.kind === "key-type-change"));
  });

  it("fails when a key an account uses is deleted and the simulated Azure rejects the account: the data-loss findings still name the key and the account", () => {
    const d = doc("keyDeleted");
    assert.notEqual(runs["keyDeleted"].code, 0);
    assert.equal(d.status, "azure-error");
    assert.ok(d.azureErrors.some((e) => e.code === "KeyVaultNotFound" && e.name === "app-account"));
    const inUse = d.dataLoss.find((f) => f.kind === "key-removed-in-use");
    assert.ok(inUse, JSON.stringify(d.dataLoss));
    assert.match(
      inUse.message,
      /key fixture-cmk .* would be deleted while stfixtureapp01 \(app-account\) still use it/,
    );
    assert.ok(
      !d.dataLoss.some((f) => /StorageAccount::app-account/.test(f.urn)),
      "the rejected account is not reported deleted",
    );
  });
});
