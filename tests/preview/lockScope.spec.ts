import { strict as assert } from "node:assert";
import { lockScope } from "../../preview/lockScope";
import { T } from "../../preview/simulatedAzure";
import { guardrailFindings, lockedDeletes } from "../../preview/guardrailFindings";
import { lockText } from "../../preview/guardrailSummary";
import type { DiffResult, PreviousDeployment, PreviousResource } from "../../preview/diff";
import { created, pending, RG, SUB, withAccount } from "../support/storageWorld";

/** One scope per lock type (preview/lockScope.ts), used by the access lines and the ScopeLocked check alike. */
const RG_ID = `/subscriptions/${SUB}/resourcegroups/${RG}`;
const rgLock = (rg: string) =>
  created(
    pending(T.lockAtResourceGroup, `lock-${rg}`, {
      resourceGroupName: rg,
      lockName: `lock-${rg}`,
      level: "CanNotDelete",
    }),
  );

describe("lock scopes: one computation for every lock type", () => {
  it("derives a subscription-level lock's scope from its ARM id", () => {
    const lock = created(pending(T.lockAtSubscription, "sub-lock", { level: "CanNotDelete" }));
    assert.equal(lockScope(lock), `/subscriptions/${SUB}`);
  });

  it("derives a resource-group lock's scope from its resource group and subscription", () => {
    assert.equal(lockScope(rgLock(RG)), RG_ID);
  });

  it("derives a resource-level lock's scope from its namespace, parent path, type and name", () => {
    const lock = created(
      pending(T.lockAtResource, "res-lock", {
        resourceGroupName: RG,
        resourceProviderNamespace: "Microsoft.Storage",
        parentResourcePath: "storageAccounts/stdata01",
        resourceType: "blobServices",
        resourceName: "default",
        level: "CanNotDelete",
      }),
    );
    assert.equal(
      lockScope(lock),
      `${RG_ID}/providers/microsoft.storage/storageaccounts/stdata01/blobservices/default`,
    );
  });

  it("reads a previous deployment's lock scope from its ARM id", () => {
    assert.equal(
      lockScope({
        type: T.lockAtResourceGroup,
        id: `/subscriptions/${SUB}/resourceGroups/rg-x/providers/Microsoft.Authorization/locks/l1`,
        inputs: { resourceGroupName: "rg-x" },
      }),
      `/subscriptions/${SUB}/resourcegroups/rg-x`,
    );
  });

  it("returns undefined when a lock's scope cannot be known", () => {
    assert.equal(lockScope({ type: T.lockAtResourceGroup, id: "x-id", inputs: {} }), undefined);
    assert.equal(lockScope({ type: T.lockAtSubscription, id: undefined, inputs: {} }), undefined);
  });

  it("shows a resource-group lock on the accounts of its own group only", () => {
    const { account } = withAccount();
    assert.equal(lockText([account, rgLock(RG)], account), "CanNotDelete");
    assert.equal(lockText([account, rgLock("rg-other")], account), "none");
  });

  it("fails when a deleted account sits under a resource-group lock that stays", () => {
    const { account } = withAccount();
    const prev: PreviousResource = {
      urn: account.urn,
      type: account.type,
      custom: true,
      id: account.id,
      parent: undefined,
      inputs: account.inputs,
      outputs: account.outputs,
      protect: false,
      retainOnDelete: false,
    };
    const previous: PreviousDeployment = {
      file: "prev.json",
      format: "preview-json",
      resources: [prev],
    };
    const diff = {
      file: "prev.json",
      format: "preview-json",
      steps: [{ op: "delete", urn: prev.urn, type: prev.type, name: "data-account" }],
      counts: {},
    } as unknown as DiffResult;
    const errors = lockedDeletes(diff, [rgLock(RG)], previous);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].code, "ScopeLocked");
    assert.match(errors[0].message, new RegExp(`following scope\\(s\\) are locked: '${RG_ID}'`));
    assert.deepEqual(lockedDeletes(diff, [rgLock("rg-other")], previous), []);
  });

  it("fails when a deleted manual-approval endpoint to an account under a lock that stays would delete its connection", () => {
    const { account } = withAccount();
    const pe = created(
      pending(T.privateEndpoint, "pe-manual", {
        privateEndpointName: "pe-manual",
        manualPrivateLinkServiceConnections: [
          { name: "blob", privateLinkServiceId: account.id, groupIds: ["blob"] },
          "not a connection",
        ],
      }),
    );
    const prev = { ...pe, protect: false, retainOnDelete: false } as PreviousResource;
    const previous: PreviousDeployment = {
      file: "p.json",
      format: "preview-json",
      resources: [prev],
    };
    const diff = {
      steps: [{ op: "delete", urn: pe.urn, type: pe.type, name: pe.name }],
    } as unknown as DiffResult;
    const errors = lockedDeletes(diff, [account, rgLock(RG)], previous);
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /privateendpointconnectionproxies\/pe-manual/);
  });

  it("reports removed guardrails of a hand-edited file whose list inputs are not lists", () => {
    const setting = created(
      pending(T.diagnosticSetting, "diag-odd", { resourceUri: "/x", logs: "all" }),
    );
    const pe = created(pending(T.privateEndpoint, "pe-odd", { privateLinkServiceConnections: 7 }));
    const resources: PreviousResource[] = [setting, pe].map((r) => ({ ...r }));
    const diff = {
      steps: resources.map((r) => ({ op: "delete", urn: r.urn, type: r.type, name: "x" })),
    } as unknown as DiffResult;
    const previous: PreviousDeployment = { file: "p.json", format: "preview-json", resources };
    const kinds = guardrailFindings(diff, [], previous).map((f) => f.kind);
    assert.deepEqual(kinds, ["diagnostic-setting-removed", "private-endpoint-removed"]);
  });
});
