import * as pulumi from "@pulumi/pulumi";

/**
 * Waits after an Azure RBAC role assignment is created, before dependants use it.
 *
 * Why: role assignments propagate through Azure's authorization caches asynchronously; a storage account created right
 * after its identity's "Key Vault Crypto Service Encryption User" assignment can fail with
 * `KeyVaultAuthenticationFailure` and succeed on retry (Azure/bicep#16601, Azure/bicep-types-az#2452). Pulumi has no
 * per-resource retry, so the account depends on this resource, which sleeps once when the grant is created or
 * replaced (and never on later runs: its id is stable while the grant id is unchanged). Access-policy vaults need no
 * wait: policies take effect immediately.
 */
export interface RbacPropagationWaitInputs {
  /** ARM id of the role assignment being waited for; a new id (a new grant) waits again. */
  grantId: string;
  /** Seconds to wait. */
  seconds: number;
}

/** Builds the dynamic provider; `sleep` is injectable so tests can observe the wait without waiting. */
export function rbacPropagationWaitProvider(
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): pulumi.dynamic.ResourceProvider<RbacPropagationWaitInputs, RbacPropagationWaitInputs> {
  return {
    async create(inputs) {
      await sleep(inputs.seconds * 1000);
      return { id: `rbac-wait-${inputs.grantId}`, outs: inputs };
    },
    async diff(_id, olds, news) {
      const grantChanged = olds.grantId !== news.grantId;
      return {
        changes: grantChanged || olds.seconds !== news.seconds,
        replaces: grantChanged ? ["grantId"] : [],
        deleteBeforeReplace: false,
      };
    },
    async update(_id, _olds, news) {
      return { outs: news };
    },
  };
}

/** A one-off wait for RBAC propagation after a role assignment (see `RbacPropagationWaitInputs`). */
export class RbacPropagationWait extends pulumi.dynamic.Resource {
  // `declare`: with class-field semantics (target ES2022) a plain field would reset the Output set by super().
  declare public readonly grantId: pulumi.Output<string>;
  declare public readonly seconds: pulumi.Output<number>;

  constructor(
    name: string,
    args: { grantId: pulumi.Input<string>; seconds: pulumi.Input<number> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(rbacPropagationWaitProvider(), name, { grantId: args.grantId, seconds: args.seconds }, opts, "cmk", "RbacPropagationWait");
  }
}
