import { createHash } from "crypto";
import type * as pulumi from "@pulumi/pulumi";
import { lockScopeFromInputs } from "./lockScope";

/**
 * What Azure Resource Manager returns for the resource types this project creates: ARM-format ids, `vaultUri`, key URIs
 * with versions, identity principal/client/tenant ids, storage endpoints. Deterministic (hash-derived) so runs are
 * stable. Used by the unit-test mocks and by the offline preview's simulated Azure.
 */
export interface ArmContext {
  subscriptionId: string;
  tenantId: string;
  /** Object id of the deploying principal (what `getClientConfig` returns). */
  objectId: string;
  clientId: string;
  /** Public IPv4 address the deployer's data-plane requests come from (see `DeployerPosition`). Default: 192.0.2.10. */
  deployerPublicIp?: string;
  /** Subnets the deployer runs in; [] (the default) is outside every virtual network. */
  deployerSubnetIds?: readonly string[];
}

export const DEFAULT_ARM_CONTEXT: ArmContext = {
  subscriptionId: "3f2b6c1e-8d4a-4c2e-9b1f-0a7e5d6c4b3a",
  tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
  objectId: "5b7c3e2a-1d4f-4e6a-8b9c-0d1e2f3a4b5c",
  clientId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
};

/** A GUID derived from a seed (stable between runs). */
export function stableGuid(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** 32 hex characters derived from a seed (Key Vault key version format). */
export function stableHex32(seed: string): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, 32);
}

/** Lowercase letters and digits derived from a seed (what `random.RandomString` with upper/special off returns). */
export function stableAlnum(seed: string, length: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = createHash("sha256").update(seed).digest();
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[bytes[i % bytes.length] % alphabet.length];
  return out;
}

function rgId(ctx: ArmContext, rg: string): string {
  return `/subscriptions/${ctx.subscriptionId}/resourceGroups/${rg}`;
}

/** The input that carries each type's physical name. */
const NAME_INPUT: Record<string, string> = {
  "azure-native:resources:ResourceGroup": "resourceGroupName",
  "azure-native:keyvault:Vault": "vaultName",
  "azure-native:keyvault:Key": "keyName",
  "azure-native:storage:StorageAccount": "accountName",
  "azure-native:managedidentity:UserAssignedIdentity": "resourceName",
  "azure-native:authorization:RoleAssignment": "roleAssignmentName",
  "azure-native:storage:BlobContainer": "containerName",
  "azure-native:storage:Blob": "blobName",
  "azure-native:storage:FileShare": "shareName",
  "azure-native:storage:Queue": "queueName",
  "azure-native:storage:Table": "tableName",
  "azure-native:keyvault:ManagedHsm": "name",
  "azure-native:authorization:ManagementLockAtSubscriptionLevel": "lockName",
  "azure-native:authorization:ManagementLockAtResourceGroupLevel": "lockName",
  "azure-native:authorization:ManagementLockAtResourceLevel": "lockName",
  "azure:keyvault/managedHardwareSecurityModuleKey:ManagedHardwareSecurityModuleKey": "name",
  "azure:keyvault/managedHardwareSecurityModuleRoleAssignment:ManagedHardwareSecurityModuleRoleAssignment":
    "name",
};

/**
 * Children of a storage account, as ARM addresses them: `<account id>/<service>/default[/<collection>/<name>]`. A blob
 * is not an ARM resource: azure-native's id for it is its URL on the blob endpoint.
 */
const STORAGE_CHILDREN: Record<string, { service: string; collection?: string }> = {
  "azure-native:storage:BlobContainer": { service: "blobServices", collection: "containers" },
  "azure-native:storage:FileShare": { service: "fileServices", collection: "shares" },
  "azure-native:storage:Queue": { service: "queueServices", collection: "queues" },
  "azure-native:storage:Table": { service: "tableServices", collection: "tables" },
  "azure-native:storage:BlobServiceProperties": { service: "blobServices" },
  "azure-native:storage:FileServiceProperties": { service: "fileServices" },
  "azure-native:storage:QueueServiceProperties": { service: "queueServices" },
  "azure-native:storage:TableServiceProperties": { service: "tableServices" },
};

/** The HSM name of a Managed HSM ARM id (`…/managedHSMs/<name>`), or "hsm" when it is not one. */
function hsmNameOfId(id: unknown): string {
  return /\/managedHSMs\/([^/]+)\/?$/i.exec(typeof id === "string" ? id : "")?.[1] ?? "hsm";
}

/** Physical name azure-native would use: the explicit name input, else an auto-name (logical name + suffix). */
export function physicalName(
  type: string,
  logicalName: string,
  inputs: Record<string, any>,
): string {
  const key = NAME_INPUT[type];
  const explicit = key !== undefined ? inputs[key] : undefined;
  if (typeof explicit === "string") return explicit;
  if (type === "azure-native:authorization:RoleAssignment") return stableGuid(`ra:${logicalName}`);
  // azure-native names a blob after its logical name exactly (auto-name "copy"), not with a random suffix.
  if (type === "azure-native:storage:Blob") return logicalName;
  return `${logicalName}${stableHex32(logicalName).slice(0, 8)}`;
}

