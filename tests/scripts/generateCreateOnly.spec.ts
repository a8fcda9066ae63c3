import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GENERATED_TYPES } from "../../preview/generated/createOnly";
import { CREATE_ONLY } from "../../preview/azureSpec";
import { previewCli } from "../support/previewCli";
import { STACKS } from "../support/stackFiles";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require("../../scripts/generate-create-only.js") as {
  generate(model: unknown): string;
  modelFromRaw(
    raw: Record<string, unknown>,
    specs?: Record<string, Spec>,
    resources?: unknown[],
    pathOnly?: unknown[],
    warn?: (m: string) => void,
  ): unknown;
  SPECS: Record<string, Spec>;
  RESOURCES: { token: string; file: string; put: string; patch?: string }[];
  commitWarnings(dir: string, specs?: Record<string, Spec>): string[];
  SPECS_ENV: string;
  OUT: string;
};

interface Spec {
  commit: string;
  definitions: string[];
}

const SCRIPT = path.join(__dirname, "..", "..", "scripts", "generate-create-only.js");
const STORAGE =
  "specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01/storage.json";
const MSI =
  "specification/msi/resource-manager/Microsoft.ManagedIdentity/stable/2023-01-31/ManagedIdentity.json";
const TYPES_V4 = "specification/common-types/resource-management/v4/types.json";

/** Runs the generator as `npm`/a developer would, without AZURE_REST_API_SPECS unless given. */
function runGenerator(args: string[], env: Record<string, string> = {}) {
  const base = { ...process.env };
  delete base[generator.SPECS_ENV];
  return spawnSync(process.execPath, [SCRIPT, ...args], {
    encoding: "utf8",
    env: { ...base, ...env },
  });
}

/** A raw spec document as the Azure/azure-rest-api-specs files are shaped: definitions at top level, with noise. */
function rawSpec(definitions: Record<string, unknown>) {
  return {
    swagger: "2.0",
    info: { title: "Synthetic", version: "2024-01-01" },
    host: "management.azure.com",
    paths: { "/x": { put: { operationId: "Things_Create", parameters: [] } } },
    definitions,
    parameters: { ApiVersionParameter: { name: "api-version", in: "query", type: "string" } },
  };
}

/** A property with the description, type and enum a raw spec gives it, which the walk ignores. */
const described = (p: Record<string, unknown> = {}) => ({
  description: "A synthetic property.",
  type: "string",
  enum: ["A", "B"],
  "x-ms-enum": { name: "Synthetic", modelAsString: true },
  ...p,
});

/** The model of one raw spec file spec/x.json with one resource x:y:Thing (PUT `Put`, PATCH `Patch` when given). */
function model(
  putProps: Record<string, unknown>,
  patchProps?: Record<string, unknown>,
  listed = ["Put", "Patch", "Inner"],
) {
  const raw = rawSpec({
    Put: { description: "The create body.", type: "object", properties: putProps, required: [] },
    ...(patchProps ? { Patch: { description: "The update body.", properties: patchProps } } : {}),
    Inner: {
      description: "An inner object.",
      properties: {
        mode: described({ "x-ms-mutability": ["create", "read"] }),
        size: described({ type: "integer", format: "int32" }),
      },
    },
  });
  return generator.modelFromRaw(
    { "spec/x.json": raw },
    { "spec/x.json": { commit: "0123456789abcdef", definitions: listed } },
    [
      {
        token: "x:y:Thing",
        armType: "Microsoft.X/things",
        apiVersion: "2024-01-01",
        file: "spec/x.json",
        path: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.X/things/{thingName}",
        put: "Put",
        ...(patchProps ? { patch: "Patch" } : {}),
      },
    ],
    [],
  );
}

type Table = Record<
  string,
  {
    commit?: string;
    createOnly: { path: string; reason: string; definition?: string }[];
    updatable: string[];
  }
>;

/** The generated table of a model, evaluated. */
function tableOf(m: unknown): Table {
  const text = generator.generate(m);
  const json = text.slice(text.indexOf("= {") + 2, text.lastIndexOf("};") + 1);
  return JSON.parse(json);
}

/** The table of a formatted generated file (TypeScript, compiled by the test run's ts-node), loaded. */
function tableOfFile(file: string): Table {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(file) as { GENERATED_TYPES: Table }).GENERATED_TYPES;
}

