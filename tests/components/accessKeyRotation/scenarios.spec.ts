/**
 * Reliability scenarios: the dynamic provider, driven through a stand-in for the engine, with the REAL Azure SDK
 * clients talking TLS to a local fake of ARM and Key Vault (fakeAzure.ts). After every scenario the invariants in
 * harness.ts are asserted (valid latest version, previous key valid during its grace period, no key value in
 * state/outputs/logs, a re-run converges).
 */
import assert from "node:assert/strict";
import { FakeAzure } from "./fakeAzure";
import {
  assertInvariants,
  FakeCredential,
  LogCapture,
  MiniEngine,
  SkippedWaits,
  TestClock,
  testTransport,
} from "./harness";

const PERIOD = 30;
const START = Date.parse("2026-01-10T00:00:00Z");

interface Ctx {
  fake: FakeAzure;
  engine: MiniEngine;
  clock: TestClock;
  credential: FakeCredential;
  logs: LogCapture;
  waits: SkippedWaits;
}

let scenarios = 0;

/**
 * Runs one scenario against a fresh fake, then asserts the invariants. Waits of 500 ms or more (Retry-After) are skipped
 * on a fake clock that the fake's request times follow (SkippedWaits); no scenario sleeps for real beyond attempt
 * timeouts of 250 ms.
 */
function scenario(title: string, body: (ctx: Ctx) => Promise<void>): void {
  it(title, async function () {
    this.timeout(15000);
    scenarios += 1;
    const clock = new TestClock(START);
    const waits = new SkippedWaits();
    const fake = await FakeAzure.start(clock.now, {
      key1: new Date("2026-01-01T00:00:00Z"),
      key2: new Date("2026-01-01T00:00:00.003Z"),
    });
    fake.elapsedMs = waits.elapsedMs;
    const credential = new FakeCredential();
    const logs = new LogCapture();
    const engine = new MiniEngine(
      {
        storageAccountId: fake.storageAccountId,
        vaultUri: fake.vaultUri,
        secretName: fake.secretName,
        rotationPeriodInDays: PERIOD,
        tags: { owner: "team-storage" },
      },
      testTransport(fake, credential),
      clock,
    );
    logs.start();
    waits.install();
    try {
      await body({ fake, engine, clock, credential, logs, waits });
      await assertInvariants(fake, engine, logs);
    } finally {
      waits.uninstall();
      logs.stop();
      await fake.close();
    }
  });
}

/** First run (adopts key2, the newest), then time moves to the due date of key2. */
async function adoptThenWaitAPeriod(ctx: Ctx): Promise<void> {
  assert.equal(await ctx.engine.up(), "create");
  ctx.clock.advanceDays(PERIOD);
}

function gapAfterFault(fake: FakeAzure, route: string): number {
  const i = fake.requests.findIndex((r) => r.route === route && r.outcome.startsWith("fault"));
  const next = fake.requests.slice(i + 1).find((r) => r.route === route);
  assert.ok(i >= 0 && next, `a retry of ${route} followed the fault`);
  return next.at - fake.requests[i].at;
}

