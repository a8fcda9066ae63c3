/**
 * stacks/index.ts, the program `pulumi up` runs, dispatches on cmk-storage:stackKind: run through the offline preview
 * (a child process: Pulumi's runtime state is process-global) with a platform stack file and with a bad kind.
 */
import * as assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { previewCli, ROOT } from "../support/previewCli";

describe("stacks/index.ts dispatches on cmk-storage:stackKind", () => {
  it("runs the platform program for a platform stack: a vault and its keys, no storage account", async () => {
    const r = await previewCli(
      "--stack",
      "platform-weu",
      "--stack-file",
      "stacks/fleet/Pulumi.platform-weu.yaml",
      "--policy-config",
      "policy/config/fleet/platform.json",
      "--json",
    );
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { resources: { type: string; name: string }[] };
    const types = doc.resources.map((x) => x.type);
    assert.equal(types.filter((t) => t === "azure-native:keyvault:Vault").length, 1);
    assert.equal(types.filter((t) => t === "azure-native:keyvault:Key").length, 2);
    assert.ok(!types.includes("azure-native:storage:StorageAccount"));
  });

  it("fails when the kind is unknown, before anything is registered", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "kind-"));
    try {
      const file = path.join(dir, "Pulumi.odd.yaml");
      writeFileSync(
        file,
        readFileSync(path.join(ROOT, "stacks/fleet/Pulumi.platform-weu.yaml"), "utf8").replace(
          "cmk-storage:stackKind: platform",
          "cmk-storage:stackKind: teams",
        ),
      );
      const r = await previewCli("--stack", "odd", "--stack-file", file, "--policy-defaults");
      assert.equal(r.code, 3, r.stdout + r.stderr);
      assert.match(
        r.stdout + r.stderr,
        /cmk-storage:stackKind must be one of single, platform, team \(did you mean "team"\?/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
