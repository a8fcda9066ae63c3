/**
 * Types shared by the simulated Azure Resource Manager (`simulatedAzure.ts`) and the rule families in `preview/rules/`:
 * resource type tokens, the pending registration, the state, ARM's error and the rule shape. Kept apart so that a rule
 * family can import them at load time without a cycle through `simulatedAzure.ts`.
 */
import type { RecordedResource, RegistrationCheck } from "./recorder";

export const T = {
  vault: "azure-native:keyvault:Vault",
  key: "azure-native:keyvault:Key",
  accessPolicy: "azure-native:keyvault:AccessPolicy",
  account: "azure-native:storage:StorageAccount",
  identity: "azure-native:managedidentity:UserAssignedIdentity",
  roleAssignment: "azure-native:authorization:RoleAssignment",
  resourceGroup: "azure-native:resources:ResourceGroup",
  privateEndpoint: "azure-native:network:PrivateEndpoint",
  privateDnsZoneGroup: "azure-native:network:PrivateDnsZoneGroup",
  diagnosticSetting: "azure-native:monitor:DiagnosticSetting",
  /** A management lock at any scope (what the components create). */
  lockByScope: "azure-native:authorization:ManagementLockByScope",
  lockAtResourceGroup: "azure-native:authorization:ManagementLockAtResourceGroupLevel",
  lockAtResource: "azure-native:authorization:ManagementLockAtResourceLevel",
  lockAtSubscription: "azure-native:authorization:ManagementLockAtSubscriptionLevel",
  blobContainer: "azure-native:storage:BlobContainer",
  blob: "azure-native:storage:Blob",
  fileShare: "azure-native:storage:FileShare",
  queue: "azure-native:storage:Queue",
  table: "azure-native:storage:Table",
  blobServiceProperties: "azure-native:storage:BlobServiceProperties",
  fileServiceProperties: "azure-native:storage:FileServiceProperties",
  queueServiceProperties: "azure-native:storage:QueueServiceProperties",
  tableServiceProperties: "azure-native:storage:TableServiceProperties",
  staticWebsite: "azure-native:storage:StorageAccountStaticWebsite",
  /** A Key Vault Managed HSM (control plane, azure-native). */
  managedHsm: "azure-native:keyvault:ManagedHsm",
  /** A key in a Managed HSM (data plane; `@pulumi/azure`, azure-native has none). */
  hsmKey: "azure:keyvault/managedHardwareSecurityModuleKey:ManagedHardwareSecurityModuleKey",
  /** A Managed HSM local RBAC role assignment (data plane; `@pulumi/azure`). */
  hsmRoleAssignment:
    "azure:keyvault/managedHardwareSecurityModuleRoleAssignment:ManagedHardwareSecurityModuleRoleAssignment",
  sleep: "time:index/sleep:Sleep",
  /** The program's earlier propagation wait (a dynamic resource); still honoured for older fixtures and state. */
  legacyWait: "pulumi-nodejs:dynamic/cmk:RbacPropagationWait",
} as const;

/** A registration as the simulated Azure sees it before answering (what `Recorder.addCheck` hands over). */
export type PendingResource = Parameters<RegistrationCheck>[0];

/** What the simulated Azure knows besides the pending request. */
export interface AzureState {
  /** Resources already created in this run (registration order). */
  created: readonly RecordedResource[];
  /**
   * Vaults that exist outside the stack (lowercase vault names), declared with the `cmk-preview:existingVaults`
   * stack config key. Keys in them are assumed to exist and to be usable; the simulation cannot check their settings.
   */
  existingVaults: ReadonlySet<string>;
  /**
   * Storage accounts that exist outside the stack (lowercase names), declared with `cmk-preview:existingStorageAccounts`:
   * containers, shares, queues, tables and blobs in them are accepted without checking the account's settings.
   */
  existingStorageAccounts?: ReadonlySet<string>;
  /**
   * Where the deploying machine stands (who runs `pulumi up`, and from which network): what the data plane of a
   * storage account sees when azure-native uploads a blob. Default: `DEFAULT_DEPLOYER` (outside every virtual network,
   * one public address).
   */
  deployer?: DeployerPosition;
  /**
   * The simulated clock, in seconds since 1970-01-01T00:00:00Z (what Key Vault's `attributes.expires`/`notBefore`
   * use), for rules about key validity. Default: the time of the check.
   */
  now?: number;
  /**
   * URNs of the resources an earlier deployment holds (`--previous`). A rule about what ARM checks when a resource is
   * created (a storage account reaching its key) skips them: Pulumi sends no request for an unchanged resource.
   */
  deployed?: ReadonlySet<string>;
  /**
   * Subnets that exist outside the stack, declared with `cmk-preview:existingSubnets` (lowercase subnet id → region).
   * When given, a private endpoint in a subnet that is not listed is refused (InvalidResourceReference), as is one in
   * a region other than its subnet's; when absent, the simulation cannot know the subnets and accepts them.
   */
  existingSubnets?: ReadonlyMap<string, string>;
  /**
   * Resources other stacks created (in a fleet preview: the platform stacks previewed before this stack; their URNs
   * name their stack). Azure holds them although this stack did not create them: they are indexed with `created`
   * (vaults, keys, names), and the cross-stack rules (rules/crossStackGrant.ts) check the grants made on them.
   */
  referenced?: readonly RecordedResource[];
}

/** The deploying principal and its network position, as the data plane of a storage account sees them. */
export interface DeployerPosition {
  /** Object id of the deploying principal (what `authorization.getClientConfig` returns). */
  objectId: string;
  /** Public IPv4 address the deployer's requests to public endpoints come from (its egress address). */
  publicIp: string;
  /**
   * Subnet resource ids the deployer runs in (a self-hosted agent inside a virtual network): requests from there
   * match virtual-network rules, and reach private endpoints in the same virtual network. []: outside every VNet.
   */
  subnetIds: readonly string[];
}

/**
 * The preview's deployer unless the stack file says otherwise (`cmk-preview:deployer`): outside every virtual network,
 * with the documentation address 192.0.2.10 (RFC 5737) as its public IP, so no firewall allow-list matches it by chance.
 */
export const DEFAULT_DEPLOYER: Omit<DeployerPosition, "objectId"> = {
  publicIp: "192.0.2.10",
  subnetIds: [],
};

/** An error as ARM returns it (`{"error": {"code", "message", "target"}}`), plus which simulated rule produced it. */
export class ArmError extends Error {
  constructor(
    readonly code: string,
    readonly armMessage: string,
    readonly rule: string,
    readonly resource: { urn: string; type: string; name: string },
    readonly target?: string,
  ) {
    super(`${code}: ${armMessage}`);
    this.name = "ArmError";
  }
}

/** One simulated ARM rule. `check` returns the ARM message when ARM would reject the request, else undefined. */
export interface ArmRule {
  id: string;
  /** ARM error code returned on rejection. */
  code: string;
  /** Resource types the rule looks at. */
  types: readonly string[];
  /** One line: what ARM rejects. */
  title: string;
  /** Where the behaviour is documented (REST spec, docs page or issue thread). */
  source: string;
  check(pending: PendingResource, state: AzureState): string | undefined;
}
