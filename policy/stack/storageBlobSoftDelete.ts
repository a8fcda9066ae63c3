import { type StackValidationPolicy } from "@pulumi/policy";
import { blobProtectionPolicy, PROTECTIONS } from "../lib/blobProtection";

/** Guardrail (stack; advisory, mandatory in staging and prod): blob soft delete is on for every storage account. */
export const storageBlobSoftDelete: StackValidationPolicy = blobProtectionPolicy(
  PROTECTIONS.blobSoftDelete,
);
