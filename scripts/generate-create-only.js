#!/usr/bin/env node
/**
 * Generates preview/generated/createOnly.ts, the create-only properties of the resource types the project and its
 * raw-program users create, from the Azure REST API specifications (a trimmed extract committed in
 * scripts/specs/azure-rest-api-specs.json, read at the commits it names). Offline and deterministic.
 *
 *   node scripts/generate-create-only.js           writes the file
 *   node scripts/generate-create-only.js --check   exits 1 when the committed file differs from what it would write
 *
 * A property is create-only when:
 *   - it is a path parameter of the resource's ARM id (except subscriptionId): the id cannot change;
 *   - its `x-ms-mutability` lacks "update" (read-only properties, `readOnly: true` or mutability ["read"], excluded);
 *   - it is in the create (PUT) body schema but absent from the update (PATCH) body schema at the same place;
 *   - the PUT is a create-if-not-exist operation that writes nothing on an existing resource (the listed properties).
 * Every other writable property of the walked schemas is listed as updatable, so a test can check that the table
 * knows every property the components set. Input names follow azure-native: the `x-ms-client-name` (first letter
 * lowercased, snake_case camelised) and `x-ms-client-flatten` bodies merged into their parent.
 */
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const EXTRACT = path.join(ROOT, "scripts", "specs", "azure-rest-api-specs.json");
const OUT = path.join(ROOT, "preview", "generated", "createOnly.ts");

/** azure-native's input name for a spec property. */
function sdkName(name, prop) {
  const n = (prop && prop["x-ms-client-name"]) || name;
  return (n[0].toLowerCase() + n.slice(1)).replace(/_([a-z])/g, (_, c) => c.toUpperCase());
}

