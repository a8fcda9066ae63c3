import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { DEFAULT_ARM_CONTEXT } from "../../preview/armState";
import { runPolicyAdapter } from "../../preview/policyAdapter";
import type { RecordedResource } from "../../preview/recorder";
import { allRejections } from "../../preview/simulatedAzure";
import { deploymentErrors, recorder, settled } from "./mocks";
import { REPO } from "./stackFiles";

/**
 * Property-based checking of the components as an untyped caller (a YAML or Python program) uses them: every field is
 * drawn from valid values, invalid values of the right type, wrong-typed values (null, numbers, NaN, objects…),
 * absence, and outputs (secret or not) of valid and invalid values.
 *
 * The property, per generated argument set: either the constructor throws one `InputPropertiesError` that says which
 * argument is wrong and nothing was registered; or it registers, and then every deployment-time failure is one of the
 * components' own messages, every registered request is one the simulated Azure accepts, and (when the deployment did
 * not fail) the graph passes every mandatory policy of the pack. No case may hang.
 */

/** How many argument sets per component: small in `npm test`, large with `npm run fuzz` (FUZZ_RUNS). */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 15);
/** Fixed seed so a failure reproduces; `FUZZ_SEED` to explore. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261129);
/** A case that has not settled by then is a hang. */
const CASE_TIMEOUT_MS = 10_000;

