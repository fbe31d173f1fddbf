// Bundles a TypeScript entry for the browser with esbuild: the database worker, and the
// benchmark's bare comparison page.
import { builtinModules } from 'node:module'
import { build, type Plugin } from 'esbuild'

// PGlite reaches for Node's modules only on paths a browser never takes, but one of its
// chunks imports `fs` statically; an empty module keeps the bundle loadable in a worker.
const nodeBuiltinsAsEmptyModules: Plugin = {
  name: 'node-builtins-as-empty-modules',
  setup(builder) {
    const builtins = new RegExp(`^(node:.*|${builtinModules.join('|').replace(/\//g, '\\/')})$`)
    builder.onResolve({ filter: builtins }, (args) => ({ path: args.path, namespace: 'node-builtin' }))
    builder.onLoad({ filter: /.*/, namespace: 'node-builtin' }, () => ({
      contents: 'export {}',
      loader: 'js',
    }))
  },
}

/** Bundles one entry into a single minified ES module and returns its bytes. */
export async function bundleForBrowser(entry: string): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    plugins: [nodeBuiltinsAsEmptyModules],
    logLevel: 'warning',
  })
  return result.outputFiles[0].contents
}
