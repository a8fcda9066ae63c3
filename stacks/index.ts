/**
 * Program entry point (Pulumi.yaml `main`): reads and validates the stack's config, builds the platform, exports what
 * operators need. Run with `pulumi stack select <env> && pulumi up`.
 */
import { readStackSettings } from "./config";
import { deployCmkPlatform } from "./program";

const platform = deployCmkPlatform(readStackSettings());

export const resourceGroupName = platform.resourceGroupName;
export const vaultName = platform.vaultName;
export const vaultUri = platform.vaultUri;
export const vaultPermissionModel = platform.vaultPermissionModel;
export const keyName = platform.keyName;
export const keyUri = platform.keyUri;
export const keyUriWithVersion = platform.keyUriWithVersion;
export const accounts = platform.accounts;