/**
 * A checkout of Azure/azure-rest-api-specs in a temp dir, raw-spec-shaped: every file the generator lists, with every
 * listed definition (empty unless `fragments` gives it), plus the synthetic fragments of the test.
 */
function syntheticCheckout(fragments: Record<string, Record<string, unknown>>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "azure-rest-api-specs-"));
  for (const [file, spec] of Object.entries(generator.SPECS)) {
    const defs: Record<string, unknown> = {
      UnlistedDefinition: { description: "Not listed: ignored.", properties: { x: described() } },
    };
    for (const name of spec.definitions) defs[name] = { description: `${name}.`, properties: {} };
    Object.assign(defs, fragments[file] || {});
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), JSON.stringify(rawSpec(defs), null, 2));
  }
  return dir;
}

/** Fragments for the storage account (x-ms-mutability, absent from PATCH, flatten, client name) and the identity (allOf). */
const FRAGMENTS: Record<string, Record<string, unknown>> = {
  [STORAGE]: {
    StorageAccountCreateParameters: {
      properties: {
        sku: { $ref: "./common.json#/definitions/Sku", description: "Not listed: a leaf." },
        location: described({ type: "string", "x-ms-mutability": ["read", "create", "update"] }),
        tags: { type: "object", additionalProperties: { type: "string" } },
        properties: {
          $ref: "#/definitions/StorageAccountPropertiesCreateParameters",
          "x-ms-client-flatten": true,
        },
      },
    },
    StorageAccountUpdateParameters: {
      properties: {
        sku: { $ref: "./common.json#/definitions/Sku" },
        tags: { type: "object", additionalProperties: { type: "string" } },
        properties: {
          $ref: "#/definitions/StorageAccountPropertiesUpdateParameters",
          "x-ms-client-flatten": true,
        },
      },
    },
    StorageAccountPropertiesCreateParameters: {
      properties: {
        isHnsEnabled: described({ type: "boolean", "x-ms-client-name": "IsHnsEnabled" }),
        isNfsV3Enabled: described({ type: "boolean", "x-ms-client-name": "EnableNfsV3" }),
        encryption: { $ref: "#/definitions/Encryption" },
        minimumTlsVersion: described(),
        primaryEndpoints: described({ readOnly: true }),
      },
    },
    StorageAccountPropertiesUpdateParameters: {
      properties: {
        encryption: { $ref: "#/definitions/Encryption" },
        minimumTlsVersion: described(),
      },
    },
    Encryption: {
      properties: {
        services: { $ref: "#/definitions/EncryptionServices", "x-ms-client-name": "Services" },
        keySource: described({ default: "Microsoft.Storage" }),
      },
    },
    EncryptionServices: { properties: { blob: { $ref: "#/definitions/EncryptionService" } } },
    EncryptionService: {
      properties: {
        enabled: described({ type: "boolean" }),
        keyType: described({ "x-ms-mutability": ["create", "read"] }),
        lastEnabledTime: described({ readOnly: true, format: "date-time" }),
      },
    },
  },
  [TYPES_V4]: {
    Resource: {
      properties: { id: described({ readOnly: true }), name: described({ readOnly: true }) },
      "x-ms-azure-resource": true,
    },
    TrackedResource: {
      allOf: [{ $ref: "#/definitions/Resource" }],
      properties: {
        tags: {
          type: "object",
          additionalProperties: { type: "string" },
          "x-ms-mutability": ["read", "create", "update"],
        },
        location: described({ "x-ms-mutability": ["read", "create"] }),
      },
      required: ["location"],
    },
  },
  [MSI]: {
    Identity: {
      allOf: [
        {
          $ref: "../../../../../common-types/resource-management/v4/types.json#/definitions/TrackedResource",
        },
      ],
      properties: {
        properties: {
          $ref: "#/definitions/UserAssignedIdentityProperties",
          "x-ms-client-flatten": true,
        },
      },
    },
    IdentityUpdate: {
      allOf: [
        {
          $ref: "../../../../../common-types/resource-management/v4/types.json#/definitions/Resource",
        },
      ],
      properties: {
        location: described(),
        tags: { type: "object" },
        properties: {
          $ref: "#/definitions/UserAssignedIdentityProperties",
          "x-ms-client-flatten": true,
        },
      },
    },
    UserAssignedIdentityProperties: {
      properties: {
        clientId: described({ readOnly: true }),
        tenantId: described({ readOnly: true }),
      },
    },
  },
};
/** Leaf input paths of a resource's inputs (objects walked, arrays and scalars are leaves). */
function leafPaths(value: unknown, prefix = ""): string[] {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>)
      .filter(([k]) => !k.startsWith("__"))
      .flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
  }
  return [prefix];
}

