#!/usr/bin/env node
/**
 * Generates preview/generated/createOnly.ts, the create-only properties of the resource types the project and its
 * raw-program users create, from the Azure REST API specifications. The specifications are not in this repository:
 * the generator reads the raw spec JSON files listed in SPECS below (path and commit of Azure/azure-rest-api-specs)
 * from a local checkout given by `--specs <dir>` or the AZURE_REST_API_SPECS environment variable. Deterministic.
 *
 *   node scripts/generate-create-only.js --specs <dir>            writes preview/generated/createOnly.ts
 *   node scripts/generate-create-only.js --specs <dir> --check    exits 1 when the committed file differs
 *   node scripts/generate-create-only.js --specs <dir> --out f    writes (or with --check compares) f instead
 *
 * Getting the specifications (only the listed files are downloaded):
 *   git clone --filter=blob:none --no-checkout https://github.com/Azure/azure-rest-api-specs
 *   cd azure-rest-api-specs && git checkout <commit> -- <path>     for each path and commit of SPECS
 * Without a checkout the generator exits 2 and prints these commands. It warns (and goes on) when the checkout does not
 * hold a listed file as at its listed commit: the table may then differ from the committed one, which --check shows.
 *
 * Of each listed file only the listed definitions are read, and of those only what the walk uses (`properties`,
 * `allOf`, `$ref`, `readOnly`, `x-ms-mutability`, `x-ms-client-name`, `x-ms-client-flatten`); descriptions, enums
 * and the rest are ignored. A `$ref` to a definition that is not listed is a leaf.
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
const { execFileSync } = require("child_process");
const { parseArgs } = require("util");

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, "preview", "generated", "createOnly.ts");
const SPECS_ENV = "AZURE_REST_API_SPECS";
const SPECS_REPO = "https://github.com/Azure/azure-rest-api-specs";

/**
 * The specification files read, each at the commit of Azure/azure-rest-api-specs it was read at, with the definitions
 * the walk uses (a `$ref` to a definition not listed here is a leaf, as is one outside these files).
 */
