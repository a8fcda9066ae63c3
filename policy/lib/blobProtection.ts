import { type PolicyResource, type StackValidationPolicy } from "@pulumi/policy";
import { GUARDRAIL_URLS, GuardrailIndex, nameOf } from "./guardrails";
import { obj } from "./text";

/** One blob data-protection setting of `blobServices/default` and how to read it. */
interface Protection {
  name: string;
  what: string;
  description: string;
  remediation: string;
  url: string;
  on: (props: Record<string, unknown>) => boolean;
}

const enabled = (v: unknown): boolean => obj(v)?.["enabled"] === true;

/**
 * Builds the stack policy for one protection: every storage account has blob service properties with it turned on
 * (an account without any keeps Azure's defaults, which are off).
 */
export function blobProtectionPolicy(p: Protection): StackValidationPolicy {
  return {
    name: p.name,
    description: p.description,
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps: p.remediation,
    url: p.url,
    validateStack: (args, reportViolation) => {
      const index = new GuardrailIndex(args.resources);
      for (const account of index.accounts) {
        const services: PolicyResource[] = index.blobServicesOf(account);
        if (services.some((b) => p.on(b.props ?? {}))) continue;
        reportViolation(
          services.length === 0
            ? `Storage account ${JSON.stringify(nameOf(account))} has no blob service properties, so ${p.what} is off (Azure's default).`
            : `Storage account ${JSON.stringify(nameOf(account))} has ${p.what} turned off in its blob service properties.`,
          account.urn,
        );
      }
    },
  };
}

export const PROTECTIONS = {
  blobSoftDelete: {
    name: "storage-blob-soft-delete",
    what: "blob soft delete",
    description: "Storage accounts should keep deleted blobs recoverable (blob soft delete).",
    remediation:
      "Set storage.BlobServiceProperties deleteRetentionPolicy { enabled: true, days: 7-365 } (the component's blobServices.deleteRetentionPolicyEnabled).",
    url: GUARDRAIL_URLS.blobSoftDelete,
    on: (b) => enabled(b["deleteRetentionPolicy"]),
  },
  containerSoftDelete: {
    name: "storage-container-soft-delete",
    what: "container soft delete",
    description:
      "Storage accounts should keep deleted containers recoverable (container soft delete).",
    remediation:
      "Set storage.BlobServiceProperties containerDeleteRetentionPolicy { enabled: true, days: 7-365 } (the component's blobServices.containerDeleteRetentionPolicyEnabled).",
    url: GUARDRAIL_URLS.containerSoftDelete,
    on: (b) => enabled(b["containerDeleteRetentionPolicy"]),
  },
  versioning: {
    name: "storage-blob-versioning",
    what: "blob versioning",
    description: "Storage accounts should keep previous blob versions (blob versioning).",
    remediation:
      "Set storage.BlobServiceProperties isVersioningEnabled: true (the component's blobServices.isVersioningEnabled).",
    url: GUARDRAIL_URLS.versioning,
    on: (b) => b["isVersioningEnabled"] === true,
  },
} satisfies Record<string, Protection>;
