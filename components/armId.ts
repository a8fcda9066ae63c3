/** Parsing of ARM resource ids and Key Vault URIs (plain strings). */

export interface VaultReference {
  subscriptionId: string;
  resourceGroupName: string;
  vaultName: string;
}

const VAULT_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.KeyVault\/vaults\/([^/]+)\/?$/i;

/** Parses a Key Vault ARM id, or returns undefined when it is not one. */
export function parseVaultId(id: string): VaultReference | undefined {
  const m = VAULT_ID.exec(id);
  return m ? { subscriptionId: m[1], resourceGroupName: m[2], vaultName: m[3] } : undefined;
}

const VAULT_URI =
  /^https:\/\/([a-zA-Z0-9-]{3,24})\.vault\.(azure\.net|azure\.cn|usgovcloudapi\.net|microsoftazure\.de)\/?$/;

/** The vault name in a Key Vault data-plane URI (https://<name>.vault.azure.net/), or undefined when it is not one. */
export function vaultNameFromUri(uri: string): string | undefined {
  return VAULT_URI.exec(uri)?.[1];
}

/** The vault URI without a trailing slash, as the storage account's `keyVaultUri` is usually written. */
export function trimTrailingSlash(uri: string): string {
  return uri.replace(/\/+$/, "");
}

/** The parts of a Managed HSM ARM id. */
export interface ManagedHsmIdParts {
  subscriptionId: string;
  resourceGroupName: string;
  hsmName: string;
}

const MANAGED_HSM_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.KeyVault\/managedHSMs\/([^/]+)\/?$/i;

/** Parses a Managed HSM ARM id (`…/providers/Microsoft.KeyVault/managedHSMs/<name>`), or returns undefined. */
export function parseManagedHsmId(id: string): ManagedHsmIdParts | undefined {
  const m = MANAGED_HSM_ID.exec(id);
  return m ? { subscriptionId: m[1], resourceGroupName: m[2], hsmName: m[3] } : undefined;
}

/**
 * Managed HSM data-plane URIs: `https://<name>.managedhsm.azure.net` (public cloud), `.managedhsm.azure.cn` (Azure
 * China) and `.managedhsm.usgovcloudapi.net` (Azure Government); names are 3-24 letters, digits and hyphens
 * (learn.microsoft.com azure-resource-manager/management/resource-name-rules#microsoftkeyvault, managedHSMs).
 */
const MANAGED_HSM_URI =
  /^https:\/\/([a-zA-Z0-9-]{3,24})\.managedhsm\.(azure\.net|azure\.cn|usgovcloudapi\.net)\/?$/;

/** The HSM name in a Managed HSM data-plane URI (https://<name>.managedhsm.azure.net/), or undefined. */
export function managedHsmNameFromUri(uri: string): string | undefined {
  return MANAGED_HSM_URI.exec(uri)?.[1];
}