const SPECS = {
  "specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01/storage.json": {
    commit: "5a2abff0f2e61dac85740375816a18d468786b7b",
    definitions: [
      "StorageAccountCreateParameters",
      "StorageAccountUpdateParameters",
      "StorageAccountPropertiesCreateParameters",
      "StorageAccountPropertiesUpdateParameters",
      "ExtendedLocation",
      "Identity",
      "SasPolicy",
      "KeyPolicy",
      "CustomDomain",
      "EncryptionService",
      "EncryptionServices",
      "KeyVaultProperties",
      "Encryption",
      "EncryptionIdentity",
      "NetworkRuleSet",
      "AzureFilesIdentityBasedAuthentication",
      "RoutingPreference",
      "ImmutableStorageAccount",
      "EncryptionScope",
      "EncryptionScopeProperties",
      "EncryptionScopeKeyVaultProperties",
    ],
  },
  "specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01/keyvault.json": {
    commit: "315e54b7359504c9af7e9783946a6b62f4434eb0",
    definitions: [
      "VaultCreateOrUpdateParameters",
      "VaultPatchParameters",
      "Sku",
      "NetworkRuleSet",
      "VaultProperties",
      "VaultPatchProperties",
    ],
  },
  "specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01/keys.json": {
    commit: "7ee08af0efef13b8dff475453cf2f5cf76a68d65",
    definitions: [
      "KeyCreateParameters",
      "KeyProperties",
      "KeyAttributes",
      "RotationPolicy",
      "KeyRotationPolicyAttributes",
      "KeyReleasePolicy",
    ],
  },
  "specification/common-types/resource-management/v4/types.json": {
    commit: "05432ee0bc8a3feb5bc0f6fd21f49bb7aeaf13af",
    definitions: ["Resource", "TrackedResource"],
  },
  "specification/msi/resource-manager/Microsoft.ManagedIdentity/stable/2023-01-31/ManagedIdentity.json":
    {
      commit: "16c9ca7681ac3c81b41c6159d60e8bfabb32bc65",
      definitions: ["Identity", "IdentityUpdate", "UserAssignedIdentityProperties"],
    },
  "specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01/file.json": {
    commit: "4c95bb2873f0a0c29340e1fe1e7963fcbf9dc0b2",
    definitions: [
      "FileShare",
      "FileShareProperties",
      "FileServiceProperties",
      "ProtocolSettings",
      "SmbSetting",
      "Multichannel",
    ],
  },
  "specification/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json":
    {
      commit: "007a51db374076edb902fd44eb8299eea6336335",
      definitions: ["RoleAssignmentCreateParameters", "RoleAssignmentProperties"],
    },
  "specification/monitor/resource-manager/Microsoft.Insights/preview/2021-05-01-preview/diagnosticsSettings_API.json":
    {
      commit: "029741f2a57be0df0c346983e76f08dc7a69058a",
      definitions: ["DiagnosticSettingsResource", "DiagnosticSettings"],
    },
  "specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01/blob.json": {
    commit: "bb756a3644f7488f33d30643244dc51a9ba72577",
    definitions: [
      "BlobServiceProperties",
      "ChangeFeed",
      "RestorePolicyProperties",
      "LastAccessTimeTrackingPolicy",
      "BlobContainer",
      "ContainerProperties",
      "ImmutableStorageWithVersioning",
    ],
  },
  "specification/resources/resource-manager/Microsoft.Authorization/stable/2020-05-01/locks.json": {
    commit: "066a76289fcd67c06228802f3dbbb2b61ab63d92",
    definitions: ["ManagementLockObject", "ManagementLockProperties"],
  },
  "specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01/queue.json": {
    commit: "98222e6e69b3eb8a7985763863e941e31fd9075b",
    definitions: ["QueueServiceProperties", "StorageQueue", "QueueProperties"],
  },
  "specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01/table.json": {
    commit: "78d71b98974871052df272b3d4d4a8755bb1fecc",
    definitions: ["TableServiceProperties", "Table", "TableProperties"],
  },
  "specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01/managedHsm.json": {
    commit: "1d8a391902562bb89bca4573c745326194da6970",
    definitions: [
      "ManagedHsm",
      "ManagedHsmResource",
      "ManagedHsmSku",
      "ManagedHsmProperties",
      "MHSMNetworkRuleSet",
    ],
  },
  "specification/resources/resource-manager/Microsoft.Resources/stable/2024-03-01/resources.json": {
    commit: "1eb311c3f6f22913eab7d5ad755aa474ae15d67f",
    definitions: ["ResourceGroup", "ResourceGroupPatchable", "ResourceGroupProperties"],
  },
};

