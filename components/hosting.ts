/**
 * Where the components run. A Pulumi program in TypeScript/JavaScript loads them in its own process; a Python, Go,
 * .NET, Java or YAML program reaches them through the component provider (`pulumi package add`), which Pulumi's
 * Node.js plugin host (`@pulumi/pulumi/cmd/run-plugin`) runs in a separate process. Dynamic resources cannot run there:
 * the engine executes them from the calling program's directory, which has no Node.js modules (pulumi/pulumi#5455,
 * "Cannot find module '@pulumi/pulumi/cmd/dynamic-provider'").
 */
export const hosting = {
  /**
   * True inside the component provider host: the process was started on `@pulumi/pulumi/cmd/run-plugin` (the Node.js
   * language host's default plugin launcher). Replaceable, so tests can take the other-language path.
   */
  isComponentProviderHost(
    entry: string = require.main?.filename ?? process.argv[1] ?? "",
  ): boolean {
    return /[\\/]@pulumi[\\/]pulumi[\\/]cmd[\\/]run-plugin([\\/]|$)/.test(entry);
  },
};

/** The reason access-key rotation is refused for other languages, and what to do instead. */
export const ACCESS_KEY_ROTATION_TYPESCRIPT_ONLY =
  "access-key rotation runs as a Pulumi dynamic resource, which Pulumi cannot host for Python, Go, .NET, Java or YAML " +
  "programs (pulumi/pulumi#5455); use CmkStorageAccount with rotateAccessKeys from a TypeScript or JavaScript program " +
  "(npm package @cmk-platform/azure-cmk-storage), or keep allowSharedKeyAccess false so that there are no account keys to rotate";
