import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { show } from "./validation";

/**
 * Shortest wait accepted after a role assignment. Azure documents that role assignments "can take up to 10 minutes"
 * to take effect (learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-changes-are-not-being-detected),
 * and storage CMK at creation fails with KeyVaultAuthenticationFailure before that (Azure/bicep#16601); 0 is never
 * enough. The stack config applies the same minimum.
 */
export const MIN_RBAC_PROPAGATION_SECONDS = 30;
export const MAX_RBAC_PROPAGATION_SECONDS = 900;

/** Why `seconds` is not an acceptable propagation wait, or undefined; the minimum applies when a role assignment is made. */
export function rbacPropagationProblem(
  seconds: unknown,
  roleAssignmentMade: boolean,
): string | undefined {
  if (seconds === undefined) return undefined;
  if (
    typeof seconds !== "number" ||
    !Number.isInteger(seconds) ||
    seconds < 0 ||
    seconds > MAX_RBAC_PROPAGATION_SECONDS
  ) {
    return `must be a whole number of seconds between 0 and ${MAX_RBAC_PROPAGATION_SECONDS}, got ${show(seconds)}`;
  }
  if (roleAssignmentMade && seconds < MIN_RBAC_PROPAGATION_SECONDS) {
    return `must be at least ${MIN_RBAC_PROPAGATION_SECONDS} when a role assignment is made (role assignments take minutes to propagate; a request made before that fails with KeyVaultAuthenticationFailure or AuthorizationFailed), got ${seconds}`;
  }
  return undefined;
}

/**
 * Waits after Azure RBAC role assignments are created, before dependants use them.
 *
 * Why: role assignments propagate through Azure's authorization caches asynchronously; a storage account created right
 * after its identity's "Key Vault Crypto Service Encryption User" assignment can fail with
 * `KeyVaultAuthenticationFailure` and succeed on retry (Azure/bicep#16601, Azure/bicep-types-az#2452). Pulumi has no
 * per-resource retry, so dependants wait on a `time.Sleep` (`@pulumiverse/time`, a bridged provider that works from
 * every Pulumi language, unlike a dynamic resource): it sleeps once when created and again only when `triggers`
 * change, i.e. when a grant is replaced (new role assignment id). Access-policy vaults need no wait.
 */
export function waitForRbacPropagation(
  name: string,
  grants: readonly pulumi.CustomResource[],
  seconds: number,
  opts: pulumi.CustomResourceOptions,
): time.Sleep {
  return new time.Sleep(
    name,
    {
      createDuration: `${seconds}s`,
      triggers: {
        roleAssignmentIds: pulumi.all(grants.map((g) => g.id)).apply((ids) => ids.join(",")),
      },
    },
    { ...opts, dependsOn: [...grants] },
  );
}