/** The resources walked from their create (PUT) and update (PATCH) bodies. */
const RESOURCES = [
  {
    token: "azure-native:storage:StorageAccount",
    armType: "Microsoft.Storage/storageAccounts",
    apiVersion: "2024-01-01",
    file: "specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01/storage.json",
    path: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{accountName}",
    put: "StorageAccountCreateParameters",
    patch: "StorageAccountUpdateParameters",
  },
  {
    token: "azure-native:keyvault:Vault",
    armType: "Microsoft.KeyVault/vaults",
    apiVersion: "2024-11-01",
    file: "specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01/keyvault.json",
    path: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.KeyVault/vaults/{vaultName}",
    put: "VaultCreateOrUpdateParameters",
    patch: "VaultPatchParameters",
  },
  {
    token: "azure-native:keyvault:Key",
    armType: "Microsoft.KeyVault/vaults/keys",
    apiVersion: "2024-11-01",
    file: "specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01/keys.json",
    path: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.KeyVault/vaults/{vaultName}/keys/{keyName}",
    put: "KeyCreateParameters",
    createIfNotExist: {
      operationId: "Keys_CreateIfNotExist",
      quote:
        "If it already exists, then the existing key is returned without any write operations being performed",
      properties: ["properties.kty", "properties.keySize", "properties.curveName"],
    },
  },
  {
    token: "azure-native:managedidentity:UserAssignedIdentity",
    armType: "Microsoft.ManagedIdentity/userAssignedIdentities",
    apiVersion: "2023-01-31",
    file: "specification/msi/resource-manager/Microsoft.ManagedIdentity/stable/2023-01-31/ManagedIdentity.json",
    path: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{resourceName}",
    put: "Identity",
    patch: "IdentityUpdate",
  },
  {
    token: "azure-native:storage:FileShare",
    armType: "Microsoft.Storage/storageAccounts/fileServices/shares",
    apiVersion: "2024-01-01",
    file: "specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01/file.json",
    path: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{accountName}/fileServices/default/shares/{shareName}",
    put: "FileShare",
  },
  {
    token: "azure-native:authorization:RoleAssignment",
    armType: "Microsoft.Authorization/roleAssignments",
    apiVersion: "2022-04-01",
    file: "specification/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json",
    path: "/{scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}",
    put: "RoleAssignmentCreateParameters",
  },
  {
    token: "azure-native:monitor:DiagnosticSetting",
    armType: "Microsoft.Insights/diagnosticSettings",
    apiVersion: "2021-05-01-preview",
    file: "specification/monitor/resource-manager/Microsoft.Insights/preview/2021-05-01-preview/diagnosticsSettings_API.json",
    path: "/{resourceUri}/providers/Microsoft.Insights/diagnosticSettings/{name}",
    put: "DiagnosticSettingsResource",
  },
  {
    token: "azure-native:storage:BlobServiceProperties",
    armType: "Microsoft.Storage/storageAccounts/blobServices",
    apiVersion: "2024-01-01",
    file: "specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01/blob.json",
    path: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{accountName}/blobServices/{BlobServicesName}",
    put: "BlobServiceProperties",
  },
  {
    token: "azure-native:storage:BlobContainer",
    armType: "Microsoft.Storage/storageAccounts/blobServices/containers",
    apiVersion: "2024-01-01",
    file: "specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01/blob.json",
    path: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{accountName}/blobServices/default/containers/{containerName}",
    put: "BlobContainer",
  },
  {
    token: "azure-native:authorization:ManagementLockByScope",
    armType: "Microsoft.Authorization/locks",
    apiVersion: "2020-05-01",
    file: "specification/resources/resource-manager/Microsoft.Authorization/stable/2020-05-01/locks.json",
    path: "/{scope}/providers/Microsoft.Authorization/locks/{lockName}",
    put: "ManagementLockObject",
  },
  {
    token: "azure-native:storage:QueueServiceProperties",
    armType: "Microsoft.Storage/storageAccounts/queueServices",
    apiVersion: "2024-01-01",
    file: "specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01/queue.json",
    path: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{accountName}/queueServices/{queueServiceName}",
    put: "QueueServiceProperties",
  },
  {
    token: "azure-native:storage:Queue",
    armType: "Microsoft.Storage/storageAccounts/queueServices/queues",
    apiVersion: "2024-01-01",
    file: "specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01/queue.json",
    path: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{accountName}/queueServices/default/queues/{queueName}",
    put: "StorageQueue",
  },
  {
    token: "azure-native:storage:TableServiceProperties",
    armType: "Microsoft.Storage/storageAccounts/tableServices",
    apiVersion: "2024-01-01",
    file: "specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01/table.json",
    path: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{accountName}/tableServices/{tableServiceName}",
    put: "TableServiceProperties",
  },
  {
    token: "azure-native:storage:Table",
    armType: "Microsoft.Storage/storageAccounts/tableServices/tables",
    apiVersion: "2024-01-01",
    file: "specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01/table.json",
    path: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{accountName}/tableServices/default/tables/{tableName}",
    put: "Table",
  },
  {
    token: "azure-native:storage:FileServiceProperties",
    armType: "Microsoft.Storage/storageAccounts/fileServices",
    apiVersion: "2024-01-01",
    file: "specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01/file.json",
    path: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{accountName}/fileServices/{FileServicesName}",
    put: "FileServiceProperties",
  },
  {
    token: "azure-native:storage:EncryptionScope",
    armType: "Microsoft.Storage/storageAccounts/encryptionScopes",
    apiVersion: "2024-01-01",
    file: "specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01/storage.json",
    path: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{accountName}/encryptionScopes/{encryptionScopeName}",
    put: "EncryptionScope",
  },
  {
    token: "azure-native:keyvault:ManagedHsm",
    armType: "Microsoft.KeyVault/managedHSMs",
    apiVersion: "2024-11-01",
    file: "specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01/managedHsm.json",
    path: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.KeyVault/managedHSMs/{name}",
    put: "ManagedHsm",
  },
  {
    token: "azure-native:resources:ResourceGroup",
    armType: "Microsoft.Resources/resourceGroups",
    apiVersion: "2024-03-01",
    file: "specification/resources/resource-manager/Microsoft.Resources/stable/2024-03-01/resources.json",
    path: "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}",
    put: "ResourceGroup",
    patch: "ResourceGroupPatchable",
  },
];

