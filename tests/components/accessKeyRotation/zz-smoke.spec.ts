import { FakeAzure } from "./fakeAzure";
import { FakeCredential, MiniEngine, TestClock, testTransport, LogCapture, assertInvariants } from "./harness";
describe("smoke", () => {
  it("runs", async () => {
    const clock = new TestClock(Date.parse("2026-03-01T00:00:00Z"));
    const fake = await FakeAzure.start(clock.now, { key1: new Date("2026-01-01T00:00:00Z"), key2: new Date("2026-01-01T00:00:00.003Z") });
    const logs = new LogCapture();
    try {
      const engine = new MiniEngine({ storageAccountId: fake.storageAccountId, vaultUri: fake.vaultUri, secretName: fake.secretName, rotationPeriodInDays: 90, tags: {} }, testTransport(fake, new FakeCredential()), clock);
      logs.start();
      console.log(await engine.up());
      logs.stop();
      console.log(JSON.stringify(engine.state, null, 1));
      clock.advanceDays(40);
      console.log(await engine.preview());
      logs.start();
      console.log(await engine.up());
      await assertInvariants(fake, engine, logs);
      logs.stop();
      console.log(JSON.stringify(engine.state, null, 1), fake.requests.map(r => `${r.route} ${r.outcome} ${r.hadBody}`));
    } finally { logs.stop(); await fake.close(); }
  });
});
