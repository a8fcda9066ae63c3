/**
 * Loaded by .mocharc.json before any spec: installs Pulumi mocks that answer like Azure Resource Manager (ARM ids,
 * vaultUri, key URIs, identity ids, storage endpoints; see preview/armState.ts) and records every registration with
 * its dependency graph (preview/recorder.ts). Specs import `recorder` from tests/support/mocks.ts.
 */
// Mocha sets Error.stackTraceLimit to Infinity; the Pulumi runtime captures `new Error().stack` for every promise it
// tracks (runtime/debuggable.js), and ts-node's source-map-support maps each capture frame by frame. Node's default of
// 10 frames keeps failure stacks readable at a fraction of the cost.
Error.stackTraceLimit = 10;

import { armMocks } from "../preview/armState";
import { installRecordingMocks } from "../preview/recorder";

export const recorder = installRecordingMocks(armMocks(), {
  project: "cmk-storage",
  stack: "test",
});

/**
 * Errors that fail a deployment after construction: an input output that rejects (e.g. a value checked when it
 * resolves) makes the runtime reject the registration with "error serializing property …", which the Pulumi CLI
 * reports as the program's failure. Under mocks they surface as unhandled rejections; specs read them through
 * `deploymentErrors()` in tests/support/mocks.ts.
 */
export const unhandledRejections: unknown[] = [];
process.on("unhandledRejection", (reason) => {
  unhandledRejections.push(reason);
});

/**
 * Root hook (Mocha root-hook plugin): several component specs deliberately leave a deployment unfinished (an input that
 * rejects when it resolves, so the registration never completes). Pulumi's promise-leak detector, meant for a program
 * run, would report those at process exit and set exit code 1 although every test passed. The specs assert those
 * failures themselves, so the candidates are cleared once all tests are done.
 */
export const mochaHooks = {
  afterAll(): void {
    // Internal to Pulumi (declarations stripped), hence the untyped require.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
      leakedPromises(): unknown;
    };
    debuggable.leakedPromises();
  },
};

/**
 * Pulumi's log under mocks writes `warning: [runtime] …` to the console. The components' warnings are part of their
 * behaviour (a weakened default is always announced), so they are collected here instead of printed, and specs that
 * are about them assert them through `runtimeWarnings()` in tests/support/mocks.ts.
 */
export const collectedWarnings: string[] = [];
const consoleWarn = console.warn.bind(console);
console.warn = (...args: unknown[]): void => {
  const text = args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ");
  if (text.startsWith("warning: [runtime] ")) {
    collectedWarnings.push(text.slice("warning: [runtime] ".length));
  } else consoleWarn(...args);
};
