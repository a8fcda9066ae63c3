/**
 * The Azure calls of access-key rotation behind a small interface, implemented with the maintained Azure SDKs
 * (@azure/identity, @azure/arm-storage, @azure/keyvault-secrets).
 *
 * This module is captured by value into the serialized dynamic provider, so it has no top-level value imports: the SDKs
 * are `require`d inside `createAzureRotationClients` (resolved from the program's node_modules when the provider runs).
 * Only `import type` is used at the top (erased at compile time).
 *
 * Resilience (checked against @azure/core-rest-pipeline 1.24.0 / @typespec/ts-http-runtime 0.3.6):
 * - the SDK's default retry policy already retries 429/503 with Retry-After (throttling strategy), 408/5xx except
 *   501/505 and ECONNRESET/ETIMEDOUT/ECONNREFUSED/ENOTFOUND (exponential strategy); retries are raised to 5;
 * - the SDK sets no request timeout by default, and its own timeout surfaces as an AbortError that the retry policy
 *   rethrows without retrying; `resiliencePolicy` below gives every attempt a timeout and turns it into a retryable
 *   ETIMEDOUT;
 * - a connection cut while the response body is streaming surfaces as a PARSE_ERROR that the SDK does not retry;
 *   `resiliencePolicy` turns it into a retryable ECONNRESET;
 * - a 429 without any Retry-After header is not retried by the SDK; `resiliencePolicy` gives it a `retry-after-ms`.
 * Every call made here is safe to repeat: regenerating the inactive key again, or writing the same value as one more
 * secret version, leaves the published key valid.
 */
import type * as ArmStorage from "@azure/arm-storage";
import type { TokenCredential } from "@azure/core-auth";
import type * as CoreRestPipeline from "@azure/core-rest-pipeline";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import type * as Identity from "@azure/identity";
import type * as KeyVaultSecrets from "@azure/keyvault-secrets";
import type { Agent } from "node:http";
import type { KeyCreationTimes, KeyName, PublishedSecret } from "./schedule";

/** Options for writing one secret version. */
export interface SetSecretOptions {
  contentType: string;
  tags: Record<string, string>;
  expiresOn: Date;
}

/** The only Azure operations the rotation uses. No method returns a key value except `getKeyValue`. */
export interface RotationClients {
  /** `storageAccounts.getProperties` → `keyCreationTime` (needs `Microsoft.Storage/storageAccounts/read`). */
  getKeyCreationTimes(): Promise<KeyCreationTimes>;
  /** `storageAccounts.listKeys` → the value of one key (needs `.../listkeys/action`). */
  getKeyValue(key: KeyName): Promise<string>;
  /** `storageAccounts.regenerateKey` (needs `.../regeneratekey/action`); the returned keys are discarded. */
  regenerateKey(key: KeyName): Promise<void>;
  /** `SecretClient.getSecret` of the latest version, value dropped; undefined when the secret does not exist. */
  getLatestSecret(secretName: string): Promise<PublishedSecret | undefined>;
  /** `SecretClient.setSecret`: writes a new version; returns its metadata, never the value. */
  setSecret(secretName: string, value: string, options: SetSecretOptions): Promise<PublishedSecret>;
}

/** Where to connect: the storage account and the vault. */
export interface RotationEndpoints {
  subscriptionId: string;
  resourceGroupName: string;
  accountName: string;
  vaultUri: string;
}

/** Transport settings; production uses the defaults, tests point them at a local fake. */
export interface AzureTransportOptions {
  /** @default - `new DefaultAzureCredential()` */
  credential?: TokenCredential;
  /** ARM endpoint. @default "https://management.azure.com" */
  armEndpoint?: string;
  /** HTTP(S) agent for every request (tests: trusts the fake's CA and resolves hosts to 127.0.0.1). @default - SDK's */
  agent?: Agent;
  /** Retries after the first attempt. @default 5 */
  maxRetries?: number;
  /** Base of the exponential back-off. @default 1000 */
  retryDelayInMs?: number;
  /** Cap of the exponential back-off (Retry-After is honoured as sent). @default 30000 */
  maxRetryDelayInMs?: number;
  /** Timeout of one attempt; a timed-out attempt is retried. @default 60000 */
  attemptTimeoutMs?: number;
}

/**
 * Per-attempt policy (position "perRetry", i.e. inside the SDK's retry loop) that makes timeouts, mid-body
 * connection cuts and 429s without Retry-After retryable by the SDK's own retry strategies.
 */
export function resiliencePolicy(
  attemptTimeoutMs: number,
  throttleDelayMs: number,
): PipelinePolicy {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { RestError } = require("@azure/core-rest-pipeline") as typeof CoreRestPipeline;
  return {
    name: "accessKeyRotationResiliencePolicy",
    async sendRequest(request, next) {
      const callerSignal = request.abortSignal;
      if (!(request.timeout > 0)) {
        request.timeout = attemptTimeoutMs;
      }
      try {
        const response = await next(request);
        if (
          response.status === 429 &&
          !response.headers.has("retry-after") &&
          !response.headers.has("retry-after-ms") &&
          !response.headers.has("x-ms-retry-after-ms")
        ) {
          response.headers.set("retry-after-ms", String(throttleDelayMs));
        }
        return response;
      } catch (e) {
        const err = e as { name?: string; code?: string; message?: string };
        if (err.name === "AbortError" && !callerSignal?.aborted) {
          throw new RestError(`request timed out after ${request.timeout} ms`, {
            code: "ETIMEDOUT",
            request,
          });
        }
        if (
          err.code === RestError.PARSE_ERROR &&
          /^Error reading response as text/.test(err.message ?? "")
        ) {
          throw new RestError(`connection lost while reading the response: ${err.message}`, {
            code: "ECONNRESET",
            request,
          });
        }
        throw e;
      }
    },
  };
}

