import * as assert from "node:assert/strict";
import {
  deriveKeyName,
  deriveStorageAccountName,
  deriveVaultName,
  keyNameProblem,
  storageAccountNameProblem,
  vaultNameProblem,
} from "../../components/naming";

describe("naming", () => {
  describe("vaultNameProblem", () => {
    for (const ok of ["kv1", "my-vault-01", "A23456789012345678901234"]) {
      it(`accepts ${JSON.stringify(ok)}`, () => assert.equal(vaultNameProblem(ok), undefined));
    }
    const bad: [string, RegExp][] = [
      ["kv", /3-24 characters long, got 2/],
      ["a234567890123456789012345", /3-24 characters long, got 25/],
      ["my_vault", /only letters, digits and hyphens/],
      ["1vault", /must start with a letter/],
      ["vault-", /must end with a letter or digit/],
      ["my--vault", /consecutive hyphens/],
    ];
    for (const [name, message] of bad) {
      it(`fails when the vault name is ${JSON.stringify(name)}`, () =>
        assert.match(vaultNameProblem(name) ?? "", message));
    }
  });

  describe("storageAccountNameProblem", () => {
    it("accepts 3-24 lowercase letters and digits", () =>
      assert.equal(storageAccountNameProblem("cmkpayments01"), undefined));
    it("fails when the account name has uppercase letters", () =>
      assert.match(
        storageAccountNameProblem("CmkPayments") ?? "",
        /only lowercase letters and digits, got "CmkPayments"/,
      ));
    it("fails when the account name has hyphens", () =>
      assert.match(storageAccountNameProblem("cmk-pay") ?? "", /only lowercase/));
    it("fails when the account name is 2 characters", () =>
      assert.match(storageAccountNameProblem("ab") ?? "", /3-24 characters long, got 2/));
    it("fails when the account name is 25 characters", () =>
      assert.match(storageAccountNameProblem("a".repeat(25)) ?? "", /got 25/));
  });

  describe("keyNameProblem", () => {
    it("accepts letters, digits and hyphens", () =>
      assert.equal(keyNameProblem("storage-cmk-1"), undefined));
    it("fails when the key name has an underscore", () =>
      assert.match(keyNameProblem("storage_cmk") ?? "", /1-127 characters/));
    it("fails when the key name is 128 characters", () =>
      assert.match(keyNameProblem("k".repeat(128)) ?? "", /1-127 characters/));
  });

  describe("derived names", () => {
    it("derives a valid vault name that ends with the suffix", () => {
      const n = deriveVaultName("Platform_Key Vault!!", "a1b2c3");
      assert.equal(n, "platform-key-vaul-a1b2c3");
      assert.equal(vaultNameProblem(n), undefined);
    });
    it("prefixes kv- when the base starts with a digit", () =>
      assert.equal(deriveVaultName("1st", "x9y8z7"), "kv-1st-x9y8z7"));
    it("never produces consecutive hyphens when cutting at a hyphen", () => {
      const n = deriveVaultName("abcdefghijklmnop-qrstuvwxyz", "a1b2c3");
      assert.equal(vaultNameProblem(n), undefined);
      assert.equal(n.length <= 24, true);
    });
    it("derives a valid storage account name from any base", () => {
      for (const base of ["Payments Team", "---", "x".repeat(40)]) {
        const n = deriveStorageAccountName(base, "q1w2e3");
        assert.equal(storageAccountNameProblem(n), undefined, n);
        assert.ok(n.endsWith("q1w2e3"));
      }
    });
    it("derives a valid key name", () => {
      assert.equal(deriveKeyName("platform cmk/key"), "platform-cmk-key");
      assert.equal(deriveKeyName("***"), "cmk");
    });
  });
});