/** Resolves a `$ref` within the extract: `#/definitions/X` in `file`, or `./other.json#/definitions/X` beside it. */
function resolve(extract, file, ref) {
  const [rel, pointer] = ref.split("#");
  const target = rel ? path.posix.join(path.posix.dirname(file), rel) : file;
  const name = (pointer || "").replace(/^\/definitions\//, "");
  const def = extract.files[target] && extract.files[target].definitions[name];
  return def ? { file: target, def, name } : undefined;
}

/** A definition's properties with those of its `allOf` bases (as far as the extract holds them), each with its file. */
function propertiesOf(extract, at) {
  const out = {};
  for (const base of at.def.allOf || []) {
    const b = base.$ref ? resolve(extract, at.file, base.$ref) : undefined;
    if (b) Object.assign(out, propertiesOf(extract, b));
  }
  for (const [name, prop] of Object.entries(at.def.properties || {})) {
    out[name] = { prop, file: at.file, owner: at.name };
  }
  return out;
}

const isReadOnly = (p) =>
  p.readOnly === true ||
  (Array.isArray(p["x-ms-mutability"]) &&
    !p["x-ms-mutability"].includes("create") &&
    !p["x-ms-mutability"].includes("update"));

/**
 * Walks the PUT schema (and the PATCH schema beside it) and classifies every writable leaf: objects with their own
 * definition are walked, maps, arrays and definitions outside the extract are leaves.
 */
function walk(extract, res, put, patch, prefix, out, seen) {
  const patchProps = patch ? propertiesOf(extract, patch) : {};
  for (const [name, { prop, file, owner }] of Object.entries(propertiesOf(extract, put))) {
    if (isReadOnly(prop)) continue;
    const flatten = prop["x-ms-client-flatten"] === true;
    const here = flatten
      ? prefix
      : prefix
        ? `${prefix}.${sdkName(name, prop)}`
        : sdkName(name, prop);
    const patchEntry = patch ? patchProps[name] : undefined;
    const patchProp = patchEntry && patchEntry.prop;
    const at = `${owner}.${name}`;
    const mut = prop["x-ms-mutability"];
    if (Array.isArray(mut) && !mut.includes("update")) {
      out.createOnly.push({
        path: here,
        reason: "x-ms-mutability",
        definition: at,
        mutability: mut,
      });
      continue;
    }
    if (patch && !patchProp) {
      out.createOnly.push({
        path: here,
        reason: "absent-from-patch",
        definition: at,
        patch: patch.name,
      });
      continue;
    }
    // A referenced definition, or an inline object schema with its own properties.
    const child = prop.$ref
      ? resolve(extract, file, prop.$ref)
      : prop.properties
        ? { file, def: prop, name: `${owner}.${name}` }
        : undefined;
    if (child && !seen.has(child.name)) {
      const patchChild =
        patchProp && patchProp.$ref
          ? resolve(extract, patchEntry.file, patchProp.$ref)
          : patchProp && patchProp.properties
            ? { file: patchEntry.file, def: patchProp, name: `${patchEntry.owner}.${name}` }
            : undefined;
      walk(extract, res, child, patchChild, here, out, new Set([...seen, child.name]));
      continue;
    }
    out.updatable.push(here);
  }
}

function generate(extract) {
  const types = {};
  const all = [
    ...extract.resources.map((r) => ({ ...r, fromSpec: true })),
    ...extract.pathOnly.map((r) => ({ ...r, fromSpec: false })),
  ];
  for (const res of all) {
    const createOnly = [];
    const updatable = [];
    const params =
      res.pathInputs ||
      [...res.path.matchAll(/\{([^}]+)\}/g)]
        .map((m) => m[1])
        .filter((p) => p !== "subscriptionId")
        .map((p) => p[0].toLowerCase() + p.slice(1));
    for (const p of params) createOnly.push({ path: p, reason: "path-parameter" });
    if (res.fromSpec) {
      const put = resolve(extract, res.file, `#/definitions/${res.put}`);
      const patch = res.patch
        ? resolve(extract, res.file, `#/definitions/${res.patch}`)
        : undefined;
      if (!put) throw new Error(`${res.token}: ${res.put} is not in the extract of ${res.file}`);
      const out = { createOnly: [], updatable: [] };
      walk(extract, res, put, patch, "", out, new Set([put.name]));
      const cine = res.createIfNotExist;
      for (const e of out.createOnly) createOnly.push(e);
      for (const u of out.updatable) {
        if (cine && cine.properties.includes(u)) {
          createOnly.push({
            path: u,
            reason: "create-if-not-exist",
            operationId: cine.operationId,
          });
        } else updatable.push(u);
      }
    } else {
      updatable.push(...res.sdkInputs);
    }
    const commit = (extract.files[res.file] || {}).commit;
    types[res.token] = {
      armType: res.armType,
      apiVersion: res.apiVersion,
      spec: res.file,
      ...(commit ? { commit } : {}),
      fromSpec: res.fromSpec,
      ...(res.createIfNotExist ? { createIfNotExistQuote: res.createIfNotExist.quote } : {}),
      createOnly: createOnly.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
      updatable: [...new Set(updatable)].sort(),
    };
  }
  const body = JSON.stringify(types, null, 2);
  return [
    "/**",
    " * GENERATED by scripts/generate-create-only.js from scripts/specs/azure-rest-api-specs.json (Azure/azure-rest-api-specs,",
    " * the API version azure-native 3.28.0 uses per type). Do not edit: change the extract or the generator and run",
    " * `node scripts/generate-create-only.js` (tests/scripts/generateCreateOnly.spec.ts checks it is up to date).",
    " *",
    " * Per azure-native resource token: the ARM type, API version and spec file (and the commit it was read at); the",
    " * create-only input paths with the reason (path-parameter, x-ms-mutability, absent-from-patch, create-if-not-exist)",
    " * and the spec definition that says so; and the updatable input paths. `fromSpec: false`: only the path parameters",
    " * are derived (the spec fragment is not in the extract); the updatable names are azure-native's.",
    " */",
    "",
    "export interface GeneratedCreateOnly {",
    "  path: string;",
    '  reason: "path-parameter" | "x-ms-mutability" | "absent-from-patch" | "create-if-not-exist";',
    "  definition?: string;",
    "  mutability?: string[];",
    "  patch?: string;",
    "  operationId?: string;",
    "}",
    "",
    "export interface GeneratedType {",
    "  armType: string;",
    "  apiVersion: string;",
    "  spec: string;",
    "  commit?: string;",
    "  fromSpec: boolean;",
    "  createIfNotExistQuote?: string;",
    "  createOnly: GeneratedCreateOnly[];",
    "  updatable: string[];",
    "}",
    "",
    `export const GENERATED_TYPES: Readonly<Record<string, GeneratedType>> = ${body};`,
    "",
  ].join("\n");
}

/** The generated text, formatted as the repository's prettier config formats it (so `prettier --check` agrees). */
async function formatted(extract) {
  const prettier = require("prettier");
  const options = (await prettier.resolveConfig(OUT)) || {};
  return prettier.format(generate(extract), { ...options, filepath: OUT });
}

async function main() {
  const extract = JSON.parse(fs.readFileSync(EXTRACT, "utf8"));
  const text = await formatted(extract);
  if (process.argv.includes("--check")) {
    const current = fs.existsSync(OUT) ? fs.readFileSync(OUT, "utf8") : "";
    if (current !== text) {
      console.error(
        `${path.relative(ROOT, OUT)} is out of date: run node scripts/generate-create-only.js`,
      );
      process.exit(1);
    }
    return;
  }
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, text);
}

module.exports = { generate, formatted, EXTRACT, OUT };
if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
