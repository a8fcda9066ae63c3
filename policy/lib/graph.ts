/**
 * Indexes a stack's resources (stack policies see OUTPUTS plus the engine's dependency graph) and
 * resolves the customer-managed-key chain of each storage account:
 *
 *     StorageAccount ──encryption──▶ Key ──vaultName──▶ Vault
 *            └──────encryption/identity──▶ UserAssignedIdentity ◀── RoleAssignment / AccessPolicy
 *
 * Resolution order (so that it works during preview, when URIs and principal ids are unknown):
 *   1. the dependency graph: `propertyDependencies` keyed by top-level input name
 *      (storage `encryption` → [key, vault, identity], key `vaultName` → [vault],
 *      access policy `vaultName` → [vault] and `policy` → [identity],
 *      role assignment `scope` → [key | vault] and `principalId` → [identity]);
 *   2. case-insensitive value matching (vault URI host ↔ vault name, key name, identity ARM id or
 *      name, principal ids), for resources wired with plain strings.
 *
 * Every value-matching index is built lazily, once, on first use, so a stack whose graph resolves
 * everything never reads values that may be unknown during preview, and every lookup is O(1): stack
 * rules stay linear in the number of resources. Nothing here catches `UnknownValueError`.
 */
import { type PolicyResource } from "@pulumi/policy";
import { TYPES } from "./constants";
import {
  arr,
  ciEquals,
  lastSegment,
  lower,
  managedHsmNameFromUri,
  normaliseId,
  obj,
  str,
  vaultNameFromUri,
} from "./text";

/** The resolved CMK chain of one storage account; absent members were not found in the stack. */
export interface CmkChain {
  account: PolicyResource;
  key?: PolicyResource;
  /** The key's vault, or its Managed HSM when `keyStore` is "managedHsm". */
  vault?: PolicyResource;
  identity?: PolicyResource;
  /** Where the key is: a Key Vault vault (default) or a Managed HSM (`keyVaultUri` `https://<hsm>.managedhsm.…`). */
  keyStore?: "vault" | "managedHsm";
}

/** "Managed HSM" or "key vault", for messages about the resource holding a key. */
export function keyStoreLabel(store: PolicyResource): string {
  return store.type === TYPES.managedHsm ? "Managed HSM" : "key vault";
}

/** A grant that lets a principal use a key: a role assignment or an access-policy entry. */
export interface KeyGrant {
  kind: "roleAssignment" | "accessPolicy" | "inlineAccessPolicy";
  /** The resource carrying the grant (the vault itself for inline entries). */
  resource: PolicyResource;
  /** Role definition GUID (role assignments only), lower case. */
  roleGuid?: string;
  /** Key permissions granted (access policies only), lower case. */
  keyPermissions?: string[];
  /** "vault" or "key" scope (role assignments only). */
  scope?: "vault" | "key";
}

function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}

function pushTo<K, V>(map: Map<K, V[]>, key: K | undefined, value: V): void {
  if (key === undefined) {
    return;
  }
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
}

/** Resources the given resource depends on through the top-level input `property`. */
export function dependsVia(
  resource: PolicyResource,
  property: string,
  type?: string,
): PolicyResource[] {
  const deps = resource.propertyDependencies?.[property];
  const list = Array.isArray(deps) ? deps : [];
  return type === undefined ? list : list.filter((d) => d.type === type);
}

function sameResource(a: PolicyResource | undefined, b: PolicyResource | undefined): boolean {
  return a !== undefined && b !== undefined && (a === b || a.urn === b.urn);
}

/** Reads `props.x ?? props.properties.x`: stack props may come flattened or nested. */
export function readProp(resource: PolicyResource, name: string): unknown {
  const props = resource.props;
  const direct: unknown = props?.[name];
  if (direct !== undefined && direct !== null) {
    return direct;
  }
  return obj(props?.["properties"])?.[name];
}

