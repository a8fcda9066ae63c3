import * as assert from "node:assert/strict";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { parse } from "yaml";
import { parseTeamConfig } from "../../stacks/fleetConfig";
import { offboardTeam, onboardTeam, runtimeView } from "../../stacks/onboarding";
import { main } from "../../stacks/teamCli";
import { errorOf } from "../support/mocks";
import { REPO } from "../support/stackFiles";

const SUB = "4e5f6071-8293-4dae-9f20-3b4c5d6e7f80";
const SUBNET = `/subscriptions/${SUB}/resourceGroups/rg-billing-network-weu/providers/Microsoft.Network/virtualNetworks/vnet-billing-weu/subnets/snet-private-endpoints`;
const BILLING = {
  team: "billing",
  subscription: SUB,
  region: "westeurope",
  platform: "acme/cmk-storage/platform-weu",
  privateEndpointSubnet: SUBNET,
  key: "storage",
  owner: "billing@example.com",
};

/** A copy of the repository's fleet folder (stack files and template) in a temporary root. */
function fleetCopy(): string {
  const root = mkdtempSync(path.join(tmpdir(), "fleet-"));
  const dir = path.join(root, "stacks", "fleet");
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(path.join(REPO, "stacks", "fleet"))) {
    copyFileSync(path.join(REPO, "stacks", "fleet", f), path.join(dir, f));
  }
  return root;
}

function config(file: string): Record<string, unknown> {
  return (parse(readFileSync(file, "utf8")) as { config: Record<string, unknown> }).config;
}

