import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type CliRun, ROOT, previewCliRuns } from "../support/previewCli";

/** The offline preview CLI, run as `npm run preview` runs it, in child processes (tests/support/previewCli.ts). */
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "cmk-preview-"));

function brokenStackFile(): string {
  const file = path.join(TMP, "Pulumi.dev.yaml");
  const text = fs
    .readFileSync(path.join(ROOT, "stacks", "Pulumi.dev.yaml"), "utf8")
    .replace("vaultSoftDeleteRetentionInDays: 7", "vaultSoftDeleteRetentionInDays: 5");
  fs.writeFileSync(file, text);
  return file;
}

function prodStackWithKeySize(bits: number): string {
  const file = path.join(TMP, "Pulumi.prod.yaml");
  const text = fs
    .readFileSync(path.join(ROOT, "stacks", "Pulumi.prod.yaml"), "utf8")
    .replace(/^(\s*cmk-storage:keySize:) \d+$/m, `$1 ${bits}`);
  fs.writeFileSync(file, text);
  return file;
}

describe("offline preview CLI (child processes)", function () {
  this.timeout(180_000);
  let runs: Record<string, CliRun> = {};
  const report = path.join(TMP, "dev-report.md");

  before(async () => {
    const jobs: [string, string[]][] = [
      ["dev", ["--stack", "dev", "--report", report]],
      ["prod", ["--stack", "prod"]],
      ["json1", ["--stack", "staging", "--json"]],
      ["json2", ["--stack", "staging", "--json"]],
      ["broken", ["--stack", "dev", "--stack-file", brokenStackFile()]],
      ["ungranted", ["--program", "tests/preview/fixtures/ungrantedAccount.ts", "--json"]],
      ["missing", ["--stack", "nosuchstack"]],
      ["weakKey", ["--stack", "prod", "--json", "--stack-file", prodStackWithKeySize(2048)]],
      [
        "bothConfigs",
        ["--stack", "dev", "--policy-config", "policy/config/dev.json", "--policy-defaults"],
      ],
    ];
    runs = await previewCliRuns(jobs);
  });

  after(() => fs.rmSync(TMP, { recursive: true, force: true }));

  it("previews dev with exit code 0, the resource tree and a clean policy result", () => {
    const r = runs["dev"];
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /pulumi:pulumi:Stack\s+cmk-storage-dev/);
    assert.match(r.stdout, /├─ azure-cmk-storage:index:SecureVault\s+platform/);
    assert.match(r.stdout, /│ {2}├─ azure-native:keyvault:Vault\s+platform-vault/);
    assert.match(
      r.stdout,
      /Vault cmkdev-kv-\w+ \(standard, westeurope\): soft delete on, retention 7 days, purge protection on, permission model access policies/,
    );
    assert.match(
      r.stdout,
      /grant: access policy payments-key-access \(keys get, wrapKey, unwrapKey; account depends on it\)/,
    );
    // 28 resources as in 0.1.0, plus each account's blob service properties (soft delete and versioning on).
    assert.match(r.stdout, /Summary: PASS: 31 resources .*0 mandatory/);
    assert.equal(r.stderr, "", "no progress output when stderr is not a terminal");
  });

  it("previews prod with exit code 0 and no policy violations", () => {
    const r = runs["prod"];
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Key cmkprd-storage-cmk in cmkprd-kv-\w+: RSA-HSM 4096/);
    assert.match(r.stdout, /all policies passed/);
    // 28 resources as in 0.1.0, plus the 5 of the team onboarded since (treasury: component, suffix, identity, grant,
    // account), plus going private: 7 private endpoints and their 7 DNS zone groups (vault, each account's blob,
    // treasury's blob_secondary), 26 diagnostic settings (vault; each account and its 4 services), 6 locks and 5 blob
    // service properties.
    assert.match(r.stdout, /Summary: PASS: 84 resources/);
  });

  it("fails when the stack config is broken, naming the key, the stack file and the rule", () => {
    const r = runs["broken"];
    assert.equal(r.code, 3);
    assert.match(
      r.stdout,
      /Invalid stack configuration in stacks\/Pulumi\.dev\.yaml:\n\s+- cmk-storage:vaultSoftDeleteRetentionInDays must be >= 7; got 5/,
    );
    assert.match(r.stderr, /preview failed: the program failed: Invalid stack configuration/);
    assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /, "no stack dump");
  });

  it("fails when the simulated Azure rejects a storage account created before its grant, with the ARM code", () => {
    const r = runs["ungranted"];
    assert.equal(r.code, 2, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.status, "azure-error");
    assert.equal(doc.azureErrors.length, 1);
    assert.equal(doc.azureErrors[0].code, "KeyVaultAuthenticationFailure");
    assert.equal(doc.azureErrors[0].rule, "storage-cmk-grant");
    assert.match(
      doc.azureErrors[0].message,
      /does not depend on it.*Fix: add the grant to the account's dependsOn/,
    );
    assert.doesNotMatch(
      doc.azureErrors[0].message,
      /cmk-storage:(?!:)/,
      "the simulated Azure speaks ARM",
    );
    assert.match(doc.azureErrors[0].stackHint, /cmk-storage:vaultPermissionModel/);
    assert.match(
      r.stderr,
      /preview failed: the simulated Azure rejected fixture-account \(KeyVaultAuthenticationFailure\)/,
    );
  });

  it("fails when the stack does not exist, with a usage error", () => {
    const r = runs["missing"];
    assert.equal(r.code, 64);
    assert.match(
      r.stderr,
      /no stack file stacks\/Pulumi\.nosuchstack\.yaml \(stacks: dev, prod, staging\)/,
    );
  });

  it("fails when prod's key is 2048-bit, with one finding per policy on the key naming every account it encrypts", () => {
    const r = runs["weakKey"];
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    const accounts = doc.resources
      .filter((x: { type: string }) => x.type === "azure-native:storage:StorageAccount")
      .map((x: { name: string }) => x.name)
      .sort();
    assert.equal(accounts.length, 5, "four teams of 0.1.0 and the onboarded treasury team");
    const violations = doc.policies.violations.map(
      (v: { policy: string; level: string; urn: string; message: string }) => [
        v.policy,
        v.level,
        v.urn.split("::").pop(),
        v.message,
      ],
    );
    assert.deepEqual(violations, [
      [
        "cmk-key-rotation-effective",
        "mandatory",
        "platform-cmk-key",
        `Key "platform-cmk-key" of storage accounts ${accounts
          .slice(0, -1)
          .map((a: string) => `"${a}"`)
          .join(
            ", ",
          )} and "${accounts.at(-1)}": keySize 2048 is below the minimum RSA key size of 3072 bits.`,
      ],
      [
        "kv-key-type-and-size",
        "mandatory",
        "platform-cmk-key",
        "properties.keySize 2048 is below the minimum RSA key size of 3072 bits.",
      ],
    ]);
  });

  it("fails when --policy-config and --policy-defaults are both given, with a usage error", () => {
    const r = runs["bothConfigs"];
    assert.equal(r.code, 64);
    assert.match(r.stderr, /--policy-config and --policy-defaults exclude each other/);
  });

  it("prints JSON that is identical between two runs and documents every resource and policy result", () => {
    const a = runs["json1"];
    const b = runs["json2"];
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, b.stdout);
    const doc = JSON.parse(a.stdout);
    assert.equal(doc.formatVersion, 1);
    assert.equal(doc.stack, "staging");
    assert.equal(doc.status, "ok");
    assert.equal(
      doc.resources.length,
      70,
      "25 of 0.1.0 + the onboarded insights team (component, identity, role assignment, sleep, name suffix, account) + going private: 5 endpoints, 5 DNS zone groups, 21 diagnostic settings, 4 account locks, 4 blob service properties",
    );
    const urns = doc.resources.map((r: { urn: string }) => r.urn);
    assert.deepEqual(urns, [...urns].sort());
    for (const r of doc.resources) {
      for (const k of [
        "urn",
        "type",
        "name",
        "parent",
        "inputs",
        "outputs",
        "dependencies",
        "propertyDependencies",
      ]) {
        assert.ok(k in r, `${r.urn} lacks ${k}`);
      }
    }
    const account = doc.resources.find((r: { name: string }) => r.name === "payments-account");
    assert.ok(account.dependencies.some((u: string) => u.endsWith("::payments-rbac-propagation")));
    assert.ok(Array.isArray(doc.policies.enabled) && doc.policies.enabled.length > 0);
    assert.ok(Array.isArray(doc.policies.violations));
    const wait = doc.resources.find(
      (r: { name: string }) => r.name === "payments-rbac-propagation",
    );
    assert.equal(wait.type, "time:index/sleep:Sleep");
    assert.equal(wait.inputs.createDuration, "60s");
  });

  it("writes a Markdown report with the Mermaid diagram of vault, key, identity, grant and accounts and the policy table", () => {
    const md = fs.readFileSync(report, "utf8");
    assert.match(md, /```mermaid\nflowchart LR\n/);
    assert.match(md, /vault_cmkdev_kv_\w+ -->\|holds\| key_cmkdev_kv_\w+_cmkdev_storage_cmk/);
    assert.match(md, /key_\w+ -->\|used by\| identity_payments_identity/);
    assert.match(md, /identity_payments_identity -->\|granted by\| grant_payments_key_access/);
    assert.match(md, /grant_payments_key_access -->\|before\| account_cmkdevpayments\w+/);
    assert.match(md, /\| Policy \| Kind \| Level \| Result \| Details \|/);
    assert.match(md, /\| `kv-purge-protection-enabled` \| resource \| mandatory \| pass \|/);
  });
});
