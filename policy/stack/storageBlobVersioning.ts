import { type StackValidationPolicy } from "@pulumi/policy";
import { blobProtectionPolicy, PROTECTIONS } from "../lib/blobProtection";

/** Guardrail (stack; advisory, mandatory in staging and prod): blob versioning is on for every storage account. */
export const storageBlobVersioning: StackValidationPolicy = blobProtectionPolicy(
  PROTECTIONS.versioning,
);
