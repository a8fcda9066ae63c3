import * as pulumi from "@pulumi/pulumi";
import { revealSecrets } from "./secrets";

// Pulumi's runtime state and promise tracking are internal (their declarations are stripped), so they are required
// untyped and given the shape used here.
const runtimeState: {
  getStore(): { settings: { rpcDone: Promise<unknown> }; leakCandidates?: Set<unknown> };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
} = require("@pulumi/pulumi/runtime/state");

const debuggable: {
  debuggablePromise: <T>(p: Promise<T>, ctx?: unknown) => Promise<T>;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
} = require("@pulumi/pulumi/runtime/debuggable");

/**
 * Records what the Pulumi engine would see for every resource a program registers under mocks: URN, parent, inputs,
 * outputs, dependencies and property dependencies, and resource options. Pulumi's `MockMonitor` drops the graph
 * (its `MockResourceArgs` have no parent or dependencies), so this wraps the monitor's `registerResource` and reads
 * them from the same request the engine would receive.
 */
export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  id: string | undefined;
  parent: string | undefined;
  inputs: Record<string, any>;
  outputs: Record<string, any>;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  protect: boolean;
  retainOnDelete: boolean;
  /** Input property paths that were secrets (their values above are plain; renderings mask them). */
  secretInputs?: string[];
  /** Alias specs as sent to the engine (empty fields mean "same as the resource"). */
  aliases: RecordedAlias[];
}

/** One alias of a registration: a whole URN, or a spec of what differed before. */
export interface RecordedAlias {
  urn?: string;
  name?: string;
  type?: string;
  parentUrn?: string;
  noParent?: boolean;
}

/** A hook that sees each registration request before the mocks answer it; throwing rejects the registration. */
export type RegistrationCheck = (
  pending: Omit<RecordedResource, "urn" | "id" | "outputs"> & { urn: string },
) => void;

export class Recorder {
  readonly resources: RecordedResource[] = [];
  /** Registrations a check rejected (they never reach `resources`). */
  rejected = 0;
  private checks: RegistrationCheck[] = [];

  reset(): void {
    this.resources.length = 0;
    this.rejected = 0;
    this.checks = [];
  }

  /**
   * Resolves once the program can make no more progress: every registration it started has completed, failed, or waits
   * on a value that nothing left can resolve. Under mocks all of the runtime's work (serialising inputs, the mock
   * monitor's answers, resolving outputs, `.apply` callbacks that register more resources) runs as promise jobs, and
   * Node drains every queued promise job before it reaches the next event-loop turn. So: wait one turn
   * (`setImmediate`), and if during a whole turn no registration arrived and no keep-alive was added
   * (`settings.rpcDone`, one per registration, invoke and `registerOutputs`; nor, when promise tracking is on, did a
   * tracked promise start or settle), the program has settled. Usually two turns; no polling interval, no quiet
   * period. (A mock that answers through a timer or I/O rather than promise jobs would need a turn per wait.)
   *
   * Pulumi's own `waitForRPCs` (what `pulumi up` awaits before disconnecting) is not enough on its own here: after a
   * registration fails the runtime never resolves that resource's outputs, so a component whose `registerOutputs`
   * names them keeps its keep-alive pending forever (under the CLI the failure ends the process first).
   *
   * `maxMs` guards against a program that keeps making progress (a timer loop); `onProgress` sees the count whenever
   * it changed.
   */
  async settled(
    options: { maxMs?: number; onProgress?: (count: number) => void } = {},
  ): Promise<RecordedResource[]> {
    const { maxMs = 60_000, onProgress } = options;
    const start = Date.now();
    const snapshot = (): [unknown, number, number] => {
      const store = runtimeState.getStore();
      return [
        store.settings.rpcDone,
        store.leakCandidates?.size ?? 0,
        this.resources.length + this.rejected,
      ];
    };
    let before = snapshot();
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      const after = snapshot();
      if (after[2] !== before[2]) onProgress?.(this.resources.length);
      if (after.every((v, i) => v === before[i])) return this.resources;
      if (Date.now() - start > maxMs) {
        throw new Error(`the program was still registering resources after ${maxMs} ms`);
      }
      before = after;
    }
  }

  /** Adds a check run against each registration before it reaches the mocks (the simulated Azure's rules). */
  addCheck(check: RegistrationCheck): void {
    this.checks.push(check);
  }

  byType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** Runs the registered checks (called by the monitor wrapper). */
  runChecks(pending: Parameters<RegistrationCheck>[0]): void {
    for (const check of this.checks) check(pending);
  }
}

