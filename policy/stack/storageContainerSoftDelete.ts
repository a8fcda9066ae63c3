import { type StackValidationPolicy } from "@pulumi/policy";
import { blobProtectionPolicy, PROTECTIONS } from "../lib/blobProtection";

/** Guardrail (stack; advisory, mandatory in staging and prod): container soft delete is on for every storage account. */
export const storageContainerSoftDelete: StackValidationPolicy = blobProtectionPolicy(
  PROTECTIONS.containerSoftDelete,
);
