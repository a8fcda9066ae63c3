/**
 * Dynamic provider that rotates a storage account's access keys and publishes the active one to Key Vault.
 *
 * Serialization: Pulumi serializes this provider's closure into state (`__provider`) and runs it in a separate
 * process. It captures only the pure functions of `./schedule`, the SDK factory of `./azureClients` (which `require`s
 * the SDKs at call time) and the options object (empty in production). Keep it so: no top-level value imports of
 * `@pulumi/pulumi` or `@azure/*` here, and never capture credentials, clients or key values.
 *
 * State: inputs plus `activeKeyName`, `lastRotatedAt`, `nextRotationAt`, `secretId`, `secretVersion`. Key values live
 * only in local variables between `listKeys` and `setSecret`.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AzureTransportOptions, RotationClients, RotationEndpoints } from "./azureClients";
import { createAzureRotationClients } from "./azureClients";
import type { KeyCreationTimes, PublishedState, RotationPlan, RotationTarget } from "./schedule";
import {
  classifyPublished,
  desiredSecretTags,
  parseStorageAccountId,
  planRotation,
  rotationDueAt,
  sameArmId,
  secretContentType,
  secretExpiresOn,
} from "./schedule";

/** Inputs of the dynamic resource (all plain, no secrets). */
export interface AccessKeyRotationInputs {
  storageAccountId: string;
  vaultUri: string;
  secretName: string;
  rotationPeriodInDays: number;
  tags: Record<string, string>;
}

/** Outputs: inputs plus what is published. Never a key value. */
export interface AccessKeyRotationOutputs extends AccessKeyRotationInputs {
  /** "key1" or "key2". */
  activeKeyName: string;
  /** `keyCreationTime` of the active key (when it was last regenerated), ISO-8601; "" when Azure reports none. */
  lastRotatedAt: string;
  /** When the active key is due for rotation, ISO-8601; "" when its age is unknown (due now). */
  nextRotationAt: string;
  /** Versionless secret id, `https://<vault>/secrets/<name>`: what clients read (latest version). */
  secretId: string;
  /** Version of the latest secret version. */
  secretVersion: string;
}

/** Test seams; production passes nothing. */
export interface AccessKeyRotationProviderOptions {
  /** Builds the Azure clients. @default - SDK clients with DefaultAzureCredential */
  clients?: (endpoints: RotationEndpoints) => RotationClients;
  /** SDK transport settings for the default `clients`. @default - SDK defaults, see AzureTransportOptions */
  transport?: AzureTransportOptions;
  /** Clock. @default - `new Date()` */
  now?: () => Date;
}

/** Pulumi's marker for an input that is not known during preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** What was observed in Azure for one resource. */
interface Observation {
  times: KeyCreationTimes;
  published: PublishedState;
  plan: RotationPlan;
}

/**
 * Builds the provider. The methods are arrow functions over a few captured values so that Pulumi's closure
 * serializer can capture them.
 */
