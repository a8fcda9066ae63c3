import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { parseExistingVaults } from "../../preview/run";

const ROOT = path.resolve(__dirname, "..", "..");

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

  it("fails when a run throws, and leaves no process handler attached", () => {
    // In a child process: runPreview installs its own Pulumi mocks, which would replace this suite's.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "run-spec-"));
    try {
      const program = path.join(dir, "index.js");
      fs.writeFileSync(program, "module.exports = {};\n");
      const script = `
        const { runPreview } = require(${JSON.stringify(path.join(ROOT, "preview", "run"))});
        const count = () => [process.listenerCount("unhandledRejection"), process.listenerCount("uncaughtException")];
        const before = count();
        const broken = { file: "prev.json", format: "preview-json", resources: null };
        runPreview({ stack: "dev", program: ${JSON.stringify(program)}, policyConfig: false, previous: broken }).then(
          () => console.log(JSON.stringify({ rejected: false })),
          () => console.log(JSON.stringify({ rejected: true, before, after: count() })),
        );
      `;
      const r = spawnSync(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", "-e", script],
        { cwd: ROOT, encoding: "utf8" },
      );
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as {
        rejected: boolean;
        before?: number[];
        after?: number[];
      };
      assert.equal(out.rejected, true, "the run fails");
      assert.deepEqual(out.after, out.before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
