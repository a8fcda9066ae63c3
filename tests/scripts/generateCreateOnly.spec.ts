import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import { GENERATED_TYPES } from "../../preview/generated/createOnly";
import { CREATE_ONLY } from "../../preview/azureSpec";
import { previewCli } from "../support/previewCli";
import { STACKS } from "../support/stackFiles";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require("../../scripts/generate-create-only.js") as {
  generate(extract: unknown): string;
  formatted(extract: unknown): Promise<string>;
  EXTRACT: string;
  OUT: string;
};

/** A minimal extract: one resource with a PUT and a PATCH body, in the shape of scripts/specs/azure-rest-api-specs.json. */
function extract(putProps: Record<string, unknown>, patchProps?: Record<string, unknown>) {
  return {
    files: {
      "spec/x.json": {
        commit: "0123456789abcdef",
        definitions: {
          Put: { properties: putProps },
          ...(patchProps ? { Patch: { properties: patchProps } } : {}),
          Inner: { properties: { mode: { "x-ms-mutability": ["create", "read"] }, size: {} } },
        },
      },
    },
    resources: [
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
    pathOnly: [],
  };
}

/** The generated table of an extract, evaluated. */
function tableOf(
  ex: unknown,
): Record<string, { createOnly: { path: string; reason: string }[]; updatable: string[] }> {
  const text = generator.generate(ex);
  const json = text.slice(text.indexOf("= {") + 2, text.lastIndexOf("};") + 1);
  return JSON.parse(json);
}

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

  it("is up to date with the generator and the committed spec extract", async () => {
    const ex = JSON.parse(fs.readFileSync(generator.EXTRACT, "utf8"));
    assert.equal(
      fs.readFileSync(generator.OUT, "utf8"),
      await generator.formatted(ex),
      "run node scripts/generate-create-only.js",
    );
  });

  it("marks a property whose x-ms-mutability lacks update as create-only, also inside a referenced definition", () => {
    const t = tableOf(
      extract({ inner: { $ref: "#/definitions/Inner" }, tier: { "x-ms-mutability": ["create"] } }),
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
      extract({
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
      extract(
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

  it("fails when a resource's create body is not in the extract, naming the resource", () => {
    const ex = extract({});
    ex.resources[0].put = "Missing";
    assert.throws(() => generator.generate(ex), /x:y:Thing: Missing is not in the extract/);
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
