/**
 * Maps the simulated Azure's ARM errors (rule ids, which speak ARM property paths) to this program's stack config keys.
 * The simulation knows nothing about the stack; the renderer adds these hints under each error.
 */
export const STACK_HINTS: Readonly<Record<string, string>> = {
  "resource-group-location-unknown": "location comes from cmk-storage:location in the stack file",
  "location-unknown": "location comes from cmk-storage:location in the stack file",
  "vault-name-invalid":
    "vaultName comes from cmk-storage:vaultName (or is derived from cmk-storage:namePrefix when that is empty)",
  "vault-name-taken":
    "vaultName comes from cmk-storage:vaultName; leave it empty to derive a name with a random suffix",
  "vault-purge-protection-false":
    "the SecureVault component always sets purge protection; a raw keyvault.Vault must too",
  "vault-soft-delete-retention":
    "properties.softDeleteRetentionInDays comes from cmk-storage:vaultSoftDeleteRetentionInDays",
  "key-name-invalid": 'the key name is cmk-storage:namePrefix + "-storage-cmk"',
  "key-vault-missing":
    "a team key's vault comes from cmk-storage:teams.<team>.key.vaultId; declare vaults outside the stack in cmk-preview:existingVaults",
  "key-hsm-standard-vault":
    "properties.kty comes from cmk-storage:keyType, the vault SKU from cmk-storage:vaultSku",
  "key-rsa-size": "properties.keySize comes from cmk-storage:keySize",
  "key-rotation-policy":
    "the rotation policy comes from cmk-storage:keyRotateAfter, cmk-storage:keyExpiresAfter and cmk-storage:keyNotifyBefore",
  "storage-account-name-invalid":
    "the account name is cmk-storage:namePrefix + the team id + a random suffix",
  "storage-account-name-taken":
    "the account name is cmk-storage:namePrefix + the team id + a random suffix; two teams or stacks must not produce the same name",
  "storage-cmk-key-properties":
    "the CmkStorageAccount component sets the key properties from its key reference",
  "storage-cmk-identity":
    "the CmkStorageAccount component creates the identity; a raw account must set identity and encryption identity",
  "storage-cmk-vault-unknown":
    "a team key is cmk-storage:teams.<team>.key; declare vaults outside the stack in cmk-preview:existingVaults",
  "storage-cmk-vault-recoverable":
    "the SecureVault component turns both on; an external vault (cmk-storage:teams.<team>.key.vaultId) must have them",
  "storage-cmk-key-operations": "the ManagedKeyRotation component sets keyOps wrapKey/unwrapKey",
  "storage-cmk-grant":
    "the grant follows cmk-storage:vaultPermissionModel (or cmk-storage:teams.<team>.key.permissionModel)",
  "storage-cmk-rbac-propagation":
    "the wait is cmk-storage:rbacPropagationSeconds (RBAC vaults; must be more than 0)",
  "storage-cmk-vault-firewall":
    "the vault firewall comes from cmk-storage:vaultPublicNetworkAccess, vaultAllowedIpRanges and vaultAllowedSubnetIds",
  "storage-child-account-missing":
    "the program's storage accounts are cmk-storage:teams; declare accounts outside the stack in cmk-preview:existingStorageAccounts",
  "storage-child-service-unsupported":
    "team accounts are StorageV2 with cmk-storage:accountSku (or cmk-storage:teams.<team>.accountSku); a raw account's kind and sku decide its services",
  "storage-child-name-invalid":
    "the name is the resource's explicit name input, else its logical name plus a random suffix",
  "storage-container-public-access":
    "the CmkStorageAccount component always sets allowBlobPublicAccess false; give containers publicAccess None",
  "storage-share-quota": "shareQuota is the file share's own argument",
  "storage-share-nfs-premium": "enabledProtocols is the file share's own argument",
  "storage-data-plane-network":
    "the deployer's position is cmk-preview:deployer (publicIp, subnetIds); a team account's firewall comes from cmk-storage:accountAllowedIpRanges or cmk-storage:teams.<team>.allowedIpRanges and allowedSubnetIds",
  "storage-data-plane-shared-key":
    "shared keys follow cmk-storage:teams.<team>.allowSharedKeyAccess (off by default)",
  "storage-blob-container-missing": "containerName is the blob's own argument",
  "role-assignment-principal-type":
    "the components set principalType ServicePrincipal for identities; a raw authorization.RoleAssignment must too",
  "storage-encryption-key-scope-kind":
    "the CmkStorageAccount component creates StorageV2 accounts with a Standard_* sku (cmk-storage:accountSku); a raw storage.StorageAccount with queue/table keyType Account must be StorageV2 too",
  "storage-encryption-disabled":
    "the CmkStorageAccount component keeps every service encrypted; a raw storage.StorageAccount must not set encryption.services.<service>.enabled: false",
  "storage-cmk-key-not-usable":
    "the stack key's state comes from cmk-storage:keyEnabled; a team key (cmk-storage:teams.<team>.key) must be enabled and valid when its accounts are created",
  "storage-cmk-hsm-unknown":
    "a Managed HSM key is a CmkStorageAccount key { managedHsm: { hsmId }, keyName }; declare HSMs outside the stack in cmk-preview:existingVaults",
  "storage-cmk-hsm-recoverable":
    "purge protection is a property of the Managed HSM (properties.enablePurgeProtection); turn it on there",
  "storage-cmk-hsm-key-operations":
    "the Managed HSM key's keyOpts must include wrapKey and unwrapKey",
  "storage-cmk-hsm-grant":
    "CmkStorageAccount with a managedHsm key grants Managed HSM Crypto Service Encryption User on /keys/<key> unless grantKeyAccess is false",
  "storage-cmk-hsm-rbac-propagation":
    "the wait is CmkStorageAccount rbacPropagationSeconds (cmk-storage:rbacPropagationSeconds; must be more than 0)",
  "hsm-role-assignment-invalid":
    "CmkStorageAccount derives the name (a GUID), the scope (/keys/<key>) and the local role's definition id; a raw ManagedHardwareSecurityModuleRoleAssignment must use the same forms",
  "private-endpoint-group-id":
    "the groups are cmk-storage:accountPrivateEndpoints (or cmk-storage:teams.<team>.privateEndpoints); the vault's is always vault",
  "private-endpoint-one-group-id": "the components create one endpoint per group",
  "private-endpoint-secondary-sku":
    "_secondary endpoints need cmk-storage:accountSku (or cmk-storage:teams.<team>.accountSku) Standard_RAGRS or Standard_RAGZRS",
  "private-endpoint-subnet":
    "the subnet is cmk-storage:privateEndpointSubnetId (or cmk-storage:teams.<team>.privateEndpointSubnetId); the preview knows the subnets outside the stack from cmk-preview:existingSubnets (subnet id: region)",
  "diagnostic-category-unsupported":
    "the components choose the categories per resource type; a raw monitor.DiagnosticSetting must use the resource type's own",
  "diagnostic-destination-missing":
    "the destination is cmk-storage:logAnalyticsWorkspaceId, cmk-storage:diagnosticsStorageAccountId or cmk-storage:diagnosticsEventHubAuthorizationRuleId",
  "diagnostic-setting-name-taken":
    "the components name their settings after the component; a second setting on the same resource needs its own name",
  "diagnostic-settings-limit":
    "the components add one setting per resource; other settings on the same resources (e.g. from Azure Policy) count too",
  "diagnostic-data-sink-reused":
    "another setting on the resource already sends to cmk-storage:logAnalyticsWorkspaceId; send through one setting",
  "lock-level-invalid": "the components create CanNotDelete locks from cmk-storage:lock",
  "lock-notes-too-long":
    "the components write short notes; a raw lock's notes must be at most 512 characters",
  "lock-scope-locked-delete":
    "lift the lock first: cmk-storage:lock: None (cmk-storage:vaultLock for the vault, cmk-storage:teams.<team>.lock or decommissioned: true for a team), pulumi up, then remove the resource",
  "blob-soft-delete-retention":
    "the days are cmk-storage:blobSoftDeleteRetentionInDays and cmk-storage:containerSoftDeleteRetentionInDays (per team cmk-storage:teams.<team>.blobProtection)",
  "blob-restore-policy-prerequisites":
    "point-in-time restore (cmk-storage:blobPointInTimeRestoreDays) needs cmk-storage:blobVersioning and cmk-storage:blobChangeFeed, and fewer days than cmk-storage:blobSoftDeleteRetentionInDays",
  "blob-restore-policy-hns":
    "set cmk-storage:blobPointInTimeRestoreDays: 0 (or per team cmk-storage:teams.<team>.blobProtection.pointInTimeRestoreDays: 0) for accounts with a hierarchical namespace",
  "cross-stack-role-assignment-model":
    "a platform stack's vault shared with team stacks must be RBAC (cmk-storage:vaultPermissionModel rbac in the platform stack)",
  "cross-stack-access-policy":
    "a team stack grants the platform's key with a role assignment: the key reference's vault.permissionModel must be rbac (the platform's keys output)",
  // Quotas (preview/rules/quotas.ts) and refused updates (preview/updateRefused.ts).
  "quota-storage-accounts-per-region":
    "one account per cmk-storage:teams entry: split the teams over stacks in more subscriptions, or declare a granted increase in cmk-preview:quotas",
  "quota-vault-access-policies":
    "one access policy per team identity: set cmk-storage:vaultPermissionModel to rbac",
  "quota-role-assignments-per-subscription":
    "the role assignments follow cmk-storage:vaultPermissionModel rbac and the teams' grants; split the teams over subscriptions",
  "quota-diagnostic-settings-per-resource":
    "the components add one setting per resource (cmk-storage:logAnalyticsWorkspaceId); count the settings made outside the stack",
  "storage-sku-performance-tier":
    "sku.name comes from cmk-storage:accountSku or cmk-storage:teams.<team>.accountSku",
  "storage-sku-zonal-conversion":
    "sku.name comes from cmk-storage:accountSku or cmk-storage:teams.<team>.accountSku",
  "vault-soft-delete-retention-change":
    "properties.softDeleteRetentionInDays comes from cmk-storage:vaultSoftDeleteRetentionInDays",
};

