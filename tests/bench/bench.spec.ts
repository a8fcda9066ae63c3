import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * `npm run bench -- --quick` (a three-account fleet, a 4-team multi-stack fleet, no type-checking load) keeps working: it measures every row the
 * full bench measures and writes both files. Only the shape is checked; speed is measured by the bench, not by tests.
 */
describe("bench (quick mode)", function () {
  this.timeout(120_000);
  const ROOT = path.resolve(__dirname, "..", "..");
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "cmk-bench-quick-"));
  let run: { code: number; stdout: string; stderr: string };

  before(async () => {
    run = await new Promise((resolve) => {
      execFile(
        process.execPath,
        ["scripts/compiled.js", "bench/bench", "--quick", "--out", out],
        { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => {
          resolve({
            code: err ? (typeof err.code === "number" ? err.code : 1) : 0,
            stdout,
            stderr,
          });
        },
      );
    });
  });

  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it("measures the floor, the preview and the policies alone on the same fleet, and program load, in one run", () => {
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(fs.readFileSync(path.join(out, "bench.json"), "utf8")) as {
      quick: boolean;
      rows: {
        label: string;
        n: number | null;
        resources: number | null;
        wallMs: number;
        cpuMs: number;
        maxRssMiB: number;
      }[];
      ratios: { n: number; previewOverFloorWall: number }[];
    };
    assert.equal(result.quick, true);
    assert.deepEqual(
      result.rows.map((r) => [r.label, r.n]),
      [
        ["floor", 3],
        ["preview", 3],
        ["policy", 3],
        ["fleet preview", 4],
        ["program load (pulumi up, transpile-only)", null],
      ],
    );
    const [floor, preview, policy] = result.rows;
    assert.equal(preview.resources, floor.resources);
    assert.equal(policy.resources, preview.resources);
    for (const r of result.rows) {
      for (const k of ["wallMs", "cpuMs", "maxRssMiB"] as const) {
        assert.ok(Number.isFinite(r[k]) && r[k] > 0, `${r.label} ${k} = ${r[k]}`);
      }
    }
    assert.deepEqual(
      result.ratios.map((x) => x.n),
      [3],
    );
  });

  it("previews a generated fleet (4 teams, 2 platform stacks) with --fleet, with the largest worker's peak RSS and the workers' CPU", () => {
    const result = JSON.parse(fs.readFileSync(path.join(out, "bench.json"), "utf8")) as {
      rows: { label: string; cpuMs: number; maxRssMiB: number; marks: Record<string, number> }[];
      fleetScaling: { teams: number; msPerTeam: number }[];
    };
    const fleet = result.rows.find((r) => r.label === "fleet preview")!;
    assert.equal(fleet.marks.stacks, 6);
    assert.ok(fleet.marks.workers >= 1);
    assert.ok(fleet.cpuMs > fleet.marks.parentCpuMs, "the workers' CPU is counted");
    assert.equal(
      fleet.maxRssMiB,
      Math.max(fleet.marks.worker0MaxRssMiB, fleet.marks.worker1MaxRssMiB ?? 0),
    );
    assert.deepEqual(
      result.fleetScaling.map((f) => f.teams),
      [4],
    );
  });

  it("writes the Markdown table with one line per measurement", () => {
    const md = fs.readFileSync(path.join(out, "bench.md"), "utf8");
    assert.match(
      md,
      /\| Measure \| N accounts \| Resources \| Wall \(ms\) \| CPU \(ms\) \| Peak RSS \(MiB\) \| ms \/ resource \|/,
    );
    for (const label of [
      "floor",
      "preview",
      "policy",
      "fleet preview",
      "program load \\(pulumi up, transpile-only\\)",
    ]) {
      assert.match(md, new RegExp(`^\\| ${label} \\|`, "m"));
    }
    assert.match(md, /N=3: preview \/ floor = [\d.]+× wall/);
  });
});
