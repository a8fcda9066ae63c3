import * as assert from "node:assert/strict";
import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import {
  CMK_STORAGE_ACCOUNT_ARGUMENTS,
  MANAGED_KEY_ROTATION_ARGUMENTS,
  SECURE_VAULT_ARGUMENTS,
  type ArgumentShape,
} from "../../../components/argumentNames";
import { PACKAGE_NAME, TYPES } from "../../../components/componentTypes";
import { PACKAGE_DIR, packageSchema, type SchemaProperty } from "./support";

/** Every way a property can fail to be typed: no type and no reference, or Pulumi's untyped `Any`. */
function untyped(p: SchemaProperty): boolean {
  if (p.$ref) return p.$ref.endsWith("/Any");
  if (!p.type) return true;
  if (p.type === "array") return untyped(p.items ?? {});
  if (p.type === "object" && p.additionalProperties) return untyped(p.additionalProperties);
  return false;
}

describe("component package schema (what `pulumi package add` publishes to other languages)", function () {
  // The analyzer type-checks the package sources once (a few seconds); the schema is cached for the file.
  this.timeout(120_000);

  it("is a Node.js Pulumi plugin named after the npm package", async () => {
    const plugin = parse(readFileSync(path.join(PACKAGE_DIR, "PulumiPlugin.yaml"), "utf8")) as {
      runtime: string;
    };
    assert.equal(plugin.runtime, "nodejs");
    const schema = await packageSchema();
    assert.equal(schema.name, PACKAGE_NAME);
    assert.equal(schema.namespace, "cmk-platform");
    assert.equal(
      schema.version,
      (
        JSON.parse(readFileSync(path.join(PACKAGE_DIR, "package.json"), "utf8")) as {
          version: string;
        }
      ).version,
    );
  });

  it("holds exactly SecureVault, ManagedKeyRotation and CmkStorageAccount, as components with index tokens", async () => {
    const schema = await packageSchema();
    assert.deepEqual(
      Object.keys(schema.resources).sort(),
      [TYPES.CmkStorageAccount, TYPES.ManagedKeyRotation, TYPES.SecureVault].sort(),
    );
    for (const [token, r] of Object.entries(schema.resources)) {
      assert.equal(r.isComponent, true, token);
      assert.match(token, new RegExp(`^${PACKAGE_NAME}:index:[A-Z][A-Za-z]+$`));
    }
  });

  it("types and describes every input and output, and states the default of every optional input", async () => {
    const schema = await packageSchema();
    const problems: string[] = [];
    for (const [token, r] of Object.entries(schema.resources)) {
      for (const [kind, props] of [
        ["input", r.inputProperties],
        ["output", r.properties],
      ] as const) {
        for (const [name, p] of Object.entries(props)) {
          if (untyped(p)) {
            problems.push(`${token} ${kind} ${name} is untyped: ${JSON.stringify(p)}`);
          }
          if (!p.description?.trim()) problems.push(`${token} ${kind} ${name} has no description`);
          if (
            kind === "input" &&
            !(r.requiredInputs ?? []).includes(name) &&
            !/Default:\s/.test(p.description ?? "")
          ) {
            problems.push(
              `${token} input ${name} is optional but its description states no default`,
            );
          }
        }
      }
    }
    for (const [token, t] of Object.entries(schema.types)) {
      if (t.enum) {
        if (t.enum.length === 0) problems.push(`${token} is an empty enum`);
        continue;
      }
      for (const [name, p] of Object.entries(t.properties ?? {})) {
        if (untyped(p)) problems.push(`${token}.${name} is untyped`);
        if (!p.description?.trim()) problems.push(`${token}.${name} has no description`);
        const output = token.endsWith(":AccountEndpoints");
        if (
          !output &&
          !(t.required ?? []).includes(name) &&
          !/Default:\s/.test(p.description ?? "")
        ) {
          problems.push(`${token}.${name} is optional but states no default`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it("lists exactly the schema's inputs, and each nested type's properties, in the components' known argument names", async () => {
    const schema = await packageSchema();
    // The names an untyped caller may send are the schema's: a name the runtime list lacks would be refused although
    // the schema offers it, a name the schema lacks would be accepted although no SDK can send it.
    const compare = (
      where: string,
      properties: Record<string, SchemaProperty>,
      shape: ArgumentShape<unknown>,
    ): void => {
      assert.deepEqual([...shape.names].sort(), Object.keys(properties).sort(), where);
      const nested = shape.nested as Record<string, ArgumentShape<unknown>>;
      for (const [name, inner] of Object.entries(nested)) {
        const p = properties[name];
        const ref = p.$ref ?? p.items?.$ref;
        assert.ok(ref, `${where}.${name} is not a reference to an object type`);
        const type = schema.types[ref.replace(/^#\/types\//, "")];
        compare(`${where}.${name}`, type.properties ?? {}, inner);
      }
    };
    compare(
      "SecureVault",
      schema.resources[TYPES.SecureVault].inputProperties,
      SECURE_VAULT_ARGUMENTS as ArgumentShape<unknown>,
    );
    compare(
      "ManagedKeyRotation",
      schema.resources[TYPES.ManagedKeyRotation].inputProperties,
      MANAGED_KEY_ROTATION_ARGUMENTS as ArgumentShape<unknown>,
    );
    compare(
      "CmkStorageAccount",
      schema.resources[TYPES.CmkStorageAccount].inputProperties,
      CMK_STORAGE_ACCOUNT_ARGUMENTS as ArgumentShape<unknown>,
    );
  });

  it("references the components to each other only through plain-data vault and key references", async () => {
    const schema = await packageSchema();
    const key = schema.resources[TYPES.ManagedKeyRotation].inputProperties["vault"];
    assert.equal(key.$ref, `#/types/${PACKAGE_NAME}:index:VaultReference`);
    const account = schema.resources[TYPES.CmkStorageAccount].inputProperties;
    assert.equal(account["key"].$ref, `#/types/${PACKAGE_NAME}:index:KeyReference`);
    assert.equal(
      account["accessKeySecretVault"].$ref,
      `#/types/${PACKAGE_NAME}:index:VaultReference`,
    );
    const vaultRef = schema.types[`${PACKAGE_NAME}:index:VaultReference`];
    assert.deepEqual(Object.keys(vaultRef.properties!).sort(), [
      "location",
      "permissionModel",
      "sku",
      "tenantId",
      "vaultId",
      "vaultUri",
    ]);
    assert.deepEqual([...(vaultRef.required ?? [])].sort(), ["permissionModel", "vaultId"]);
    const keyRef = schema.types[`${PACKAGE_NAME}:index:KeyReference`];
    assert.deepEqual(Object.keys(keyRef.properties!).sort(), [
      "keyId",
      "keyName",
      "managedHsm",
      "vault",
    ]);
    // Exactly one of vault and managedHsm: both optional in the schema, checked by the component.
    assert.deepEqual([...(keyRef.required ?? [])].sort(), ["keyName"]);
    assert.equal(
      keyRef.properties!["managedHsm"].$ref,
      `#/types/${PACKAGE_NAME}:index:ManagedHsmReference`,
    );
    assert.match(keyRef.properties!["managedHsm"].description ?? "", /Managed HSM local role/);
    assert.match(keyRef.properties!["vault"].description ?? "", /Required unless `managedHsm`/);
    const hsmRef = schema.types[`${PACKAGE_NAME}:index:ManagedHsmReference`];
    assert.deepEqual(Object.keys(hsmRef.properties!).sort(), [
      "hsmId",
      "hsmUri",
      "location",
      "tenantId",
    ]);
    assert.deepEqual([...(hsmRef.required ?? [])].sort(), ["hsmId"]);
    for (const [name, prop] of Object.entries(hsmRef.properties!)) {
      assert.equal(prop.type, "string", `ManagedHsmReference.${name}`);
      assert.ok((prop.description ?? "").length > 20, `ManagedHsmReference.${name} is described`);
    }
    assert.match(
      hsmRef.properties!["hsmUri"].description ?? "",
      /Default: `https:\/\/<HSM name>\.managedhsm\.azure\.net`/,
    );
    // No property anywhere points at a component or at azure-native resources: every language can build these.
    const all = JSON.stringify(schema);
    assert.doesNotMatch(all, /"\$ref":"\/azure-native\//);
    assert.doesNotMatch(all, /"\$ref":"#\/resources\//);
  });

  it("publishes the closed value sets as enums", async () => {
    const schema = await packageSchema();
    const values = (name: string): string[] =>
      schema.types[`${PACKAGE_NAME}:index:${name}`].enum!.map((e) => e.value).sort();
    assert.deepEqual(values("VaultSku"), ["premium", "standard"]);
    assert.deepEqual(values("VaultPermissionModel"), ["accessPolicy", "rbac"]);
    assert.deepEqual(values("CmkKeyType"), ["RSA", "RSA-HSM"]);
    assert.deepEqual(values("StorageSku"), [
      "Standard_GRS",
      "Standard_GZRS",
      "Standard_LRS",
      "Standard_RAGRS",
      "Standard_RAGZRS",
      "Standard_ZRS",
    ]);
    assert.deepEqual(values("PrincipalType"), ["Group", "ServicePrincipal", "User"]);
    assert.equal(
      schema.resources[TYPES.SecureVault].inputProperties["sku"].$ref,
      `#/types/${PACKAGE_NAME}:index:VaultSku`,
    );
  });

  it("exposes one output per meaning and no internal resources", async () => {
    const schema = await packageSchema();
    const outputs = (t: string): string[] => Object.keys(schema.resources[t].properties).sort();
    assert.deepEqual(outputs(TYPES.SecureVault), [
      "location",
      "lockId",
      "permissionModel",
      "privateEndpointId",
      "resourceGroupName",
      "sku",
      "tenantId",
      "vaultId",
      "vaultName",
      "vaultUri",
    ]);
    assert.deepEqual(outputs(TYPES.ManagedKeyRotation), [
      "keyId",
      "keyName",
      "keySize",
      "keyType",
      "keyUri",
      "keyUriWithVersion",
    ]);
    assert.deepEqual(outputs(TYPES.CmkStorageAccount), [
      "accessKeySecretId",
      "accountId",
      "accountName",
      "identityClientId",
      "identityId",
      "identityPrincipalId",
      "keyGrantId",
      "keyName",
      "keyVaultUri",
      "lockId",
      "primaryEndpoints",
      "privateEndpointIds",
    ]);
  });

  it("holds the private endpoint, diagnostics, lock and blob protection inputs as typed objects and enums", async () => {
    const schema = await packageSchema();
    const t = (name: string) => schema.types[`${PACKAGE_NAME}:index:${name}`];
    const ref = (name: string) => `#/types/${PACKAGE_NAME}:index:${name}`;
    const account = schema.resources[TYPES.CmkStorageAccount].inputProperties;
    const vault = schema.resources[TYPES.SecureVault].inputProperties;
    assert.deepEqual(
      [account["privateEndpoints"].type, account["privateEndpoints"].items?.$ref],
      ["array", ref("StoragePrivateEndpoint")],
    );
    assert.equal(vault["privateEndpoints"].items?.$ref, ref("VaultPrivateEndpoint"));
    for (const props of [account, vault]) {
      assert.equal(props["diagnosticSettings"].items?.$ref, ref("DiagnosticSetting"));
      assert.equal(props["lock"].$ref, ref("ResourceLock"));
    }
    assert.equal(account["blobServices"].$ref, ref("BlobServices"));
    assert.equal("blobServices" in vault, false);
    assert.deepEqual([...(t("StoragePrivateEndpoint").required ?? [])].sort(), [
      "service",
      "subnetResourceId",
    ]);
    assert.equal(t("StoragePrivateEndpoint").properties!["service"].$ref, ref("StorageService"));
    assert.deepEqual(t("VaultPrivateEndpoint").required, ["subnetResourceId"]);
    assert.equal(t("ResourceLock").properties!["kind"].$ref, ref("LockKind"));
    assert.deepEqual(
      t("LockKind").enum!.map((e) => e.value),
      ["CanNotDelete", "None"],
      "ReadOnly is not offered",
    );
    assert.deepEqual(
      t("StorageService")
        .enum!.map((e) => e.value)
        .sort(),
      [
        "blob",
        "blob_secondary",
        "dfs",
        "dfs_secondary",
        "file",
        "queue",
        "queue_secondary",
        "table",
        "table_secondary",
        "web",
        "web_secondary",
      ],
    );
    assert.deepEqual(
      Object.entries(t("BlobServices").properties!).map(([k, p]) => `${k}:${p.type}`),
      [
        "deleteRetentionPolicyEnabled:boolean",
        "deleteRetentionPolicyDays:number",
        "containerDeleteRetentionPolicyEnabled:boolean",
        "containerDeleteRetentionPolicyDays:number",
        "isVersioningEnabled:boolean",
        "changeFeedEnabled:boolean",
        "changeFeedRetentionInDays:number",
        "restorePolicyEnabled:boolean",
        "restorePolicyDays:number",
      ],
    );
    assert.deepEqual(Object.keys(t("DiagnosticSetting").properties!).sort(), [
      "eventHubAuthorizationRuleResourceId",
      "eventHubName",
      "logAnalyticsDestinationType",
      "name",
      "storageAccountResourceId",
      "workspaceResourceId",
    ]);
    const ids = schema.resources[TYPES.CmkStorageAccount].properties["privateEndpointIds"];
    assert.deepEqual([ids.type, ids.additionalProperties?.type], ["object", "string"]);
  });
});
