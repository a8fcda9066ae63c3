import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type CliRun, previewCli, previewCliRuns } from "../support/previewCli";
import { prodCopy } from "../support/prodCopies";

/**
 * `--previous` and the guardrails (preview/guardrailFindings.ts), through the CLI: a prod `--json` output is the
 * earlier deployment; copies of prod without locks, logs, endpoints or versioning are previewed against it. With dev's
 * policy config (advisory guardrail policies) the exit code shows what the findings themselves do.
 */
describe("--previous: guardrails removed and deletes under a lock (CLI, child processes)", function () {
  this.timeout(240_000);
  const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "cmk-guardrails-"));
  const PREVIOUS = path.join(TMP, "prod.json");
  const DEV_POLICY = ["--policy-config", "policy/config/dev.json"];
  let runs: Record<string, CliRun> = {};

  type Doc = {
    status: string;
    guardrails: { kind: string; urn: string; message: string }[] | null;
    azureErrors: {
      code: string;
      rule: string;
      name: string;
      message: string;
      stackHint: string | null;
    }[];
  };
  const doc = (name: string): Doc => JSON.parse(runs[name].stdout) as Doc;
  const kinds = (name: string): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const g of doc(name).guardrails ?? []) out[g.kind] = (out[g.kind] ?? 0) + 1;
    return out;
  };

  before(async () => {
    const first = await previewCli("--stack", "prod", "--json");
    assert.equal(first.code, 0, first.stderr);
    fs.writeFileSync(PREVIOUS, first.stdout);
    const against = (file: string, ...more: string[]) => [
      "--stack",
      "prod",
      "--json",
      "--stack-file",
      file,
      "--previous",
      PREVIOUS,
      ...more,
    ];
    runs = await previewCliRuns([
      ["same", ["--stack", "prod", "--json", "--previous", PREVIOUS]],
      ["weak", against(prodCopy(TMP, "noLocks", "noVersioning"), ...DEV_POLICY)],
      ["noLogsLocked", against(prodCopy(TMP, "noLogs"), ...DEV_POLICY)],
      ["noLogsUnlocked", against(prodCopy(TMP, "noLogs", "noLocks"), ...DEV_POLICY)],
      ["noEndpointsLocked", against(prodCopy(TMP, "noEndpoints"), ...DEV_POLICY)],
      ["noEndpointsUnlocked", against(prodCopy(TMP, "noEndpoints", "noLocks"), ...DEV_POLICY)],
      [
        "weakText",
        [
          "--stack",
          "prod",
          "--stack-file",
          prodCopy(TMP, "noLocks", "noVersioning"),
          "--previous",
          PREVIOUS,
          ...DEV_POLICY,
          "--report",
          path.join(TMP, "weak.md"),
        ],
      ],
    ]);
  });
  after(() => fs.rmSync(TMP, { recursive: true, force: true }));

  it("reports no guardrail finding against an unchanged deployment", () => {
    assert.equal(runs["same"].code, 0, runs["same"].stderr);
    assert.deepEqual(doc("same").guardrails, []);
  });

  it("reports each removed lock and each account whose versioning is turned off, without changing the exit code", () => {
    const r = runs["weak"];
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(kinds("weak"), { "lock-removed": 6, "blob-protection-off": 5 });
    const lock = doc("weak").guardrails!.find(
      (g) => g.kind === "lock-removed" && /vault/.test(g.message),
    )!;
    assert.match(
      lock.message,
      /^lock cmkprd-kv-\w+-cannot-delete \(CanNotDelete\) on vault cmkprd-kv-\w+ is removed: the resource stays and can now be deleted outside Pulumi/,
    );
    const off = doc("weak").guardrails!.find((g) => g.kind === "blob-protection-off")!;
    assert.match(
      off.message,
      /^blob versioning is turned off for storage account cmkprd\w+: overwritten and deleted blobs keep no previous version/,
    );
    assert.match(
      runs["weakText"].stdout,
      /Guardrails removed \(reported; the exit code does not change\):\n {4}\[guardrail removed\] lock-removed: /,
    );
    assert.equal(runs["weakText"].code, 0);
    assert.match(
      fs.readFileSync(path.join(TMP, "weak.md"), "utf8"),
      /## Guardrails removed\n\nReported; the exit code does not change\.\n\n- `lock-removed` `urn:pulumi:prod::/,
    );
    // The security summary says how each account is reached, where its logs go, and that the lock is gone.
    assert.match(
      runs["weakText"].stdout,
      /Access to account cmkprdtreasury\w+ \(treasury-account\): private endpoints blob, blob_secondary; firewall 1 IP range, 0 subnets; logs to workspace law-platform-prod-weu \(.*\); lock none; blob soft delete 30 days, container soft delete 30 days, versioning OFF/,
    );
    assert.match(
      runs["weakText"].stdout,
      /Team payments access: private endpoint blob; public network access Disabled; logs to workspace law-platform-prod-weu/,
    );
  });

  it("fails when diagnostic settings are removed while the locks stay: ARM answers ScopeLocked for each", () => {
    const r = runs["noLogsLocked"];
    assert.equal(r.code, 2, r.stderr);
    const errors = doc("noLogsLocked").azureErrors;
    assert.equal(errors.length, 26);
    for (const e of errors) {
      assert.equal(e.code, "ScopeLocked");
      assert.equal(e.rule, "lock-scope-locked-delete");
    }
    const vault = errors.find((e) => e.name === "platform-diag-cmk-platform-diagnostics")!;
    assert.match(
      vault.message,
      /cannot perform delete operation because following scope\(s\) are locked: '.*\/vaults\/cmkprd-kv-\w+'\. Please remove the lock and try again/,
    );
    assert.match(vault.stackHint ?? "", /cmk-storage:lock: None/);
    assert.equal(kinds("noLogsLocked")["diagnostic-setting-removed"], 26);
  });

  it("accepts the same removal once the locks go in the same run (they are deleted first) and reports both", () => {
    const r = runs["noLogsUnlocked"];
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(doc("noLogsUnlocked").azureErrors, []);
    assert.deepEqual(kinds("noLogsUnlocked"), {
      "lock-removed": 6,
      "diagnostic-setting-removed": 26,
    });
    const d = doc("noLogsUnlocked").guardrails!.find(
      (g) => g.kind === "diagnostic-setting-removed" && /vault/.test(g.message),
    )!;
    assert.match(
      d.message,
      /on vault cmkprd-kv-\w+ is removed: its logs \(AuditEvent\) stop reaching .*law-platform-prod-weu/,
    );
  });

  it("fails when private endpoints to locked accounts are removed (their connections are children of the account)", () => {
    const r = runs["noEndpointsLocked"];
    assert.equal(r.code, 2, r.stderr);
    const errors = doc("noEndpointsLocked").azureErrors;
    assert.ok(errors.length >= 6);
    assert.match(
      errors[0].message,
      /privateendpointconnectionproxies\/pep-.* cannot perform delete operation because following scope\(s\) are locked/,
    );
  });

  it("reports every removed private endpoint, naming its group and target", () => {
    assert.equal(runs["noEndpointsUnlocked"].code, 0, runs["noEndpointsUnlocked"].stderr);
    const pe = doc("noEndpointsUnlocked").guardrails!.filter(
      (g) => g.kind === "private-endpoint-removed",
    );
    assert.equal(pe.length, 7);
    assert.ok(
      pe.some((g) =>
        /\(group blob_secondary\) to storage account cmkprdtreasury\w+ is removed: workloads in its virtual network lose their private path/.test(
          g.message,
        ),
      ),
    );
    assert.ok(pe.some((g) => /\(group vault\) to vault cmkprd-kv-/.test(g.message)));
  });
});