describe("access-key rotation scenarios (real SDK clients, TLS fake of ARM and Key Vault)", () => {
  after(() => {
    // Reported in the closing note of issue 5.
    process.stdout.write(`      access-key rotation scenarios run: ${scenarios}\n`);
  });

  describe("schedule", () => {
    scenario(
      "adopts the newest key on the first run without regenerating either key",
      async ({ fake, engine, credential }) => {
        assert.equal(await engine.up(), "create");
        assert.equal(fake.regenerations.length, 0);
        assert.equal(engine.state?.outs.activeKeyName, "key2");
        assert.equal(engine.state?.outs.lastRotatedAt, "2026-01-01T00:00:00.003Z");
        assert.equal(engine.state?.outs.nextRotationAt, "2026-01-31T00:00:00.003Z");
        const v = fake.versions[0];
        assert.deepEqual(v.tags, {
          owner: "team-storage",
          CredentialId: "key2",
          ProviderAddress: fake.storageAccountId,
          ValidityPeriodDays: "30",
          KeyCreationTime: "2026-01-01T00:00:00.003Z",
        });
        assert.equal(v.contentType, "storage-account-key; account=stkeysfake001; key=key2");
        assert.equal(
          v.exp,
          Math.floor(Date.parse("2026-01-31T00:00:00.003Z") / 1000),
          "expires when the key is due (whole seconds)",
        );
        assert.ok(credential.scopes.includes("https://management.azure.com/.default"));
        assert.ok(
          credential.scopes.includes("https://vault.azure.net/.default"),
          "the Key Vault challenge named the vault resource",
        );
        assert.ok(
          fake.requests.some((r) => r.route === "challenge" && !r.authorized),
          "Key Vault was first called without a token",
        );
      },
    );

    scenario(
      "shows no change and writes nothing when no rotation is due, on two runs back to back",
      async ({ fake, engine, clock }) => {
        await engine.up();
        clock.advanceDays(10);
        assert.equal(await engine.preview(), "same");
        assert.equal(await engine.up(), "same");
        assert.equal(await engine.up(), "same");
        assert.equal(fake.versions.length, 1);
        assert.equal(fake.regenerations.length, 0);
      },
    );

    scenario(
      "reports a pending update in preview when the active key is due, and rotates to the other key on up",
      async (ctx) => {
        const { fake, engine } = ctx;
        await adoptThenWaitAPeriod(ctx);
        const key2Before = fake.keys.key2.value;
        assert.equal(await engine.preview(), "update");
        assert.equal(fake.regenerations.length, 0, "a preview changes nothing in Azure");
        assert.equal(fake.versions.length, 1);
        assert.equal(await engine.up(), "update");
        assert.deepEqual(
          fake.regenerations.map((r) => r.key),
          ["key1"],
        );
        assert.equal(engine.state?.outs.activeKeyName, "key1");
        assert.equal(
          fake.keys.key2.value,
          key2Before,
          "the old active key stays valid for one more period",
        );
        assert.equal(fake.versions.length, 2);
      },
    );

    scenario(
      "alternates the keys over three periods, each previous key valid until the next rotation",
      async (ctx) => {
        const { fake, engine, clock } = ctx;
        await adoptThenWaitAPeriod(ctx);
        const order: string[] = [];
        for (let i = 0; i < 3; i += 1) {
          const previous = fake.versions[fake.versions.length - 1];
          await engine.up();
          order.push(engine.state!.outs.activeKeyName);
          const prevKey = previous.tags["CredentialId"] as "key1" | "key2";
          assert.equal(
            fake.keys[prevKey].value,
            previous.value,
            "the previous key is still valid right after the rotation",
          );
          clock.advanceDays(PERIOD / 2);
          assert.equal(await engine.preview(), "same", "half a period later nothing is due");
          clock.advanceDays(PERIOD / 2);
        }
        assert.deepEqual(order, ["key1", "key2", "key1"]);
        assert.deepEqual(
          fake.regenerations.map((r) => r.key),
          ["key1", "key2", "key1"],
        );
      },
    );

    scenario("rotates once when two runs follow each other at the due time", async (ctx) => {
      await adoptThenWaitAPeriod(ctx);
      assert.equal(await ctx.engine.up(), "update");
      assert.equal(await ctx.engine.up(), "same");
      assert.equal(ctx.fake.regenerations.length, 1);
    });

    scenario("does not rotate again when state is lost right after a rotation", async (ctx) => {
      await adoptThenWaitAPeriod(ctx);
      await ctx.engine.up();
      ctx.engine.forgetState();
      assert.equal(await ctx.engine.up(), "create");
      assert.equal(ctx.fake.regenerations.length, 1);
      assert.equal(ctx.fake.versions.length, 2, "re-creating the resource writes no version");
      assert.equal(ctx.engine.state?.outs.activeKeyName, "key1");
    });

    scenario("rotates exactly once when state is lost while a rotation is due", async (ctx) => {
      await adoptThenWaitAPeriod(ctx);
      ctx.engine.forgetState();
      assert.equal(await ctx.engine.up(), "create");
      assert.deepEqual(
        ctx.fake.regenerations.map((r) => r.key),
        ["key1"],
      );
    });

    scenario(
      "republishes the active key when it was regenerated out of band",
      async ({ fake, engine, clock }) => {
        await engine.up();
        clock.advanceDays(3);
        fake.regenerateOutOfBand("key2");
        assert.equal(await engine.preview(), "update");
        await engine.up();
        assert.equal(fake.regenerations.length, 1, "only the out-of-band regeneration");
        assert.equal(engine.state?.outs.activeKeyName, "key2");
      },
    );

    scenario(
      "republishes with new tags and expiry, without regenerating, when the rotation period changes",
      async ({ fake, engine }) => {
        await engine.up();
        engine.inputs.rotationPeriodInDays = 60;
        assert.equal(await engine.preview(), "update");
        await engine.up();
        assert.equal(fake.regenerations.length, 0);
        assert.equal(fake.versions.length, 2);
        assert.equal(fake.versions[1].value, fake.versions[0].value);
        assert.equal(fake.versions[1].tags["ValidityPeriodDays"], "60");
      },
    );

    scenario(
      "supersedes a version written by hand without rotation tags",
      async ({ fake, engine }) => {
        fake.putVersion({ note: "pasted from the portal" });
        assert.equal(await engine.up(), "create");
        assert.equal(fake.regenerations.length, 0);
        assert.equal(fake.versions.length, 2);
      },
    );
  });

  describe("crashes", () => {
    scenario(
      "publishes the regenerated key without regenerating again after a crash between regenerating and publishing",
      async (ctx) => {
        const { fake, engine } = ctx;
        await adoptThenWaitAPeriod(ctx);
        engine.crash.armed = "regenerateKey";
        assert.match(await engine.upFails(), /simulated crash after regenerateKey/);
        assert.equal(fake.regenerations.length, 1);
        assert.equal(fake.versions.length, 1, "nothing was published");
        assert.equal(engine.state?.outs.activeKeyName, "key2", "state still names the old key");
        assert.equal(await engine.preview(), "update");
        await engine.up();
        assert.equal(fake.regenerations.length, 1, "the regenerated key is published as is");
        assert.equal(engine.state?.outs.activeKeyName, "key1");
      },
    );

    scenario(
      "regenerates the unpublished key again when the run after a crash comes more than a period later",
      async (ctx) => {
        const { fake, engine, clock } = ctx;
        await adoptThenWaitAPeriod(ctx);
        engine.crash.armed = "regenerateKey";
        await engine.upFails();
        clock.advanceDays(PERIOD + 1);
        await engine.up();
        assert.deepEqual(
          fake.regenerations.map((r) => r.key),
          ["key1", "key1"],
        );
        assert.equal(engine.state?.outs.activeKeyName, "key1");
        assert.ok(
          Date.parse(engine.state.outs.nextRotationAt) > clock.now().getTime(),
          "the published key is not already due",
        );
      },
    );

    scenario(
      "converges without writing to Azure after a crash between publishing and recording state",
      async (ctx) => {
        const { fake, engine } = ctx;
        await adoptThenWaitAPeriod(ctx);
        await engine.up({ dropStateWrite: true });
        assert.equal(engine.state?.outs.activeKeyName, "key2", "state lags behind Azure");
        assert.equal(
          await engine.preview(),
          "update",
          "the preview reports the lag as a pending update",
        );
        await engine.up();
        assert.equal(fake.regenerations.length, 1);
        assert.equal(fake.versions.length, 2);
        assert.equal(engine.state?.outs.activeKeyName, "key1");
      },
    );

    scenario(
      "fails the run when retries are exhausted after regenerating, and the next run right after completes it",
      async (ctx) => {
        const { fake, engine } = ctx;
        await adoptThenWaitAPeriod(ctx);
        fake.inject("setSecret", { kind: "status", status: 503 }, 5);
        const message = await engine.upFails();
        assert.match(
          message,
          /access-key rotation: publishing key1 to stkeysfake001-access-key failed \(503/,
        );
        assert.equal(fake.routeCount("setSecret", "fault"), 5, "first attempt plus 4 retries");
        await engine.up();
        assert.equal(fake.regenerations.length, 1);
        assert.equal(engine.state?.outs.activeKeyName, "key1");
      },
    );
  });

  describe("transient faults during a rotation", () => {
    scenario("honours Retry-After on a 429 from ARM", async (ctx) => {
      await adoptThenWaitAPeriod(ctx);
      ctx.fake.inject("regenerateKey", {
        kind: "status",
        status: 429,
        headers: { "retry-after": "1" },
      });
      await ctx.engine.up();
      assert.ok(
        gapAfterFault(ctx.fake, "regenerateKey") >= 950,
        "waited the 1 s the server asked for",
      );
      assert.deepEqual(ctx.waits.skipped, [1000], "one wait, of the Retry-After's 1 s");
      assert.equal(ctx.fake.regenerations.length, 1);
    });

    scenario("honours Retry-After on a 429 from Key Vault", async (ctx) => {
      await adoptThenWaitAPeriod(ctx);
      ctx.fake.inject("setSecret", {
        kind: "status",
        status: 429,
        headers: { "retry-after": "1" },
      });
      await ctx.engine.up();
      assert.ok(gapAfterFault(ctx.fake, "setSecret") >= 950, "waited the 1 s the server asked for");
      assert.deepEqual(ctx.waits.skipped, [1000], "one wait, of the Retry-After's 1 s");
    });

    scenario("retries a 429 that carries no Retry-After header", async (ctx) => {
      await adoptThenWaitAPeriod(ctx);
      ctx.fake.inject("getProperties", { kind: "status", status: 429 }, 2);
      ctx.fake.inject("regenerateKey", { kind: "status", status: 429 });
      await ctx.engine.up();
      assert.equal(ctx.fake.regenerations.length, 1);
    });

    scenario("retries 500 and 503 from ARM", async (ctx) => {
      await adoptThenWaitAPeriod(ctx);
      ctx.fake.inject("getProperties", { kind: "status", status: 500 });
      ctx.fake.inject("regenerateKey", { kind: "status", status: 503 });
      ctx.fake.inject("listKeys", { kind: "status", status: 500 }, 2);
      await ctx.engine.up();
      assert.equal(
        ctx.fake.regenerations.length,
        1,
        "a 503 before the regeneration does not regenerate twice",
      );
    });

    scenario("retries 500 and 503 from Key Vault", async (ctx) => {
      await adoptThenWaitAPeriod(ctx);
      ctx.fake.inject("getSecret", { kind: "status", status: 500 });
      ctx.fake.inject("setSecret", { kind: "status", status: 503 }, 2);
      await ctx.engine.up();
      assert.equal(ctx.fake.versions.length, 2);
    });

    scenario("retries an ARM call that times out", async (ctx) => {
      await adoptThenWaitAPeriod(ctx);
      ctx.fake.inject("regenerateKey", { kind: "hang" });
      await ctx.engine.up();
      assert.equal(ctx.fake.routeCount("regenerateKey", "fault hang"), 1);
      assert.equal(ctx.fake.regenerations.length, 1);
    });

    scenario("retries a Key Vault call that times out", async (ctx) => {
      await adoptThenWaitAPeriod(ctx);
      ctx.fake.inject("setSecret", { kind: "hang" });
      ctx.fake.inject("getSecret", { kind: "hang" });
      await ctx.engine.up();
      assert.equal(ctx.fake.routeCount("setSecret", "fault hang"), 1);
      assert.equal(ctx.fake.versions.length, 2);
    });

    scenario(
      "retries when the connection is reset before the request is processed",
      async (ctx) => {
        await adoptThenWaitAPeriod(ctx);
        ctx.fake.inject("regenerateKey", { kind: "reset-before" });
        ctx.fake.inject("setSecret", { kind: "reset-before" });
        await ctx.engine.up();
        assert.equal(ctx.fake.regenerations.length, 1);
        assert.equal(ctx.fake.versions.length, 2);
      },
    );

    scenario(
      "stays consistent when the connection is cut after ARM regenerated the key (regenerated twice)",
      async (ctx) => {
        await adoptThenWaitAPeriod(ctx);
        ctx.fake.inject("regenerateKey", { kind: "reset-after-apply" });
        await ctx.engine.up();
        assert.deepEqual(
          ctx.fake.regenerations.map((r) => r.key),
          ["key1", "key1"],
          "the retry regenerated the inactive key again",
        );
        assert.equal(ctx.engine.state?.outs.activeKeyName, "key1");
      },
    );

    scenario(
      "stays consistent when the connection is cut after Key Vault stored the version (stored twice)",
      async (ctx) => {
        await adoptThenWaitAPeriod(ctx);
        ctx.fake.inject("setSecret", { kind: "reset-after-apply" });
        await ctx.engine.up();
        assert.equal(ctx.fake.versions.length, 3, "two identical versions from the retried write");
        assert.equal(ctx.fake.versions[1].value, ctx.fake.versions[2].value);
      },
    );

    scenario("retries when the connection is cut in the middle of a response body", async (ctx) => {
      await adoptThenWaitAPeriod(ctx);
      ctx.fake.inject("listKeys", { kind: "cut-mid-body" });
      ctx.fake.inject("getSecret", { kind: "cut-mid-body" });
      await ctx.engine.up();
      assert.equal(ctx.fake.routeCount("listKeys", "200 then fault cut-mid-body"), 1);
      assert.equal(ctx.fake.regenerations.length, 1);
    });
  });
});