export interface ArmResult {
  id: string | undefined;
  state: Record<string, any>;
}

/**
 * The state ARM (and the Pulumi provider) returns for a resource created from `inputs`. `lookupUri` resolves a vault
 * name to its URI for keys; unknown types echo their inputs with a generic id.
 */
export function armState(
  type: string,
  logicalName: string,
  inputs: Record<string, any>,
  ctx: ArmContext = DEFAULT_ARM_CONTEXT,
): ArmResult {
  const name = physicalName(type, logicalName, inputs);
  const rg = inputs.resourceGroupName as string | undefined;
  switch (type) {
    case "azure-native:resources:ResourceGroup":
      return { id: rgId(ctx, name), state: { ...inputs, name, provisioningState: "Succeeded" } };
    case "azure-native:keyvault:Vault": {
      const id = `${rgId(ctx, rg ?? "rg")}/providers/Microsoft.KeyVault/vaults/${name}`;
      return {
        id,
        state: {
          ...inputs,
          name,
          type: "Microsoft.KeyVault/vaults",
          properties: {
            ...inputs.properties,
            vaultUri: `https://${name}.vault.azure.net/`,
            provisioningState: "Succeeded",
            hsmPoolResourceId: "",
          },
        },
      };
    }
    case "azure-native:keyvault:ManagedHsm": {
      const id = `${rgId(ctx, rg ?? "rg")}/providers/Microsoft.KeyVault/managedHSMs/${name}`;
      return {
        id,
        state: {
          ...inputs,
          name,
          type: "Microsoft.KeyVault/managedHSMs",
          properties: {
            ...inputs.properties,
            // Soft delete is always on for a Managed HSM (azure-native ManagedHsmProperties: "immutable").
            enableSoftDelete: true,
            hsmUri: `https://${name}.managedhsm.azure.net/`,
            provisioningState: "Succeeded",
            securityDomainProperties: { activationStatus: "NotActivated" },
          },
        },
      };
    }
    case "azure:keyvault/managedHardwareSecurityModuleKey:ManagedHardwareSecurityModuleKey": {
      const hsm = hsmNameOfId(inputs.managedHsmId);
      const versionless = `https://${hsm}.managedhsm.azure.net/keys/${name}`;
      return {
        id: `${versionless}/${stableHex32(`${hsm}/${name}`)}`,
        state: {
          ...inputs,
          name,
          versionedId: `${versionless}/${stableHex32(`${hsm}/${name}`)}`,
        },
      };
    }
    case "azure:keyvault/managedHardwareSecurityModuleRoleAssignment:ManagedHardwareSecurityModuleRoleAssignment": {
      const hsm = hsmNameOfId(inputs.managedHsmId);
      const scope = String(inputs.scope ?? "/");
      return {
        id: `https://${hsm}.managedhsm.azure.net${scope}/RoleAssignment/${name}`,
        state: {
          ...inputs,
          name,
          resourceId: `${scope === "/" ? "" : scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
        },
      };
    }
    case "azure-native:keyvault:Key": {
      const vault = inputs.vaultName as string;
      const id = `${rgId(ctx, rg ?? "rg")}/providers/Microsoft.KeyVault/vaults/${vault}/keys/${name}`;
      const keyUri = `https://${vault}.vault.azure.net/keys/${name}`;
      const p = inputs.properties ?? {};
      return {
        id,
        state: {
          name,
          type: "Microsoft.KeyVault/vaults/keys",
          tags: inputs.tags,
          kty: p.kty,
          keySize: p.keySize,
          keyOps: p.keyOps,
          curveName: p.curveName,
          attributes: {
            ...p.attributes,
            created: 1767225600,
            updated: 1767225600,
            recoveryLevel: "Recoverable+Purgeable",
          },
          rotationPolicy: p.rotationPolicy
            ? {
                ...p.rotationPolicy,
                attributes: {
                  ...p.rotationPolicy.attributes,
                  created: 1767225600,
                  updated: 1767225600,
                },
              }
            : undefined,
          keyUri,
          keyUriWithVersion: `${keyUri}/${stableHex32(`${vault}/${name}`)}`,
          // Outputs the engine keeps for stack policies and diffs.
          vaultName: vault,
          resourceGroupName: rg,
        },
      };
    }
    case "azure-native:keyvault:AccessPolicy": {
      const objectId = inputs.policy?.objectId ?? "unknown";
      const id = `${rgId(ctx, rg ?? "rg")}/providers/Microsoft.KeyVault/vaults/${inputs.vaultName}/accessPolicy/${objectId}`;
      return { id, state: { ...inputs } };
    }
    case "azure-native:managedidentity:UserAssignedIdentity": {
      const id = `${rgId(ctx, rg ?? "rg")}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
      return {
        id,
        state: {
          ...inputs,
          name,
          type: "Microsoft.ManagedIdentity/userAssignedIdentities",
          principalId: stableGuid(`principal:${id}`),
          clientId: stableGuid(`client:${id}`),
          tenantId: ctx.tenantId,
        },
      };
    }
    case "azure-native:authorization:RoleAssignment": {
      const id = `${inputs.scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
      return {
        id,
        state: {
          ...inputs,
          name,
          type: "Microsoft.Authorization/roleAssignments",
          createdOn: "2026-01-01T00:00:00Z",
        },
      };
    }
    case "azure-native:storage:StorageAccount": {
      const id = `${rgId(ctx, rg ?? "rg")}/providers/Microsoft.Storage/storageAccounts/${name}`;
      const identities: string[] = inputs.identity?.userAssignedIdentities ?? [];
      const kvp = inputs.encryption?.keyVaultProperties;
      const endpoint = (svc: string): string => `https://${name}.${svc}.core.windows.net/`;
      return {
        id,
        state: {
          ...inputs,
          name,
          type: "Microsoft.Storage/storageAccounts",
          identity: inputs.identity
            ? {
                type: inputs.identity.type,
                userAssignedIdentities: Object.fromEntries(
                  identities.map((uai) => [
                    uai,
                    {
                      principalId: stableGuid(`principal:${uai}`),
                      clientId: stableGuid(`client:${uai}`),
                    },
                  ]),
                ),
              }
            : undefined,
          encryption: inputs.encryption
            ? {
                ...inputs.encryption,
                keyVaultProperties: kvp
                  ? {
                      ...kvp,
                      currentVersionedKeyIdentifier: `${String(kvp.keyVaultUri).replace(/\/$/, "")}/keys/${kvp.keyName}/${kvp.keyVersion ?? stableHex32(`${kvp.keyVaultUri}/${kvp.keyName}`)}`,
                      lastKeyRotationTimestamp: "2026-01-01T00:00:00Z",
                    }
                  : undefined,
              }
            : undefined,
          primaryEndpoints: {
            blob: endpoint("blob"),
            dfs: endpoint("dfs"),
            file: endpoint("file"),
            queue: endpoint("queue"),
            table: endpoint("table"),
            web: `https://${name}.z6.web.core.windows.net/`,
          },
          primaryLocation: inputs.location,
          provisioningState: "Succeeded",
          creationTime: "2026-01-01T00:00:00Z",
          keyCreationTime: { key1: "2026-01-01T00:00:00Z", key2: "2026-01-01T00:00:00Z" },
        },
      };
    }
    case "azure-native:storage:Blob": {
      const url = `https://${inputs.accountName}.blob.core.windows.net/${inputs.containerName}/${name}`;
      return {
        id: url,
        state: {
          ...inputs,
          name,
          type: inputs.type ?? "Block",
          url,
          metadata: inputs.metadata ?? {},
        },
      };
    }
    case "random:index/randomString:RandomString": {
      const result = stableAlnum(`random:${logicalName}`, Number(inputs.length ?? 6));
      return { id: result, state: { ...inputs, result } };
    }
    case "azure-native:authorization:ManagementLockAtSubscriptionLevel":
    case "azure-native:authorization:ManagementLockAtResourceGroupLevel":
    case "azure-native:authorization:ManagementLockAtResourceLevel": {
      // ARM addresses these locks as `<scope>/providers/Microsoft.Authorization/locks/<name>` (preview/lockScope.ts).
      const scope = lockScopeFromInputs(type, inputs, ctx.subscriptionId);
      return {
        id: scope
          ? `${scope}/providers/Microsoft.Authorization/locks/${name}`
          : `${logicalName}-id`,
        state: { ...inputs, name },
      };
    }
    default: {
      const child = STORAGE_CHILDREN[type];
      if (child) {
        const account = `${rgId(ctx, rg ?? "rg")}/providers/Microsoft.Storage/storageAccounts/${inputs.accountName}`;
        const id = child.collection
          ? `${account}/${child.service}/default/${child.collection}/${name}`
          : `${account}/${child.service}/default`;
        return { id, state: { ...inputs, name: child.collection ? name : "default" } };
      }
      return { id: `${logicalName}-id`, state: { ...inputs } };
    }
  }
}

/** What `authorization.getClientConfig` returns for the context. */
export function clientConfig(ctx: ArmContext = DEFAULT_ARM_CONTEXT): Record<string, string> {
  return {
    clientId: ctx.clientId,
    objectId: ctx.objectId,
    subscriptionId: ctx.subscriptionId,
    tenantId: ctx.tenantId,
  };
}

/**
 * Pulumi mocks that answer like ARM: `armState` for every registration and `clientConfig` for
 * `authorization.getClientConfig`; any other invoke is an error naming it.
 */
export function armMocks(ctx: ArmContext = DEFAULT_ARM_CONTEXT): pulumi.runtime.Mocks {
  return {
    newResource: (args) => armState(args.type, args.name, args.inputs, ctx),
    call: (args) => {
      if (args.token === "azure-native:authorization:getClientConfig") return clientConfig(ctx);
      throw new Error(`the simulated Azure does not implement the invoke ${args.token}`);
    },
  };
}