/** True when the storage account's encryption uses a customer-managed key (`Microsoft.Keyvault`). */
export function usesCmk(account: PolicyResource): boolean {
  return ciEquals(obj(account.props?.["encryption"])?.["keySource"], "Microsoft.Keyvault");
}

/** Encryption fields of a storage account's outputs, read defensively. */
export function encryptionOf(account: PolicyResource): {
  keyName?: string;
  keyVaultUri?: string;
  keyVersion?: string;
  userAssignedIdentity?: string;
  federatedClientId?: string;
} {
  const enc = obj(account.props?.["encryption"]);
  const kvp = obj(enc?.["keyVaultProperties"]);
  const ident = obj(enc?.["encryptionIdentity"]);
  return {
    keyName: str(kvp?.["keyName"]),
    keyVaultUri: str(kvp?.["keyVaultUri"]),
    keyVersion: str(kvp?.["keyVersion"]),
    userAssignedIdentity: str(ident?.["encryptionUserAssignedIdentity"]),
    federatedClientId: str(ident?.["encryptionFederatedIdentityClientId"]),
  };
}

/** Vault ARM id pattern tail: `/providers/microsoft.keyvault/vaults/<name>[/keys/<key>]`. */
const VAULT_SCOPE = /\/providers\/microsoft\.keyvault\/vaults\/([^/]+)(?:\/keys\/([^/]+))?$/;

export class StackGraph {
  readonly vaults: PolicyResource[] = [];
  readonly keys: PolicyResource[] = [];
  readonly storageAccounts: PolicyResource[] = [];
  readonly identities: PolicyResource[] = [];
  readonly roleAssignments: PolicyResource[] = [];
  readonly accessPolicies: PolicyResource[] = [];
  readonly managedHsms: PolicyResource[] = [];
  readonly hsmRoleAssignments: PolicyResource[] = [];

  constructor(resources: readonly PolicyResource[]) {
    for (const r of resources) {
      switch (r.type) {
        case TYPES.vault:
          this.vaults.push(r);
          break;
        case TYPES.key:
          this.keys.push(r);
          break;
        case TYPES.storageAccount:
          this.storageAccounts.push(r);
          break;
        case TYPES.userAssignedIdentity:
          this.identities.push(r);
          break;
        case TYPES.roleAssignment:
          this.roleAssignments.push(r);
          break;
        case TYPES.accessPolicy:
          this.accessPolicies.push(r);
          break;
        case TYPES.managedHsm:
          this.managedHsms.push(r);
          break;
        case TYPES.hsmRoleAssignment:
          this.hsmRoleAssignments.push(r);
          break;
        default:
          break;
      }
    }
  }

  /** Storage accounts encrypted with a customer-managed key. */
  cmkAccounts(): PolicyResource[] {
    return this.storageAccounts.filter(usesCmk);
  }

  /**
   * The CMK accounts grouped by the key (or vault) behind their encryption, in stack order; accounts whose key (or
   * vault) is outside the stack are left out. Findings about a key or vault are reported once per group, naming
   * every account, rather than once per account.
   */
  cmkAccountsBy(part: "key" | "vault"): Map<PolicyResource, PolicyResource[]> {
    const groups = new Map<PolicyResource, PolicyResource[]>();
    for (const account of this.cmkAccounts()) {
      const target = this.resolveCmk(account)[part];
      if (target !== undefined) {
        pushTo(groups, target, account);
      }
    }
    return groups;
  }

  // ---- lazy value indexes (fallback only) ----------------------------------------------------

  private readonly vaultsByName = lazy(() => {
    const m = new Map<string, PolicyResource[]>();
    for (const v of this.vaults) {
      // The name is the URI host; read vaultUri only when outputs lack a name.
      pushTo(m, lower(v.props?.["name"]) ?? vaultNameFromUri(readProp(v, "vaultUri")), v);
    }
    return m;
  });

  private readonly hsmsByName = lazy(() => {
    const m = new Map<string, PolicyResource[]>();
    for (const h of this.managedHsms) {
      pushTo(m, lower(h.props?.["name"]) ?? managedHsmNameFromUri(readProp(h, "hsmUri")), h);
    }
    return m;
  });