function urnFor(parent: string, type: string, name: string): string {
  const project = pulumi.getProject();
  const stack = pulumi.getStack();
  let qualified = type;
  if (parent) {
    const parentType = parent.split("::")[2].split("$").pop();
    qualified = `${parentType}$${type}`;
  }
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/**
 * Installs `mocks` (as `pulumi.runtime.setMocks` does) and wraps the monitor so every registration is recorded with
 * its graph. Returns the recorder.
 */
export function installRecordingMocks(
  mocks: pulumi.runtime.Mocks,
  options: { project?: string; stack?: string; preview?: boolean } = {},
): Recorder {
  if (!process.env.PULUMI_DEBUG_PROMISE_LEAKS) {
    // Pulumi wraps every promise it tracks in `debuggablePromise` (runtime/debuggable.js): a captured stack, an entry in
    // a leak-candidate Set and two more promises, kept until it settles, only for the report of promises still pending
    // at exit. Under mocks that report is noise; the wrappers were the largest group of closures in heap snapshots of
    // the preview (paired runs at 1,000 accounts: 2.59 → 2.42 GB peak RSS, 23.9 → 20.7 s, identical output). Every
    // caller reads the export at call time, so replacing it turns the tracking off; PULUMI_DEBUG_PROMISE_LEAKS=1
    // keeps it for debugging.
    debuggable.debuggablePromise = <T>(p: Promise<T>): Promise<T> => p;
  }
  // setMocks is declared async but installs the mock monitor synchronously.
  void pulumi.runtime.setMocks(
    mocks,
    options.project ?? "project",
    options.stack ?? "stack",
    options.preview ?? false,
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const rpc = require("@pulumi/pulumi/runtime/rpc");
  const monitor = settings.getMonitor();
  const recorder = new Recorder();
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) => {
    const type: string = req.getType();
    const name: string = req.getName();
    const parent: string = req.getParent();
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
      propertyDependencies[key] = deps.getUrnsList();
    });
    // Plain values for the simulated Azure and the policies (ARM sees secrets in plain text); the secret paths are kept
    // so the rendered output can mask them.
    const revealed = revealSecrets(rpc.deserializeProperties(req.getObject()));
    const inputs = revealed.value as Record<string, any>;
    const aliases: RecordedAlias[] = (req.getAliasesList() as any[]).map((a) => {
      if (a.hasSpec && a.hasSpec()) {
        const spec = a.getSpec();
        return {
          ...(spec.getName() ? { name: spec.getName() } : {}),
          ...(spec.getType() ? { type: spec.getType() } : {}),
          ...(spec.getParenturn() ? { parentUrn: spec.getParenturn() } : {}),
          ...(spec.getNoparent() ? { noParent: true } : {}),
        };
      }
      return { urn: a.getUrn() };
    });
    const pending = {
      urn: urnFor(parent, type, name),
      type,
      name,
      custom: req.getCustom(),
      parent: parent || undefined,
      inputs,
      dependencies: req.getDependenciesList() as string[],
      propertyDependencies,
      protect: req.getProtect() === true,
      retainOnDelete: req.getRetainondelete() === true,
      aliases,
      ...(revealed.paths.length > 0 ? { secretInputs: revealed.paths } : {}),
    };
    try {
      recorder.runChecks(pending);
    } catch (err) {
      recorder.rejected++;
      callback(err, undefined);
      return Promise.resolve();
    }
    return original(req, (err: any, resp: any) => {
      if (!err && resp) {
        recorder.resources.push({
          ...pending,
          urn: resp.getUrn(),
          id: resp.getId() || undefined,
          outputs: revealSecrets(rpc.deserializeProperties(resp.getObject())).value as Record<
            string,
            any
          >,
        });
      }
      callback(err, resp);
    });
  };
  // Reads (`pulumi.StackReference`, the only read this project makes) are recorded too, as the engine lists them among
  // the stack's resources (stack policies see them: a team stack's policies read the platform's key references from
  // the StackReference's `outputs`). The simulated Azure's checks do not apply: a read creates nothing.
  const originalRead = monitor.readResource.bind(monitor);
  monitor.readResource = (req: any, callback: (err: any, resp: any) => void) => {
    const type: string = req.getType();
    const name: string = req.getName();
    const parent: string = req.getParent();
    return originalRead(req, (err: any, resp: any) => {
      if (!err && resp) {
        recorder.resources.push({
          urn: resp.getUrn(),
          type,
          name,
          custom: true,
          id: req.getId() || undefined,
          parent: parent || undefined,
          inputs: revealSecrets(rpc.deserializeProperties(req.getProperties())).value as Record<
            string,
            any
          >,
          outputs: revealSecrets(rpc.deserializeProperties(resp.getProperties())).value as Record<
            string,
            any
          >,
          dependencies: req.getDependenciesList() as string[],
          propertyDependencies: {},
          protect: false,
          retainOnDelete: false,
          aliases: [],
        });
      }
      callback(err, resp);
    });
  };
  return recorder;
}