/** Resources whose spec fragment is not read: only the path parameters are derived; the updatable names are azure-native's. */
const PATH_ONLY = [
  {
    token: "azure-native:keyvault:AccessPolicy",
    armType: "Microsoft.KeyVault/vaults/accessPolicies",
    apiVersion: "2024-11-01",
    file: "specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01/keyvault.json",
    path: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.KeyVault/vaults/{vaultName}/accessPolicies/{operationKind}",
    sdkInputs: ["policy"],
    pathInputs: ["resourceGroupName", "vaultName"],
  },
  {
    token: "azure-native:network:PrivateEndpoint",
    armType: "Microsoft.Network/privateEndpoints",
    apiVersion: "2024-05-01",
    file: "specification/network/resource-manager/Microsoft.Network/stable/2024-05-01/privateEndpoint.json",
    path: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/privateEndpoints/{privateEndpointName}",
    sdkInputs: [
      "applicationSecurityGroups",
      "customDnsConfigs",
      "customNetworkInterfaceName",
      "extendedLocation",
      "id",
      "ipConfigurations",
      "location",
      "manualPrivateLinkServiceConnections",
      "privateLinkServiceConnections",
      "subnet",
      "tags",
    ],
  },
  {
    token: "azure-native:network:PrivateDnsZoneGroup",
    armType: "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
    apiVersion: "2024-05-01",
    file: "specification/network/resource-manager/Microsoft.Network/stable/2024-05-01/privateEndpoint.json",
    path: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/privateEndpoints/{privateEndpointName}/privateDnsZoneGroups/{privateDnsZoneGroupName}",
    sdkInputs: ["id", "name", "privateDnsZoneConfigs"],
  },
];
/** azure-native's input name for a spec property. */
function sdkName(name, prop) {
  const n = (prop && prop["x-ms-client-name"]) || name;
  return (n[0].toLowerCase() + n.slice(1)).replace(/_([a-z])/g, (_, c) => c.toUpperCase());
}