export function accessKeyRotationProvider(
  options: AccessKeyRotationProviderOptions = {},
): pulumi.dynamic.ResourceProvider<AccessKeyRotationInputs, AccessKeyRotationOutputs> {
  const clock = (): Date => (options.now ? options.now() : new Date());

  const endpointsOf = (inputs: AccessKeyRotationInputs): RotationEndpoints => {
    const ref = parseStorageAccountId(inputs.storageAccountId);
    if (!ref) {
      throw new Error(
        `storageAccountId is not a storage account ARM id: ${JSON.stringify(inputs.storageAccountId)}`,
      );
    }
    return {
      subscriptionId: ref.subscriptionId,
      resourceGroupName: ref.resourceGroupName,
      accountName: ref.accountName,
      vaultUri: inputs.vaultUri,
    };
  };

  const clientsFor = (inputs: AccessKeyRotationInputs): RotationClients => {
    const endpoints = endpointsOf(inputs);
    return options.clients
      ? options.clients(endpoints)
      : createAzureRotationClients(endpoints, options.transport);
  };

  const targetOf = (inputs: AccessKeyRotationInputs): RotationTarget => ({
    storageAccountId: inputs.storageAccountId,
    rotationPeriodInDays: inputs.rotationPeriodInDays,
    tags: inputs.tags ?? {},
  });

  /** Error text without any 88-character base64 run (the shape of a storage account key), and no request object. */
  const sanitize = (operation: string, e: unknown): Error => {
    const err = e as { message?: string; statusCode?: number; code?: string };
    const detail = [err.statusCode, err.code].filter((x) => x !== undefined).join(" ");
    const message = String(err.message ?? e).replace(/[A-Za-z0-9+/]{86}==/g, "[redacted]");
    return new Error(
      `access-key rotation: ${operation} failed${detail ? ` (${detail})` : ""}: ${message}`,
    );
  };

  const observe = async (
    clients: RotationClients,
    inputs: AccessKeyRotationInputs,
  ): Promise<Observation> => {
    const times = await clients.getKeyCreationTimes();
    const published = classifyPublished(
      await clients.getLatestSecret(inputs.secretName),
      inputs.storageAccountId,
    );
    return { times, published, plan: planRotation(times, published, targetOf(inputs), clock()) };
  };

  const publish = async (
    clients: RotationClients,
    inputs: AccessKeyRotationInputs,
    key: "key1" | "key2",
  ) => {
    // Creation time first, then the value: if the key changes between the two reads, the tag is older than the key
    // and the next run republishes (repair) instead of keeping a stale value under a current tag.
    const times = await clients.getKeyCreationTimes();
    const accountName = endpointsOf(inputs).accountName;
    const value = await clients.getKeyValue(key);
    await clients.setSecret(inputs.secretName, value, {
      contentType: secretContentType(accountName, key),
      tags: desiredSecretTags(targetOf(inputs), key, times[key]),
      expiresOn: secretExpiresOn(times[key], inputs.rotationPeriodInDays, clock()),
    });
  };

  const outputsOf = (
    inputs: AccessKeyRotationInputs,
    obs: Observation,
  ): AccessKeyRotationOutputs => {
    if (obs.published.kind !== "managed") {
      throw new Error(
        `the secret ${inputs.secretName} holds no rotation-managed version after publishing`,
      );
    }
    const active = obs.published.activeKey;
    const secretId = obs.published.secret.id.replace(/\/[^/]*$/, "");
    return {
      storageAccountId: inputs.storageAccountId,
      vaultUri: inputs.vaultUri,
      secretName: inputs.secretName,
      rotationPeriodInDays: inputs.rotationPeriodInDays,
      tags: inputs.tags ?? {},
      activeKeyName: active,
      lastRotatedAt: obs.times[active] ?? "",
      nextRotationAt: rotationDueAt(obs.times[active], inputs.rotationPeriodInDays) ?? "",
      secretId,
      secretVersion: obs.published.secret.version,
    };
  };

  /** Observe, act once on the plan, observe again. Idempotent: a repeat finds nothing to do. */
  const reconcile = async (inputs: AccessKeyRotationInputs): Promise<AccessKeyRotationOutputs> => {
    const clients = clientsFor(inputs);
    let step = "reading the account and the secret";
    try {
      const before = await observe(clients, inputs);
      if (before.plan.kind === "conflict") {
        throw new Error(
          `secret ${inputs.secretName}: ${before.plan.reason}; refusing to overwrite it`,
        );
      }
      if (before.plan.regenerate) {
        step = `regenerating ${before.plan.regenerate}`;
        await clients.regenerateKey(before.plan.regenerate);
      }
      if (before.plan.publish) {
        step = `publishing ${before.plan.publish} to ${inputs.secretName}`;
        await publish(clients, inputs, before.plan.publish);
      }
      step = "reading the result";
      return outputsOf(inputs, await observe(clients, inputs));
    } catch (e) {
      throw sanitize(step, e);
    }
  };

  const isUnknown = (v: unknown): boolean => v === UNKNOWN;

  return {
    // Synchronous checks; the provider interface wants a promise.
    check: (_olds, news) => {
      const failures: { property: string; reason: string }[] = [];
      if (
        !isUnknown(news.storageAccountId) &&
        !parseStorageAccountId(String(news.storageAccountId))
      ) {
        failures.push({ property: "storageAccountId", reason: "must be a storage account ARM id" });
      }
      const period = news.rotationPeriodInDays;
      if (!isUnknown(period) && !(Number.isInteger(period) && period >= 1)) {
        failures.push({
          property: "rotationPeriodInDays",
          reason: "must be a whole number of days, at least 1",
        });
      }
      return Promise.resolve(failures.length > 0 ? { inputs: news, failures } : { inputs: news });
    },

    diff: async (_id, olds, news) => {
      const replaces: string[] = [];
      if (
        isUnknown(news.storageAccountId) ||
        !sameArmId(String(olds.storageAccountId), String(news.storageAccountId))
      ) {
        replaces.push("storageAccountId");
      }
      if (
        isUnknown(news.vaultUri) ||
        String(olds.vaultUri).replace(/\/+$/, "") !== String(news.vaultUri).replace(/\/+$/, "")
      ) {
        replaces.push("vaultUri");
      }
      if (isUnknown(news.secretName) || olds.secretName !== news.secretName) {
        replaces.push("secretName");
      }
      if (replaces.length > 0) {
        return { changes: true, replaces, deleteBeforeReplace: false };
      }
      if (
        isUnknown(news.rotationPeriodInDays) ||
        olds.rotationPeriodInDays !== news.rotationPeriodInDays ||
        JSON.stringify(olds.tags ?? {}) !== JSON.stringify(news.tags ?? {})
      ) {
        return { changes: true };
      }
      // Same inputs: the question is whether Azure needs a change, or whether state lags behind Azure (a crash
      // between publishing and recording state). Both are reported as a pending update.
      let obs: Observation;
      try {
        obs = await observe(clientsFor(news), news);
      } catch (e) {
        throw sanitize("checking whether a rotation is due", e);
      }
      const inSync =
        obs.published.kind === "managed" &&
        obs.published.activeKey === olds.activeKeyName &&
        obs.published.secret.version === olds.secretVersion;
      return { changes: obs.plan.kind !== "none" || !inSync };
    },

    create: async (inputs) => {
      const outs = await reconcile(inputs);
      return { id: outs.secretId, outs };
    },

    update: async (_id, _olds, news) => ({ outs: await reconcile(news) }),

    read: async (id, props) => {
      if (!props) {
        return { id, props };
      }
      try {
        const clients = clientsFor(props);
        const times = await clients.getKeyCreationTimes();
        const published = classifyPublished(
          await clients.getLatestSecret(props.secretName),
          props.storageAccountId,
        );
        if (published.kind !== "managed") {
          // Blank id: the engine drops the resource on refresh and the next `up` creates (adopts) it again.
          return { id: "" };
        }
        const obs: Observation = { times, published, plan: { kind: "none", reason: "refresh" } };
        return { id, props: outputsOf(props, obs) };
      } catch (e) {
        throw sanitize("refreshing", e);
      }
    },

    // Deleting the resource stops rotation; it deletes neither the secret (clients keep reading the last key) nor
    // any key. Remove the secret yourself once no client reads it.
    delete: async () => {},
  };
}
