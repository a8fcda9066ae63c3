import { DEFAULT_ARM_CONTEXT } from "../../preview/armState";

/**
 * Makes the unit-test mocks (tests/setup.ts, installed once with DEFAULT_ARM_CONTEXT) answer as an Azure provider for
 * `subscriptionId`: what `getClientConfig` returns and the subscription of every ARM id they make. A team stack deploys
 * to the team's own subscription, and its private endpoint's subnet must be there (the component checks it). Returns
 * the function that restores the previous subscription (call it in `after`).
 */
export function useProviderSubscription(subscriptionId: string): () => void {
  const before = DEFAULT_ARM_CONTEXT.subscriptionId;
  DEFAULT_ARM_CONTEXT.subscriptionId = subscriptionId;
  return () => {
    DEFAULT_ARM_CONTEXT.subscriptionId = before;
  };
}