/** The stack-config hint for an ARM error, if the rule has one. */
export function stackHint(rule: string): string | undefined {
  return STACK_HINTS[rule];
}

/**
 * Maps the guardrail policies (policy/stack/) to the stack config keys that satisfy them. The pack knows nothing about
 * this program's stack; the renderer adds these hints under each violation (text, report) and as `stackHint` (JSON).
 */
export const POLICY_HINTS: Readonly<Record<string, string>> = {
  "storage-account-reachable":
    "set cmk-storage:privateEndpointSubnetId and cmk-storage:accountPrivateEndpoints (e.g. [blob]; per team cmk-storage:teams.<team>.privateEndpoints) for private endpoints, or let the workloads' networks through the firewall with cmk-storage:accountAllowedIpRanges (per team cmk-storage:teams.<team>.allowedIpRanges, allowedSubnetIds)",
  "private-endpoint-dns-zone":
    "the zone ids come from cmk-storage:privateDnsZoneIds.<group> (vault: privatelink.vaultcore.azure.net, blob: privatelink.blob.core.windows.net, …)",
  "kv-audit-logs-enabled":
    "set cmk-storage:logAnalyticsWorkspaceId (or cmk-storage:diagnosticsStorageAccountId / cmk-storage:diagnosticsEventHubAuthorizationRuleId): the vault then sends AuditEvent there",
  "storage-audit-logs-enabled":
    "set cmk-storage:logAnalyticsWorkspaceId (or cmk-storage:diagnosticsStorageAccountId / cmk-storage:diagnosticsEventHubAuthorizationRuleId): every account's blob, file, queue and table services then send StorageRead, StorageWrite and StorageDelete there",
  "resource-lock-present":
    "set cmk-storage:lock: CanNotDelete (cmk-storage:vaultLock for the vault, cmk-storage:teams.<team>.lock per team)",
  "storage-blob-soft-delete":
    "blob soft delete is always on in team accounts (days: cmk-storage:blobSoftDeleteRetentionInDays, per team cmk-storage:teams.<team>.blobProtection.softDeleteRetentionInDays)",
  "storage-container-soft-delete":
    "container soft delete is always on in team accounts (days: cmk-storage:containerSoftDeleteRetentionInDays, per team cmk-storage:teams.<team>.blobProtection.containerSoftDeleteRetentionInDays)",
  "storage-blob-versioning":
    "set cmk-storage:blobVersioning: true (per team cmk-storage:teams.<team>.blobProtection.versioning)",
};

/**
 * Team stacks (`cmk-storage:stackKind: team`) set some of these keys per team: the stack-level endpoint subnet is refused
 * there (it also places a vault's endpoint, a platform stack's), so the hint names the team's own key.
 */
export const TEAM_STACK_POLICY_HINTS: Readonly<Record<string, string>> = {
  "storage-account-reachable":
    "set cmk-storage:teams.<team>.privateEndpointSubnetId (a subnet of the team's own subscription, azure-native:subscriptionId) and cmk-storage:accountPrivateEndpoints (e.g. [blob]); npm run team:onboard writes both (--private-endpoint-subnet)",
};

/** The stack-config hint for a policy violation, if the policy has one; `kind` team: the team stack's keys. */
export function policyHint(policy: string, kind?: string): string | undefined {
  return (kind === "team" ? TEAM_STACK_POLICY_HINTS[policy] : undefined) ?? POLICY_HINTS[policy];
}