/**
 * Puts `contentType` into the JSON body of `PUT /secrets/<name>`. Needed because @azure/keyvault-secrets 4.11.0 drops
 * the `contentType` option of `setSecret` (and of `updateSecretProperties`): its `setSecret` builds
 * `{ value, secretAttributes, tags }` and the serializer reads a `contentType` that is never set. Runs per call, before
 * the Key Vault challenge policy captures the body. `contentTypeFor` returns the value for the call in flight.
 */
export function secretContentTypePolicy(contentTypeFor: () => string | undefined): PipelinePolicy {
  return {
    name: "accessKeyRotationSecretContentTypePolicy",
    async sendRequest(request, next) {
      const contentType = contentTypeFor();
      if (
        contentType !== undefined &&
        request.method === "PUT" &&
        /\/secrets\/[0-9a-zA-Z-]+$/.test(new URL(request.url).pathname) &&
        typeof request.body === "string"
      ) {
        const body = JSON.parse(request.body) as Record<string, unknown>;
        if (body["contentType"] === undefined) {
          body["contentType"] = contentType;
          request.body = JSON.stringify(body);
        }
      }
      return next(request);
    },
  };
}

function toPublished(props: {
  id?: string;
  version?: string;
  tags?: Record<string, string>;
  createdOn?: Date;
  expiresOn?: Date;
}): PublishedSecret {
  return {
    id: props.id ?? "",
    version: props.version ?? "",
    tags: { ...(props.tags ?? {}) },
    createdOn: props.createdOn ? props.createdOn.toISOString() : null,
    expiresOn: props.expiresOn ? props.expiresOn.toISOString() : null,
  };
}

/** Builds the SDK-backed clients. SDK modules are loaded here, at call time, not when the module is imported. */
export function createAzureRotationClients(
  target: RotationEndpoints,
  transport: AzureTransportOptions = {},
): RotationClients {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { StorageManagementClient } = require("@azure/arm-storage") as typeof ArmStorage;
  const { SecretClient } = require("@azure/keyvault-secrets") as typeof KeyVaultSecrets;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const credential: TokenCredential =
    transport.credential ??
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    new (require("@azure/identity") as typeof Identity).DefaultAzureCredential();
  const retryDelayInMs = transport.retryDelayInMs ?? 1000;
  const pipelineOptions = {
    retryOptions: {
      maxRetries: transport.maxRetries ?? 5,
      retryDelayInMs,
      maxRetryDelayInMs: transport.maxRetryDelayInMs ?? 30000,
    },
    additionalPolicies: [
      {
        policy: resiliencePolicy(transport.attemptTimeoutMs ?? 60000, retryDelayInMs),
        position: "perRetry" as const,
      },
    ],
    ...(transport.agent ? { agent: transport.agent } : {}),
  };
  const arm = new StorageManagementClient(credential, target.subscriptionId, {
    ...pipelineOptions,
    ...(transport.armEndpoint
      ? {
          endpoint: transport.armEndpoint,
          credentialScopes: ["https://management.azure.com/.default"],
        }
      : {}),
  });
  let contentTypeInFlight: string | undefined;
  const secrets = new SecretClient(target.vaultUri, credential, {
    ...pipelineOptions,
    additionalPolicies: [
      ...pipelineOptions.additionalPolicies,
      { policy: secretContentTypePolicy(() => contentTypeInFlight), position: "perCall" as const },
    ],
  });
  const rg = target.resourceGroupName;
  const account = target.accountName;

  return {
    async getKeyCreationTimes() {
      const props = await arm.storageAccounts.getProperties(rg, account);
      const t = props.keyCreationTime;
      return {
        key1: t?.key1 ? t.key1.toISOString() : null,
        key2: t?.key2 ? t.key2.toISOString() : null,
      };
    },
    async getKeyValue(key) {
      const result = await arm.storageAccounts.listKeys(rg, account);
      const found = (result.keys ?? []).find((k) => (k.keyName ?? "").toLowerCase() === key);
      if (!found?.value) {
        throw new Error(`storage account ${account} returned no value for ${key}`);
      }
      return found.value;
    },
    async regenerateKey(key) {
      await arm.storageAccounts.regenerateKey(rg, account, { keyName: key });
    },
    async getLatestSecret(secretName) {
      try {
        const secret = await secrets.getSecret(secretName);
        return toPublished(secret.properties);
      } catch (e) {
        const err = e as { statusCode?: number; code?: string };
        if (err.statusCode === 404 && (err.code === undefined || err.code === "SecretNotFound")) {
          return undefined;
        }
        throw e;
      }
    },
    async setSecret(secretName, value, options) {
      contentTypeInFlight = options.contentType;
      try {
        const secret = await secrets.setSecret(secretName, value, {
          contentType: options.contentType,
          tags: options.tags,
          expiresOn: options.expiresOn,
          enabled: true,
        });
        return toPublished(secret.properties);
      } finally {
        contentTypeInFlight = undefined;
      }
    },
  };
}
