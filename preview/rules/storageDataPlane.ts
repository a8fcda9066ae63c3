/**
 * What azure-native sends to a storage account's data plane (its `https://<account>.blob.core.windows.net` endpoint)
 * rather than through Azure Resource Manager, so that the account's firewall, public network access and shared-key
 * setting apply to the deploying machine itself:
 *
 * - `storage.Blob`: the provider calls ARM `listKeys` and uploads with the account key (Shared Key), never with an Entra
 *   ID token (pulumi-azure-native provider/pkg/resources/customresources/custom_storage_azidentity.go,
 *   `blobClientDependencies` → `newSharedKeyCredential`; pulumi/pulumi-azure-native#2015 and #2948, open). So with
 *   shared keys off the upload fails whatever data-plane role the deployer holds.
 * - `storage.StorageAccountStaticWebsite`: Set Blob Service Properties on the blob endpoint with the deployer's Entra ID
 *   token (same file, `newStorageAccountClient`): the network applies; its role requirement is not modelled.
 *
 * Containers, shares, queues and tables are ARM children (`storageChildren.ts`) and are not checked here.
 */
import { T, type ArmRule } from "../armTypes";
import { physicalName } from "../armState";
import { indexOf } from "../simulatedAzure";
import { lc } from "../text";
import { accountNamed, accountNameOf, deployerOf, networkDenial } from "./storageAccounts";

const SOURCES = {
  network:
    'learn.microsoft.com storage/common/storage-network-security (default action Deny admits only IP rules of public addresses, virtual-network rules and private endpoints; the trusted-services exception does not cover a deploying machine; publicNetworkAccess Disabled leaves private endpoints only); microsoft/AzureStorageExplorer#8031 (403 AuthorizationFailure "This request is not authorized to perform this operation."); pulumi-azure-native custom_storage_azidentity.go (storage.Blob and StorageAccountStaticWebsite call https://<account>.blob.core.windows.net)',
  sharedKey:
    'pulumi-azure-native provider/pkg/resources/customresources/custom_storage_azidentity.go (storage.Blob: listKeys, then azblob NewClientWithSharedKeyCredential); pulumi/pulumi-azure-native#2015 and #2948 (open: no Entra ID upload; 403 KeyBasedAuthenticationNotPermitted "Key based authentication is not permitted on this storage account."); learn.microsoft.com storage/common/shared-key-authorization-prevent',
  container:
    'learn.microsoft.com rest/api/storageservices/blob-service-error-codes (ContainerNotFound, 404: "The specified container does not exist."); learn.microsoft.com storage/blobs/storage-blob-static-website ($web is created by enabling the static website)',
} as const;

/** Types whose requests go to the blob endpoint of the account (data plane). */
const DATA_PLANE_TYPES = [T.blob, T.staticWebsite] as const;

export const STORAGE_DATA_PLANE_RULES: readonly ArmRule[] = [
  {
    id: "storage-data-plane-network",
    code: "AuthorizationFailure",
    types: DATA_PLANE_TYPES,
    title:
      "Blob or static website whose account's network (public network access Disabled, or firewall default Deny) does not admit the deployer: no IP rule for its address, no virtual-network rule for its subnet, no private endpoint in its virtual network",
    source: SOURCES.network,
    check(p, s) {
      const name = accountNameOf(p);
      const account = name !== undefined ? accountNamed(s, name) : undefined;
      if (!account) return undefined;
      const denial = networkDenial(s, account, "blob");
      if (denial === undefined) return undefined;
      const deployer = deployerOf(s);
      const what =
        p.type === T.blob
          ? `blob '${physicalName(p.type, p.name, p.inputs)}'`
          : "the static website setting";
      return `This request is not authorized to perform this operation: azure-native writes ${what} from the deploying machine to https://${name}.blob.core.windows.net, and for account '${name}' ${denial}. Fix: add the deployer's address to the account's networkRuleSet.ipRules (${deployer.publicIp}, or the runner's real egress address), run pulumi up from inside the virtual network through a private endpoint to the account (groupIds ["blob"]), or create the blob out of band.`;
    },
  },
  {
    id: "storage-data-plane-shared-key",
    code: "KeyBasedAuthenticationNotPermitted",
    types: [T.blob],
    title:
      "azure-native storage.Blob in an account with allowSharedKeyAccess false (the provider uploads with the account key; a data-plane role does not help)",
    source: SOURCES.sharedKey,
    check(p, s) {
      const name = accountNameOf(p);
      const account = name !== undefined ? accountNamed(s, name) : undefined;
      if (!account || account.inputs.allowSharedKeyAccess !== false) return undefined;
      const deployer = deployerOf(s);
      const roles = (indexOf(s).roleAssignments.get(lc(deployer.objectId)) ?? []).filter((r) =>
        lc(r.inputs.scope).startsWith(lc(account.id)),
      );
      const held =
        roles.length > 0
          ? ` The deployer's role assignment${roles.length > 1 ? "s" : ""} on the account (${roles.map((r) => r.name).join(", ")}) do not change this: the provider never sends an Entra ID token for a blob.`
          : ` A data-plane role for the deployer (objectId ${deployer.objectId}, e.g. Storage Blob Data Contributor) would not help: the provider never sends an Entra ID token for a blob.`;
      return `Key based authentication is not permitted on this storage account: account '${name}' has allowSharedKeyAccess false, and azure-native's storage.Blob lists the account keys and uploads blob '${physicalName(p.type, p.name, p.inputs)}' with Shared Key (pulumi/pulumi-azure-native#2015).${held} Fix: create the blob out of band with Entra ID (az storage blob upload --auth-mode login, by a principal holding Storage Blob Data Contributor on the account, from a network the account admits), or let the application write it; allowSharedKeyAccess true would make it work but weakens the account (account keys and SAS valid again).`;
    },
  },
  {
    id: "storage-blob-container-missing",
    code: "ContainerNotFound",
    types: [T.blob],
    title:
      "Blob in a container of a stack account that the stack does not create ($web counts when the account's static website is enabled)",
    source: SOURCES.container,
    check(p, s) {
      const name = accountNameOf(p);
      const container = p.inputs.containerName;
      const account = name !== undefined ? accountNamed(s, name) : undefined;
      if (!account || typeof container !== "string") return undefined;
      const idx = indexOf(s);
      const sameAccount = (r: { inputs: Record<string, any> }): boolean =>
        lc(r.inputs.accountName) === lc(name);
      const found = (idx.byType.get(T.blobContainer) ?? []).some(
        (c) =>
          sameAccount(c) &&
          lc(c.outputs.name ?? physicalName(c.type, c.name, c.inputs)) === lc(container),
      );
      const website =
        container === "$web" && (idx.byType.get(T.staticWebsite) ?? []).some(sameAccount);
      return found || website
        ? undefined
        : `The specified container does not exist: '${container}' in account '${name}'. Fix: create a storage.BlobContainer named ${container} in the account first and make the blob depend on it (containerName: container.name)${container === "$web" ? ", or enable the static website (storage.StorageAccountStaticWebsite), which creates $web" : ""}.`;
    },
  },
];
