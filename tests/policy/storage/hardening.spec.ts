import assert from "node:assert/strict";
import { type ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "../../../policy/lib/constants";
import { storageBlobPublicAccess } from "../../../policy/storage/blobPublicAccess";
import { storageCmkAllServices } from "../../../policy/storage/cmkAllServices";
import { storageHttpsOnly } from "../../../policy/storage/httpsOnly";
import { storageInfrastructureEncryption } from "../../../policy/storage/infrastructureEncryption";
import { storageMinimumTls } from "../../../policy/storage/minimumTls";
import { storageSharedKeyDisabled } from "../../../policy/storage/sharedKeyDisabled";
import { UNKNOWN, runResourcePolicy, withPath } from "../../support/policyHarness";
import { storageInputs, vaultInputs } from "../fixtures";

interface Case {
  policy: ResourceValidationPolicy;
  level: "advisory" | "mandatory";
  path: string;
  unknown: string;
  failures: Array<{ when: string; value: unknown; messages: string[] }>;
  /** What an absent property does. */
  absent: string[];
}

const CASES: Case[] = [
  {
    policy: storageHttpsOnly,
    level: "mandatory",
    path: "enableHttpsTrafficOnly",
    unknown: UNKNOWN.boolean,
    failures: [
      {
        when: "enableHttpsTrafficOnly is false",
        value: false,
        messages: ["enableHttpsTrafficOnly is false; storage must accept HTTPS only."],
      },
    ],
    absent: [],
  },
  {
    policy: storageMinimumTls,
    level: "mandatory",
    path: "minimumTlsVersion",
    unknown: UNKNOWN.string,
    failures: [
      {
        when: "minimumTlsVersion is TLS1_0",
        value: "TLS1_0",
        messages: ['minimumTlsVersion is "TLS1_0"; it must be "TLS1_2" or newer.'],
      },
    ],
    absent: ['minimumTlsVersion is not set; set it to "TLS1_2" or newer.'],
  },
  {
    policy: storageBlobPublicAccess,
    level: "mandatory",
    path: "allowBlobPublicAccess",
    unknown: UNKNOWN.boolean,
    failures: [
      {
        when: "allowBlobPublicAccess is true",
        value: true,
        messages: ["allowBlobPublicAccess is true; it must be false."],
      },
    ],
    absent: ["allowBlobPublicAccess is not set; set it to false."],
  },
  {
    policy: storageSharedKeyDisabled,
    level: "advisory",
    path: "allowSharedKeyAccess",
    unknown: UNKNOWN.boolean,
    failures: [
      {
        when: "allowSharedKeyAccess is true",
        value: true,
        messages: ["allowSharedKeyAccess is true; set it to false."],
      },
    ],
    absent: ["allowSharedKeyAccess is not set (Azure allows shared keys); set it to false."],
  },
  {
    policy: storageInfrastructureEncryption,
    level: "advisory",
    path: "encryption.requireInfrastructureEncryption",
    unknown: UNKNOWN.boolean,
    failures: [
      {
        when: "requireInfrastructureEncryption is false",
        value: false,
        messages: ["encryption.requireInfrastructureEncryption is not true."],
      },
    ],
    absent: ["encryption.requireInfrastructureEncryption is not true."],
  },
  {
    policy: storageCmkAllServices,
    level: "advisory",
    path: "encryption.services.queue.keyType",
    unknown: UNKNOWN.string,
    failures: [
      {
        when: "the queue uses the Service key",
        value: "Service",
        messages: ['encryption.services.queue.keyType is "Service"; set it to "Account".'],
      },
    ],
    absent: ['encryption.services.queue.keyType is null; set it to "Account".'],
  },
];

for (const c of CASES) {
  describe(c.policy.name, () => {
    it("passes the hardened account", async () => {
      assert.deepEqual(
        (await runResourcePolicy(c.policy, TYPES.storageAccount, storageInputs())).messages,
        [],
      );
    });

    for (const f of c.failures) {
      it(`fails when ${f.when}, at level ${c.level}`, async () => {
        const r = await runResourcePolicy(
          c.policy,
          TYPES.storageAccount,
          withPath(storageInputs(), c.path, f.value),
        );
        assert.deepEqual(r.messages, f.messages);
        assert.equal(r.violations[0]?.enforcementLevel, c.level);
      });
    }

    it(
      c.absent.length === 0
        ? `passes when ${c.path} is absent (Azure's secure default)`
        : `fails when ${c.path} is absent`,
      async () => {
        const r = await runResourcePolicy(
          c.policy,
          TYPES.storageAccount,
          withPath(storageInputs(), c.path, undefined),
        );
        assert.deepEqual(r.messages, c.absent);
      },
    );

    it("reports the preview diagnostic instead of crashing when the value is unknown", async () => {
      const r = await runResourcePolicy(
        c.policy,
        TYPES.storageAccount,
        withPath(storageInputs(), c.path, c.unknown),
      );
      assert.deepEqual(r.messages, []);
      assert.equal(r.previewUnknown.length, 1);
    });

    it("is not applicable to vaults", async () => {
      assert.equal(
        (await runResourcePolicy(c.policy, TYPES.vault, vaultInputs())).notApplicable.length,
        1,
      );
    });
  });
}

describe("storage-min-tls-version config", () => {
  it("fails TLS1_2 when TLS1_3 is required", async () => {
    const r = await runResourcePolicy(storageMinimumTls, TYPES.storageAccount, storageInputs(), {
      config: { minimumTlsVersion: "TLS1_3" },
    });
    assert.deepEqual(r.messages, ['minimumTlsVersion is "TLS1_2"; it must be "TLS1_3" or newer.']);
  });
});

describe("storage-cmk-all-services table", () => {
  it("fails when the table service is missing", async () => {
    const r = await runResourcePolicy(
      storageCmkAllServices,
      TYPES.storageAccount,
      withPath(storageInputs(), "encryption.services.table", undefined),
    );
    assert.deepEqual(r.messages, [
      'encryption.services.table.keyType is null; set it to "Account".',
    ]);
  });
});
