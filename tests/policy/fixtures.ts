/**
 * Compliant fixtures: resource INPUTS as the engine sends them after azure-native's SDK defaults
 * (vault `enableRbacAuthorization: false`, `publicNetworkAccess: "enabled"`, retention 90, key
 * `attributes.exportable: false`, storage `encryption.keySource` default), and a compliant CMK
 * stack of OUTPUTS plus dependency graph for stack policies.
 */
import { TYPES } from "../../policy/lib/constants";
import { type StackResourceSpec, clone, stackResource } from "../support/policyHarness";

export const TENANT = "11111111-2222-3333-4444-555555555555";
export const OTHER_TENANT = "99999999-8888-7777-6666-555555555555";
export const SUBSCRIPTION = "00000000-0000-0000-0000-000000000001";
export const PRINCIPAL = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
export const RG_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-cmk`;
export const VAULT_NAME = "kv-cmk-dev";
export const VAULT_URI = `https://${VAULT_NAME}.vault.azure.net/`;
export const VAULT_ID = `${RG_ID}/providers/Microsoft.KeyVault/vaults/${VAULT_NAME}`;
export const KEY_NAME = "cmk";
export const KEY_ID = `${VAULT_ID}/keys/${KEY_NAME}`;
export const UAI_NAME = "id-stcmkdev";
export const UAI_ID = `${RG_ID}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${UAI_NAME}`;
export const CRYPTO_SERVICE_ENCRYPTION_USER = "e147488a-f6f5-4113-8e2d-b22465e65bf6";
export const ROLE_DEFINITION_ID = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${CRYPTO_SERVICE_ENCRYPTION_USER}`;

export const ROTATION_POLICY = {
  attributes: { expiryTime: "P1Y" },
  lifetimeActions: [
    { action: { type: "rotate" }, trigger: { timeAfterCreate: "P90D" } },
    { action: { type: "notify" }, trigger: { timeBeforeExpiry: "P30D" } },
  ],
};

/** Vault inputs (after SDK defaults) that pass every vault policy. */
export function vaultInputs(): Record<string, unknown> {
  return {
    location: "westeurope",
    resourceGroupName: "rg-cmk",
    vaultName: VAULT_NAME,
    properties: {
      tenantId: TENANT,
      sku: { family: "A", name: "standard" },
      enableRbacAuthorization: false,
      enableSoftDelete: true,
      enabledForDeployment: false,
      enabledForDiskEncryption: false,
      enabledForTemplateDeployment: false,
      enablePurgeProtection: true,
      publicNetworkAccess: "enabled",
      softDeleteRetentionInDays: 90,
      networkAcls: {
        defaultAction: "Deny",
        bypass: "AzureServices",
        ipRules: [{ value: "203.0.113.0/28" }],
      },
    },
  };
}

/** Key inputs (after SDK defaults) that pass every key policy except `kv-key-hsm-backed`. */
export function keyInputs(): Record<string, unknown> {
  return {
    keyName: KEY_NAME,
    resourceGroupName: "rg-cmk",
    vaultName: VAULT_NAME,
    properties: {
      kty: "RSA",
      keySize: 3072,
      keyOps: ["wrapKey", "unwrapKey"],
      attributes: { enabled: true, exportable: false },
      rotationPolicy: clone(ROTATION_POLICY),
    },
  };
}

/** Storage account inputs that pass every storage policy. */
export function storageInputs(): Record<string, unknown> {
  return {
    accountName: "stcmkdev",
    resourceGroupName: "rg-cmk",
    location: "westeurope",
    kind: "StorageV2",
    sku: { name: "Standard_LRS" },
    enableHttpsTrafficOnly: true,
    minimumTlsVersion: "TLS1_2",
    allowBlobPublicAccess: false,
    allowSharedKeyAccess: false,
    allowCrossTenantReplication: false,
    defaultToOAuthAuthentication: true,
    identity: { type: "UserAssigned", userAssignedIdentities: [UAI_ID] },
    encryption: {
      keySource: "Microsoft.Keyvault",
      keyVaultProperties: { keyName: KEY_NAME, keyVaultUri: VAULT_URI },
      encryptionIdentity: { encryptionUserAssignedIdentity: UAI_ID },
      requireInfrastructureEncryption: true,
      services: {
        blob: { enabled: true, keyType: "Account" },
        file: { enabled: true, keyType: "Account" },
        queue: { enabled: true, keyType: "Account" },
        table: { enabled: true, keyType: "Account" },
      },
    },
    networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices" },
  };
}

/** OUTPUT props of a compliant CMK stack; tests mutate a copy before building the specs. */
export interface CmkStackProps {
  vault: Record<string, unknown>;
  key: Record<string, unknown>;
  identity: Record<string, unknown>;
  accessPolicy: Record<string, unknown>;
  roleAssignment: Record<string, unknown>;
  account: Record<string, unknown>;
}

export function cmkStackProps(): CmkStackProps {
  const vault = vaultInputs();
  return {
    vault: {
      id: VAULT_ID,
      name: VAULT_NAME,
      location: "westeurope",
      type: "Microsoft.KeyVault/vaults",
      properties: { ...(vault["properties"] as object), accessPolicies: [], vaultUri: VAULT_URI },
    },
    key: {
      id: KEY_ID,
      name: KEY_NAME,
      kty: "RSA",
      keySize: 3072,
      keyOps: ["wrapKey", "unwrapKey"],
      keyUri: `${VAULT_URI}keys/${KEY_NAME}`,
      keyUriWithVersion: `${VAULT_URI}keys/${KEY_NAME}/0123456789abcdef`,
      attributes: {
        enabled: true,
        exportable: false,
        created: 1,
        updated: 1,
        recoveryLevel: "Recoverable",
      },
      rotationPolicy: clone(ROTATION_POLICY),
    },
    identity: {
      id: UAI_ID,
      name: UAI_NAME,
      location: "westeurope",
      principalId: PRINCIPAL,
      clientId: "cccccccc-0000-0000-0000-000000000000",
      tenantId: TENANT,
    },
    accessPolicy: {
      vaultName: VAULT_NAME,
      resourceGroupName: "rg-cmk",
      policy: {
        objectId: PRINCIPAL,
        tenantId: TENANT,
        permissions: { keys: ["get", "wrapKey", "unwrapKey"] },
      },
    },
    roleAssignment: {
      principalId: PRINCIPAL,
      principalType: "ServicePrincipal",
      roleDefinitionId: ROLE_DEFINITION_ID,
      scope: KEY_ID,
    },
    account: {
      id: `${RG_ID}/providers/Microsoft.Storage/storageAccounts/stcmkdev`,
      name: "stcmkdev",
      location: "westeurope",
      encryption: {
        keySource: "Microsoft.Keyvault",
        keyVaultProperties: { keyName: KEY_NAME, keyVaultUri: VAULT_URI },
        encryptionIdentity: { encryptionUserAssignedIdentity: UAI_ID },
        requireInfrastructureEncryption: true,
      },
      identity: {
        type: "UserAssigned",
        userAssignedIdentities: {
          [UAI_ID]: { principalId: PRINCIPAL, clientId: "cccccccc-0000-0000-0000-000000000000" },
        },
      },
    },
  };
}

export interface CmkStackOptions {
  /** RBAC vault with a role assignment (default: access-policy vault with a standalone AccessPolicy). */
  rbac?: boolean;
  /** Wire `propertyDependencies` (default true); false forces value matching. */
  graph?: boolean;
  /** `protect` option of the key (default true). */
  protectKey?: boolean;
  /** Mutates the output props before the specs are built. */
  mutate?: (props: CmkStackProps) => void;
  /** Leave resources out of the stack (simulates external ones). */
  omit?: Array<keyof CmkStackProps>;
  /** Names of further storage accounts encrypted with the same key, vault and identity (after the mutation). */
  moreAccounts?: string[];
}

/** Names of the resources in `cmkStack`. */
export const NAMES = {
  vault: "app-vault",
  key: "app-key",
  identity: "payments-identity",
  accessPolicy: "payments-key-access",
  roleAssignment: "payments-key-role",
  account: "payments-account",
} as const;

/** Builds a compliant CMK stack (outputs + graph) for stack policies. */
export function cmkStack(options: CmkStackOptions = {}): StackResourceSpec[] {
  const { rbac = false, graph = true, protectKey = true } = options;
  const props = cmkStackProps();
  if (rbac) {
    (props.vault["properties"] as Record<string, unknown>)["enableRbacAuthorization"] = true;
  }
  options.mutate?.(props);
  const omit = new Set(options.omit ?? []);
  const g = <T>(x: T): T | Record<string, never> => (graph ? x : {});
  const vault = stackResource(TYPES.vault, NAMES.vault, props.vault);
  const key = stackResource(TYPES.key, NAMES.key, props.key, {
    propertyDependencies: g({ vaultName: [vault] }),
    opts: { protect: protectKey },
  });
  const identity = stackResource(TYPES.userAssignedIdentity, NAMES.identity, props.identity);
  const grant = rbac
    ? stackResource(TYPES.roleAssignment, NAMES.roleAssignment, props.roleAssignment, {
        propertyDependencies: g({ principalId: [identity], scope: [key] }),
      })
    : stackResource(TYPES.accessPolicy, NAMES.accessPolicy, props.accessPolicy, {
        propertyDependencies: g({ vaultName: [vault], policy: [identity] }),
      });
  const account = stackResource(TYPES.storageAccount, NAMES.account, props.account, {
    propertyDependencies: g({ encryption: [key, vault, identity], identity: [identity] }),
    dependencies: [grant],
  });
  const all: Array<[keyof CmkStackProps, StackResourceSpec]> = [
    ["vault", vault],
    ["key", key],
    ["identity", identity],
    [rbac ? "roleAssignment" : "accessPolicy", grant],
    ["account", account],
  ];
  const more = (options.moreAccounts ?? []).map((name) =>
    stackResource(
      TYPES.storageAccount,
      name,
      {
        ...clone(props.account),
        name,
        id: `${RG_ID}/providers/Microsoft.Storage/storageAccounts/${name}`,
      },
      {
        propertyDependencies: g({ encryption: [key, vault, identity], identity: [identity] }),
        dependencies: [grant],
      },
    ),
  );
  return [...all.filter(([k]) => !omit.has(k)).map(([, spec]) => spec), ...more];
}