  private readonly keysByName = lazy(() => {
    const m = new Map<string, PolicyResource[]>();
    for (const k of this.keys) {
      pushTo(m, lower(k.props?.["name"]), k);
    }
    return m;
  });

  private readonly identitiesByIdOrName = lazy(() => {
    const byId = new Map<string, PolicyResource[]>();
    const byName = new Map<string, PolicyResource[]>();
    for (const i of this.identities) {
      pushTo(byId, normaliseId(i.props?.["id"]), i);
      pushTo(byName, lower(i.props?.["name"]), i);
    }
    return { byId, byName };
  });

  private readonly identitiesByPrincipal = lazy(() => {
    const m = new Map<string, PolicyResource[]>();
    for (const i of this.identities) {
      pushTo(m, lower(i.props?.["principalId"]), i);
    }
    return m;
  });

  private readonly roleAssignmentsByIdentity = lazy(() => {
    const m = new Map<PolicyResource, PolicyResource[]>();
    for (const ra of this.roleAssignments) {
      const viaGraph = dependsVia(ra, "principalId", TYPES.userAssignedIdentity);
      const identities =
        viaGraph.length > 0
          ? viaGraph
          : (this.identitiesByPrincipal().get(lower(ra.props?.["principalId"]) ?? "") ?? []);
      for (const i of identities) {
        pushTo(m, i, ra);
      }
    }
    return m;
  });

  private readonly accessPoliciesByVault = lazy(() => {
    const m = new Map<PolicyResource, PolicyResource[]>();
    for (const ap of this.accessPolicies) {
      const vault = this.vaultOfAccessPolicy(ap);
      if (vault !== undefined) {
        pushTo(m, vault, ap);
      }
    }
    return m;
  });

  // ---- lookups ----------------------------------------------------------------------------------

  /** Vault by name or by data-plane URI host (case-insensitive). */
  vaultByNameOrUri(nameOrUri: string | undefined): PolicyResource | undefined {
    if (nameOrUri === undefined) {
      return undefined;
    }
    const name = vaultNameFromUri(nameOrUri) ?? lower(nameOrUri);
    return name === undefined ? undefined : this.vaultsByName().get(name)?.[0];
  }

  /** The vault a key lives in: `vaultName` dependency, else key URI host or ARM id. */
  vaultOfKey(key: PolicyResource): PolicyResource | undefined {
    const viaGraph = dependsVia(key, "vaultName", TYPES.vault)[0];
    if (viaGraph !== undefined) {
      return viaGraph;
    }
    const fromUri = vaultNameFromUri(readProp(key, "keyUri"));
    if (fromUri !== undefined) {
      return this.vaultByNameOrUri(fromUri);
    }
    const fromId = VAULT_SCOPE.exec(normaliseId(key.props?.["id"]) ?? "")?.[1];
    return this.vaultByNameOrUri(fromId ?? str(key.props?.["vaultName"]));
  }

  /** The vault a standalone `keyvault.AccessPolicy` targets. */
  vaultOfAccessPolicy(ap: PolicyResource): PolicyResource | undefined {
    return (
      dependsVia(ap, "vaultName", TYPES.vault)[0] ??
      this.vaultByNameOrUri(str(ap.props?.["vaultName"]))
    );
  }

  /** Standalone access policies that target `vault`. */
  accessPoliciesOf(vault: PolicyResource): PolicyResource[] {
    return this.accessPoliciesByVault().get(vault) ?? [];
  }