export const SUB = DEFAULT_ARM_CONTEXT.subscriptionId;
export const GUID = "9a1c3f5e-2b4d-4c6e-8f0a-1b2c3d4e5f60";
export const GUID2 = "0d4e6f81-3a5b-4c7d-9e1f-2a3b4c5d6e7f";
export const SUBNET = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/app`;
/** A subnet id without its name, for private-endpoint subnets of the provider's subscription. */
function SUBNET_PREFIX(): string {
  return SUBNET.replace(/app$/, "");
}

/** Issue 16's add-ons as an untyped caller may send them: private endpoints, diagnostics, locks, blob protection. */
export const HUB_SUB = "6d1f4a2b-9c3e-4f5a-8b7d-2e0c1a9f3b6d";
export const dnsZone = (zone: string): string =>
  `/subscriptions/${HUB_SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/${zone}`;
export const WORKSPACE = `/subscriptions/${HUB_SUB}/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-platform`;
const ARCHIVE = `/subscriptions/${HUB_SUB}/resourceGroups/rg-logs/providers/Microsoft.Storage/storageAccounts/stlogs01`;

export const vaultPrivateEndpoints = {
  valid: fc.constantFrom<unknown>(
    [],
    [{ subnetResourceId: `${SUBNET_PREFIX()}pe` }],
    [
      {
        subnetResourceId: `${SUBNET_PREFIX()}pe`,
        privateDnsZoneResourceId: dnsZone("privatelink.vaultcore.azure.net"),
      },
    ],
  ),
  invalid: fc.constantFrom<unknown>(
    [{ subnetResourceId: `${SUBNET_PREFIX()}pe` }, { subnetResourceId: `${SUBNET_PREFIX()}pe2` }],
    [
      {
        subnetResourceId: `${SUBNET_PREFIX()}pe`,
        privateDnsZoneResourceId: dnsZone("privatelink.blob.core.windows.net"),
      },
    ],
    [{ subnetResourceId: "vnet/pe" }],
    [{ subnetResourceId: `${SUBNET_PREFIX()}pe`, location: "mars" }],
  ),
};

const SERVICES = ["blob", "dfs", "file", "queue", "table", "web"] as const;
export const storagePrivateEndpoints = {
  valid: fc
    .uniqueArray(fc.constantFrom(...SERVICES), { maxLength: 3 })
    .chain((services) =>
      fc.tuple(
        ...services.map((service) =>
          fc.constantFrom(
            { service, subnetResourceId: `${SUBNET_PREFIX()}pe` },
            {
              service,
              subnetResourceId: `${SUBNET_PREFIX()}pe`,
              privateDnsZoneResourceId: dnsZone(`privatelink.${service}.core.windows.net`),
            },
          ),
        ),
      ),
    )
    .map((l): unknown => [...l]),
  invalid: fc.constantFrom<unknown>(
    [
      {
        service: "blob",
        subnetResourceId: `${SUBNET_PREFIX()}pe`,
        privateDnsZoneResourceId: dnsZone("privatelink.vaultcore.azure.net"),
      },
    ],
    [{ service: "vault", subnetResourceId: `${SUBNET_PREFIX()}pe` }],
    [{ service: "blob" }],
    [{ service: "blob_secondary", subnetResourceId: `${SUBNET_PREFIX()}pe` }],
    [
      { service: "blob", subnetResourceId: `${SUBNET_PREFIX()}pe` },
      { service: "blob", subnetResourceId: `${SUBNET_PREFIX()}pe` },
    ],
    [{ service: "file", subnetResourceId: `${SUBNET_PREFIX()}pe`, name: "-x" }],
  ),
};

export const diagnosticSettings = {
  valid: fc.constantFrom<unknown>(
    [],
    [{ workspaceResourceId: WORKSPACE }],
    [
      { name: "to-law", workspaceResourceId: WORKSPACE, logAnalyticsDestinationType: "Dedicated" },
      { name: "archive", storageAccountResourceId: ARCHIVE },
    ],
  ),
  invalid: fc.constantFrom<unknown>(
    [{}],
    [{ workspaceResourceId: ARCHIVE }],
    [{ workspaceResourceId: WORKSPACE, eventHubName: "logs" }],
    Array.from({ length: 6 }, () => ({ workspaceResourceId: WORKSPACE })),
    [{ storageAccountResourceId: ARCHIVE, logAnalyticsDestinationType: "Dedicated" }],
  ),
};

export const locks = {
  valid: fc.constantFrom<unknown>(
    {},
    { kind: "CanNotDelete" },
    { kind: "None" },
    { name: "do-not-delete", notes: "platform" },
  ),
  invalid: fc.constantFrom<unknown>(
    { kind: "ReadOnly" },
    { kind: "Delete" },
    { name: "a:b" },
    "CanNotDelete",
  ),
};

export const blobServices = {
  valid: fc.constantFrom<unknown>(
    {},
    { deleteRetentionPolicyDays: 30, containerDeleteRetentionPolicyDays: 14 },
    {
      changeFeedEnabled: true,
      changeFeedRetentionInDays: 30,
      restorePolicyEnabled: true,
      restorePolicyDays: 6,
    },
    { isVersioningEnabled: false, containerDeleteRetentionPolicyEnabled: false },
  ),
  invalid: fc.constantFrom<unknown>(
    { deleteRetentionPolicyDays: 0 },
    { restorePolicyEnabled: true },
    { restorePolicyEnabled: true, changeFeedEnabled: true, restorePolicyDays: 7 },
    { changeFeedRetentionInDays: 10 },
    { isVersioningEnabled: "yes" },
  ),
};

/** Values of the wrong type for any field. */
export const wrongTyped: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(
  null,
  0,
  -1,
  42,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  false,
  "",
  {},
  [],
  { nested: { deeper: {} } },
  ["a"],
);

/** How a field may be drawn: valid values, invalid values of the right type, and whether it is an `Input` (may be an output). */
export interface FieldSpec {
  valid: fc.Arbitrary<unknown>;
  invalid: fc.Arbitrary<unknown>;
  output?: boolean;
}

export function field<T>(
  valid: fc.Arbitrary<T>,
  invalid: fc.Arbitrary<unknown>,
  options: { output?: boolean } = {},
): FieldSpec {
  return { valid, invalid, ...options };
}

/** A field's good values: absent, valid, or (for inputs) an output of a valid value. */
function good(spec: FieldSpec): fc.Arbitrary<unknown> {
  const choices: fc.WeightedArbitrary<unknown>[] = [
    { weight: 6, arbitrary: spec.valid },
    { weight: 3, arbitrary: fc.constant(undefined) },
  ];
  if (spec.output) {
    choices.push({
      weight: 2,
      arbitrary: spec.valid.map((v) => (Math.random() < 0.5 ? pulumi.output(v) : pulumi.secret(v))),
    });
  }
  return fc.oneof(...choices);
}

/** A field's bad values: invalid, wrong-typed, or (for inputs) an output or secret of an invalid value. */
function bad(spec: FieldSpec): fc.Arbitrary<unknown> {
  const choices: fc.WeightedArbitrary<unknown>[] = [
    { weight: 3, arbitrary: spec.invalid },
    { weight: 2, arbitrary: wrongTyped },
  ];
  if (spec.output) {
    choices.push({ weight: 2, arbitrary: spec.invalid.map((v) => pulumi.output(v)) });
    choices.push({ weight: 2, arbitrary: spec.invalid.map((v) => pulumi.secret(v)) });
  }
  return fc.oneof(...choices);
}

/**
 * Argument sets, leaving absent fields out (as a schema-driven SDK does), in four shapes so every path is exercised:
 * all fields good; all good but one bad (the shape that reaches deployment-time checks most often); every field
 * independently good or bad; all good plus an argument name the component does not know (a typo of a real one, a
 * different case, or an invented one), which must be refused at construction.
 */
export function args(fields: Record<string, FieldSpec>): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(fields);
  const allGood = fc.record(Object.fromEntries(keys.map((k) => [k, good(fields[k])])));
  const oneBad = fc
    .constantFrom(...keys)
    .chain((k) => fc.tuple(allGood, fc.constant(k), bad(fields[k])))
    .map(([r, k, v]) => ({ ...r, [k]: v }));
  const mixed = fc.record(
    Object.fromEntries(
      keys.map((k) => [
        k,
        fc.oneof(
          { weight: 4, arbitrary: good(fields[k]) },
          { weight: 1, arbitrary: bad(fields[k]) },
        ),
      ]),
    ),
  );
  // A misspelt or invented argument name beside good ones: refused with the closest name, never silently ignored.
  const unknownName = fc
    .tuple(
      allGood,
      fc.oneof(
        fc.constantFrom(...keys).map((k) => `${k.slice(0, -1)}`),
        fc.constantFrom(...keys).map((k) => k.toUpperCase()),
        fc.constantFrom("colour", "allowedIpRange", "name", "id"),
      ),
      fc.constantFrom<unknown>("x", 1, true, ["a"], { a: 1 }),
    )
    .filter(([, k]) => !keys.includes(k))
    .map(([r, k, v]) => {
      const withUnknown: Record<string, unknown> = { ...r, [k]: v };
      // Marked (not enumerable, so the component never sees it): assertProperty requires this set to be refused.
      Object.defineProperty(withUnknown, UNKNOWN_NAME, { value: k, enumerable: false });
      return withUnknown;
    });
  return fc
    .oneof(
      { weight: 2, arbitrary: allGood },
      { weight: 5, arbitrary: oneBad },
      { weight: 2, arbitrary: mixed },
      { weight: 1, arbitrary: unknownName },
    )
    .map((r) => {
      const out = Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));
      const unknown = unknownNameIn(r);
      if (unknown !== undefined) {
        Object.defineProperty(out, UNKNOWN_NAME, { value: unknown, enumerable: false });
      }
      return out;
    });
}

export const validTags = fc.dictionary(
  fc.constantFrom("team", "costCentre", "owner", "env", "data-class"),
  fc.constantFrom("a", "x-1", "Payments"),
  { maxKeys: 4 },
);
export const invalidTags = fc.oneof(
  fc.constant({ "a/b": "x" }),
  fc.constant({ ok: 1234 }),
  fc.constant(Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`t${i}`, "x"]))),
  fc.constant({ long: "v".repeat(300) }),
);

/** What a generated case is allowed to break knowingly: documented opt-outs excuse the policies they name. */
export interface Excuses {
  policies?: string[];
  armRules?: string[];
}

/** Outcomes of judged cases, for the large run's report (`npm run fuzz` prints it). */
export const tally = { refusedAtConstruction: 0, failedAtDeployment: 0, built: 0 };

/** Messages a deployment-time failure may have: the components' own. */
const CLEAR_DEPLOYMENT_ERROR =
  /Invalid arguments for (SecureVault|ManagedKeyRotation|CmkStorageAccount|StorageAccessKeyRotation) "|\.vaultId is in subscription |\.vaultUri .* does not name the vault of vaultId|vaultId must be a Key Vault resource id/;

/**
 * Runs one generated case and returns what is wrong with the outcome, or undefined when the property holds. `setup`
 * builds what the case needs besides the component under test (a vault for a key, …) and settles first, so only what
 * `build` registers counts as the component's.
 */
export async function judge<T>(
  setup: () => T,
  build: (fixture: T) => Excuses | void,
  existingVaults: string[] = [],
): Promise<string | undefined> {
  recorder.reset();
  await deploymentErrors();
  const fixture = setup();
  await settled();
  const before = recorder.resources.length;
  let thrown: unknown;
  let excuses: Excuses = {};
  try {
    excuses = build(fixture) ?? {};
  } catch (e) {
    thrown = e;
  }
  const timer = new Promise<"hang">((resolve) =>
    setTimeout(() => resolve("hang"), CASE_TIMEOUT_MS).unref(),
  );
  if ((await Promise.race([settled(), timer])) === "hang") {
    return `did not settle within ${CASE_TIMEOUT_MS} ms`;
  }
  // The recorder keeps plain values (secrets revealed, as ARM sees them), so the simulated Azure judges the real values.
  const resources: RecordedResource[] = [...recorder.resources];
  const errors = await deploymentErrors();
  if (thrown !== undefined) {
    if (!pulumi.InputPropertiesError.isInstance(thrown)) {
      return `threw ${thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : JSON.stringify(thrown)}`;
    }
    if (!/^Invalid arguments for \w+ "[^"]*":\n {2}- \S/.test((thrown as Error).message)) {
      return `threw an unclear message: ${(thrown as Error).message}`;
    }
    const registered = resources.slice(before);
    if (registered.length > 0) {
      return `registered ${registered.map((r) => r.name).join(", ")}, then threw: ${(thrown as Error).message}`;
    }
    tally.refusedAtConstruction++;
    return undefined;
  }
  const unclear = errors.filter((e) => !CLEAR_DEPLOYMENT_ERROR.test(e));
  if (unclear.length > 0) {
    return `the deployment failed with an unclear error: ${unclear.join(" | ")}`;
  }
  const state = {
    created: [] as RecordedResource[],
    existingVaults: new Set(existingVaults.map((v) => v.toLowerCase())),
  };
  for (const r of resources) {
    const rejected = allRejections(r, { ...state, created: state.created }).filter(
      (x) => !(excuses.armRules ?? []).includes(x.rule),
    );
    if (rejected.length > 0) {
      return `accepted, but Azure rejects ${r.type}::${r.name}: ${rejected.map((x) => `${x.rule}: ${x.message}`).join(" | ")}`;
    }
    state.created.push(r);
  }
  if (errors.length > 0) tally.failedAtDeployment++;
  else tally.built++;
  if (errors.length === 0) {
    const outcome = await runPolicyAdapter(
      resources,
      path.join(REPO, "policy", "config", "dev.json"),
    );
    const broken = outcome.mandatory.filter((v) => !(excuses.policies ?? []).includes(v.policy));
    if (broken.length > 0) {
      return `accepted, but mandatory policies fail: ${broken.map((v) => `${v.policy}: ${v.message}`).join(" | ")}`;
    }
  }
  return undefined;
}

/** Marks an argument set that carries an argument name the component does not know (the name is the value). */
const UNKNOWN_NAME: unique symbol = Symbol("unknownArgumentName");

/** The unknown argument name a generated value (an argument set, or a tuple holding one) carries, if any. */
function unknownNameIn(value: unknown): string | undefined {
  const marked = (v: unknown): string | undefined =>
    v !== null && typeof v === "object"
      ? ((v as Record<symbol, unknown>)[UNKNOWN_NAME] as string | undefined)
      : undefined;
  return marked(value) ?? (Array.isArray(value) ? value.map(marked).find(Boolean) : undefined);
}

/**
 * Asserts the property over `FUZZ_RUNS` generated argument sets, reporting the smallest failing one. A set carrying an
 * unknown argument name must have been refused at construction (an ignored name is a failure).
 */
export async function assertProperty<T>(
  arbitrary: fc.Arbitrary<T>,
  run: (value: T) => Promise<string | undefined>,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      const refusedBefore = tally.refusedAtConstruction;
      const problem = await run(value);
      if (problem !== undefined) throw new Error(problem);
      const unknown = unknownNameIn(value);
      if (unknown !== undefined && tally.refusedAtConstruction === refusedBefore) {
        throw new Error(
          `accepted the unknown argument name ${JSON.stringify(unknown)} instead of refusing it`,
        );
      }
    }),
    { numRuns: FUZZ_RUNS, seed: FUZZ_SEED, endOnFailure: process.env.FUZZ_SHRINK !== "1" },
  );
}

/** A Managed HSM outside the stack (declare it with `existingVaults` when judging). */
export const HSM_NAME = "hsm-shared-01";
export const HSM_ID = `/subscriptions/${SUB}/resourceGroups/rg-hsm/providers/Microsoft.KeyVault/managedHSMs/${HSM_NAME}`;

/**
 * Managed HSM key references as an untyped caller may send them: valid ones (weight 6) and each way to get one wrong
 * (the HSM as a plain string, a vault id as the HSM id, a URI of another HSM, a non-GUID tenant, a keyId, a vault as
 * well, a bad key name, a wrong-typed location).
 */
export function managedHsmKeyReferences(): fc.Arbitrary<unknown> {
  const valid = {
    managedHsm: {
      hsmId: HSM_ID,
      hsmUri: `https://${HSM_NAME}.managedhsm.azure.net/`,
      location: "westeurope",
    },
    keyName: "storage-cmk",
  };
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.constantFrom<unknown>(valid, { managedHsm: { hsmId: HSM_ID }, keyName: "k1" }),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom<unknown>(
        { ...valid, managedHsm: HSM_ID },
        { ...valid, managedHsm: { hsmId: HSM_ID.replace("managedHSMs", "vaults") } },
        {
          ...valid,
          managedHsm: { ...valid.managedHsm, hsmUri: "https://hsm-other.managedhsm.azure.net" },
        },
        { ...valid, managedHsm: { ...valid.managedHsm, tenantId: "contoso" } },
        { ...valid, managedHsm: { ...valid.managedHsm, location: 42 } },
        { ...valid, keyId: `${HSM_ID}/keys/storage-cmk` },
        {
          ...valid,
          vault: {
            vaultId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-a`,
            permissionModel: "rbac",
          },
        },
        { ...valid, keyName: "bad_key" },
      ),
    },
  );
}
