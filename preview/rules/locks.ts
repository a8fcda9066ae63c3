/**
 * Management locks (`authorization.ManagementLock*`) as Azure Resource Manager checks them on create: the level is
 * CanNotDelete or ReadOnly, the notes at most 512 characters. What a lock does on delete (ScopeLocked) is checked
 * where deletes are known, against `--previous`: `lockedDeletes` in preview/guardrailFindings.ts.
 */
import { T, type ArmRule } from "../armTypes";

export const LOCK_TYPES: readonly string[] = [
  T.lockByScope,
  T.lockAtResourceGroup,
  T.lockAtResource,
  T.lockAtSubscription,
];

/** The lock levels ARM accepts (locks.json LockLevel also lists NotSpecified, which it refuses on create). */
export const LOCK_LEVELS = ["CanNotDelete", "ReadOnly"] as const;

export const LOCK_SOURCES = {
  level:
    'Azure/azure-rest-api-specs specification/resources/resource-manager/Microsoft.Authorization/stable/2020-05-01/locks.json (ManagementLockProperties.level, required: "CanNotDelete means authorized users are able to read and modify the resources, but not delete. ReadOnly means authorized users can only read from a resource"; notes maxLength 512); learn.microsoft.com azure-resource-manager/management/lock-resources; the code for NotSpecified or another value is unconfirmed (BadRequest assumed)',
  scopeLocked:
    "learn.microsoft.com azure-resource-manager/management/lock-resources (a lock applies to the scope and everything below it, child and extension resources included); hashicorp/terraform-provider-azurerm#17478, Azure/azure-cli#20232 and microsoft/AzureTRE#4664 (HTTP 409 ScopeLocked: \"The scope '<id>' cannot perform delete operation because following scope(s) are locked: '<lock scope>'. Please remove the lock and try again.\")",
} as const;

export const LOCK_RULES: readonly ArmRule[] = [
  {
    id: "lock-level-invalid",
    code: "BadRequest",
    types: LOCK_TYPES,
    title: "Management lock with a level other than CanNotDelete or ReadOnly",
    source: LOCK_SOURCES.level,
    check(p) {
      const level: unknown = p.inputs.level;
      return typeof level === "string" && (LOCK_LEVELS as readonly string[]).includes(level)
        ? undefined
        : `The lock level ${JSON.stringify(level ?? null)} is invalid: a management lock is CanNotDelete or ReadOnly. Fix: set level to CanNotDelete (ReadOnly also blocks every write and POST, listKeys included).`;
    },
  },
  {
    id: "lock-notes-too-long",
    code: "BadRequest",
    types: LOCK_TYPES,
    title: "Management lock notes longer than 512 characters",
    source: LOCK_SOURCES.level,
    check(p) {
      const notes: unknown = p.inputs.notes;
      return typeof notes !== "string" || notes.length <= 512
        ? undefined
        : `The lock notes are ${notes.length} characters long; at most 512 are allowed. Fix: shorten notes.`;
    },
  },
];
