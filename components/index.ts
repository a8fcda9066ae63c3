export * from "./azureRoles";
export * from "./cmkStorageAccount";
export * from "./managedKeyRotation";
export * from "./naming";
export * from "./rbacPropagationWait";
export * from "./rotationPolicy";
export * from "./secureVault";
export * from "./storageAccessKeyRotation";
