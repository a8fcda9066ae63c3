import { type StackValidationPolicy } from "@pulumi/policy";
import { URLS } from "../lib/constants";
import { isoDurationDays } from "../lib/duration";
import { StackGraph, readProp } from "../lib/graph";
import { accountList, arr, ciEquals, obj, str } from "../lib/text";

const DAY = 86_400;

/** An epoch-seconds attribute (Key Vault `attributes.expires`/`notBefore`/`created`), or undefined. */
function epoch(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
}

/** Days after creation of the rotation policy's `rotate` action (`timeAfterCreate`), if it has one. */
function rotateAfterDays(rotationPolicy: unknown): number | undefined {
  for (const a of arr(obj(rotationPolicy)?.["lifetimeActions"])) {
    const action = obj(a);
    if (ciEquals(obj(action?.["action"])?.["type"], "rotate")) {
      const days = isoDurationDays(str(obj(action?.["trigger"])?.["timeAfterCreate"]));
      if (days !== undefined) {
        return days;
      }
    }
  }
  return undefined;
}

/**
 * Rule (stack): the key behind every CMK is within its validity period and rotates before it expires. Key Vault
 * refuses wrapKey on a key past `attributes.expires` or before `attributes.notBefore`
 * (learn.microsoft.com key-vault/keys/about-keys-details#key-attributes), so a new account cannot be created with it
 * (MicrosoftDocs/azure-docs#84096), and an explicit expiry earlier than creation + the rotation policy's
 * `timeAfterCreate` means the key expires before its first automatic rotation gives the accounts a new version. One
 * finding per key, naming every account it encrypts. Disabled keys are `cmk-key-disabled` (advisory: a deliberate
 * revocation). Keys outside the stack (and Managed HSM keys) are left to `cmk-references-resolvable`.
 */
export const cmkKeyValidity: StackValidationPolicy = {
  name: "cmk-key-validity",
  description:
    "The key behind every customer-managed key must be valid now (not expired, not before its not-before date) and must not expire before its first automatic rotation.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Remove properties.attributes.expires and notBefore from the key (the rotation policy's expiryTime sets the expiry of each new version), or set them so that now and the first rotation (creation + timeAfterCreate) fall inside the validity period.",
  url: URLS.kvKeyRotation,
  validateStack: (args, reportViolation) => {
    const now = Math.floor(Date.now() / 1000);
    const graph = new StackGraph(args.resources);
    for (const [key, accounts] of graph.cmkAccountsBy("key")) {
      const attributes = obj(readProp(key, "attributes"));
      const expires = epoch(attributes?.["expires"]);
      const notBefore = epoch(attributes?.["notBefore"]);
      const created = epoch(attributes?.["created"]) ?? now;
      const rotateDays = rotateAfterDays(readProp(key, "rotationPolicy"));
      const messages: string[] = [];
      if (expires !== undefined && expires <= now) {
        messages.push(`expired at ${iso(expires)}; Key Vault refuses wrapKey with it`);
      } else if (
        expires !== undefined &&
        rotateDays !== undefined &&
        expires < created + rotateDays * DAY
      ) {
        messages.push(
          `expires at ${iso(expires)}, before its first automatic rotation at ${iso(created + rotateDays * DAY)} (rotate ${rotateDays} days after creation), so the accounts lose the key before a new version exists`,
        );
      }
      if (notBefore !== undefined && notBefore > now) {
        messages.push(
          `is not valid before ${iso(notBefore)}; Key Vault refuses wrapKey until then`,
        );
      }
      const names = accountList(accounts.map((a) => a.name));
      for (const m of messages) {
        reportViolation(`Key "${key.name}" of ${names} ${m}.`, key.urn);
      }
    }
  },
};
