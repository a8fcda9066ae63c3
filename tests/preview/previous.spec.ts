import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FINDING_KINDS } from "../../preview/dataLoss";

/**
 * `--previous`: two-step tests in child processes. Step one is a `--json` run of a stack (or a fixture program); step
 * two runs a changed copy of the stack file against it. Every data-loss finding has a two-step test that fails, and the
 * unchanged and in-place cases pass.
 */
const ROOT = path.resolve(__dirname, "..", "..");
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "cmk-previous-"));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "preview/cli.ts", ...args],
      {
        cwd: ROOT,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
      },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/** A copy of stacks/Pulumi.<stack>.yaml with `edit` applied (asserting that it changed something). */
function stackCopy(stack: string, label: string, edit: (text: string) => string): string {
  const original = fs.readFileSync(path.join(ROOT, "stacks", `Pulumi.${stack}.yaml`), "utf8");
  const text = edit(original);
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

/** A `pulumi stack export` (deployment version 3) holding the resources of a preview --json document. */
function stackExport(previewJson: string, file: string): string {
  const doc = JSON.parse(previewJson);
  const stackUrn = `urn:pulumi:${doc.stack}::${doc.project}::pulumi:pulumi:Stack::${doc.project}-${doc.stack}`;
  const resources = [
    { urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack", outputs: {} },
    {
      urn: `urn:pulumi:${doc.stack}::${doc.project}::pulumi:providers:azure-native::default_3_28_0`,
      custom: true,
      id: "p1",
      type: "pulumi:providers:azure-native",
      inputs: {},
      outputs: {},
    },
    ...doc.resources.map((r: Record<string, unknown>) => ({
      urn: r.urn,
      custom: r.custom,
      ...(r.id ? { id: r.id } : {}),
      type: r.type,
      inputs: r.inputs,
      outputs: r.outputs,
      parent: r.parent ?? stackUrn,
      protect: r.protect,
      dependencies: r.dependencies,
      propertyDependencies: r.propertyDependencies,
    })),
  ];
  fs.writeFileSync(
    file,
    JSON.stringify(
      {
        version: 3,
        deployment: {
          manifest: { time: "2026-11-01T00:00:00Z", magic: "x", version: "v3.200.0" },
          resources,
        },
      },
      null,
      2,
    ),
  );
  return file;
}

const ACCOUNT = (stack: string, team: string) =>
  `urn:pulumi:${stack}::cmk-storage::azure-cmk-storage:index:CmkStorageAccount$azure-native:storage:StorageAccount::${team}-account`;
const KEY = (stack: string) =>
  `urn:pulumi:${stack}::cmk-storage::azure-cmk-storage:index:ManagedKeyRotation$azure-native:keyvault:Key::platform-cmk-key`;
const VAULT = (stack: string) =>
  `urn:pulumi:${stack}::cmk-storage::azure-cmk-storage:index:SecureVault$azure-native:keyvault:Vault::platform-vault`;

interface Finding {
  kind: string;
  urn: string;
  message: string;
  safeWay: string;
  acknowledged: boolean;
}
interface Change {
  op: string;
  urn: string;
  cause: string | null;
  previousUrn: string | null;
}

describe("offline preview --previous (two-step, child processes)", function () {
  this.timeout(240_000);
  const runs: Record<string, Run> = {};
  const files: Record<string, string> = {};
  const report = path.join(TMP, "dev-location.md");

  before(async () => {
    // Step one: the deployed state of dev, prod and the fixture program.
    const firsts: [string, string[]][] = [
      ["dev", ["--stack", "dev", "--json"]],
      ["prod", ["--stack", "prod", "--json"]],
      [
        "devNamedVault",
        [
          "--stack",
          "dev",
          "--json",
          "--stack-file",
          stackCopy("dev", "named-vault", (t) =>
            t.replace(
              "cmk-storage:vaultSku: standard",
              "cmk-storage:vaultSku: standard\n  cmk-storage:vaultName: kv-cmkdev-main",
            ),
          ),
        ],
      ],
      [
        "fixture",
        [
          "--program",
          "tests/preview/fixtures/lifecycle.ts",
          "--stack",
          "dev",
          "--policy-defaults",
          "--stack-file",
          fixtureStack("base"),
          "--json",
        ],
      ],
    ];
    const first = await Promise.all(firsts.map(([, args]) => cli(...args)));
    firsts.forEach(([name], i) => {
      assert.equal(first[i].code, 0, first[i].stderr);
      files[name] = path.join(TMP, `${name}.previous.json`);
      fs.writeFileSync(files[name], first[i].stdout);
    });
    files["prodExport"] = stackExport(first[1].stdout, path.join(TMP, "prod.export.json"));
    const dev = (label: string, edit: (t: string) => string, ...extra: string[]): string[] => [
      "--stack",
      "dev",
      "--json",
      "--previous",
      files["dev"],
      "--stack-file",
      stackCopy("dev", label, edit),
      ...extra,
    ];
    const prod = (label: string, edit: (t: string) => string): string[] => [
      "--stack",
      "prod",
      "--previous",
      files["prod"],
      "--stack-file",
      stackCopy("prod", label, edit),
    ];
    const fixture = (variant: string): string[] => [
      "--program",
      "tests/preview/fixtures/lifecycle.ts",
      "--stack",
      "dev",
      "--policy-defaults",
      "--json",
      "--previous",
      files["fixture"],
      "--stack-file",
      fixtureStack(variant),
    ];
    const removeAnalytics = (t: string) => t.replace(/^ {4}analytics: \{\}\n/m, "");
    const jobs: [string, string[]][] = [
      ["prodSame", ["--stack", "prod", "--previous", files["prod"]]],
      ["prodExport", ["--stack", "prod", "--json", "--previous", files["prodExport"]]],
      [
        "devDisplayName",
        dev("displayname", (t) =>
          t.replace("displayName: Ledger & Settlements", "displayName: Ledger and Settlements"),
        ),
      ],
      [
        "devNamedVaultMoved",
        [
          "--stack",
          "dev",
          "--json",
          "--previous",
          files["devNamedVault"],
          "--stack-file",
          stackCopy("dev", "named-vault-moved", (t) =>
            t
              .replace(
                "cmk-storage:vaultSku: standard",
                "cmk-storage:vaultSku: standard\n  cmk-storage:vaultName: kv-cmkdev-main",
              )
              .replace("resourceGroupName: rg-cmk-dev", "resourceGroupName: rg-cmk-dev2"),
          ),
        ],
      ],
      ["devTeamRemoved", dev("team-removed", removeAnalytics)],
      [
        "devTeamRemovedAllowed",
        dev(
          "team-removed-allowed",
          removeAnalytics,
          "--allow-data-loss",
          ACCOUNT("dev", "analytics"),
        ),
      ],
      [
        "devTeamRenamed",
        dev("team-renamed", (t) => t.replace(/^ {4}payments: \{\}$/m, "    payers: {}")),
      ],
      [
        "devNamePrefix",
        dev("nameprefix", (t) => t.replace("namePrefix: cmkdev", "namePrefix: cmkdv")),
      ],
      [
        "devResourceGroup",
        dev("rg", (t) =>
          t.replace("resourceGroupName: rg-cmk-dev", "resourceGroupName: rg-cmk-dev2"),
        ),
      ],
      [
        "devLocation",
        [
          ...dev("location", (t) =>
            t.replace("cmk-storage:location: westeurope", "cmk-storage:location: northeurope"),
          ),
          "--report",
          report,
        ],
      ],
      ["devKeySize", dev("keysize", (t) => t.replace("keySize: 3072", "keySize: 4096"))],
      [
        "devKeyDisabled",
        dev("keydisabled", (t) =>
          t.replace(
            "cmk-storage:keyProtect: false",
            "cmk-storage:keyProtect: false\n  cmk-storage:keyEnabled: false",
          ),
        ),
      ],
      [
        "devRbac",
        dev("rbac", (t) =>
          t.replace("vaultPermissionModel: accessPolicy", "vaultPermissionModel: rbac"),
        ),
      ],
      [
        "devRevokedFirstRun",
        [
          "--stack",
          "dev",
          "--stack-file",
          stackCopy("dev", "revoked-first", (t) =>
            t.replace(
              "cmk-storage:keyProtect: false",
              "cmk-storage:keyProtect: false\n  cmk-storage:keyEnabled: false",
            ),
          ),
        ],
      ],
      ["prodKeyType", prod("keytype", (t) => t.replace("keyType: RSA-HSM", "keyType: RSA"))],
      ["fixtureIdentitySwapped", fixture("identity-swapped")],
      ["fixtureAlias", fixture("renamed-with-alias")],
      ["badPrevious", ["--stack", "dev", "--previous", path.join(ROOT, "package.json")]],
      ["otherStack", ["--stack", "staging", "--previous", files["prod"]]],
      [
        "allowWithoutPrevious",
        ["--stack", "dev", "--allow-data-loss", ACCOUNT("dev", "analytics")],
      ],
      [
        "invalidConfig",
        [
          "--stack",
          "dev",
          "--json",
          "--previous",
          files["dev"],
          "--stack-file",
          stackCopy("dev", "invalid", (t) =>
            t
              .replace("keyRotateAfter: P30D", "keyRotateAfter: P3D")
              .replace("cmk-storage:location: westeurope", "cmk-storage:location: westeurpoe"),
          ),
        ],
      ],
    ];
    for (let i = 0; i < jobs.length; i += 4) {
      const batch = jobs.slice(i, i + 4);
      const results = await Promise.all(batch.map(([, args]) => cli(...args)));
      batch.forEach(([name], j) => (runs[name] = results[j]!));
    }
  });

  after(() => fs.rmSync(TMP, { recursive: true, force: true }));

  const doc = (
    name: string,
  ): {
    status: string;
    changes: Change[];
    dataLoss: Finding[];
    resources: unknown[];
    programErrors: string[];
    summary: Record<string, number | null>;
  } => JSON.parse(runs[name].stdout);
  const findings = (name: string, kind?: string): Finding[] =>
    doc(name).dataLoss.filter((f) => kind === undefined || f.kind === kind);
  const op = (name: string, urn: string): string | undefined =>
    doc(name).changes.find((c) => c.urn === urn)?.op;

  /** How many resources the first prod run (the `--previous` file) holds: every one must come back unchanged. */
  const prodCount = (): number => {
    const n = (JSON.parse(fs.readFileSync(files["prod"], "utf8")) as { resources: unknown[] })
      .resources.length;
    assert.ok(n > 30, `the prod preview holds ${n} resources`);
    return n;
  };

  it("shows every prod resource as same against a --json output of prod, with exit code 0", () => {
    const r = runs["prodSame"];
    const n = prodCount();
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(
        `Changes against .*prod\\.previous\\.json \\(preview-json\\):\\n\\s+none: all ${n} resources unchanged`,
      ),
    );
    assert.match(
      r.stdout,
      new RegExp(
        `Summary: PASS: ${n} resources .*against the earlier preview: 0 to create, 0 to update, 0 to replace, 0 to delete, ${n} unchanged`,
      ),
    );
    const marks = r.stdout
      .split("\n")
      .filter((l) => /(├─|└─)/.test(l))
      .map((l) => l.slice(0, 4));
    assert.equal(marks.length, n);
    assert.deepEqual([...new Set(marks)], ["    "], "no + ~ +- - marks");
  });

  it("reads a pulumi stack export (deployment version 3), skipping the stack and provider resources", () => {
    const r = runs["prodExport"];
    assert.equal(r.code, 0, r.stderr);
    const d = doc("prodExport");
    assert.equal(d.changes.length, prodCount());
    assert.deepEqual([...new Set(d.changes.map((c) => c.op))], ["same"]);
    assert.equal(d.summary.dataLoss, 0);
  });

  it("shows a display-name change as an in-place update of the team's tagged resources (identity, account, key rotation), with exit code 0", () => {
    const r = runs["devDisplayName"];
    assert.equal(r.code, 0, r.stderr);
    const changed = doc("devDisplayName").changes.filter((c) => c.op !== "same");
    assert.deepEqual(changed.map((c) => [c.op, c.urn.split("::").pop(), c.cause]).sort(), [
      ["update", "ledger-access-keys-rotation", "tags.displayName changed"],
      ["update", "ledger-account", "tags.displayName changed"],
      ["update", "ledger-identity", "tags.displayName changed"],
    ]);
  });

  it("fails when a team is removed: the account is deleted (stateful-deleted), naming the resource, the cause and the safe way", () => {
    const r = runs["devTeamRemoved"];
    assert.equal(r.code, 4, r.stderr);
    const [f, ...rest] = findings("devTeamRemoved");
    assert.deepEqual(rest, []);
    assert.equal(f.kind, "stateful-deleted");
    assert.equal(f.urn, ACCOUNT("dev", "analytics"));
    assert.match(
      f.message,
      /storage account cmkdevanalytics\w{6} \(urn:.*::analytics-account\) would be deleted: no longer registered by the program.*every blob, file, queue and table in it is deleted\. It is not protected, so `pulumi up` will do it/,
    );
    assert.match(f.safeWay, /decommissioned: true/);
    assert.equal(op("devTeamRemoved", ACCOUNT("dev", "analytics")), "delete");
    assert.match(
      r.stderr,
      /preview failed: data loss against .*: analytics-account \(stateful-deleted\); acknowledge each with --allow-data-loss <urn>/,
    );
  });

  it("passes a team removal acknowledged with --allow-data-loss for that account, marking the finding acknowledged", () => {
    const r = runs["devTeamRemovedAllowed"];
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      findings("devTeamRemovedAllowed").map((f) => [f.kind, f.acknowledged]),
      [["stateful-deleted", true]],
    );
    assert.equal(doc("devTeamRemovedAllowed").summary.dataLoss, 0);
  });

  it("fails when a team id is renamed: the old account is deleted and a new one created", () => {
    const r = runs["devTeamRenamed"];
    assert.equal(r.code, 4);
    assert.equal(op("devTeamRenamed", ACCOUNT("dev", "payments")), "delete");
    assert.equal(op("devTeamRenamed", ACCOUNT("dev", "payers")), "create");
    assert.deepEqual(
      findings("devTeamRenamed").map((f) => [f.kind, f.urn]),
      [["stateful-deleted", ACCOUNT("dev", "payments")]],
    );
  });

  it("fails when namePrefix changes: accounts, key and vault are replaced (stateful-replaced) with the create-only name as the cause", () => {
    const r = runs["devNamePrefix"];
    assert.equal(r.code, 4);
    const replaced = findings("devNamePrefix", "stateful-replaced");
    assert.deepEqual(
      replaced.map((f) => f.urn).sort(),
      [
        ACCOUNT("dev", "analytics"),
        ACCOUNT("dev", "ledger"),
        ACCOUNT("dev", "payments"),
        KEY("dev"),
        VAULT("dev"),
      ].sort(),
    );
    const payments = replaced.find((f) => f.urn === ACCOUNT("dev", "payments"))!;
    assert.match(
      payments.message,
      /would be replaced: accountName changed \(create-only: "cmkdevpayments\w{6}" → "cmkdvpayments\w{6}"\) \[create-only per Azure\/azure-rest-api-specs \S+\/storage\.json \(2024-01-01[^)]*\): a path parameter of the Microsoft\.Storage\/storageAccounts resource id/,
    );
    assert.equal(
      op(
        "devNamePrefix",
        "urn:pulumi:dev::cmk-storage::azure-cmk-storage:index:CmkStorageAccount$random:index/randomString:RandomString::payments-name-suffix",
      ),
      "same",
      "the suffix survives; the prefix renames the account",
    );
  });

  it("fails when resourceGroupName changes: every account is replaced", () => {
    assert.equal(runs["devResourceGroup"].code, 4);
    const urns = findings("devResourceGroup", "stateful-replaced").map((f) => f.urn);
    for (const team of ["analytics", "ledger", "payments"]) {
      assert.ok(urns.includes(ACCOUNT("dev", team)), team);
    }
  });

  it("fails when a vault with an explicit name is replaced, saying the new one collides with the soft-deleted one (VaultAlreadyExists)", () => {
    assert.equal(runs["devNamedVaultMoved"].code, 4);
    const f = findings("devNamedVaultMoved", "stateful-replaced").find(
      (x) => x.urn === VAULT("dev"),
    )!;
    assert.match(
      f.message,
      /key vault kv-cmkdev-main .* would be replaced: resourceGroupName changed .*The new vault cannot even be created: the deleted vault keeps the name kv-cmkdev-main while it is soft-deleted \(7 days, purge-protected\), so ARM answers VaultAlreadyExists\./,
    );
    assert.deepEqual(
      findings("devNamedVaultMoved", "encryption-identity-removed"),
      [],
      "replaced accounts are reported as replaced, not as remaining",
    );
  });

  it("fails when the location changes, with a location-change finding per account and the vault and the migration path", () => {
    const r = runs["devLocation"];
    assert.equal(r.code, 4);
    const loc = findings("devLocation", "location-change");
    assert.deepEqual(
      loc.map((f) => f.urn).sort(),
      [
        ACCOUNT("dev", "analytics"),
        ACCOUNT("dev", "ledger"),
        ACCOUNT("dev", "payments"),
        VAULT("dev"),
      ].sort(),
    );
    assert.match(
      loc.find((f) => f.urn === ACCOUNT("dev", "payments"))!.message,
      /location changes from "westeurope" to "northeurope"\. Azure cannot move it; the replacement is a new, empty resource/,
    );
    assert.match(loc[0].safeWay, /README "Changing location or key type"/);
  });

  it("writes the changes and the data-loss findings into the Markdown report", () => {
    const text = fs.readFileSync(report, "utf8");
    assert.match(text, /## Changes against `.*dev\.previous\.json`/);
    assert.match(
      text,
      /\| `\+-` replace \| payments-account \| `azure-native:storage:StorageAccount` \| location changed/,
    );
    assert.match(text, /## Data loss\n\n- \*\*DATA LOSS\*\* `location-change`/);
  });

  it("fails when the key size changes: key-type-change and key-removed-in-use name the key and the accounts it encrypts", () => {
    const r = runs["devKeySize"];
    assert.equal(r.code, 4);
    const [typeChange] = findings("devKeySize", "key-type-change");
    assert.equal(typeChange.urn, KEY("dev"));
    assert.match(
      typeChange.message,
      /properties\.keySize changed \(create-only: 3072 → 4096\)\. Key Vault cannot change the type or size of an existing key/,
    );
    const [inUse] = findings("devKeySize", "key-removed-in-use");
    assert.match(
      inUse.message,
      /key cmkdev-storage-cmk in vault cmkdev-kv-\w+ .* would be replaced while cmkdevanalytics\w+ \(analytics-account\), cmkdevledger\w+ \(ledger-account\), cmkdevpayments\w+ \(payments-account\) still use it/,
    );
  });

  it("fails when prod's key type changes, in the text view with the +- mark on the key", () => {
    const r = runs["prodKeyType"];
    assert.equal(r.code, 4);
    assert.match(
      r.stdout,
      /^ \+- .*└─ azure-native:keyvault:Key\s+platform-cmk-key \(cmkprd-storage-cmk\)\s+\[replace: properties\.kty changed \(create-only: "RSA-HSM" → "RSA"\)\]/m,
    );
    assert.match(
      r.stdout,
      /\[DATA LOSS\]\s+key-type-change: key cmkprd-storage-cmk .*It is protected in the earlier deployment, so `pulumi up` will refuse/,
    );
  });

  it("fails when the key is disabled, stating plainly which accounts become unreadable (revocation)", () => {
    assert.equal(runs["devKeyDisabled"].code, 4);
    const [f] = findings("devKeyDisabled", "key-disabled-in-use");
    assert.equal(f.urn, KEY("dev"));
    assert.match(
      f.message,
      /^Revocation: key cmkdev-storage-cmk in vault cmkdev-kv-\w+ .* is disabled \(cmk-storage:keyEnabled: false\)\. These accounts become unreadable \(HTTP 403 on every data operation\) until it is enabled again: cmkdevanalytics\w+ \(analytics-account\), cmkdevledger\w+ \(ledger-account\), cmkdevpayments\w+ \(payments-account\)\.$/,
    );
  });

  it("fails when the key is disabled on a first deployment (no --previous): Azure cannot create an account on a disabled key, and the summary says the key is revoked", () => {
    const r = runs["devRevokedFirstRun"];
    // Without --previous every account is new, and ARM refuses to create an account whose key permits no wrapKey.
    assert.equal(r.code, 2, r.stderr);
    for (const team of ["payments", "analytics", "ledger"]) {
      assert.match(
        r.stdout,
        new RegExp(
          `rejected azure-native:storage:StorageAccount "${team}-account" .*\\n\\s+KeyVaultAuthenticationFailure: .*key 'cmkdev-storage-cmk' .*is disabled \\(enabled: false\\)`,
        ),
      );
    }
    assert.match(r.stdout, /REVOKED: key cmkdev-storage-cmk is disabled/);
  });

  it("fails when the permission model switches to rbac: permission-model-switch on the vault and key-grant-removed per account", () => {
    assert.equal(runs["devRbac"].code, 4);
    const [sw] = findings("devRbac", "permission-model-switch");
    assert.equal(sw.urn, VAULT("dev"));
    assert.match(
      sw.message,
      /switches its permission model from access policies to RBAC: the access-policy grants stop applying the moment the vault is updated, while the new role assignments take up to 10 minutes to propagate/,
    );
    assert.match(sw.safeWay, /three steps/);
    assert.deepEqual(
      findings("devRbac", "key-grant-removed")
        .map((f) => f.urn)
        .sort(),
      [ACCOUNT("dev", "analytics"), ACCOUNT("dev", "ledger"), ACCOUNT("dev", "payments")].sort(),
    );
  });

  it("fails when an account's encryption identity and its grant are replaced by new ones in one change (encryption-identity-removed, key-grant-removed)", () => {
    const r = runs["fixtureIdentitySwapped"];
    assert.equal(r.code, 4, r.stderr);
    assert.deepEqual(
      findings("fixtureIdentitySwapped")
        .map((f) => f.kind)
        .sort(),
      ["encryption-identity-removed", "key-grant-removed"],
    );
    const [f] = findings("fixtureIdentitySwapped", "encryption-identity-removed");
    assert.match(
      f.message,
      /storage account stfixtureapp01 \(urn:.*::app-account\) stays, but its encryption identity app-identity would be deleted/,
    );
    assert.equal(
      op(
        "fixtureIdentitySwapped",
        "urn:pulumi:dev::cmk-storage::azure-native:storage:StorageAccount::app-account",
      ),
      "update",
    );
  });

  it("matches a renamed resource through its alias: same, not delete and create", () => {
    const r = runs["fixtureAlias"];
    assert.equal(r.code, 0, r.stderr);
    const c = doc("fixtureAlias").changes.find((x) => x.urn.endsWith("::app-storage"))!;
    assert.deepEqual(
      [c.op, c.previousUrn],
      ["same", "urn:pulumi:dev::cmk-storage::azure-native:storage:StorageAccount::app-account"],
    );
    assert.equal(doc("fixtureAlias").changes.filter((x) => x.op !== "same").length, 0);
  });

  it("fails when --previous is neither a preview document nor a stack export, with a usage error", () => {
    const r = runs["badPrevious"];
    assert.equal(r.code, 64);
    assert.match(
      r.stderr,
      /neither a preview --json document \(formatVersion 1\) nor a pulumi stack export \(version 3\)/,
    );
  });

  it("fails when --previous is a deployment of another stack, with a usage error", () => {
    assert.equal(runs["otherStack"].code, 64);
    assert.match(
      runs["otherStack"].stderr,
      /--previous .*prod\.previous\.json is a deployment of stack prod, not of staging/,
    );
  });

  it("fails when --allow-data-loss is given without --previous, with a usage error", () => {
    assert.equal(runs["allowWithoutPrevious"].code, 64);
    assert.match(runs["allowWithoutPrevious"].stderr, /--allow-data-loss needs --previous/);
  });

  it("fails when the stack config is invalid, registering nothing, naming the stack file and the keys", () => {
    const r = runs["invalidConfig"];
    assert.equal(r.code, 3);
    const d = doc("invalidConfig");
    assert.deepEqual(d.resources, []);
    assert.equal(d.changes, null);
    assert.match(
      d.programErrors[0],
      /^Invalid stack configuration in stacks\/Pulumi\.dev\.yaml:\n/,
    );
    assert.match(
      d.programErrors[0],
      /cmk-storage:location must be an Azure region name .*did you mean "westeurope"\?/,
    );
    assert.match(d.programErrors[0], /cmk-storage:keyRotateAfter must be at least P7D/);
  });

  it("has a two-step test for every finding kind", () => {
    const seen = new Set(
      Object.keys(runs).flatMap((name) =>
        runs[name].stdout.startsWith("{")
          ? (JSON.parse(runs[name].stdout).dataLoss ?? []).map((f: Finding) => f.kind)
          : [],
      ),
    );
    for (const name of ["prodKeyType"]) {
      for (const m of runs[name].stdout.matchAll(/\[DATA LOSS\]\s+([a-z-]+):/g)) seen.add(m[1]);
    }
    assert.deepEqual(
      Object.keys(FINDING_KINDS).filter((k) => !seen.has(k)),
      [],
    );
  });
});
