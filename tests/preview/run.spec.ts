import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PreviousDeployment } from "../../preview/diff";
import { parseExistingVaults, runPreview } from "../../preview/run";

/** preview/run.ts: the existing vaults a stack declares, and the process handlers of a run. */
describe("preview run (preview/run.ts)", () => {
  it("recognises Managed HSM URIs and ids among the existing vaults, like key vaults", () => {
    assert.deepEqual(
      parseExistingVaults(
        JSON.stringify([
          "https://hsm-a.managedhsm.azure.net/",
          "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/managedHSMs/HSM-B",
          "https://kv-c.vault.azure.net/",
          "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-d",
        ]),
      ),
      ["hsm-a", "hsm-b", "kv-c", "kv-d"],
    );
  });

  it("fails when a run throws, and leaves no process handler attached", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "run-spec-"));
    const program = path.join(dir, "index.js");
    fs.writeFileSync(program, "module.exports = {};\n");
    const before = [
      process.listenerCount("unhandledRejection"),
      process.listenerCount("uncaughtException"),
    ];
    const broken = {
      file: "prev.json",
      format: "preview-json",
      resources: null,
    } as unknown as PreviousDeployment;
    await assert.rejects(
      runPreview({ stack: "dev", program, policyConfig: false, previous: broken }),
    );
    assert.deepEqual(
      [process.listenerCount("unhandledRejection"), process.listenerCount("uncaughtException")],
      before,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