/** Resolves a `$ref` among the definitions read: `#/definitions/X` in `file`, or `./other.json#/definitions/X` beside it. */
function resolve(model, file, ref) {
  const [rel, pointer] = ref.split("#");
  const target = rel ? path.posix.join(path.posix.dirname(file), rel) : file;
  const name = (pointer || "").replace(/^\/definitions\//, "");
  const def = model.files[target] && model.files[target].definitions[name];
  return def ? { file: target, def, name } : undefined;
}

/** A definition's properties with those of its `allOf` bases (as far as the definitions read hold them), each with its file. */
function propertiesOf(model, at) {
  const out = {};
  for (const base of at.def.allOf || []) {
    const b = base.$ref ? resolve(model, at.file, base.$ref) : undefined;
    if (b) Object.assign(out, propertiesOf(model, b));
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
 * definition are walked, maps, arrays and definitions not read (not listed in SPECS) are leaves.
 */
function walk(model, res, put, patch, prefix, out, seen) {
  const patchProps = patch ? propertiesOf(model, patch) : {};
  for (const [name, { prop, file, owner }] of Object.entries(propertiesOf(model, put))) {
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
      ? resolve(model, file, prop.$ref)
      : prop.properties
        ? { file, def: prop, name: `${owner}.${name}` }
        : undefined;
    if (child && !seen.has(child.name)) {
      const patchChild =
        patchProp && patchProp.$ref
          ? resolve(model, patchEntry.file, patchProp.$ref)
          : patchProp && patchProp.properties
            ? { file: patchEntry.file, def: patchProp, name: `${patchEntry.owner}.${name}` }
            : undefined;
      walk(model, res, child, patchChild, here, out, new Set([...seen, child.name]));
      continue;
    }
    out.updatable.push(here);
  }
}

function generate(model) {
  const types = {};
  const all = [
    ...model.resources.map((r) => ({ ...r, fromSpec: true })),
    ...model.pathOnly.map((r) => ({ ...r, fromSpec: false })),
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
      const put = resolve(model, res.file, `#/definitions/${res.put}`);
      const patch = res.patch ? resolve(model, res.file, `#/definitions/${res.patch}`) : undefined;
      if (!put)
        throw new Error(
          `${res.token}: ${res.put} is not among the definitions read from ${res.file}`,
        );
      const out = { createOnly: [], updatable: [] };
      walk(model, res, put, patch, "", out, new Set([put.name]));
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
    const commit = (model.files[res.file] || {}).commit;
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
    " * GENERATED by scripts/generate-create-only.js from a checkout of Azure/azure-rest-api-specs (the spec files and commits",
    " * it lists, at the API version azure-native 3.28.0 uses per type). Do not edit: change the generator and run",
    " * `node scripts/generate-create-only.js --specs <checkout>` (with --check, tests/scripts/generateCreateOnly.spec.ts).",
    " *",
    " * Per azure-native resource token: the ARM type, API version and spec file (and the commit it was read at); the",
    " * create-only input paths with the reason (path-parameter, x-ms-mutability, absent-from-patch, create-if-not-exist)",
    " * and the spec definition that says so; and the updatable input paths. `fromSpec: false`: only the path parameters",
    " * are derived (the generator does not walk that spec); the updatable names are azure-native's.",
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

/** The keys of a property schema the walk uses; an inline object's own `properties` are trimmed the same way. */
const PROPERTY_KEYS = [
  "$ref",
  "readOnly",
  "x-ms-mutability",
  "x-ms-client-name",
  "x-ms-client-flatten",
];

function trimProperty(prop) {
  const out = {};
  for (const k of PROPERTY_KEYS) if (prop[k] !== undefined) out[k] = prop[k];
  if (prop.properties && typeof prop.properties === "object")
    out.properties = trimProperties(prop.properties);
  return out;
}

function trimProperties(props) {
  return Object.fromEntries(
    Object.entries(props).map(([name, p]) => [name, trimProperty(p || {})]),
  );
}

/** A definition as the walk sees it: its `allOf` base references and its trimmed properties. */
function trimDefinition(def) {
  const out = {};
  const bases = (def.allOf || []).filter((b) => b && typeof b.$ref === "string");
  if (bases.length) out.allOf = bases.map((b) => ({ $ref: b.$ref }));
  if (def.properties && typeof def.properties === "object")
    out.properties = trimProperties(def.properties);
  return out;
}

/**
 * The in-memory model `generate` walks, `{files: {path: {commit, definitions}}, resources, pathOnly}`, from raw spec
 * documents (`{path: parsed JSON}`, definitions at top level): only the definitions `specs` lists for each file.
 * A listed definition missing from its file is reported through `warn` (a `$ref` to it is then a leaf).
 */
function modelFromRaw(
  raw,
  specs = SPECS,
  resources = RESOURCES,
  pathOnly = PATH_ONLY,
  warn = () => {},
) {
  const files = {};
  for (const [file, spec] of Object.entries(specs)) {
    const doc = raw[file];
    if (!doc) throw new Error(`${file} was not read`);
    const defs = doc.definitions || {};
    const definitions = {};
    for (const name of spec.definitions) {
      if (defs[name]) definitions[name] = trimDefinition(defs[name]);
      else
        warn(
          `${file} has no definition ${name} (listed in SPECS; expected at commit ${spec.commit})`,
        );
    }
    files[file] = { commit: spec.commit, definitions };
  }
  return { files, resources, pathOnly };
}

/** An error whose message is for the user (no stack) and whose exit code is 2: the specifications are not available. */
class SpecsUnavailable extends Error {}

/** The commands that put every listed file, at its commit, into a checkout. */
function howToGetSpecs(specs = SPECS) {
  return [
    `Get them (only the listed files are downloaded), then pass the directory with --specs <dir> or ${SPECS_ENV}=<dir>:`,
    `  git clone --filter=blob:none --no-checkout ${SPECS_REPO}`,
    "  cd azure-rest-api-specs",
    ...Object.entries(specs).map(([file, s]) => `  git checkout ${s.commit} -- ${file}`),
    `then, from this repository: ${SPECS_ENV}=<the azure-rest-api-specs directory> node scripts/generate-create-only.js --check`,
  ].join("\n");
}

/** Reads and parses every listed file from the checkout `dir`. */
function readCheckout(dir, specs = SPECS) {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new SpecsUnavailable(
      `The Azure REST API specifications directory ${dir} does not exist.\n${howToGetSpecs(specs)}`,
    );
  }
  const raw = {};
  for (const [file, s] of Object.entries(specs)) {
    const at = path.join(dir, file);
    if (!fs.existsSync(at)) {
      throw new SpecsUnavailable(
        `${at} is missing from the specifications checkout ${dir}: git -C ${dir} checkout ${s.commit} -- ${file}\n${howToGetSpecs(specs)}`,
      );
    }
    try {
      raw[file] = JSON.parse(fs.readFileSync(at, "utf8"));
    } catch (e) {
      throw new Error(`${at} is not valid JSON: ${e.message}`);
    }
  }
  return raw;
}

const git = (dir, ...args) =>
  execFileSync("git", ["-C", dir, ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  }).trim();

/**
 * Warnings (the generator goes on) for each listed file the checkout does not hold as at its listed commit: its working
 * copy differs from the file at that commit, or the commit is not in the checkout, or `dir` is not a git checkout.
 */
function commitWarnings(dir, specs = SPECS) {
  let head;
  try {
    if (fs.realpathSync(git(dir, "rev-parse", "--show-toplevel")) !== fs.realpathSync(dir))
      throw new Error();
    head = git(dir, "rev-parse", "HEAD");
  } catch {
    return [
      `${dir} is not the top of a git checkout of Azure/azure-rest-api-specs: cannot check that the files are at the listed commits`,
    ];
  }
  const warnings = [];
  for (const [file, s] of Object.entries(specs)) {
    if (head === s.commit) continue;
    let listed;
    try {
      listed = git(dir, "rev-parse", "--verify", "--quiet", `${s.commit}:${file}`);
    } catch {
      warnings.push(
        `the checkout's HEAD is ${head.slice(0, 12)}, not ${s.commit.slice(0, 12)} listed for ${file}, and that commit is not in the checkout (git -C ${dir} fetch origin ${s.commit})`,
      );
      continue;
    }
    if (git(dir, "hash-object", "--", file) !== listed) {
      warnings.push(
        `the checkout's HEAD is ${head.slice(0, 12)} and its ${file} differs from the one at the listed commit ${s.commit.slice(0, 12)}; the table may differ from the committed one (git -C ${dir} checkout ${s.commit} -- ${file})`,
      );
    }
  }
  return warnings;
}

/**
 * The generated text, formatted as the repository's prettier config formats preview/generated/createOnly.ts (so
 * `prettier --check` agrees), wherever it is written.
 */
async function formatted(model) {
  const prettier = require("prettier");
  const options = (await prettier.resolveConfig(OUT)) || {};
  return prettier.format(generate(model), { ...options, filepath: OUT });
}

async function main(argv = process.argv.slice(2), env = process.env) {
  const { values } = parseArgs({
    args: argv,
    options: { specs: { type: "string" }, out: { type: "string" }, check: { type: "boolean" } },
  });
  const dir = values.specs || env[SPECS_ENV];
  if (!dir) {
    throw new SpecsUnavailable(
      `No Azure REST API specifications: scripts/generate-create-only.js reads the spec files it lists from a local checkout of Azure/azure-rest-api-specs (they are not in this repository).\n${howToGetSpecs()}`,
    );
  }
  const specsDir = path.resolve(dir);
  const raw = readCheckout(specsDir);
  const warn = (m) => console.warn(`warning: ${m}`);
  for (const w of commitWarnings(specsDir)) warn(w);
  const text = await formatted(modelFromRaw(raw, SPECS, RESOURCES, PATH_ONLY, warn));
  const out = values.out ? path.resolve(values.out) : OUT;
  if (values.check) {
    const current = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "";
    if (current !== text) {
      console.error(
        `${path.relative(process.cwd(), out)} is out of date: run node scripts/generate-create-only.js --specs ${dir}`,
      );
      return 1;
    }
    return 0;
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, text);
  return 0;
}

module.exports = {
  generate,
  formatted,
  modelFromRaw,
  readCheckout,
  commitWarnings,
  howToGetSpecs,
  SPECS,
  RESOURCES,
  PATH_ONLY,
  SPECS_ENV,
  OUT,
};
if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      if (e instanceof SpecsUnavailable) {
        console.error(e.message);
        process.exit(2);
      }
      console.error(e);
      process.exit(1);
    },
  );
}
