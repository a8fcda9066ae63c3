import * as assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO } from "../../support/stackFiles";
import { PACKAGE_DIR } from "./support";

interface Manifest {
  name: string;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
}

/** A TypeScript program of another team: imports the package by name, runs under its own mocks, prints what it registered. */
const CONSUMER = `
import * as pulumi from "@pulumi/pulumi";
import { CmkStorageAccount, ManagedKeyRotation, SecureVault, VaultSku, type KeyReference } from "@cmk-platform/azure-cmk-storage";
import { accessKeyRotationPermissions } from "@cmk-platform/azure-cmk-storage/access-key-rotation";

const SUB = "/subscriptions/00000000-0000-4000-8000-000000000001";
const registered: string[] = [];
void pulumi.runtime.setMocks({
  newResource(a) {
    registered.push(a.type + "::" + a.name);
    const rg = a.inputs.resourceGroupName;
    if (a.type === "azure-native:keyvault:Vault") {
      return { id: SUB + "/resourceGroups/" + rg + "/providers/Microsoft.KeyVault/vaults/" + a.inputs.vaultName, state: { ...a.inputs, name: a.inputs.vaultName, properties: { ...a.inputs.properties, vaultUri: "https://" + a.inputs.vaultName + ".vault.azure.net/" } } };
    }
    if (a.type === "azure-native:keyvault:Key") return { id: a.name, state: { ...a.inputs, name: a.inputs.keyName, keyUri: "https://kv/keys/" + a.inputs.keyName } };
    if (a.type === "random:index/randomString:RandomString") return { id: a.name, state: { ...a.inputs, result: "abc123" } };
    if (a.type === "azure-native:storage:StorageAccount") return { id: a.name, state: { ...a.inputs, name: a.inputs.accountName, primaryEndpoints: { blob: "https://b/" } } };
    return { id: a.name + "-id", state: { ...a.inputs, principalId: "11111111-1111-4111-8111-111111111111", tenantId: "22222222-2222-4222-8222-222222222222" } };
  },
  call: () => ({ tenantId: "22222222-2222-4222-8222-222222222222", subscriptionId: "00000000-0000-4000-8000-000000000001", objectId: "33333333-3333-4333-8333-333333333333", clientId: "x" }),
}, "consumer", "dev", false);

const vault = new SecureVault("shared", { resourceGroupName: "rg-team", location: "westeurope", sku: VaultSku.Premium });
const key: KeyReference = new ManagedKeyRotation("shared-cmk", { vault: vault.reference(), keyType: "RSA-HSM" }).reference();
const account = new CmkStorageAccount("reports", { resourceGroupName: "rg-team", location: "westeurope", key });
// A key in a Managed HSM: the grant is a Managed HSM local role assignment from @pulumi/azure (a declared dependency).
const archive = new CmkStorageAccount("archive", { resourceGroupName: "rg-team", location: "westeurope", key: { managedHsm: { hsmId: SUB + "/resourceGroups/rg-hsm/providers/Microsoft.KeyVault/managedHSMs/hsm-team", location: "westeurope" }, keyName: "archive-cmk" } });
pulumi.all([account.accountName, account.keyVaultUri, archive.keyVaultUri]).apply(([name, uri, hsmUri]) => {
  setTimeout(() => {
    console.log(JSON.stringify({ name, uri, hsmUri, roles: accessKeyRotationPermissions().storageAccountRoles, registered: registered.sort(), tsNode: Object.keys(require.extensions).includes(".ts") }));
  }, 200);
});
`;

