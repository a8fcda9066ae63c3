/**
 * A local fake of the two Azure APIs access-key rotation uses, served over TLS on 127.0.0.1 so the REAL SDK clients
 * (@azure/arm-storage, @azure/keyvault-secrets) can be driven against it with bearer tokens:
 * - ARM `storageAccounts` getProperties (with `keyCreationTime`), listKeys, regenerateKey;
 * - Key Vault secrets set / get (latest or a version), with challenge-based auth: a request without a token gets
 *   `401` + `WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/<tenant>",
 *   resource="https://vault.azure.net"`, as the real service does.
 *
 * TLS: a throw-away self-signed certificate (SAN `*.vault.azure.net`, `localhost`, `127.0.0.1`) is generated with
 * `openssl` at test time. The SDK clients get an `https.Agent` that trusts only that certificate and resolves every
 * host name to 127.0.0.1; process-wide TLS verification is untouched. The vault is addressed as
 * `https://fakevault.vault.azure.net:<port>/`, so the SDK's challenge-resource check (vault host must end in
 * `.vault.azure.net`) runs for real instead of being disabled.
 *
 * Faults can be injected per route: an HTTP status (429 with Retry-After, 500, 503, ...), a hang (the client's
 * attempt timeout fires), a connection reset before or after the operation is applied, or a cut mid-body.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type Fault =
  | { kind: "status"; status: number; headers?: Record<string, string> }
  | { kind: "hang" }
  | { kind: "reset-before" }
  | { kind: "reset-after-apply" }
  | { kind: "cut-mid-body" };

export type Route = "getProperties" | "listKeys" | "regenerateKey" | "setSecret" | "getSecret";

export interface RequestRecord {
  route: Route | "challenge" | "unknown";
  method: string;
  path: string;
  outcome: string;
  at: number;
  authorized: boolean;
  hadBody: boolean;
}

export interface FakeKey {
  value: string;
  /** ARM-style timestamp with 7 fractional digits. */
  creationTime: string | null;
}

export interface FakeSecretVersion {
  version: string;
  value: string;
  tags: Record<string, string>;
  contentType?: string;
  created: number;
  exp?: number;
}

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

let cachedCert: { key: string; cert: string } | undefined;

/** A self-signed certificate for the fake, generated once per test process with openssl. */
export function testCertificate(): { key: string; cert: string } {
  if (cachedCert) {
    return cachedCert;
  }
  const dir = mkdtempSync(join(tmpdir(), "fake-azure-tls-"));
  const keyPath = join(dir, "key.pem");
  const certPath = join(dir, "cert.pem");
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        keyPath,
        "-out",
        certPath,
        "-days",
        "2",
        "-subj",
        "/CN=fake-azure",
        "-addext",
        "subjectAltName=DNS:*.vault.azure.net,DNS:localhost,IP:127.0.0.1",
      ],
      { stdio: "pipe" },
    );
  } catch (e) {
    throw new Error(
      `the TLS fake needs openssl on PATH to make a test certificate: ${(e as Error).message}`,
      { cause: e },
    );
  }
  cachedCert = { key: readFileSync(keyPath, "utf8"), cert: readFileSync(certPath, "utf8") };
  return cachedCert;
}

/** A new random storage-account-shaped key: 64 random bytes, base64 (88 characters ending in "=="). */
export function newKeyValue(): string {
  return randomBytes(64).toString("base64");
}

/** Formats a time the way ARM does (7 fractional digits). */
export function armTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
}

interface FaultEntry {
  route: Route;
  fault: Fault;
  remaining: number;
}

export class FakeAzure {
  readonly requests: RequestRecord[] = [];
  readonly keys: { key1: FakeKey; key2: FakeKey };
  readonly versions: FakeSecretVersion[] = [];
  /** Every key value the fake ever produced (to prove none leaks into state or logs). */
  readonly allKeyValues: string[] = [];
  /** Secrets with any other name (e.g. a name owned by another account). */
  readonly otherSecrets = new Map<string, FakeSecretVersion[]>();
  regenerations: { key: string; at: string }[] = [];
  private faults: FaultEntry[] = [];
  private readonly hung = new Set<IncomingMessage>();
  private server!: https.Server;
  private versionCounter = 0;
  port = 0;
  agent!: https.Agent;
  /** Milliseconds clock of request records (`at`); the scenarios point it at a clock that includes skipped waits. */
  elapsedMs: () => number = () => Date.now();

  readonly subscriptionId = "00000000-0000-0000-0000-000000000001";
  readonly resourceGroupName = "rg-keys";
  readonly accountName = "stkeysfake001";
  readonly secretName = "stkeysfake001-access-key";

  constructor(
    private readonly clock: () => Date,
    created: { key1: Date | null; key2: Date | null },
  ) {
    this.keys = {
      key1: {
        value: this.track(newKeyValue()),
        creationTime: created.key1 ? armTime(created.key1) : null,
      },
      key2: {
        value: this.track(newKeyValue()),
        creationTime: created.key2 ? armTime(created.key2) : null,
      },
    };
  }

