/**
 * Program entry point (Pulumi.yaml `main`): reads the stack's kind (`cmk-storage:stackKind`), validates its config,
 * builds it, and exports what operators and other stacks need:
 * - `single` (default): the vault, its key and every team's account in one stack (stacks/program.ts);
 * - `platform`: a region's vault and keys, exported as key references (`keys`) for team stacks (stacks/platformProgram.ts);
 * - `team`: one team's account in its own subscription, with a platform stack's key (stacks/teamProgram.ts).
 * Run with `pulumi stack select <env> && pulumi up` (fleet stacks: see README, "Growing past one stack").
 */
import * as pulumi from "@pulumi/pulumi";
import {
  fleetStackFile,
  parsePlatformConfig,
  parseSingleConfig,
  parseTeamConfig,
  readStackKind,
  runtimeConfig,
} from "./fleetConfig";
import { deployKeyPlatform } from "./platformProgram";
import { deployCmkPlatform } from "./program";
import { deployTeamStack } from "./teamProgram";

const { project, raw, provider } = runtimeConfig();
const stack = pulumi.getStack();
const kind = readStackKind(raw, project, `the config of stack ${stack}`);

const single =
  kind === "single"
    ? deployCmkPlatform(parseSingleConfig(raw, project, `stacks/Pulumi.${stack}.yaml`, provider))
    : undefined;
const platform =
  kind === "platform"
    ? deployKeyPlatform(parsePlatformConfig(raw, project, fleetStackFile(stack), provider))
    : undefined;
const team =
  kind === "team"
    ? deployTeamStack(parseTeamConfig(raw, project, fleetStackFile(stack), provider))
    : undefined;

// Single stacks export what they always did; fleet stacks export their own outputs (an undefined export is omitted).
export const resourceGroupName = single?.resourceGroupName ?? platform?.resourceGroupName;
export const vaultName = single?.vaultName ?? platform?.vaultName;
export const vaultUri = single?.vaultUri ?? platform?.vaultUri;
export const vaultPermissionModel = single?.vaultPermissionModel;
export const keyName = single?.keyName ?? team?.keyName;
export const keyUri = single?.keyUri;
export const keyUriWithVersion = single?.keyUriWithVersion;
export const accounts = single?.accounts ?? team?.accounts;
export const keys = platform?.keys;
export const location = platform?.location;
export const tenantId = platform?.tenantId;
export const subscriptionId = platform?.subscriptionId;
export const platformStack = team?.platformStack;
export const platformKey = team?.platformKey;
export const keyVaultUri = team?.keyVaultUri;