  /** Resolves the key, vault and encryption identity of a CMK storage account. */
  resolveCmk(account: PolicyResource): CmkChain {
    const chain: CmkChain = { account };
    const encDeps = dependsVia(account, "encryption");
    let enc: ReturnType<typeof encryptionOf> | undefined;
    const encryption = (): ReturnType<typeof encryptionOf> => (enc ??= encryptionOf(account));

    // Key
    const depKeys = encDeps.filter((d) => d.type === TYPES.key);
    if (depKeys.length === 1) {
      chain.key = depKeys[0];
    } else if (depKeys.length > 1) {
      chain.key = depKeys.find((k) => ciEquals(k.props?.["name"], encryption().keyName));
    }

    // Vault
    const depVaults = encDeps.filter((d) => d.type === TYPES.vault);
    if (depVaults.length === 1) {
      chain.vault = depVaults[0];
    } else if (chain.key !== undefined) {
      chain.vault = this.vaultOfKey(chain.key);
    }
    if (chain.vault === undefined && chain.key === undefined) {
      // A key in a Managed HSM: the HSM stands in the vault's place; its keys are data-plane resources the pack
      // does not inspect (rotation cannot be verified), its grants are local role assignments.
      const depHsm = encDeps.find((d) => d.type === TYPES.managedHsm);
      const hsmName = depHsm ? undefined : managedHsmNameFromUri(encryption().keyVaultUri);
      if (depHsm !== undefined || hsmName !== undefined) {
        chain.keyStore = "managedHsm";
        chain.vault = depHsm ?? this.hsmsByName().get(hsmName ?? "")?.[0];
        chain.identity = this.identityOf(encDeps, encryption);
        return chain;
      }
    }
    if (chain.vault === undefined) {
      chain.vault =
        depVaults.length > 1
          ? depVaults.find((v) =>
              ciEquals(v.props?.["name"], vaultNameFromUri(encryption().keyVaultUri)),
            )
          : this.vaultByNameOrUri(encryption().keyVaultUri);
    }

    // Key by value, within the resolved vault
    if (chain.key === undefined) {
      const candidates = this.keysByName().get(lower(encryption().keyName) ?? "") ?? [];
      chain.key =
        candidates.length === 1 && chain.vault === undefined
          ? candidates[0]
          : candidates.find((k) => sameResource(this.vaultOfKey(k), chain.vault));
    }

    chain.identity = this.identityOf(encDeps, encryption);
    return chain;
  }

  /** The encryption identity of a CMK account: the `encryption` dependency, else by id or name. */
  private identityOf(
    encDeps: PolicyResource[],
    encryption: () => ReturnType<typeof encryptionOf>,
  ): PolicyResource | undefined {
    const depIdentities = [...encDeps.filter((d) => d.type === TYPES.userAssignedIdentity)];
    if (depIdentities.length === 1) {
      return depIdentities[0];
    }
    const ref = encryption().userAssignedIdentity;
    const { byId, byName } = this.identitiesByIdOrName();
    const match = byId.get(normaliseId(ref) ?? "")?.[0] ?? byName.get(lastSegment(ref) ?? "")?.[0];
    return depIdentities.length > 1
      ? (depIdentities.find((i) => sameResource(i, match)) ?? match)
      : match;
  }

  /**
   * Managed HSM local role assignments of `identity` on `hsm` that reach key `keyName`: scope `/`, `/keys` or
   * `/keys/<keyName>` (any role; callers filter by role GUID). Relationships from the graph (`principalId`,
   * `managedHsmId`), else from principal ids and the HSM's ARM id.
   */
  hsmGrantsFor(
    identity: PolicyResource,
    hsm: PolicyResource,
    keyName: string | undefined,
  ): { resource: PolicyResource; roleGuid?: string }[] {
    const out: { resource: PolicyResource; roleGuid?: string }[] = [];
    for (const ra of this.hsmRoleAssignments) {
      const byGraph = dependsVia(ra, "principalId", TYPES.userAssignedIdentity);
      const forIdentity =
        byGraph.length > 0
          ? byGraph.some((i) => sameResource(i, identity))
          : ciEquals(ra.props?.["principalId"], identity.props?.["principalId"]);
      const hsmDeps = dependsVia(ra, "managedHsmId", TYPES.managedHsm);
      const onHsm =
        hsmDeps.length > 0
          ? hsmDeps.some((h) => sameResource(h, hsm))
          : normaliseId(ra.props?.["managedHsmId"]) === normaliseId(hsm.props?.["id"]) ||
            ciEquals(lastSegment(ra.props?.["managedHsmId"]), hsm.props?.["name"]);
      const scope = lower(ra.props?.["scope"])?.replace(/(.)\/+$/, "$1");
      const scopeOk =
        scope === "/" ||
        scope === "/keys" ||
        (keyName !== undefined && scope === `/keys/${keyName.toLowerCase()}`);
      if (forIdentity && onHsm && scopeOk) {
        out.push({ resource: ra, roleGuid: lastSegment(ra.props?.["roleDefinitionId"]) });
      }
    }
    return out;
  }