  get storageAccountId(): string {
    return `/subscriptions/${this.subscriptionId}/resourceGroups/${this.resourceGroupName}/providers/Microsoft.Storage/storageAccounts/${this.accountName}`;
  }

  get armEndpoint(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  get vaultUri(): string {
    return `https://fakevault.vault.azure.net:${this.port}/`;
  }

  static async start(
    clock: () => Date,
    created: { key1: Date | null; key2: Date | null },
  ): Promise<FakeAzure> {
    const fake = new FakeAzure(clock, created);
    const { key, cert } = testCertificate();
    fake.server = https.createServer({ key, cert }, (req, res) => {
      fake.handle(req, res).catch((e: unknown) => {
        res.statusCode = 500;
        res.end(JSON.stringify({ error: { code: "FakeBug", message: String(e) } }));
      });
    });
    await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    fake.agent = new https.Agent({
      ca: cert,
      keepAlive: true,
      // Every host name (fakevault.vault.azure.net) resolves to the fake. Node 20 asks with `all: true`.
      lookup: ((_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
        if (options?.all) {
          cb(null, [{ address: "127.0.0.1", family: 4 }]);
        } else {
          cb(null, "127.0.0.1", 4);
        }
      }) as unknown as https.AgentOptions["lookup"],
    });
    return fake;
  }

  async close(): Promise<void> {
    for (const req of this.hung) {
      req.socket.destroy();
    }
    this.agent.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Makes the next `times` authorised requests to `route` fail with `fault`. */
  inject(route: Route, fault: Fault, times = 1): void {
    this.faults.push({ route, fault, remaining: times });
  }

  /** Regenerates a key out of band (portal, CLI, another tool). */
  regenerateOutOfBand(key: "key1" | "key2"): void {
    this.regenerate(key);
  }

  /** Writes a secret version the way a person or another tool would. */
  putVersion(tags: Record<string, string>, value = "not-a-key"): void {
    this.addVersion(this.versions, value, tags, undefined, undefined);
  }

  routeCount(route: Route, outcomePrefix = ""): number {
    return this.requests.filter((r) => r.route === route && r.outcome.startsWith(outcomePrefix))
      .length;
  }

  private track(value: string): string {
    this.allKeyValues.push(value);
    return value;
  }

  private regenerate(key: "key1" | "key2"): void {
    const now = armTime(this.clock());
    this.keys[key] = { value: this.track(newKeyValue()), creationTime: now };
    this.regenerations.push({ key, at: now });
  }

  private addVersion(
    list: FakeSecretVersion[],
    value: string,
    tags: Record<string, string>,
    contentType: string | undefined,
    exp: number | undefined,
  ): FakeSecretVersion {
    this.versionCounter += 1;
    const v: FakeSecretVersion = {
      version: `${this.versionCounter.toString(16).padStart(8, "0")}${"0".repeat(24)}`,
      value,
      tags: { ...tags },
      ...(contentType !== undefined ? { contentType } : {}),
      created: Math.floor(this.clock().getTime() / 1000),
      ...(exp !== undefined ? { exp } : {}),
    };
    list.push(v);
    return v;
  }

  private takeFault(route: Route): Fault | undefined {
    const entry = this.faults.find((f) => f.route === route && f.remaining > 0);
    if (!entry) {
      return undefined;
    }
    entry.remaining -= 1;
    return entry.fault;
  }

  private classify(
    method: string,
    path: string,
  ): { route: Route | "unknown"; secret?: string; version?: string } {
    const acct =
      `/subscriptions/${this.subscriptionId}/resourcegroups/${this.resourceGroupName}/providers/microsoft.storage/storageaccounts/${this.accountName}`.toLowerCase();
    const p = path.toLowerCase();
    if (method === "GET" && p === acct) return { route: "getProperties" };
    if (method === "POST" && p === `${acct}/listkeys`) return { route: "listKeys" };
    if (method === "POST" && p === `${acct}/regeneratekey`) return { route: "regenerateKey" };
    const m = /^\/secrets\/([0-9a-zA-Z-]+)(?:\/([0-9a-zA-Z]*))?\/?$/.exec(path);
    if (m && method === "PUT" && !m[2]) return { route: "setSecret", secret: m[1] };
    if (m && method === "GET") {
      return { route: "getSecret", secret: m[1], ...(m[2] ? { version: m[2] } : {}) };
    }
    return { route: "unknown" };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "https://fake");
    const method = req.method ?? "GET";
    const { route, secret, version } = this.classify(method, url.pathname);
    const auth = req.headers.authorization ?? "";
    const record: RequestRecord = {
      route,
      method,
      path: url.pathname,
      outcome: "",
      at: this.elapsedMs(),
      authorized: auth.startsWith("Bearer "),
      hadBody: body.length > 0,
    };
    this.requests.push(record);
    const isVault = route === "setSecret" || route === "getSecret";

    if (!auth.startsWith("Bearer fake-token")) {
      record.route = isVault ? "challenge" : record.route;
      record.outcome = "401";
      res.writeHead(401, {
        "content-type": "application/json",
        ...(isVault
          ? {
              "www-authenticate": `Bearer authorization="https://login.microsoftonline.com/${TENANT}", resource="https://vault.azure.net"`,
            }
          : {}),
      });
      res.end(
        JSON.stringify({
          error: {
            code: "Unauthorized",
            message: "AKV10000: Request is missing a Bearer or PoP token.",
          },
        }),
      );
      return;
    }
    if (route === "unknown") {
      record.outcome = "404";
      res.writeHead(404, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error: { code: "NotFound", message: `no route ${method} ${url.pathname}` },
        }),
      );
      return;
    }

