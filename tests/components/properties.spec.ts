import fc from "fast-check";
import { CmkStorageAccount } from "../../components/cmkStorageAccount";
import { ManagedKeyRotation } from "../../components/managedKeyRotation";
import type { VaultReference } from "../../components/references";
import { SecureVault } from "../../components/secureVault";
import { StorageAccessKeyRotation } from "../../components/storageAccessKeyRotation";
import {
  args,
  assertProperty,
  blobServices,
  diagnosticSettings,
  locks,
  storagePrivateEndpoints,
  vaultPrivateEndpoints,
  field,
  FUZZ_RUNS,
  tally,
  GUID,
  HSM_NAME,
  GUID2,
  invalidTags,
  judge,
  managedHsmKeyReferences,
  SUB,
  SUBNET,
  validTags,
  wrongTyped,
  type Excuses,
} from "../support/fuzz";

const ip = {
  valid: fc.constantFrom("203.0.113.0/28", "198.51.100.7", "192.0.2.0/24", "20.50.1.0/26"),
  invalid: fc.constantFrom(
    "10.0.0.0/8",
    "1.2.3.4/33",
    "999.1.1.1",
    "2001:db8::/32",
    "127.0.0.1",
    "a.b.c.d",
  ),
};
const list = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T[]> => fc.array(a, { maxLength: 3 });
const location = {
  valid: fc.constantFrom("westeurope", "West Europe"),
  invalid: fc.constantFrom("mars", "global", "westeurpoe", "west/europe"),
};
const resourceGroup = {
  valid: fc.constantFrom("rg-cmk", "rg_data.1", "(rg)"),
  invalid: fc.constantFrom("rg.", "rg/x", "", "r".repeat(91)),
};

const vaultArgs = args({
  resourceGroupName: field(resourceGroup.valid, resourceGroup.invalid, { output: true }),
  location: field(location.valid, location.invalid, { output: true }),
  tenantId: field(
    fc.constant(DEFAULT_TENANT()),
    fc.constantFrom("contoso.onmicrosoft.com", "not-a-guid"),
    { output: true },
  ),
  vaultName: field(
    fc.constantFrom("kv-platform-01", "Kv1x"),
    fc.constantFrom("kv--x", "1kv", "k".repeat(25), "kv_x", "kv-"),
    { output: true },
  ),
  namePrefix: field(fc.constantFrom("platform", "Team A.b", "x"), fc.constantFrom("---", "")),
  sku: field(fc.constantFrom("standard", "premium"), fc.constantFrom("gold", "Standard")),
  permissionModel: field(fc.constantFrom("accessPolicy", "rbac"), fc.constantFrom("acl", "RBAC")),
  softDeleteRetentionInDays: field(
    fc.constantFrom(7, 30, 90),
    fc.constantFrom(6, 91, 7.5, 2 ** 31),
  ),
  publicNetworkAccess: field(
    fc.constantFrom("Disabled", "Enabled"),
    fc.constantFrom("enabled", "Off"),
  ),
  allowedIpRanges: field(
    list(ip.valid).map((l) => [...new Set(l)]),
    list(fc.oneof(ip.valid, ip.invalid, wrongTyped)).filter((l) => l.length > 0),
  ),
  allowedSubnetIds: field(
    list(fc.constant(SUBNET)).map((l) => [...new Set(l)]),
    list(fc.constantFrom("vnet/sub", "/subscriptions/x")).filter((l) => l.length > 0),
  ),
  administrators: field(
    fc.uniqueArray(
      fc.record({
        objectId: fc.constantFrom(GUID, GUID2),
        principalType: fc.constantFrom("User", "Group", "ServicePrincipal"),
      }),
      { selector: (a) => a.objectId, maxLength: 2 },
    ),
    list(
      fc.oneof(
        fc.constant(null),
        fc.record({
          objectId: fc.constantFrom("alice@contoso.com", GUID),
          principalType: fc.constantFrom("Robot", "User"),
        }),
      ),
    ).filter((l) => l.length > 0),
  ),
  tags: field(validTags, invalidTags),
  privateEndpoints: field(vaultPrivateEndpoints.valid, vaultPrivateEndpoints.invalid),
  diagnosticSettings: field(diagnosticSettings.valid, diagnosticSettings.invalid),
  lock: field(locks.valid, locks.invalid),
});

function DEFAULT_TENANT(): string {
  return "72f988bf-86f1-41af-91ab-2d7cd011db47";
}

