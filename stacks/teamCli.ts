/**
 * `npm run team:onboard -- --team <id> --subscription <uuid> --region <region> --platform <org/project/stack>
 * --private-endpoint-subnet <subnet id> [--key <id>] [--sku <sku>] [--owner <email>] [--display-name <name>] [--cost-centre <cc>]` writes
 * stacks/fleet/Pulumi.team-<id>.yaml; `npm run team:offboard -- --team <id> [--confirm-data-loss <id>]` retires it in
 * two steps (see stacks/onboarding.ts). Exit codes: 0 done; 1 refused (nothing written); 64 usage error.
 */
import * as path from "path";
import { Command, CommanderError } from "commander";
import { offboardTeam, onboardTeam } from "./onboarding";
import { projectRoot } from "./projectRoot";

export function main(
  argv: string[],
  root = process.env.CMK_REPO_ROOT ?? projectRoot(__dirname),
): number {
  const out = (s: string) => process.stdout.write(s);
  const err = (s: string) => process.stderr.write(s);
  const program = new Command()
    .name("team")
    .exitOverride()
    .configureOutput({ writeErr: err, writeOut: out });
  let code = 0;
  const run = (action: () => void) => {
    try {
      action();
    } catch (e) {
      err(`${(e as Error).message}\n`);
      code = 1;
    }
  };
  program
    .command("onboard")
    .description("write stacks/fleet/Pulumi.team-<team>.yaml for a new team, validated")
    .requiredOption("--team <id>", "team id: 2-12 lowercase letters and digits, never renamed")
    .requiredOption("--subscription <uuid>", "the team's own subscription id")
    .requiredOption("--region <region>", "Azure region, e.g. westeurope (the platform stack's)")
    .requiredOption("--platform <org/project/stack>", "the region's platform stack")
    .requiredOption(
      "--private-endpoint-subnet <subnet id>",
      "ARM id of the team's private-endpoint subnet, in the team's subscription",
    )
    .option("--key <id>", "key id in the platform's keys (default: its only key)")
    .option("--sku <sku>", "storage SKU (default Standard_ZRS)")
    .option("--owner <owner>", "owner tag, e.g. the team's on-call address")
    .option("--display-name <name>", "display name tag")
    .option("--cost-centre <cc>", "cost centre tag")
    .action((o: Record<string, string | undefined>) =>
      run(() => {
        const file = onboardTeam(
          {
            team: o.team!,
            subscription: o.subscription!,
            region: o.region!,
            platform: o.platform!,
            privateEndpointSubnet: o.privateEndpointSubnet!,
            ...(o.key !== undefined ? { key: o.key } : {}),
            ...(o.sku !== undefined ? { sku: o.sku } : {}),
            ...(o.owner !== undefined ? { owner: o.owner } : {}),
            ...(o.displayName !== undefined ? { displayName: o.displayName } : {}),
            ...(o.costCentre !== undefined ? { costCentre: o.costCentre } : {}),
          },
          root,
        );
        const rel = path.relative(root, file);
        out(
          `wrote ${rel}\nnext:\n  npm run preview -- --fleet      # offline check of the whole fleet\n  git add ${rel} && commit; the pull request previews the fleet, main deploys team-${o.team} after the platform stage\n`,
        );
      }),
    );
  program
    .command("offboard")
    .description(
      "retire a team: step 1 decommissions it (unprotect, unlock); step 2 (--confirm-data-loss <team>, after pulumi destroy) removes its stack file",
    )
    .requiredOption("--team <id>", "team id")
    .option("--confirm-data-loss <id>", "the team id again: its data is deleted with the stack")
    .action((o: { team: string; confirmDataLoss?: string }) =>
      run(() => {
        const r = offboardTeam(
          {
            team: o.team,
            ...(o.confirmDataLoss !== undefined ? { confirmDataLoss: o.confirmDataLoss } : {}),
          },
          root,
        );
        const rel = path.relative(root, r.file);
        out(
          `${r.step === "decommissioned" ? `set cmk-storage:teams.${o.team}.decommissioned: true in ${rel}` : `removed ${rel}`}\nnext:\n${r.next.map((n) => `  ${n}`).join("\n")}\n`,
        );
      }),
    );
  try {
    program.parse(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : 64;
    }
    throw e;
  }
  return code;
}

// Run directly, or through scripts/compiled.js (which sets argv[1] to this module and requires it).
if (require.main === module || /[\\/]teamCli(\.[jt]s)?$/.test(process.argv[1] ?? "")) {
  process.exitCode = main(process.argv.slice(2));
}
