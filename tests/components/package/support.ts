import * as path from "path";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import { REPO } from "../../support/stackFiles";

/** The component package folder, as `pulumi package add <repo>/components` sees it. */
export const PACKAGE_DIR = path.join(REPO, "components");

/**
 * The provider Pulumi's Node.js plugin host (`@pulumi/pulumi/cmd/run-plugin`) builds for this folder: it requires the
 * package's `main` (the compiled bin/index.js), collects the exported ComponentResource classes, and derives provider
 * name and namespace from the package.json name (`@ns/name` → namespace `ns`, name `name`).
 */
let provider: ComponentProvider | undefined;
export function packageProvider(): ComponentProvider {
  provider ??= newPackageProvider();
  return provider;
}

function newPackageProvider(): ComponentProvider {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const manifest = require(path.join(PACKAGE_DIR, "package.json")) as { name: string };
  const match = /^(@(.*?)\/)?(.+)$/.exec(manifest.name)!;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const components = getPulumiComponents(require(PACKAGE_DIR));
  return new ComponentProvider({
    components,
    name: match[3].replace(/[^-a-zA-Z0-9_]/g, "-"),
    ...(match[2] ? { namespace: match[2] } : {}),
    dirname: PACKAGE_DIR,
  });
}

export interface SchemaProperty {
  type?: string;
  $ref?: string;
  items?: SchemaProperty;
  additionalProperties?: SchemaProperty;
  description?: string;
  optional?: boolean;
  plain?: boolean;
}

export interface PackageSchema {
  name: string;
  namespace?: string;
  version: string;
  resources: Record<
    string,
    {
      isComponent: boolean;
      inputProperties: Record<string, SchemaProperty>;
      requiredInputs?: string[];
      properties: Record<string, SchemaProperty>;
      required?: string[];
    }
  >;
  types: Record<
    string,
    {
      type: string;
      properties?: Record<string, SchemaProperty>;
      required?: string[];
      enum?: { value: string; name?: string }[];
      description?: string;
    }
  >;
}

/** The schema `pulumi package get-schema components` prints (same analyzer, same folder; the provider caches it). */
export async function packageSchema(): Promise<PackageSchema> {
  return JSON.parse(await packageProvider().getSchema()) as PackageSchema;
}