const keyArgs = args({
  keyName: field(
    fc.constantFrom("storage-cmk", "k1"),
    fc.constantFrom("my_key", "", "k".repeat(128)),
  ),
  keyType: field(fc.constantFrom("RSA", "RSA-HSM"), fc.constantFrom("EC", "rsa")),
  keySize: field(fc.constantFrom(2048, 3072, 4096), fc.constantFrom(1024, 3000, 4096.5)),
  rotateAfter: field(
    fc.constantFrom("P90D", "P30D", "P7D"),
    fc.constantFrom("P6D", "90 days", "P1Y-300D", "P99999999999999999999D", "P", "P1.5D"),
  ),
  expiresAfter: field(fc.constantFrom("P1Y", "P180D"), fc.constantFrom("P27D", "1 year")),
  notifyBefore: field(fc.constantFrom("P30D", "P14D"), fc.constantFrom("P6D", "PT1H")),
  enabled: field(fc.boolean(), fc.constantFrom("false", 0)),
  protectKey: field(fc.boolean(), fc.constantFrom("no")),
  tags: field(validTags, invalidTags),
});

/** The reference fields a caller may get wrong; values a component cannot know to be false (a wrong but valid model or SKU of an external vault) are not generated. */
function vaultReferenceVariants(ref: VaultReference): fc.Arbitrary<unknown> {
  const otherSub = ref.vaultId;
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(ref) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null, "kv-shared-01", 42) },
    { weight: 1, arbitrary: fc.constant({ ...ref, permissionModel: "acl" }) },
    { weight: 1, arbitrary: fc.constant({ vaultId: otherSub }) },
    {
      weight: 1,
      arbitrary: fc.constant({
        ...ref,
        vaultId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x",
      }),
    },
    {
      weight: 1,
      arbitrary: fc.constant({ ...ref, vaultUri: "https://kv-other-99.vault.azure.net/" }),
    },
    { weight: 1, arbitrary: fc.constant({ ...ref, tenantId: "contoso" }) },
  );
}

const accountArgs = args({
  resourceGroupName: field(resourceGroup.valid, resourceGroup.invalid, { output: true }),
  location: field(location.valid, location.invalid, { output: true }),
  accountName: field(
    fc.constantFrom("cmkpayments01", "abc"),
    fc.constantFrom("Bad_Name", "ab", "a".repeat(25)),
    { output: true },
  ),
  namePrefix: field(fc.constantFrom("payments", "Team X", "9"), fc.constantFrom("--", "")),
  skuName: field(
    fc.constantFrom("Standard_LRS", "Standard_ZRS", "Standard_GZRS"),
    fc.constantFrom("Premium_LRS", "standard_lrs"),
  ),
  requireInfrastructureEncryption: field(fc.boolean(), fc.constantFrom("true")),
  allowSharedKeyAccess: field(fc.boolean(), fc.constantFrom("true")),
  keyExpirationPeriodInDays: field(fc.constantFrom(30, 90), fc.constantFrom(0, -1, 2 ** 31, 1.5)),
  sasPolicy: field(
    fc.record({
      sasExpirationPeriod: fc.constantFrom("1.00:00:00", "0.04:00:00"),
      expirationAction: fc.constantFrom("Block", "Log"),
    }),
    fc.constantFrom<unknown>(
      { sasExpirationPeriod: "P1D" },
      { sasExpirationPeriod: "1.00:00:60" },
      { sasExpirationPeriod: "1.00:00:00", expirationAction: "Warn" },
    ),
  ),
  rbacPropagationSeconds: field(fc.constantFrom(0, 60, 900), fc.constantFrom(-1, 901, 1.5)),
  allowedIpRanges: field(
    list(ip.valid).map((l) =>
      [...new Set(l)].filter((x) => !x.endsWith("/32") && !x.endsWith("/31")),
    ),
    list(fc.oneof(ip.invalid, fc.constant("198.51.100.7/32"))).filter((l) => l.length > 0),
  ),
  allowedSubnetIds: field(
    list(fc.constant(SUBNET)).map((l) => [...new Set(l)]),
    list(fc.constant("vnet/sub")).filter((l) => l.length > 0),
  ),
  keyVersion: field(
    fc.constant("0123456789abcdef0123456789abcdef"),
    fc.constantFrom("latest", "123"),
  ),
  allowCrossRegionKey: field(fc.boolean(), fc.constantFrom("yes")),
  tags: field(validTags, invalidTags),
  privateEndpoints: field(storagePrivateEndpoints.valid, storagePrivateEndpoints.invalid),
  diagnosticSettings: field(diagnosticSettings.valid, diagnosticSettings.invalid),
  lock: field(locks.valid, locks.invalid),
  blobServices: field(blobServices.valid, blobServices.invalid),
});

/** Opt-outs that knowingly break a policy (documented, logged arguments): they excuse that policy only. */
function optOuts(a: Record<string, unknown>): Excuses {
  const policies: string[] = [];
  if (a["keyVersion"] !== undefined) policies.push("storage-cmk-versionless-key");
  if (a["allowCrossRegionKey"] === true) policies.push("cmk-region-colocation");
  return { policies };
}

