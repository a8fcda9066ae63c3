/**
 * A small simulated-Azure world for the storage rule families' tests: pending registrations, created resources with
 * ARM's answers, a state holding one storage account, and the accept/reject assertions every rule test uses.
 */
import { strict as assert } from "node:assert";
// The simulated Azure first: it loads the rule families (a family imports its helpers from it).
import {
  checkRegistration,
  T,
  type AzureState,
  type PendingResource,
} from "../../preview/simulatedAzure";
import { type ArmContext, armState, DEFAULT_ARM_CONTEXT } from "../../preview/armState";
import type { RecordedResource } from "../../preview/recorder";

export const RG = "rg-data";
export const SUB = DEFAULT_ARM_CONTEXT.subscriptionId;

export function pending(
  type: string,
  name: string,
  inputs: Record<string, any>,
  dependencies: string[] = [],
  stack = "test",
): PendingResource {
  return {
    urn: `urn:pulumi:${stack}::cmk-storage::${type}::${name}`,
    type,
    name,
    custom: true,
    parent: undefined,
    inputs,
    dependencies,
    propertyDependencies: {},
    protect: false,
    retainOnDelete: false,
    aliases: [],
  };
}

export function created(p: PendingResource): RecordedResource {
  return createdIn(p, DEFAULT_ARM_CONTEXT);
}

/** A created resource with ARM's answers in another subscription or resource group (another stack's). */
export function createdIn(p: PendingResource, ctx: ArmContext): RecordedResource {
  const { id, state } = armState(p.type, p.name, p.inputs, ctx);
  return { ...p, id, outputs: state };
}

/** A state holding one storage account named `st<name>` with the given inputs. */
export function withAccount(
  over: Record<string, any> = {},
  extra: Partial<AzureState> = {},
): { state: AzureState; account: RecordedResource } {
  const account = created(
    pending(T.account, "data-account", {
      accountName: "stdata01",
      resourceGroupName: RG,
      location: "westeurope",
      kind: "StorageV2",
      sku: { name: "Standard_ZRS" },
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: false,
      publicNetworkAccess: "Enabled",
      networkRuleSet: { defaultAction: "Allow" },
      ...over,
    }),
  );
  return { state: { created: [account], existingVaults: new Set(), ...extra }, account };
}

export function rejects(
  p: PendingResource,
  state: AzureState,
  rule: string,
  code: string,
  fragment: RegExp,
): void {
  const err = checkRegistration(p, state);
  assert.ok(err, `expected rule ${rule} to reject`);
  assert.equal(err.rule, rule, err.message);
  assert.equal(err.code, code);
  assert.match(err.armMessage, fragment);
  assert.match(err.armMessage, /Fix: /);
  assert.doesNotMatch(err.armMessage, /cmk-(storage|preview):/, "rules speak ARM");
}

export function accepts(p: PendingResource, state: AzureState): void {
  const err = checkRegistration(p, state);
  assert.equal(err, undefined, err?.message);
}
