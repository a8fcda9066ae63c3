/**
 * Test harness: a fake TokenCredential, a tiny stand-in for the Pulumi engine's create/diff/update cycle around the
 * dynamic provider, crash injection around the Azure clients, and the invariants checked after every scenario.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { AzureLogger, setLogLevel } from "@azure/logger";
import assert from "node:assert/strict";
import type {
  AzureTransportOptions,
  RotationClients,
  RotationEndpoints,
} from "../../../components/accessKeyRotation/azureClients";
import { createAzureRotationClients } from "../../../components/accessKeyRotation/azureClients";
import type {
  AccessKeyRotationInputs,
  AccessKeyRotationOutputs,
} from "../../../components/accessKeyRotation/provider";
import { accessKeyRotationProvider } from "../../../components/accessKeyRotation/provider";
import type { FakeAzure } from "./fakeAzure";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Issues opaque tokens; records the scopes asked for. */
export class FakeCredential implements TokenCredential {
  readonly scopes: string[] = [];
  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    const list = Array.isArray(scopes) ? scopes : [scopes];
    this.scopes.push(...list);
    return {
      token: `fake-token.${Buffer.from(list.join(" ")).toString("base64url")}`,
      expiresOnTimestamp: Date.now() + 3600_000,
    };
  }
}

/** A controllable clock shared by the fake (key creation times) and the provider (schedule). */
export class TestClock {
  constructor(private t: number) {}
  now = (): Date => new Date(this.t);
  advanceDays(days: number): void {
    this.t += days * DAY_MS;
  }
  advanceMs(ms: number): void {
    this.t += ms;
  }
}

/**
 * A fake clock for long client-side waits (Retry-After): while installed, a timer of at least `thresholdMs` (the SDK
 * sleeps through `setTimeout` in @azure/core-util's `delay`) fires on the next turn of the event loop instead, and its
 * duration is added to `elapsedMs()`, the clock the fake Azure stamps requests with. A client that waits the 1 s a
 * server asked for therefore shows a 1 s gap between its requests without sleeping; one that does not wait shows
 * none. Shorter timers (retry back-off of a few ms, attempt timeouts) stay real.
 */
export class SkippedWaits {
  /** Durations of the waits skipped, in order. */
  readonly skipped: number[] = [];
  private offset = 0;
  private saved: typeof setTimeout | undefined;
  constructor(private readonly thresholdMs = 500) {}
  elapsedMs = (): number => Date.now() + this.offset;
  install(): void {
    const real = (this.saved = globalThis.setTimeout);
    const patched = ((handler: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      if (typeof ms === "number" && ms >= this.thresholdMs) {
        this.skipped.push(ms);
        this.offset += ms;
        return real(handler, 0, ...args);
      }
      return real(handler, ms, ...args);
    }) as typeof setTimeout;
    globalThis.setTimeout = Object.assign(patched, real);
  }
  uninstall(): void {
    if (this.saved) globalThis.setTimeout = this.saved;
    this.saved = undefined;
  }
}

/** Short retry delays and attempt timeouts so fault scenarios stay fast. */
export function testTransport(fake: FakeAzure, credential: TokenCredential): AzureTransportOptions {
  return {
    credential,
    agent: fake.agent,
    armEndpoint: fake.armEndpoint,
    maxRetries: 4,
    retryDelayInMs: 5,
    maxRetryDelayInMs: 20,
    attemptTimeoutMs: 250,
  };
}

/** Wraps clients so that the process "dies" right after the named call succeeds (once). */
export class CrashSwitch {
  armed: keyof RotationClients | undefined;
  wrap(clients: RotationClients): RotationClients {
    const wrapped = {} as Record<string, unknown>;
    for (const name of Object.keys(clients) as (keyof RotationClients)[]) {
      wrapped[name] = async (...args: unknown[]) => {
        const result = await (clients[name] as (...a: unknown[]) => Promise<unknown>)(...args);
        if (this.armed === name) {
          this.armed = undefined;
          throw new Error(`simulated crash after ${name}`);
        }
        return result;
      };
    }
    return wrapped as unknown as RotationClients;
  }
}

/** Captures everything the Azure SDK logs (at verbose level) and the console, to search it for key values. */
export class LogCapture {
  readonly lines: string[] = [];
  private saved?: {
    log: typeof AzureLogger.log;
    console: Record<string, (...a: unknown[]) => void>;
  };
  start(): void {
    const consoleSaved: Record<string, (...a: unknown[]) => void> = {};
    for (const m of ["log", "info", "warn", "error", "debug"] as const) {
      consoleSaved[m] = console[m];
      console[m] = (...a: unknown[]) => {
        this.lines.push(a.map(String).join(" "));
      };
    }
    this.saved = { log: AzureLogger.log, console: consoleSaved };
    AzureLogger.log = (...a: unknown[]) => {
      this.lines.push(a.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).join(" "));
    };
    setLogLevel("verbose");
  }
  stop(): void {
    if (!this.saved) return;
    setLogLevel("error");
    AzureLogger.log = this.saved.log;
    for (const [m, f] of Object.entries(this.saved.console)) {
      (console as unknown as Record<string, unknown>)[m] = f;
    }
    this.saved = undefined;
  }
}

export type Operation = "create" | "update" | "same" | "replace";

