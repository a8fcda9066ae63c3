import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as azureKeyvault from "@pulumi/azure/keyvault";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import {
  type AzureBuiltInRoleName,
  managedHsmRoleDefinitionId,
  type ManagedHsmLocalRoleName,
  roleDefinitionId,
} from "./azureRoles";
import type { PrincipalType } from "./enums";
import {
  type ResolvedManagedHsm,
  vaultNameInProviderSubscription,
  type ResolvedVault,
} from "./references";

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

/**
 * A stable GUID for a Managed HSM role assignment, derived from what it grants (HSM, scope, principal, role), as
 * Bicep's `guid()` is used for role assignment names: the same grant keeps its name on every run, a different grant
 * gets a different one. Managed HSM role assignment names must be GUIDs.
 */
export function managedHsmRoleAssignmentName(
  hsmId: string,
  scope: string,
  principalId: string,
  roleDefinition: string,
): string {
  const h = createHash("sha256")
    .update(
      [
        hsmId.toLowerCase(),
        scope.toLowerCase(),
        principalId.toLowerCase(),
        roleDefinition.toLowerCase(),
      ].join("|"),
    )
    .digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The Managed HSM grant: a Managed HSM local role assignment (`azure.keyvault.ManagedHardwareSecurityModuleRoleAssignment`
 * from `@pulumi/azure`; azure-native has no resource for the HSM data plane) of a built-in local role on one key
 * (`/keys/<keyName>`). Managed HSMs honour neither vault access policies nor Azure RBAC role assignments for keys.
 */
export function grantManagedHsmKeyAccess(
  name: string,
  hsm: ResolvedManagedHsm,
  grant: {
    principalId: pulumi.Input<string>;
    keyName: pulumi.Input<string>;
    role: ManagedHsmLocalRoleName;
  },
  opts: pulumi.CustomResourceOptions,
): azureKeyvault.ManagedHardwareSecurityModuleRoleAssignment {
  const roleDefinition = managedHsmRoleDefinitionId(grant.role);
  const scope = pulumi.output(grant.keyName).apply((k) => `/keys/${k}`);
  return new azureKeyvault.ManagedHardwareSecurityModuleRoleAssignment(
    name,
    {
      managedHsmId: hsm.hsmId,
      name: pulumi
        .all([hsm.hsmId, scope, grant.principalId])
        .apply(([id, s, principal]) =>
          managedHsmRoleAssignmentName(id, s, principal, roleDefinition),
        ),
      scope,
      roleDefinitionId: roleDefinition,
      principalId: grant.principalId,
    },
    opts,
  );
}
