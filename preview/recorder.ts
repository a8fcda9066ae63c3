import * as pulumi from "@pulumi/pulumi";

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
export type RegistrationCheck = (pending: Omit<RecordedResource, "urn" | "id" | "outputs"> & { urn: string }) => void;

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
   * Waits until the program has stopped registering resources: no registration (recorded or rejected) for `quietMs`,
   * or `maxMs` passed. `onProgress` sees the count whenever it changes.
   */
  async settled(options: { quietMs?: number; maxMs?: number; onProgress?: (count: number) => void } = {}): Promise<RecordedResource[]> {
    const { quietMs = 50, maxMs = 60_000, onProgress } = options;
    const start = Date.now();
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      await new Promise((r) => setTimeout(r, 10));
      const n = this.resources.length + this.rejected;
      if (n !== last) {
        last = n;
        lastChange = Date.now();
        onProgress?.(this.resources.length);
      } else if (Date.now() - lastChange >= quietMs || Date.now() - start > maxMs) {
        return this.resources;
      }
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
    const parentType = parent.split("::")[2]!.split("$").pop();
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
  // setMocks is declared async but installs the mock monitor synchronously.
  void pulumi.runtime.setMocks(mocks, options.project ?? "project", options.stack ?? "stack", options.preview ?? false);
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
    const inputs = rpc.deserializeProperties(req.getObject());
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
          outputs: rpc.deserializeProperties(resp.getObject()),
        });
      }
      callback(err, resp);
    });
  };
  return recorder;
}
