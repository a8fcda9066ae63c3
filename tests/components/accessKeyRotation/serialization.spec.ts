/**
 * The dynamic provider survives Pulumi's closure serialization: it is serialized with the same function Pulumi uses
 * for `pulumi.dynamic.Resource` (`runtime.serializeFunction`), loaded back from text the way the dynamic-provider
 * host does (require-from-string), and the loaded copy runs a rotation against the TLS fake with the real SDKs.
 */
import * as pulumi from "@pulumi/pulumi";
import assert from "node:assert/strict";
import type { RotationEndpoints } from "../../../components/accessKeyRotation/azureClients";
import { createAzureRotationClients } from "../../../components/accessKeyRotation/azureClients";
import type {
  AccessKeyRotationInputs,
  AccessKeyRotationOutputs,
} from "../../../components/accessKeyRotation/provider";
import { accessKeyRotationProvider } from "../../../components/accessKeyRotation/provider";
import { FakeAzure } from "./fakeAzure";
import { FakeCredential, TestClock, testTransport } from "./harness";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString = require("require-from-string") as (code: string) => {
  handler: () => unknown;
};

type Provider = pulumi.dynamic.ResourceProvider<AccessKeyRotationInputs, AccessKeyRotationOutputs>;

async function serialize(provider: Provider): Promise<string> {
  const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
  return sf.text;
}

/** Test hooks read from globalThis at run time, so the serialized text captures no test object. */
interface Hooks {
  __akrTransport?: ReturnType<typeof testTransport>;
  __akrNow?: () => Date;
}
const hooks = globalThis as unknown as Hooks;

describe("access-key rotation provider serialization", () => {
  it("serializes the production provider without embedding SDK sources, credentials or clients", async () => {
    const text = await serialize(accessKeyRotationProvider());
    assert.ok(text.length < 60_000, `serialized provider is small, got ${text.length} characters`);
    assert.match(text, /require\("@azure\/arm-storage"\)/);
    assert.match(text, /require\("@azure\/keyvault-secrets"\)/);
    assert.match(text, /require\("@azure\/identity"\)/);
    assert.doesNotMatch(
      text,
      /class StorageManagementClient|class SecretClient|DefaultAzureCredential\s*\{/,
    );
    assert.doesNotMatch(text, /__akr|FakeAzure|fake-token/);
    const loaded = requireFromString(text).handler() as Provider;
    for (const method of ["check", "diff", "create", "update", "read", "delete"] as const) {
      assert.equal(typeof loaded[method], "function", `${method} survives serialization`);
    }
  });

  it("runs a rotation from the serialized text against the TLS fake with the real SDK clients", async function () {
    this.timeout(15000);
    const clock = new TestClock(Date.parse("2026-01-10T00:00:00Z"));
    const fake = await FakeAzure.start(clock.now, {
      key1: new Date("2026-01-01T00:00:00Z"),
      key2: new Date("2026-01-02T00:00:00Z"),
    });
    try {
      hooks.__akrTransport = testTransport(fake, new FakeCredential());
      hooks.__akrNow = clock.now;
      const provider = accessKeyRotationProvider({
        now: () => (globalThis as unknown as Hooks).__akrNow!(),
        clients: (ep: RotationEndpoints) =>
          createAzureRotationClients(ep, (globalThis as unknown as Hooks).__akrTransport),
      });
      const text = await serialize(provider);
      assert.doesNotMatch(text, /fake-token|BEGIN CERTIFICATE/);
      const loaded = requireFromString(text).handler() as Provider;

      const inputs: AccessKeyRotationInputs = {
        storageAccountId: fake.storageAccountId,
        vaultUri: fake.vaultUri,
        secretName: fake.secretName,
        rotationPeriodInDays: 30,
        tags: {},
      };
      const created = await loaded.create(inputs);
      assert.equal(created.outs?.activeKeyName, "key2");
      clock.advanceDays(30);
      const diff = await loaded.diff!(created.id, created.outs, inputs);
      assert.equal(diff.changes, true);
      const updated = await loaded.update!(created.id, created.outs, inputs);
      assert.equal(updated.outs?.activeKeyName, "key1");
      assert.equal(fake.versions[fake.versions.length - 1].value, fake.keys.key1.value);
      assert.equal((await loaded.diff!(created.id, updated.outs, inputs)).changes, false);
    } finally {
      delete hooks.__akrTransport;
      delete hooks.__akrNow;
      await fake.close();
    }
  });
});
