/**
 * `pulumi.StackReference` in the offline preview. A StackReference is a read of the resource
 * `pulumi:pulumi:StackReference` whose id (and `name` input) is the referenced stack's name, `<org>/<project>/<stack>`;
 * the engine answers it with `{ outputs, secretOutputNames }` from the referenced stack's last deployment. Here the
 * answer comes from a map stack name → outputs that the preview is given: the outputs of platform stacks previewed
 * first (`--fleet`, or a single team stack whose platform stack file is found), or `--stack-outputs <file>`.
 */
import type * as pulumi from "@pulumi/pulumi";

export const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";
/** The team stack's config key that names its platform stack (what the error names). */
export const PLATFORM_STACK_KEY = "cmk-storage:platformStack";

/** Outputs of other stacks by name: a full `<org>/<project>/<stack>` name, or the stack's short name. */
export type StackOutputs = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/** The short stack name of a reference (`org/project/stack` → `stack`). */
export function shortStackName(reference: string): string {
  return reference.split("/").pop() ?? reference;
}

/**
 * The outputs for a reference: by its full name, else by its short name (the fleet keys stacks by file name). The
 * project segment, when given, must be `project` (a reference to another project's stack is not in this fleet).
 */
export function resolveStackReference(
  reference: string,
  known: StackOutputs,
  project: string,
): { outputs: Readonly<Record<string, unknown>> } | { error: string } {
  const parts = reference.split("/");
  const names = Object.keys(known).sort();
  const list = names.length > 0 ? names.join(", ") : "none";
  if (Object.prototype.hasOwnProperty.call(known, reference)) return { outputs: known[reference] };
  const short = shortStackName(reference);
  const projectOk = parts.length < 2 || parts[parts.length - 2] === project;
  if (projectOk && parts.length <= 3 && Object.prototype.hasOwnProperty.call(known, short)) {
    return { outputs: known[short] };
  }
  return {
    error:
      `StackReference "${reference}" (${PLATFORM_STACK_KEY}) names a stack whose outputs the preview does not have` +
      `${projectOk ? "" : ` (project "${parts[parts.length - 2]}" is not this project, "${project}")`}; stacks with outputs: ${list}. ` +
      `Fix: set ${PLATFORM_STACK_KEY} to "<org>/${project}/<platform stack>" of a platform stack file in stacks/fleet/ ` +
      `(npm run preview -- --fleet previews it first), or give its outputs with --stack-outputs <file>.`,
  };
}

/**
 * Wraps `mocks` so that StackReference reads are answered from `known` (and every other resource as before). An
 * unknown reference fails the read with the error of `resolveStackReference`, as the engine fails a reference to a
 * stack that does not exist.
 */
export function withStackReferences(
  mocks: pulumi.runtime.Mocks,
  known: StackOutputs,
  project: string,
): pulumi.runtime.Mocks {
  return {
    ...mocks,
    newResource: (args) => {
      if (args.type !== STACK_REFERENCE_TYPE) return mocks.newResource(args);
      const reference = String(args.inputs.name ?? args.id ?? args.name);
      const found = resolveStackReference(reference, known, project);
      if ("error" in found) throw new Error(found.error);
      return {
        id: reference,
        state: { name: reference, outputs: found.outputs, secretOutputNames: [] },
      };
    },
  };
}
