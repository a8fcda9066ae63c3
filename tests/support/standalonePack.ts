/**
 * Installs a copy of policy/ on its own and starts it the way the Pulumi CLI does, for
 * tests/policy/standalonePack.spec.ts.
 *
 * The CLI runs a Node.js pack as `node <pack>/node_modules/@pulumi/pulumi/cmd/run-policy-pack <engine> <pack>`
 * in the pack's folder. That script registers ts-node (the pack's own, else a bundled 7.0.1) with
 * `typeCheck: true`, the `typescript` next to the pack's @pulumi/pulumi (else a bundled 3.8.3) and
 * `target ES2020, module/moduleResolution nodenext` merged with the pack's tsconfig.json, then
 * requires the pack's `main`. The PolicyPack constructor serves gRPC on 127.0.0.1 and prints the port;
 * the CLI then asks `GetAnalyzerInfo` for the pack's policies. These helpers do exactly that.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";

export const POLICY_DIR = path.resolve(__dirname, "../../policy");

/** Copies policy/ (without node_modules/bin) into a fresh folder under the OS temp dir, outside the repository. */
export function copyPack(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cmk-guard-standalone-"));
  fs.cpSync(POLICY_DIR, dir, {
    recursive: true,
    filter: (src) =>
      !["node_modules", "bin"].includes(path.basename(src)) || path.dirname(src) !== POLICY_DIR,
  });
  return dir;
}

/**
 * `npm install` in the copy: only what policy/package.json declares. `--prefer-offline` takes packages from the npm cache
 * the repository's own `npm ci` filled and asks the registry only for what is missing. Runs in the background: the spec
 * starts it when mocha loads the file, so the install (about 15 s, mostly file system work) overlaps the specs that run
 * before it instead of adding to them.
 * The folder is removed at exit in any case (also when the spec's hooks never run, e.g. under --grep).
 */
export function installPackInBackground(dir: string): Promise<void> {
  process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  return new Promise((resolve, reject) => {
    const child = spawn(
      npm,
      ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
      { cwd: dir, env: withoutNpmRunEnv(), stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) resolve();
      else {
        reject(
          new Error(
            `npm install of the copied pack in ${dir} failed (exit ${code}, needs the npm cache or the registry):\n${stderr}`,
          ),
        );
      }
    });
  });
}

/**
 * The environment without `npm_*` variables: under `npm test` they carry the repository's settings (e.g.
 * `npm_config_local_prefix`), which would make the nested `npm install` act on the repository instead of the copy.
 */
function withoutNpmRunEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
}

export interface RunningPack {
  child: ChildProcess;
  port: number;
  stderr: () => string;
}

/** The outcome of a pack that exited before serving (e.g. a TypeScript error). */
export interface FailedPack {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the pack in `dir` through the @pulumi/pulumi/cmd/run-policy-pack it resolves, as the CLI does; resolves once it serves. */
export function startPack(dir: string): Promise<RunningPack | FailedPack> {
  // The Node.js language host resolves the runner from the pack folder (node_modules there or above it).
  const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [dir] });
  const child = spawn(process.execPath, [runner, "127.0.0.1:0", "."], {
    cwd: dir,
    env: withoutNpmRunEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      const m = /^(\d+)\s*$/m.exec(stdout);
      if (m) resolve({ child, port: Number(m[1]), stderr: () => stderr });
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

export interface AnalyzerInfo {
  name: string;
  version: string;
  policies: { name: string; enforcementLevel: number }[];
}

/** Calls `GetAnalyzerInfo` on the served pack with the copy's own gRPC client code, as the CLI does. */
export function analyzerInfo(dir: string, port: number): Promise<AnalyzerInfo> {
  const req = createRequire(require.resolve("@pulumi/pulumi/package.json", { paths: [dir] }));

  const grpc = req("@grpc/grpc-js");
  const { AnalyzerClient } = req("./proto/analyzer_grpc_pb");
  const { Empty } = req("google-protobuf/google/protobuf/empty_pb");

  const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return new Promise((resolve, reject) => {
    client.getAnalyzerInfo(new Empty(), (err: Error | null, res: any) => {
      client.close();
      if (err) return reject(err);
      resolve({
        name: res.getName(),
        version: res.getVersion(),
        policies: res
          .getPoliciesList()
          .map((p: any) => ({ name: p.getName(), enforcementLevel: p.getEnforcementlevel() })),
      });
    });
  });
}

export function isRunning(p: RunningPack | FailedPack): p is RunningPack {
  return "port" in p;
}