describe(`components for any arguments an untyped caller may send (fast-check, ${FUZZ_RUNS} sets each)`, function () {
  this.timeout(Math.max(60_000, FUZZ_RUNS * 3_000));
  after(() => {
    // The large run (`npm run fuzz`) reports what the generated sets did; npm test stays quiet.
    if (FUZZ_RUNS >= 100) {
      console.log(`fuzz outcome over ${4 * FUZZ_RUNS} argument sets: ${JSON.stringify(tally)}`);
    }
  });

  it("SecureVault either builds a vault Azure accepts and the policies pass, or fails with one clear error and nothing registered", async () => {
    await assertProperty(vaultArgs, (a) =>
      judge(
        () => undefined,
        () => void new SecureVault("fuzz", a as never),
      ),
    );
  });

  it("ManagedKeyRotation either builds a key Azure accepts and the policies pass, or fails with one clear error and nothing registered", async () => {
    await assertProperty(
      fc.tuple(
        fc.constantFrom("standard", "premium"),
        fc.constantFrom("accessPolicy", "rbac"),
        keyArgs,
        fc.nat(),
      ),
      ([sku, model, a, pick]) =>
        judge(
          () =>
            new SecureVault("kv", {
              resourceGroupName: "rg",
              location: "westeurope",
              sku: sku,
              permissionModel: model,
            }),
          (vault) => {
            const variants = fc.sample(vaultReferenceVariants(vault.reference()), {
              numRuns: 1,
              seed: pick,
            })[0];
            new ManagedKeyRotation("fuzz", { ...a, vault: variants } as never);
          },
        ),
    );
  });

  it("CmkStorageAccount either builds an identity, grant and account Azure accepts and the policies pass, or fails with one clear error", async () => {
    await assertProperty(
      fc.tuple(fc.constantFrom("accessPolicy", "rbac"), accountArgs, fc.nat()),
      ([model, a, pick]) =>
        judge(
          () => {
            const vault = new SecureVault("kv", {
              resourceGroupName: "rg",
              location: "westeurope",
              permissionModel: model,
            });
            return new ManagedKeyRotation("cmk", {
              vault: vault.reference(),
              protectKey: false,
            }).reference();
          },
          (key) => {
            const variants = fc.sample(
              fc.oneof(
                { weight: 6, arbitrary: fc.constant<unknown>(key) },
                {
                  weight: 1,
                  arbitrary: fc.constantFrom<unknown>(undefined, null, "cmk", { keyName: "cmk" }),
                },
                {
                  weight: 2,
                  arbitrary: vaultReferenceVariants(key.vault!).map((v): unknown => ({
                    ...key,
                    vault: v,
                  })),
                },
                // A key in a Managed HSM outside the stack (declared as existing below).
                { weight: 2, arbitrary: managedHsmKeyReferences() },
              ),
              { numRuns: 1, seed: pick },
            )[0];
            new CmkStorageAccount("fuzz", { ...a, key: variants } as never);
            return optOuts(a);
          },
          [HSM_NAME],
        ),
    );
  });

  it("StorageAccessKeyRotation either builds its rotation and grants, or fails with one clear error and nothing registered", async () => {
    const accountId = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stdata001`;
    const vaultId = `/subscriptions/${SUB}/resourceGroups/rg-shared/providers/Microsoft.KeyVault/vaults/kv-shared-01`;
    const rotationArgs = args({
      storageAccountId: field(
        fc.constant(accountId),
        fc.constantFrom(
          "nope",
          "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
        ),
      ),
      vault: field(
        fc.constantFrom<unknown>(
          { vaultId, permissionModel: "accessPolicy" },
          { vaultId, permissionModel: "rbac", vaultUri: "https://kv-shared-01.vault.azure.net/" },
        ),
        fc.constantFrom<unknown>({ vaultId: "kv" }, { vaultId, permissionModel: "acl" }),
      ),
      secretName: field(fc.constantFrom("files-access-key"), fc.constantFrom("bad_name", "")),
      rotationPeriodInDays: field(fc.constantFrom(1, 30, 730), fc.constantFrom(0, 731, 1.5), {
        output: true,
      }),
      tags: field(
        validTags,
        fc.constantFrom<unknown>(
          { CredentialId: "x" },
          Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`t${i}`, "x"])),
        ),
      ),
      grantDeployerAccess: field(fc.boolean(), fc.constantFrom("true")),
      deployerPrincipalType: field(
        fc.constantFrom("User", "ServicePrincipal"),
        fc.constantFrom("Group"),
      ),
      rbacPropagationSeconds: field(fc.constantFrom(0, 60), fc.constantFrom(-5, 1000)),
    });
    await assertProperty(rotationArgs, (a) =>
      judge(
        () => undefined,
        () => void new StorageAccessKeyRotation("fuzz", a as never),
        ["kv-shared-01"],
      ),
    );
  });
});