const covered = (known: readonly string[], p: string): boolean =>
  known.some((k) => p === k || p.startsWith(`${k}.`));

describe("generated create-only table (scripts/generate-create-only.js)", function () {
  this.timeout(240000);

  // Needs the specification files, which are not in this repository: set AZURE_REST_API_SPECS to a checkout of
  // Azure/azure-rest-api-specs (node scripts/generate-create-only.js prints how to get one). Offline, the synthetic
  // checkout tests below run the same generator end to end.
  it("is up to date with the generator and the specifications (skipped unless AZURE_REST_API_SPECS names a checkout of Azure/azure-rest-api-specs)", function () {
    const dir = process.env[generator.SPECS_ENV];
    if (!dir) this.skip();
    const r = runGenerator(["--check"], { [generator.SPECS_ENV]: dir });
    assert.equal(r.status, 0, `${r.stderr}\nrun node scripts/generate-create-only.js`);
  });

  it("marks a property whose x-ms-mutability lacks update as create-only, also inside a referenced definition", () => {
    const t = tableOf(
      model({ inner: { $ref: "#/definitions/Inner" }, tier: { "x-ms-mutability": ["create"] } }),
    )["x:y:Thing"];
    assert.deepEqual(
      t.createOnly.map((c) => [c.path, c.reason]),
      [
        ["inner.mode", "x-ms-mutability"],
        ["resourceGroupName", "path-parameter"],
        ["thingName", "path-parameter"],
        ["tier", "x-ms-mutability"],
      ],
    );
    assert.deepEqual(t.updatable, ["inner.size"]);
  });

  it("keeps a property updatable when its x-ms-mutability includes update, and leaves read-only ones out", () => {
    const t = tableOf(
      model({
        mode: { "x-ms-mutability": ["create", "update"] },
        state: { readOnly: true },
        seen: { "x-ms-mutability": ["read"] },
      }),
    )["x:y:Thing"];
    assert.deepEqual(t.updatable, ["mode"]);
    assert.ok(!t.createOnly.some((c) => ["state", "seen", "mode"].includes(c.path)));
  });

  it("marks a property of the create body that the update body lacks as create-only, with client names and flattening", () => {
    const t = tableOf(
      model(
        {
          properties: {
            $ref: "#/definitions/Inner",
            "x-ms-client-flatten": true,
          },
          isNfsV3Enabled: { "x-ms-client-name": "EnableNfsV3" },
          tags: { type: "object", additionalProperties: {} },
        },
        { properties: { $ref: "#/definitions/Inner", "x-ms-client-flatten": true }, tags: {} },
      ),
    )["x:y:Thing"];
    assert.ok(
      t.createOnly.some((c) => c.path === "enableNfsV3" && c.reason === "absent-from-patch"),
    );
    assert.ok(
      t.createOnly.some((c) => c.path === "mode"),
      "flattened body: no properties. prefix",
    );
    assert.deepEqual(t.updatable, ["size", "tags"]);
  });

  it("fails when a resource's create body is not among the definitions read, naming the resource and the file", () => {
    const m = model({}) as { resources: { put: string }[] };
    m.resources[0].put = "Missing";
    assert.throws(
      () => generator.generate(m),
      /x:y:Thing: Missing is not among the definitions read from spec\/x\.json/,
    );
  });

  it("reads only the listed definitions: a $ref to one that is not listed is a leaf, and a missing listed one is reported", () => {
    const warnings: string[] = [];
    const raw = {
      "spec/x.json": rawSpec({
        Put: { properties: { inner: { $ref: "#/definitions/Inner" } } },
        Inner: { properties: { mode: { "x-ms-mutability": ["create", "read"] } } },
      }),
    };
    const listed = (definitions: string[]) => ({ "spec/x.json": { commit: "0123", definitions } });
    const res = [
      {
        token: "x:y:Thing",
        armType: "Microsoft.X/things",
        apiVersion: "2024-01-01",
        file: "spec/x.json",
        path: "/subscriptions/{subscriptionId}/providers/Microsoft.X/things/{thingName}",
        put: "Put",
      },
    ];
    const leaf = tableOf(
      generator.modelFromRaw(raw, listed(["Put", "Absent"]), res, [], (m) => warnings.push(m)),
    )["x:y:Thing"];
    assert.deepEqual(leaf.updatable, ["inner"]);
    assert.deepEqual(warnings, [
      "spec/x.json has no definition Absent (listed in SPECS; expected at commit 0123)",
    ]);
    const walked = tableOf(generator.modelFromRaw(raw, listed(["Put", "Inner"]), res, []))[
      "x:y:Thing"
    ];
    assert.deepEqual(
      walked.createOnly.map((c) => c.path),
      ["inner.mode", "thingName"],
    );
  });

  it("generates the table end to end from a raw-spec-shaped checkout given by --specs, written to --out", function () {
    const dir = syntheticCheckout(FRAGMENTS);
    const out = path.join(dir, "createOnly.ts");
    try {
      const r = runGenerator(["--specs", dir, "--out", out]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /is not the top of a git checkout/);
      const t = tableOfFile(out);
      const account = t["azure-native:storage:StorageAccount"];
      assert.equal(account.commit, generator.SPECS[STORAGE].commit);
      assert.deepEqual(
        account.createOnly.map((c) => [c.path, c.reason, c.definition]),
        [
          ["accountName", "path-parameter", undefined],
          [
            "enableNfsV3",
            "absent-from-patch",
            "StorageAccountPropertiesCreateParameters.isNfsV3Enabled",
          ],
          ["encryption.services.blob.keyType", "x-ms-mutability", "EncryptionService.keyType"],
          [
            "isHnsEnabled",
            "absent-from-patch",
            "StorageAccountPropertiesCreateParameters.isHnsEnabled",
          ],
          ["location", "absent-from-patch", "StorageAccountCreateParameters.location"],
          ["resourceGroupName", "path-parameter", undefined],
        ],
      );
      assert.deepEqual(account.updatable, [
        "encryption.keySource",
        "encryption.services.blob.enabled",
        "minimumTlsVersion",
        "sku",
        "tags",
      ]);
      const identity = t["azure-native:managedidentity:UserAssignedIdentity"];
      assert.deepEqual(
        identity.createOnly.map((c) => [c.path, c.reason, c.definition]),
        [
          ["location", "x-ms-mutability", "TrackedResource.location"],
          ["resourceGroupName", "path-parameter", undefined],
          ["resourceName", "path-parameter", undefined],
        ],
      );
      assert.deepEqual(identity.updatable, ["tags"]);
      const check = runGenerator(["--specs", dir, "--out", out, "--check"]);
      assert.equal(check.status, 0, check.stderr);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fails --check with exit code 1 when the file differs from what the checkout generates", function () {
    const dir = syntheticCheckout(FRAGMENTS);
    const out = path.join(dir, "createOnly.ts");
    try {
      fs.writeFileSync(out, "// stale\n");
      const r = runGenerator(["--check", "--out", out], { [generator.SPECS_ENV]: dir });
      assert.equal(r.status, 1);
      assert.match(
        r.stderr,
        /createOnly\.ts is out of date: run node scripts\/generate-create-only\.js/,
      );
      assert.equal(fs.readFileSync(out, "utf8"), "// stale\n");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("warns, without failing, when the git checkout does not hold a listed file as at its listed commit", function () {
    const dir = syntheticCheckout(FRAGMENTS);
    const out = path.join(dir, "out", "createOnly.ts");
    const git = (...args: string[]) =>
      spawnSync(
        "git",
        ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args],
        {
          encoding: "utf8",
        },
      );
    try {
      git("init", "-q");
      git("add", "specification");
      assert.equal(git("commit", "-qm", "synthetic").status, 0);
      const r = runGenerator(["--specs", dir, "--out", out]);
      assert.equal(r.status, 0, r.stderr);
      const c = generator.SPECS[STORAGE].commit;
      assert.match(
        r.stderr,
        new RegExp(
          `warning: the checkout's HEAD is \\w{12}, not ${c.slice(0, 12)} listed for ${STORAGE.replace(/\./g, "\\.")}, and that commit is not in the checkout`,
        ),
      );
      assert.ok(fs.existsSync(out));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("warns only for a file whose working copy differs from the one at its listed commit, whatever HEAD is", function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "azure-rest-api-specs-"));
    const git = (...args: string[]) =>
      spawnSync(
        "git",
        ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args],
        {
          encoding: "utf8",
        },
      ).stdout.trim();
    try {
      fs.mkdirSync(path.join(dir, "spec"));
      fs.writeFileSync(path.join(dir, "spec", "a.json"), "{}\n");
      fs.writeFileSync(path.join(dir, "spec", "b.json"), "{}\n");
      git("init", "-q");
      git("add", "spec");
      git("commit", "-qm", "first");
      const first = git("rev-parse", "HEAD");
      fs.writeFileSync(path.join(dir, "other.txt"), "x\n");
      git("add", "other.txt");
      git("commit", "-qm", "second: HEAD moves, the spec files do not");
      const listed = {
        "spec/a.json": { commit: first, definitions: [] },
        "spec/b.json": { commit: first, definitions: [] },
      };
      assert.deepEqual(generator.commitWarnings(dir, listed), []);
      fs.writeFileSync(path.join(dir, "spec", "b.json"), '{"definitions":{}}\n');
      const w = generator.commitWarnings(dir, listed);
      assert.equal(w.length, 1);
      assert.match(
        w[0],
        new RegExp(
          `its spec/b\\.json differs from the one at the listed commit ${first.slice(0, 12)}.*checkout ${first} -- spec/b\\.json`,
        ),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fails with exit code 2 and says how to get the specifications when no checkout is given", () => {
    const r = runGenerator([]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /No Azure REST API specifications/);
    assert.match(r.stderr, /--specs <dir> or AZURE_REST_API_SPECS=<dir>/);
    assert.match(
      r.stderr,
      /git clone --filter=blob:none --no-checkout https:\/\/github\.com\/Azure\/azure-rest-api-specs/,
    );
    assert.ok(
      r.stderr.includes(`git checkout ${generator.SPECS[STORAGE].commit} -- ${STORAGE}`),
      r.stderr,
    );
  });

  it("fails with exit code 2 when a listed spec file is missing from the checkout, naming it and its commit", () => {
    const dir = syntheticCheckout({});
    try {
      fs.rmSync(path.join(dir, MSI));
      const r = runGenerator(["--specs", dir, "--out", path.join(dir, "x.ts")]);
      assert.equal(r.status, 2);
      assert.ok(
        r.stderr.includes(
          `is missing from the specifications checkout ${dir}: git -C ${dir} checkout ${generator.SPECS[MSI].commit} -- ${MSI}`,
        ),
        r.stderr,
      );
      assert.ok(!fs.existsSync(path.join(dir, "x.ts")));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("holds, from the specifications, the storage account's key types, hierarchical namespace and NFS, and the vault's location", () => {
    const account = CREATE_ONLY["azure-native:storage:StorageAccount"];
    for (const svc of ["blob", "file", "queue", "table"]) {
      const e = account.find((c) => c.path === `encryption.services.${svc}.keyType`);
      assert.ok(e, svc);
      assert.match(
        e.source,
        /storage\.json \(2024-01-01.*EncryptionService\.keyType x-ms-mutability \[create, read\]/,
      );
    }
    assert.match(
      account.find((c) => c.path === "isHnsEnabled")!.source,
      /StorageAccountUpdateParameters|update body/,
    );
    assert.ok(account.some((c) => c.path === "enableNfsV3"));
    assert.match(
      CREATE_ONLY["azure-native:keyvault:Vault"].find((c) => c.path === "location")!.source,
      /keyvault\.json \(2024-11-01.*VaultCreateOrUpdateParameters\.location/,
    );
  });

  it("knows every input property the components set in every stack (create-only or updatable)", async () => {
    const unknown: string[] = [];
    for (const stack of STACKS) {
      const r = await previewCli("--stack", stack, "--json");
      const doc = JSON.parse(r.stdout) as {
        resources: { type: string; custom: boolean; inputs: Record<string, unknown> }[];
      };
      for (const res of doc.resources) {
        if (!res.custom || !res.type.startsWith("azure-native:")) continue;
        const t = GENERATED_TYPES[res.type];
        if (!t) {
          unknown.push(`${stack}: ${res.type} (no entry)`);
          continue;
        }
        const known = [...t.createOnly.map((c) => c.path), ...t.updatable];
        for (const p of leafPaths(res.inputs)) {
          if (!covered(known, p)) unknown.push(`${stack}: ${res.type} ${p}`);
        }
      }
    }
    assert.deepEqual([...new Set(unknown)], []);
  });
});
