import * as pulumi from "@pulumi/pulumi";

/** One problem found in a component's arguments: which argument, and what is wrong with the value received. */
export interface ArgumentProblem {
  propertyPath: string;
  reason: string;
}

/** Collects argument problems so a component reports every one of them at once. */
export class ArgumentProblems {
  private readonly problems: ArgumentProblem[] = [];

  add(propertyPath: string, reason: string): void {
    this.problems.push({ propertyPath, reason });
  }

  get list(): readonly ArgumentProblem[] {
    return this.problems;
  }

  /**
   * Throws one `pulumi.InputPropertiesError` listing every problem (the engine pretty-prints it); the message also
   * carries the list so it reads well outside the engine.
   */
  throwIfAny(component: string, name: string): void {
    if (this.problems.length === 0) {
      return;
    }
    const lines = this.problems.map((p) => `  - ${p.propertyPath}: ${p.reason}`).join("\n");
    throw new pulumi.InputPropertiesError({
      message: `Invalid arguments for ${component} "${name}":\n${lines}`,
      errors: this.problems.map((p) => ({ ...p })),
    });
  }
}

/** True when a value is known now (not an Output or Promise), so it can be validated at construction. */
export function isKnown<T>(value: pulumi.Input<T> | undefined): value is T {
  return value !== undefined && !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}

/** Renders a received value for an error message. */
export function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
}
