#!/usr/bin/env node
/**
 * `npm run typecheck`: the repository (tsconfig.json) and the policy pack as its loader sees it (policy/tsconfig.json,
 * nodenext), both `tsc --noEmit`, run side by side (two processes; each is single-threaded). Fails when either fails,
 * printing both outputs.
 */
"use strict";
const { spawn } = require("child_process");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const tsc = require.resolve("typescript/bin/tsc", { paths: [ROOT] });
const run = (project) =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, "-p", project, "--noEmit"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => resolve({ project, code, out }));
  });

Promise.all([run("."), run("policy")]).then((results) => {
  for (const r of results) if (r.out) process.stdout.write(`tsc -p ${r.project}:\n${r.out}`);
  process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
});