/**
 * The engine's view of one dynamic resource: `up()` = create when there is no state, else diff and update when the
 * diff reports changes; the returned outputs become the state (unless `dropStateWrite` simulates a crash between the
 * provider returning and the engine recording state). `preview()` is the diff alone.
 */
export class MiniEngine {
  state: { id: string; outs: AccessKeyRotationOutputs } | undefined;
  /** Everything that reached "the engine": state, diff results, error messages. */
  readonly recorded: string[] = [];
  readonly provider;

  constructor(
    readonly inputs: AccessKeyRotationInputs,
    transport: AzureTransportOptions,
    readonly clock: TestClock,
    readonly crash = new CrashSwitch(),
  ) {
    this.provider = accessKeyRotationProvider({
      now: clock.now,
      clients: (ep: RotationEndpoints) => crash.wrap(createAzureRotationClients(ep, transport)),
    });
  }

  /** State loss: the stack's record of the resource is gone (new stack, lost backend, `pulumi state delete`). */
  forgetState(): void {
    this.state = undefined;
  }

  async preview(): Promise<Operation> {
    if (!this.state) {
      return "create";
    }
    const diff = await this.record(
      this.provider.diff!(this.state.id, this.state.outs, this.inputs),
    );
    if (diff.replaces && diff.replaces.length > 0) return "replace";
    return diff.changes ? "update" : "same";
  }

  async up(options: { dropStateWrite?: boolean } = {}): Promise<Operation> {
    let op: Operation;
    let next: { id: string; outs: AccessKeyRotationOutputs };
    if (!this.state) {
      op = "create";
      const created = await this.record(this.provider.create(this.inputs));
      next = { id: created.id, outs: created.outs! };
    } else {
      op = await this.preview();
      if (op === "same") return op;
      const updated = await this.record(
        this.provider.update!(this.state.id, this.state.outs, this.inputs),
      );
      next = { id: this.state.id, outs: updated.outs! };
    }
    if (!options.dropStateWrite) {
      this.state = next;
    }
    return op;
  }

  /** `up()` that is expected to fail; returns the error message. */
  async upFails(): Promise<string> {
    try {
      await this.up();
    } catch (e) {
      return (e as Error).message;
    }
    assert.fail("expected the run to fail");
  }

  private async record<T>(p: Promise<T>): Promise<T> {
    try {
      const result = await p;
      this.recorded.push(JSON.stringify(result));
      if (this.state) this.recorded.push(JSON.stringify(this.state));
      return result;
    } catch (e) {
      const err = e as Error;
      this.recorded.push(`${err.message}\n${err.stack ?? ""}`);
      throw e;
    }
  }
}

/**
 * The invariants checked after every scenario:
 * 1. the secret's latest version is rotation-managed and holds the value currently valid for the key it names;
 * 2. the previously published key (latest version naming the other key) is still valid while its grace period runs
 *    (until the active key is due);
 * 3. no key value the fake ever generated appears in state, diff results, errors or logged output;
 * 4. a re-run converges: one more `up` leaves the preview with nothing to do, and a further `up` writes nothing.
 */
export async function assertInvariants(
  fake: FakeAzure,
  engine: MiniEngine,
  logs: LogCapture,
): Promise<void> {
  const latest = fake.versions[fake.versions.length - 1];
  assert.ok(latest, "the secret has a version");
  const active = latest.tags["CredentialId"] as "key1" | "key2";
  assert.ok(
    active === "key1" || active === "key2",
    `latest version names a key, got ${String(active)}`,
  );
  assert.equal(latest.tags["ProviderAddress"], fake.storageAccountId);
  assert.ok(
    latest.value === fake.keys[active].value,
    `the latest version holds the current value of ${active}`,
  );

  const previous = [...fake.versions]
    .reverse()
    .find((v) => v.tags["CredentialId"] !== undefined && v.tags["CredentialId"] !== active);
  const activeCreated = Date.parse(fake.keys[active].creationTime ?? "1970-01-01T00:00:00Z");
  const graceEnds = activeCreated + engine.inputs.rotationPeriodInDays * DAY_MS;
  if (previous && engine.clock.now().getTime() < graceEnds) {
    const prevKey = previous.tags["CredentialId"] as "key1" | "key2";
    assert.ok(
      previous.value === fake.keys[prevKey].value,
      `the previous key (${prevKey}) is still valid during its grace period`,
    );
  }

  // A re-run converges.
  await engine.up();
  const afterRerun = fake.versions.length;
  const regensAfterRerun = fake.regenerations.length;
  assert.equal(await engine.preview(), "same", "after a re-run the preview shows no change");
  assert.equal(await engine.up(), "same");
  assert.equal(fake.versions.length, afterRerun, "a converged run writes no secret version");
  assert.equal(fake.regenerations.length, regensAfterRerun, "a converged run regenerates nothing");
  assert.equal(
    engine.state?.outs.activeKeyName,
    fake.versions[fake.versions.length - 1].tags["CredentialId"],
  );
  assert.equal(engine.state?.outs.secretVersion, fake.versions[fake.versions.length - 1].version);

  const haystacks = [...engine.recorded, ...logs.lines, JSON.stringify(engine.state)];
  for (const value of fake.allKeyValues) {
    for (const text of haystacks) {
      assert.ok(!text.includes(value), "no key value appears in state, outputs, errors or logs");
    }
  }
}
