import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";

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
