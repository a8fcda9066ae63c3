import type * as pulumi from "@pulumi/pulumi";
import type { RecordedResource } from "../../preview/recorder";
import { collectedWarnings, recorder, unhandledRejections } from "../setup";

export { recorder };

/** Resolves an Output's value (mocks run with preview=false, so every value is known). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** Waits until the program has stopped registering resources, so exact counts can be asserted. */
export function settled(): Promise<RecordedResource[]> {
  return recorder.settled();
}

/** Registrations of one type. */
export function byType(type: string): RecordedResource[] {
  return recorder.resources.filter((r) => r.type === type);
}

/** The single registration of a type and logical name (fails the test if there is not exactly one). */
export function one(type: string, name: string): RecordedResource {
  const found = recorder.resources.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) {
    throw new Error(
      `expected exactly one ${type} named ${name}, found ${found.length}: ${recorder.resources.map((r) => `${r.type}::${r.name}`).join(", ")}`,
    );
  }
  return found[0];
}

/** Runs `build` and returns the error it throws (failing when it does not throw). */
export function errorOf(build: () => unknown): Error {
  try {
    build();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error, but none was thrown");
}

/**
 * Waits until registration stops, then returns (and forgets) the distinct messages of the deployment errors raised
 * since the last call: what `pulumi up` would print as the program's failure.
 */
export async function deploymentErrors(): Promise<string[]> {
  await settled();
  await new Promise((resolve) => setImmediate(resolve));
  const messages = [
    ...new Set(unhandledRejections.map((e) => (e instanceof Error ? e.message : String(e)))),
  ];
  unhandledRejections.length = 0;
  return messages;
}

/** Waits until registration stops, then returns (and forgets) the warnings the program logged since the last call. */
export async function runtimeWarnings(): Promise<string[]> {
  await settled();
  await new Promise((resolve) => setImmediate(resolve));
  return collectedWarnings.splice(0, collectedWarnings.length);
}
