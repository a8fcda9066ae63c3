/**
 * Generated fleets for the benchmark: stack config for one platform stack with `n` teams, either all with the stack
 * defaults ("uniform") or cycling through the per-team overrides a real platform stack has ("mixed").
 */
import type { TeamSettings } from "../stacks/config";

export type FleetMode = "uniform" | "mixed";

const SUB = "/subscriptions/00000000-0000-0000-0000-000000000000";

/** The override profiles of a mixed fleet, by position; index 0 is a team with the stack defaults. */
export const MIXED_PROFILES: readonly ((i: number) => TeamSettings)[] = [
  () => ({}),
  (i) => ({
    displayName: `Team ${i}`,
    owner: `team${i}@example.com`,
    costCentre: `CC-${1000 + i}`,
    accountSku: "Standard_GZRS",
  }),
  (i) => ({
    allowedIpRanges: [`198.51.100.${i % 256}/32`],
    allowedSubnetIds: [
      `${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/team${i}`,
    ],
  }),
  (i) => ({
    allowSharedKeyAccess: true,
    rotateAccessKeys: true,
    accessKeyRotationPeriodInDays: 30 + (i % 60),
  }),
  (i) => ({
    key: {
      vaultId: `${SUB}/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/kv-teamkeys`,
      keyName: `team${i}-cmk`,
      permissionModel: "rbac",
    },
  }),
  () => ({ protect: true, tags: { dataClass: "confidential" } }),
];

/** `cmk-storage:teams` for a fleet of `n` teams (ids `f<n>x<i>`, within the 12-character limit up to n = 99999). */
export function fleetTeams(n: number, mode: FleetMode): Record<string, TeamSettings> {
  return Object.fromEntries(
    Array.from({ length: n }, (_, i) => [
      `f${n}x${i}`,
      mode === "mixed" ? MIXED_PROFILES[i % MIXED_PROFILES.length](i) : {},
    ]),
  );
}

/** Raw stack config (as the Pulumi runtime stores it) for a fleet: premium vault, RSA-HSM key, `n` teams. */
export function fleetStackConfig(n: number, mode: FleetMode): Record<string, string> {
  return {
    location: "westeurope",
    resourceGroupName: "rg-bench",
    namePrefix: "bench",
    vaultSku: "premium",
    keyType: "RSA-HSM",
    teams: JSON.stringify(fleetTeams(n, mode)),
  };
}