describe("team onboarding (npm run team:onboard)", () => {
  let root: string;
  beforeEach(() => (root = fleetCopy()));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("writes stacks/fleet/Pulumi.team-<team>.yaml from the template, a team stack the program accepts", () => {
    const file = onboardTeam({ ...BILLING, sku: "Standard_GZRS" }, root);
    assert.equal(
      path.relative(root, file),
      path.join("stacks", "fleet", "Pulumi.team-billing.yaml"),
    );
    const c = config(file);
    assert.equal(c["azure-native:subscriptionId"], SUB);
    assert.equal(c["azure-native:location"], "westeurope");
    assert.equal(c["cmk-storage:stackKind"], "team");
    assert.equal(c["cmk-storage:platformStack"], "acme/cmk-storage/platform-weu");
    assert.equal(c["cmk-storage:platformKey"], "storage");
    assert.equal(c["cmk-storage:accountSku"], "Standard_GZRS");
    assert.deepEqual(c["cmk-storage:teams"], {
      billing: { privateEndpointSubnetId: SUBNET, owner: "billing@example.com" },
    });
    const { raw, provider } = runtimeView(c);
    const s = parseTeamConfig(raw, "cmk-storage", "f", provider);
    assert.equal(s.teamId, "billing");
    assert.equal(s.protect, true);
    assert.equal(s.lock, "CanNotDelete");
  });

  it("writes a private team stack: the team's endpoint subnet, the hub's blob DNS zone, the central workspace and blob protection from the template", () => {
    const c = config(onboardTeam(BILLING, root));
    const { raw, provider } = runtimeView(c);
    const s = parseTeamConfig(raw, "cmk-storage", "f", provider);
    assert.equal(s.team.privateEndpointSubnetId, SUBNET);
    assert.deepEqual(s.accountPrivateEndpoints, ["blob"]);
    assert.match(
      s.privateDnsZoneIds.blob ?? "",
      /^\/subscriptions\/6d1f4a2b-9c3e-4f5a-8b7d-2e0c1a9f3b6d\/.*\/privateDnsZones\/privatelink\.blob\.core\.windows\.net$/,
    );
    assert.match(
      s.logAnalyticsWorkspaceId ?? "",
      /\/providers\/Microsoft\.OperationalInsights\/workspaces\/law-platform-prod-weu$/,
    );
    assert.equal(s.blobSoftDeleteRetentionInDays, 30);
    assert.equal(s.containerSoftDeleteRetentionInDays, 30);
    assert.equal(s.blobVersioning, true);
    assert.equal(s.blobPointInTimeRestoreDays, 14);
  });

  it("fails when the private-endpoint subnet is missing or not a subnet ARM id, writing nothing", () => {
    for (const value of [
      undefined,
      "snet-private-endpoints",
      `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v`,
    ]) {
      const e = errorOf(() =>
        onboardTeam({ ...BILLING, privateEndpointSubnet: value as unknown as string }, root),
      );
      assert.match(e.message, /^team:onboard refused; nothing was written:/);
      assert.match(
        e.message,
        /--private-endpoint-subnet must be the ARM id of the team's private-endpoint subnet \(\/subscriptions\/<team subscription>\/.*storage-account-reachable is mandatory/,
      );
      assert.ok(e.message.includes(`got ${JSON.stringify(value)}`), e.message);
    }
    assert.ok(!readdirSync(path.join(root, "stacks", "fleet")).some((f) => /billing/i.test(f)));
  });

  it("fails when the private-endpoint subnet is in another subscription than the team's, naming both", () => {
    const hub =
      "/subscriptions/6d1f4a2b-9c3e-4f5a-8b7d-2e0c1a9f3b6d/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-pe";
    const e = errorOf(() => onboardTeam({ ...BILLING, privateEndpointSubnet: hub }, root));
    assert.match(
      e.message,
      new RegExp(
        `--private-endpoint-subnet must be a subnet in the team's subscription ${SUB} \\(--subscription\\): Azure creates a private endpoint only in its virtual network's subscription`,
      ),
    );
    assert.ok(e.message.includes(`got "${hub}"`));
    assert.ok(!readdirSync(path.join(root, "stacks", "fleet")).some((f) => /billing/i.test(f)));
  });

  it("fails when the team id, subscription, region or platform is invalid, writing nothing", () => {
    const e = errorOf(() =>
      onboardTeam(
        {
          ...BILLING,
          team: "Billing-1",
          subscription: "sub-b",
          region: "westeurop",
          platform: "platform-weu",
        },
        root,
      ),
    );
    assert.match(e.message, /^team:onboard refused; nothing was written:/);
    assert.match(
      e.message,
      /--team must be a team id: 2-12 lowercase letters and digits.*got "Billing-1"/,
    );
    assert.match(e.message, /--subscription must be the team's subscription id \(a GUID/);
    assert.match(e.message, /--region must be an Azure region name .*did you mean "westeurope"\?/);
    assert.match(
      e.message,
      /--platform must be the platform stack as <organization>\/<project>\/<stack>/,
    );
    assert.ok(!readdirSync(path.join(root, "stacks", "fleet")).some((f) => /billing/i.test(f)));
  });

  it("fails when the team already has a stack file", () => {
    assert.match(
      errorOf(() => onboardTeam({ ...BILLING, team: "payments" }, root)).message,
      /team "payments" is already onboarded: stacks\/fleet\/Pulumi\.team-payments\.yaml exists/,
    );
  });

  it("fails when the region is not the platform stack's, naming both", () => {
    assert.match(
      errorOf(() => onboardTeam({ ...BILLING, region: "northeurope" }, root)).message,
      /--region northeurope differs from the region of platform stack acme\/cmk-storage\/platform-weu \(westeurope\)/,
    );
  });

  it("fails when the platform stack is not in the fleet, or the key is not one of its keys", () => {
    assert.match(
      errorOf(() => onboardTeam({ ...BILLING, platform: "acme/cmk-storage/platform-neu" }, root))
        .message,
      /no platform stack file stacks\/fleet\/Pulumi\.platform-neu\.yaml in this fleet \(platform stacks: platform-weu\)/,
    );
    assert.match(
      errorOf(() => onboardTeam({ ...BILLING, key: "logs" }, root)).message,
      /--key logs is not a key of platform stack acme\/cmk-storage\/platform-weu; its keys are storage, archive/,
    );
    assert.match(
      errorOf(() => onboardTeam({ ...BILLING, key: undefined }, root)).message,
      /--key is required: platform stack acme\/cmk-storage\/platform-weu has 2 keys \(storage, archive\)/,
    );
  });

  it("runs as a command with the flags a user types, exit 0 when written and 1 when refused", () => {
    const argv = ["onboard", "--team", "billing", "--subscription", SUB, "--region", "westeurope"];
    const platform = [
      "--platform",
      "acme/cmk-storage/platform-weu",
      "--key",
      "archive",
      "--private-endpoint-subnet",
      SUBNET,
    ];
    const saved = process.stdout.write;
    const printed: string[] = [];
    process.stdout.write = (s: string) => printed.push(s) > 0;
    const savedErr = process.stderr.write;
    process.stderr.write = (s: string) => printed.push(s) > 0;
    try {
      assert.equal(main([...argv, ...platform], root), 0);
      assert.equal(main([...argv, ...platform], root), 1);
      assert.equal(main(["onboard", "--team", "billing"], root), 64);
      // Without --private-endpoint-subnet: a usage error, nothing written.
      assert.equal(main([...argv, ...platform.slice(0, 4)], root), 64);
    } finally {
      process.stdout.write = saved;
      process.stderr.write = savedErr;
    }
    assert.match(printed.join(""), /wrote stacks\/fleet\/Pulumi\.team-billing\.yaml/);
    assert.match(printed.join(""), /already onboarded/);
    assert.match(
      printed.join(""),
      /required option '--private-endpoint-subnet <subnet id>' not specified/,
    );
    assert.equal(
      config(path.join(root, "stacks", "fleet", "Pulumi.team-billing.yaml"))[
        "cmk-storage:platformKey"
      ],
      "archive",
    );
  });
});

describe("team offboarding (npm run team:offboard)", () => {
  let root: string;
  beforeEach(() => {
    root = fleetCopy();
    onboardTeam({ ...BILLING }, root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const file = () => path.join(root, "stacks", "fleet", "Pulumi.team-billing.yaml");

  it("step 1 decommissions the team (unprotects it, lifts its lock on the next pulumi up) and keeps the file", () => {
    const r = offboardTeam({ team: "billing" }, root);
    assert.equal(r.step, "decommissioned");
    assert.deepEqual(config(file())["cmk-storage:teams"], {
      billing: {
        privateEndpointSubnetId: SUBNET,
        owner: "billing@example.com",
        decommissioned: true,
      },
    });
    assert.match(
      r.next[0],
      /^pulumi up --stack acme\/cmk-storage\/team-billing --config-file stacks\/fleet\/Pulumi\.team-billing\.yaml/,
    );
    assert.ok(
      r.next.some((n) => n.startsWith("pulumi destroy --stack acme/cmk-storage/team-billing")),
    );
    const { raw, provider } = runtimeView(config(file()));
    assert.equal(parseTeamConfig(raw, "cmk-storage", "f", provider).team.decommissioned, true);
  });

  it("step 1 removes a team's own protect: true, which decommissioning cannot be combined with", () => {
    const text = readFileSync(file(), "utf8").replace(
      "owner: billing@example.com",
      "owner: billing@example.com\n      protect: true",
    );
    writeFileSync(file(), text);
    offboardTeam({ team: "billing" }, root);
    assert.deepEqual(config(file())["cmk-storage:teams"], {
      billing: {
        privateEndpointSubnetId: SUBNET,
        owner: "billing@example.com",
        decommissioned: true,
      },
    });
  });

  it("fails when a decommissioned team is offboarded again without --confirm-data-loss (the data may still be there)", () => {
    offboardTeam({ team: "billing" }, root);
    assert.match(
      errorOf(() => offboardTeam({ team: "billing" }, root)).message,
      /team "billing" is already decommissioned, and its storage account may still hold data.*--confirm-data-loss billing/,
    );
    assert.ok(existsSync(file()));
  });

  it("fails when --confirm-data-loss is given before step 1, or names another team", () => {
    assert.match(
      errorOf(() => offboardTeam({ team: "billing", confirmDataLoss: "billing" }, root)).message,
      /team "billing" is not decommissioned, so its account is still protected and locked/,
    );
    offboardTeam({ team: "billing" }, root);
    assert.match(
      errorOf(() => offboardTeam({ team: "billing", confirmDataLoss: "payments" }, root)).message,
      /--confirm-data-loss must repeat the team id "billing".*got "payments"/,
    );
    assert.ok(existsSync(file()));
  });

  it("step 2 with --confirm-data-loss <team> removes the stack file of a decommissioned team", () => {
    offboardTeam({ team: "billing" }, root);
    assert.equal(
      offboardTeam({ team: "billing", confirmDataLoss: "billing" }, root).step,
      "removed",
    );
    assert.ok(!existsSync(file()));
  });

  it("fails when the team has no stack file, listing the onboarded teams", () => {
    assert.match(
      errorOf(() => offboardTeam({ team: "nosuch" }, root)).message,
      /no stack file stacks\/fleet\/Pulumi\.team-nosuch\.yaml \(onboarded teams: analytics, billing, ledger, payments\)/,
    );
  });
});