describe("component package as another team installs it (npm pack)", function () {
  this.timeout(180_000);
  let tmp: string;
  let tarball: string;
  let entries: string[];

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cmk-consumer-"));
    // `npm test` built bin/ already; --ignore-scripts packs exactly that build.
    const packed = JSON.parse(
      execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", tmp], {
        cwd: PACKAGE_DIR,
        encoding: "utf8",
      }),
    ) as { filename: string; files: { path: string }[] }[];
    tarball = path.join(tmp, packed[0].filename);
    entries = packed[0].files.map((f) => f.path);
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("ships compiled JavaScript, declarations and source maps only, no sources, tests or other folders", () => {
    const other = entries.filter((e) => !/^bin\/.*\.(js|d\.ts|js\.map|d\.ts\.map)$/.test(e));
    assert.deepEqual(other.sort(), ["CHANGELOG.md", "README.md", "package.json"]);
    for (const entry of [
      "bin/index.js",
      "bin/index.d.ts",
      "bin/secureVault.js.map",
      "bin/accessKeyRotationEntry.d.ts",
    ]) {
      assert.ok(entries.includes(entry), entry);
    }
    assert.equal(entries.filter((e) => e.endsWith(".ts") && !e.endsWith(".d.ts")).length, 0);
  });

  it("declares every module its compiled code requires, with the Pulumi SDKs as peer ranges", () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(PACKAGE_DIR, "package.json"), "utf8"),
    ) as Manifest;
    const declared = new Set([
      ...Object.keys(manifest.dependencies),
      ...Object.keys(manifest.peerDependencies),
    ]);
    const required = new Set<string>();
    for (const entry of entries.filter((e) => e.endsWith(".js"))) {
      const code = fs.readFileSync(path.join(PACKAGE_DIR, entry), "utf8");
      for (const m of code.matchAll(/require\("([^".][^"]*)"\)/g)) {
        const spec = m[1];
        if (
          spec.startsWith("node:") ||
          ["fs", "path", "os", "http", "https", "crypto", "url", "util"].includes(spec)
        ) {
          continue;
        }
        required.add(
          spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0],
        );
      }
    }
    assert.deepEqual(
      [...required].filter((r) => !declared.has(r)),
      [],
    );
    for (const peer of ["@pulumi/pulumi", "@pulumi/azure-native", "@pulumi/random"]) {
      assert.match(
        manifest.peerDependencies[peer] ?? "",
        /^\^\d/,
        `${peer} is a peer range, so a consumer keeps one copy and one default provider`,
      );
      assert.equal(peer in manifest.dependencies, false, peer);
    }
  });

  it("loads by package name in plain node from the repository root (the workspace link to the build)", () => {
    const out = execFileSync(
      process.execPath,
      [
        "-e",
        `
      const m = require("@cmk-platform/azure-cmk-storage");
      const r = require("@cmk-platform/azure-cmk-storage/access-key-rotation");
      console.log(JSON.stringify({ main: require.resolve("@cmk-platform/azure-cmk-storage"), classes: [m.SecureVault, m.ManagedKeyRotation, m.CmkStorageAccount, r.StorageAccessKeyRotation].map((c) => c.name) }));
    `,
      ],
      { cwd: REPO, encoding: "utf8" },
    );
    const result = JSON.parse(out) as { main: string; classes: string[] };
    assert.equal(path.relative(REPO, result.main), path.join("components", "bin", "index.js"));
    assert.deepEqual(result.classes, [
      "SecureVault",
      "ManagedKeyRotation",
      "CmkStorageAccount",
      "StorageAccessKeyRotation",
    ]);
  });

  it("type-checks a strict TypeScript consumer against the declarations and runs it as plain JavaScript without ts-node", () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(PACKAGE_DIR, "package.json"), "utf8"),
    ) as Manifest;
    const project = path.join(tmp, "consumer");
    const installed = path.join(project, "node_modules", ...manifest.name.split("/"));
    fs.mkdirSync(installed, { recursive: true });
    execFileSync("tar", ["xzf", tarball, "-C", installed, "--strip-components=1"]);
    // Only what the package declares (and the consumer's own @types/node) is installed next to it, so an undeclared
    // dependency cannot resolve. The packages come from this repository's node_modules (no registry needed).
    for (const dep of [
      ...Object.keys(manifest.dependencies),
      ...Object.keys(manifest.peerDependencies),
      "@types/node",
    ]) {
      const link = path.join(project, "node_modules", ...dep.split("/"));
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(path.join(REPO, "node_modules", ...dep.split("/")), link, "dir");
    }
    fs.writeFileSync(path.join(project, "index.ts"), CONSUMER);
    fs.writeFileSync(
      path.join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: "ES2022",
          module: "commonjs",
          moduleResolution: "node",
          esModuleInterop: true,
          skipLibCheck: false,
          types: ["node"],
          outDir: "bin",
        },
        files: ["index.ts"],
      }),
    );
    execFileSync(
      process.execPath,
      [path.join(REPO, "node_modules", "typescript", "bin", "tsc"), "-p", project],
      { cwd: project, encoding: "utf8" },
    );
    const out = execFileSync(process.execPath, [path.join(project, "bin", "index.js")], {
      cwd: project,
      encoding: "utf8",
    });
    const result = JSON.parse(out.trim().split("\n").pop()!) as {
      name: string;
      uri: string;
      hsmUri: string;
      roles: string[];
      registered: string[];
      tsNode: boolean;
    };
    assert.equal(result.tsNode, false, "no TypeScript loader in the consumer's process");
    assert.equal(result.name, "reportsabc123");
    assert.equal(result.uri, "https://shared-abc123.vault.azure.net");
    assert.equal(result.hsmUri, "https://hsm-team.managedhsm.azure.net");
    assert.deepEqual(result.roles, ["StorageAccountKeyOperatorServiceRole", "Reader"]);
    assert.deepEqual(result.registered, [
      "azure-cmk-storage:index:CmkStorageAccount::archive",
      "azure-cmk-storage:index:CmkStorageAccount::reports",
      "azure-cmk-storage:index:ManagedKeyRotation::shared-cmk",
      "azure-cmk-storage:index:SecureVault::shared",
      "azure-native:keyvault:AccessPolicy::reports-key-access",
      "azure-native:keyvault:Key::shared-cmk-key",
      "azure-native:keyvault:Vault::shared-vault",
      "azure-native:managedidentity:UserAssignedIdentity::archive-identity",
      "azure-native:managedidentity:UserAssignedIdentity::reports-identity",
      "azure-native:storage:BlobServiceProperties::archive-blob-service",
      "azure-native:storage:BlobServiceProperties::reports-blob-service",
      "azure-native:storage:StorageAccount::archive-account",
      "azure-native:storage:StorageAccount::reports-account",
      "azure:keyvault/managedHardwareSecurityModuleRoleAssignment:ManagedHardwareSecurityModuleRoleAssignment::archive-key-access",
      "random:index/randomString:RandomString::archive-name-suffix",
      "random:index/randomString:RandomString::reports-name-suffix",
      "random:index/randomString:RandomString::shared-name-suffix",
      "time:index/sleep:Sleep::archive-rbac-propagation",
    ]);
  });
});