    const fault = this.takeFault(route);
    if (fault?.kind === "status") {
      record.outcome = `fault ${fault.status}`;
      res.writeHead(fault.status, { "content-type": "application/json", ...(fault.headers ?? {}) });
      res.end(
        JSON.stringify({
          error: {
            code: fault.status === 429 ? "TooManyRequests" : "ServerError",
            message: "injected",
          },
        }),
      );
      return;
    }
    if (fault?.kind === "hang") {
      record.outcome = "fault hang";
      this.hung.add(req);
      return;
    }
    if (fault?.kind === "reset-before") {
      record.outcome = "fault reset-before";
      req.socket.destroy();
      return;
    }

    const [status, payload] = this.apply(route, body, secret, version);
    record.outcome = `${status}${fault ? ` then fault ${fault.kind}` : ""}`;
    const text = JSON.stringify(payload);
    if (fault?.kind === "reset-after-apply") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "cut-mid-body") {
      res.writeHead(status, {
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(text)),
      });
      res.write(text.slice(0, Math.floor(text.length / 2)));
      setTimeout(() => req.socket.destroy(), 5);
      return;
    }
    res.writeHead(status, { "content-type": "application/json" });
    res.end(text);
  }

  private keysPayload(): unknown {
    return {
      keys: (["key1", "key2"] as const).map((k) => ({
        keyName: k,
        value: this.keys[k].value,
        permissions: "FULL",
        creationTime: this.keys[k].creationTime,
      })),
    };
  }

  private secretPayload(name: string, v: FakeSecretVersion): unknown {
    return {
      value: v.value,
      id: `https://fakevault.vault.azure.net:${this.port}/secrets/${name}/${v.version}`,
      ...(v.contentType !== undefined ? { contentType: v.contentType } : {}),
      attributes: {
        enabled: true,
        created: v.created,
        updated: v.created,
        ...(v.exp !== undefined ? { exp: v.exp } : {}),
        recoveryLevel: "Recoverable",
        recoverableDays: 90,
      },
      tags: v.tags,
    };
  }

  private versionsOf(name: string): FakeSecretVersion[] {
    if (name === this.secretName) {
      return this.versions;
    }
    let list = this.otherSecrets.get(name);
    if (!list) {
      list = [];
      this.otherSecrets.set(name, list);
    }
    return list;
  }

  private apply(route: Route, body: string, secret?: string, version?: string): [number, unknown] {
    switch (route) {
      case "getProperties":
        return [
          200,
          {
            id: this.storageAccountId,
            name: this.accountName,
            type: "Microsoft.Storage/storageAccounts",
            location: "westeurope",
            kind: "StorageV2",
            sku: { name: "Standard_LRS", tier: "Standard" },
            properties: {
              keyCreationTime: {
                key1: this.keys.key1.creationTime,
                key2: this.keys.key2.creationTime,
              },
              allowSharedKeyAccess: true,
              keyPolicy: { keyExpirationPeriodInDays: 90 },
              provisioningState: "Succeeded",
            },
          },
        ];
      case "listKeys":
        return [200, this.keysPayload()];
      case "regenerateKey": {
        const keyName = String(
          (JSON.parse(body) as { keyName?: string }).keyName ?? "",
        ).toLowerCase();
        if (keyName !== "key1" && keyName !== "key2") {
          return [
            400,
            { error: { code: "InvalidValuesForRequestParameters", message: "keyName" } },
          ];
        }
        this.regenerate(keyName);
        return [200, this.keysPayload()];
      }
      case "setSecret": {
        const b = JSON.parse(body) as {
          value: string;
          tags?: Record<string, string>;
          contentType?: string;
          attributes?: { exp?: number };
        };
        const v = this.addVersion(
          this.versionsOf(secret!),
          b.value,
          b.tags ?? {},
          b.contentType,
          b.attributes?.exp,
        );
        return [200, this.secretPayload(secret!, v)];
      }
      case "getSecret": {
        const list = this.versionsOf(secret!);
        const v = version ? list.find((x) => x.version === version) : list[list.length - 1];
        if (!v) {
          return [
            404,
            {
              error: {
                code: "SecretNotFound",
                message: `A secret with (name/id) ${secret} was not found in this key vault.`,
              },
            },
          ];
        }
        return [200, this.secretPayload(secret!, v)];
      }
    }
  }
}
