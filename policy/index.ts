// Entry point the Pulumi CLI runs (`--policy-pack policy`). Constructing a PolicyPack starts the
// policy gRPC server, so nothing (tests, tools) may import this file: load `./policies` instead.
import { PolicyPack } from "@pulumi/policy";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, policies } from "./policies";

new PolicyPack(PACK_NAME, {
  policies,
  enforcementLevel: PACK_ENFORCEMENT_LEVEL,
  description:
    "Soft delete, purge protection, key rotation, storage hardening, and region/tenant/grant checks of the customer-managed-key chain for Azure Storage.",
  displayName: "CMK guard",
  tags: ["azure", "keyvault", "storage", "cmk"],
});
