import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { enumValues, LockKind } from "./enums";
import { type ArgumentProblems, checkString, isKnown, show } from "./validation";

/**
 * An Azure resource lock on the component's main resource, in the shape of Azure Verified Modules' `lock`
 * (`lockType`). Only "CanNotDelete" and "None": see LockKind for why ReadOnly is refused.
 */
export interface ResourceLock {
  /** "CanNotDelete" (no one can delete the resource until the lock is removed) or "None". Default: "CanNotDelete". */
  kind?: LockKind;
  /**
   * Lock name (1-90 characters without < > * % & : \ ? / + or control characters). Default:
   * `<resource name>-cannot-delete`.
   */
  name?: string;
  /** Notes shown with the lock (at most 512 characters). Default: says which component manages it and how to lift it. */
  notes?: string;
}

/** ARM lock naming rules and notes length (Microsoft.Authorization/locks, REST spec locks.json: notes ≤ 512). */
const LOCK_NAME = /^[^<>*%&:\\?/+\p{Cc}]{1,90}$/u;

/**
 * Validates `lock` as an untyped caller may send it. ReadOnly gets its own message: on a storage account it blocks
 * listKeys (a POST) and role assignments scoped to the account; on a vault every ARM write, including the keys, access
 * policies and role assignments the components manage (learn.microsoft.com azure-resource-manager/management/
 * lock-resources, "Considerations before applying your locks").
 */
export function checkLock(problems: ArgumentProblems, value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "object" || Array.isArray(value) || !isKnown(value)) {
    problems.add("lock", `must be an object { kind?, name?, notes? }, got ${show(value)}`);
    return;
  }
  const lock = value as Partial<ResourceLock>;
  const kind: unknown = lock.kind;
  if (kind === "ReadOnly") {
    problems.add(
      "lock.kind",
      'ReadOnly is not supported: a read-only lock blocks every ARM write and POST on the resource (on a storage account listKeys and role assignments, on a vault its keys, access policies and role assignments), so the component could no longer manage it (learn.microsoft.com lock-resources, "Considerations before applying your locks"); use "CanNotDelete"',
    );
  } else if (
    kind !== undefined &&
    isKnown(kind) &&
    !(enumValues(LockKind) as readonly unknown[]).includes(kind)
  ) {
    problems.add(
      "lock.kind",
      `must be one of ${enumValues(LockKind).join(", ")}, got ${show(kind)}`,
    );
  } else if (kind !== undefined && !isKnown(kind)) {
    problems.add(
      "lock.kind",
      "must be a plain value, not an output: it decides whether a lock is created",
    );
  }
  if (checkString(problems, "lock.name", lock.name) && !LOCK_NAME.test(lock.name)) {
    problems.add(
      "lock.name",
      `must be 1-90 characters without < > * % & : \\ ? / + or control characters, got ${show(lock.name)}`,
    );
  }
  if (checkString(problems, "lock.notes", lock.notes) && lock.notes.length > 512) {
    problems.add("lock.notes", `must be at most 512 characters, got ${lock.notes.length}`);
  }
}

/** Whether `lock` asks for a lock. */
export function wantsLock(lock: ResourceLock | undefined): lock is ResourceLock {
  return lock !== undefined && (lock.kind ?? "CanNotDelete") === "CanNotDelete";
}

/**
 * Creates `<name>-lock`, an `authorization.ManagementLockByScope` CanNotDelete on `scope`, after everything in
 * `dependsOn` (the resource and the component's other children). That order matters twice: Pulumi deletes dependents
 * first, so `pulumi destroy` and the removal of a team delete the lock before anything it guards (a CanNotDelete lock
 * also blocks deleting the resource's child and extension resources — diagnostic settings, role assignments — with
 * ScopeLocked); and the lock is never Pulumi-protected itself (`protect: false`), so turning it off works in a
 * protected stack (offboarding's first step). `deleteBeforeReplace`: a lock keeps its name when it is replaced.
 */
export function createLock(
  name: string,
  scope: pulumi.Input<string>,
  resourceName: pulumi.Input<string>,
  lock: ResourceLock,
  component: string,
  parent: pulumi.Resource,
  dependsOn: pulumi.Input<pulumi.Resource>[],
): authorization.ManagementLockByScope {
  return new authorization.ManagementLockByScope(
    `${name}-lock`,
    {
      scope,
      lockName: lock.name ?? pulumi.interpolate`${resourceName}-cannot-delete`,
      level: "CanNotDelete",
      notes:
        lock.notes ??
        `Managed by Pulumi (${component} "${name}"): remove it with the component's lock: None (stack config lock: None or a decommissioned team) before deleting.`.slice(
          0,
          512,
        ),
    },
    { parent, dependsOn, protect: false, deleteBeforeReplace: true },
  );
}