  /**
   * Every grant in the stack that could let `identity` use keys of `vault` (or `key` in it):
   * role assignments at vault or key scope (any role; callers filter), standalone access
   * policies and inline access-policy entries of the vault for the identity's principal.
   */
  grantsFor(
    identity: PolicyResource,
    vault: PolicyResource,
    key: PolicyResource | undefined,
  ): KeyGrant[] {
    const grants: KeyGrant[] = [];
    for (const ra of this.roleAssignmentsByIdentity().get(identity) ?? []) {
      const scope = this.roleAssignmentScope(ra, vault, key);
      if (scope !== undefined) {
        grants.push({
          kind: "roleAssignment",
          resource: ra,
          scope,
          roleGuid: lastSegment(ra.props?.["roleDefinitionId"]),
        });
      }
    }
    for (const ap of this.accessPoliciesOf(vault)) {
      const entry = obj(ap.props?.["policy"]);
      const forIdentity =
        dependsVia(ap, "policy", TYPES.userAssignedIdentity).some((i) =>
          sameResource(i, identity),
        ) ||
        (dependsVia(ap, "policy").length === 0 &&
          ciEquals(entry?.["objectId"], identity.props?.["principalId"]));
      if (forIdentity) {
        grants.push({
          kind: "accessPolicy",
          resource: ap,
          keyPermissions: keyPermissionsOf(entry),
        });
      }
    }
    const inline = arr(obj(vault.props?.["properties"])?.["accessPolicies"]);
    if (inline.length > 0) {
      const principal = lower(identity.props?.["principalId"]);
      for (const e of inline) {
        const entry = obj(e);
        if (principal !== undefined && lower(entry?.["objectId"]) === principal) {
          grants.push({
            kind: "inlineAccessPolicy",
            resource: vault,
            keyPermissions: keyPermissionsOf(entry),
          });
        }
      }
    }
    return grants;
  }

  private roleAssignmentScope(
    ra: PolicyResource,
    vault: PolicyResource,
    key: PolicyResource | undefined,
  ): "vault" | "key" | undefined {
    const scopeDeps = dependsVia(ra, "scope");
    if (scopeDeps.length > 0) {
      if (key !== undefined && scopeDeps.some((d) => sameResource(d, key))) {
        return "key";
      }
      if (scopeDeps.some((d) => sameResource(d, vault))) {
        return "vault";
      }
      return undefined;
    }
    const scope = normaliseId(ra.props?.["scope"]);
    if (scope === undefined) {
      return undefined;
    }
    if (key !== undefined && scope === normaliseId(key.props?.["id"])) {
      return "key";
    }
    if (scope === normaliseId(vault.props?.["id"])) {
      return "vault";
    }
    const m = VAULT_SCOPE.exec(scope);
    if (m === null || !ciEquals(m[1], vault.props?.["name"])) {
      return undefined;
    }
    if (m[2] === undefined) {
      return "vault";
    }
    return key !== undefined && ciEquals(m[2], key.props?.["name"]) ? "key" : undefined;
  }
}

/** Key permissions of an access-policy entry, lower case. */
export function keyPermissionsOf(entry: Record<string, unknown> | undefined): string[] {
  return arr(obj(entry?.["permissions"])?.["keys"])
    .map((p) => lower(p))
    .filter((p): p is string => p !== undefined);
}
