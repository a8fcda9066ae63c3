import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO, copyRepo, fencedBlockAfter, sh } from "../support/repoCopy";

/**
 * README "Adding an environment", run as written in a copy of the repository: the new stack is refused until it has a
 * policy config, then previews cleanly.
 */
describe("adding an environment (README recipe, in a copy of the repository)", function () {
  this.timeout(180_000);
  const recipe = fencedBlockAfter(path.join(REPO, "README.md"), "### Adding an environment");
  const lines = recipe.trim().split("\n");
  let dir: string;

  before(() => {
    dir = copyRepo("cmk-new-env-");
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("is a stack file copy, a policy config copy and a preview of the new stack", () => {
    assert.equal(lines.length, 3, recipe);
    assert.match(lines[0], /^cp stacks\/Pulumi\.(\w+)\.yaml stacks\/Pulumi\.qa\.yaml$/);
    assert.match(lines[1], /^cp policy\/config\/(\w+)\.json policy\/config\/qa\.json$/);
    assert.equal(lines[2], "npm run preview -- --stack qa");
  });

  it("fails when the new stack has no policy config yet, with a usage error naming the file to create", async () => {
    const r = await sh(`${lines[0]}\n${lines[2]}`, dir);
    assert.equal(r.code, 64, r.stderr);
    assert.match(
      r.stderr,
      /stack "qa" has no policy config policy\/config\/qa\.json \(policy configs exist for: dev, prod, staging\)/,
    );
    assert.match(r.stderr, /cp policy\/config\/dev\.json policy\/config\/qa\.json/);
    assert.match(r.stderr, /--policy-defaults/);
    assert.equal(r.stdout.includes("Summary:"), false, "nothing was previewed");
  });

  it("previews the new stack with its own policy config and passes once the recipe is complete", async () => {
    const r = await sh(recipe, dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /pulumi:pulumi:Stack\s+cmk-storage-qa/);
    assert.match(r.stdout, /Policies \(\d+ enabled; config policy\/config\/qa\.json\)/);
    assert.match(r.stdout, /Summary: PASS: 31 resources .*0 mandatory/);
    assert.ok(
      fs.existsSync(path.join(dir, "stacks", "Pulumi.qa.yaml")) &&
        fs.existsSync(path.join(dir, "policy", "config", "qa.json")),
    );
    assert.equal(
      fs.existsSync(path.join(REPO, "stacks", "Pulumi.qa.yaml")),
      false,
      "the repository itself is untouched",
    );
  });

  it("fails when --policy-defaults stands in for the missing config, naming the defaults and the rule they break", async () => {
    fs.rmSync(path.join(dir, "policy", "config", "qa.json"));
    const r = await sh("npm run preview -- --stack qa --policy-defaults", dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stdout,
      /warning: no policy config; the pack's schema defaults apply: kv-soft-delete-retention\.minRetentionDays=90,/,
    );
    assert.match(
      r.stdout,
      /\[mandatory\] kv-soft-delete-retention \(platform-vault\): properties\.softDeleteRetentionInDays is 7; it must be at least 90 days\./,
    );
  });
});
