/**
 * A CMK stack (tests/policy/fixtures.ts) with the guardrails a production stack has: a private endpoint with its DNS
 * zone group for the vault and for the account's blob service, the vault's AuditEvent and the blob service's storage
 * logs to a workspace, CanNotDelete locks on both, and blob service properties with soft delete and versioning. Specs
 * change one part (`over`) or leave parts out (`omit`) to see each guardrail policy fail.
 */
import { stackResource, type StackResourceSpec } from "../support/policyHarness";
import { cmkStack, NAMES, RG_ID, SUBSCRIPTION, VAULT_ID } from "./fixtures";

export const ACCOUNT_ID = `${RG_ID}/providers/Microsoft.Storage/storageAccounts/stcmkdev`;
export const WORKSPACE = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-platform`;
const SUBNET = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pe`;
export const zoneId = (zone: string): string =>
  `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/${zone}`;

export type GuardrailPart =
  | "vaultEndpoint"
  | "accountEndpoint"
  | "vaultZoneGroup"
  | "accountZoneGroup"
  | "vaultLogs"
  | "blobLogs"
  | "vaultLock"
  | "accountLock"
  | "blobService";

export interface GuardrailOptions {
  omit?: GuardrailPart[];
  /** Output props merged over a part's defaults. */
  over?: Partial<Record<GuardrailPart, Record<string, unknown>>>;
  /** Account output props merged over the fixture's (its network settings). */
  account?: Record<string, unknown>;
}

/** The guarded stack, as stack policies see it (outputs and graph). */
export function guardedStack(options: GuardrailOptions = {}): StackResourceSpec[] {
  const base = cmkStack({
    mutate: (p) => {
      Object.assign(p.account, {
        publicNetworkAccess: "Disabled",
        networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices" },
        ...options.account,
      });
    },
  });
  const vault = base.find((r) => r.name === NAMES.vault)!;
  const account = base.find((r) => r.name === NAMES.account)!;
  const props = (part: GuardrailPart, p: Record<string, unknown>) => ({
    ...p,
    ...options.over?.[part],
  });
  const endpoint = (part: GuardrailPart, target: StackResourceSpec, id: string, group: string) =>
    stackResource(
      "azure-native:network:PrivateEndpoint",
      `${target.name}-pe-${group}`,
      props(part, {
        name: `pep-${target.name}-${group}`,
        subnet: { id: SUBNET },
        privateLinkServiceConnections: [
          { name: group, privateLinkServiceId: id, groupIds: [group] },
        ],
      }),
      { propertyDependencies: { privateLinkServiceConnections: [target] } },
    );
  const vaultPe = endpoint("vaultEndpoint", vault, VAULT_ID, "vault");
  const accountPe = endpoint("accountEndpoint", account, ACCOUNT_ID, "blob");
  const zoneGroup = (part: GuardrailPart, pe: StackResourceSpec, group: string, zone: string) =>
    stackResource(
      "azure-native:network:PrivateDnsZoneGroup",
      `${pe.name}-dns`,
      props(part, {
        name: "default",
        privateEndpointName: pe.props["name"],
        privateDnsZoneConfigs: [{ name: group, privateDnsZoneId: zoneId(zone) }],
      }),
      { dependencies: [pe] },
    );
  const setting = (
    part: GuardrailPart,
    target: StackResourceSpec,
    uri: string,
    logs: string[],
    metric: string,
  ) =>
    stackResource(
      "azure-native:monitor:DiagnosticSetting",
      `${target.name}-${part}`,
      props(part, {
        name: "platform",
        resourceUri: uri,
        workspaceId: WORKSPACE,
        logs: logs.map((category) => ({ category, enabled: true })),
        metrics: [{ category: metric, enabled: true }],
      }),
      { propertyDependencies: { resourceUri: [target] } },
    );
  const lock = (part: GuardrailPart, target: StackResourceSpec, id: string) =>
    stackResource(
      "azure-native:authorization:ManagementLockByScope",
      `${target.name}-lock`,
      props(part, { name: `${target.name}-cannot-delete`, scope: id, level: "CanNotDelete" }),
      { propertyDependencies: { scope: [target] } },
    );
  const parts: [GuardrailPart, StackResourceSpec][] = [
    ["vaultEndpoint", vaultPe],
    ["accountEndpoint", accountPe],
    [
      "vaultZoneGroup",
      zoneGroup("vaultZoneGroup", vaultPe, "vault", "privatelink.vaultcore.azure.net"),
    ],
    [
      "accountZoneGroup",
      zoneGroup("accountZoneGroup", accountPe, "blob", "privatelink.blob.core.windows.net"),
    ],
    ["vaultLogs", setting("vaultLogs", vault, VAULT_ID, ["AuditEvent"], "AllMetrics")],
    [
      "blobLogs",
      setting(
        "blobLogs",
        account,
        `${ACCOUNT_ID}/blobServices/default`,
        ["StorageRead", "StorageWrite", "StorageDelete"],
        "Transaction",
      ),
    ],
    ["vaultLock", lock("vaultLock", vault, VAULT_ID)],
    ["accountLock", lock("accountLock", account, ACCOUNT_ID)],
    [
      "blobService",
      stackResource(
        "azure-native:storage:BlobServiceProperties",
        `${account.name}-blob-service`,
        props("blobService", {
          name: "default",
          accountName: "stcmkdev",
          deleteRetentionPolicy: { enabled: true, days: 30 },
          containerDeleteRetentionPolicy: { enabled: true, days: 30 },
          isVersioningEnabled: true,
        }),
        { propertyDependencies: { accountName: [account] } },
      ),
    ],
  ];
  const omit = new Set(options.omit ?? []);
  return [...base, ...parts.filter(([k]) => !omit.has(k)).map(([, r]) => r)];
}
