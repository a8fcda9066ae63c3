import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import { type AzureBuiltInRoleName, roleDefinitionId } from "./azureRoles";
import type { PrincipalType } from "./enums";
import { vaultNameInProviderSubscription, type ResolvedVault } from "./references";

/** Data-plane access to grant a principal on a vault, in both permission models. */
export interface VaultGrant {
  /** Object (principal) id of the user, group or service principal. */
  principalId: pulumi.Input<string>;
  /** Kind of principal; role assignments must state it (azure-native would otherwise send "User"). */
  principalType: PrincipalType;
  /** Tenant of the principal (access-policy model). */
  tenantId: pulumi.Input<string>;
  /** Access-policy model: the exact permissions. */
  accessPolicy: { keys?: readonly string[]; secrets?: readonly string[] };
  /** RBAC model: the built-in role with the same reach. */
  role: AzureBuiltInRoleName;
  /** RBAC model: where the role is assigned. Default: the vault. */
  scope?: pulumi.Input<string>;
  /** Description of the role assignment (RBAC model). */
  description: string;
  /** How errors name the vault reference, e.g. `CmkStorageAccount "payments" key.vault`. */
  describe: string;
}

/**
 * The one place a vault grant is made: a standalone `keyvault.AccessPolicy` (access-policy vault; never inline policies,
 * so grants never overwrite each other) or an `authorization.RoleAssignment` of a built-in role (RBAC vault), with the
 * role definition taken from the vault's own subscription so a vault in another subscription is granted correctly.
 */
export function grantVaultAccess(
  name: string,
  vault: ResolvedVault,
  grant: VaultGrant,
  opts: pulumi.CustomResourceOptions,
): keyvault.AccessPolicy | authorization.RoleAssignment {
  if (vault.permissionModel === "accessPolicy") {
    const client = authorization.getClientConfigOutput(opts.parent ? { parent: opts.parent } : {});
    return new keyvault.AccessPolicy(
      name,
      {
        resourceGroupName: vault.resourceGroupName,
        vaultName: vaultNameInProviderSubscription(
          vault,
          client.subscriptionId,
          grant.describe,
          "access policies",
        ),
        policy: {
          tenantId: grant.tenantId,
          objectId: grant.principalId,
          permissions: {
            ...(grant.accessPolicy.keys ? { keys: [...grant.accessPolicy.keys] } : {}),
            ...(grant.accessPolicy.secrets ? { secrets: [...grant.accessPolicy.secrets] } : {}),
          },
        },
      },
      opts,
    );
  }
  return assignRole(
    name,
    {
      principalId: grant.principalId,
      principalType: grant.principalType,
      role: grant.role,
      scope: grant.scope ?? vault.vaultId,
      subscriptionId: vault.subscriptionId,
      description: grant.description,
    },
    opts,
  );
}

/** A built-in role assigned to a principal at a scope, the role definition taken from `subscriptionId`. */
export function assignRole(
  name: string,
  args: {
    principalId: pulumi.Input<string>;
    principalType: PrincipalType;
    role: AzureBuiltInRoleName;
    scope: pulumi.Input<string>;
    subscriptionId: pulumi.Input<string>;
    description: string;
  },
  opts: pulumi.CustomResourceOptions,
): authorization.RoleAssignment {
  return new authorization.RoleAssignment(
    name,
    {
      principalId: args.principalId,
      principalType: args.principalType,
      roleDefinitionId: pulumi
        .output(args.subscriptionId)
        .apply((s) => roleDefinitionId(s, args.role)),
      scope: args.scope,
      description: args.description,
    },
    opts,
  );
}
