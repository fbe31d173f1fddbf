// An ESLint rule that keeps lib/'s layers one-way and makes each layer's entry points its only
// doors, so a newcomer can trust the picture in docs/architecture.md.
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))

/**
 * Each layer of lib/: the layers it may import (lower in the stack) and the modules through
 * which the others enter it. `index` is safe to bundle for the page and the worker; `node` is
 * for Node only (build, server components, scripts, tests). The engine has two more doors: its
 * worker side (`worker-host`, where the database worker starts) and the build's asset manifest.
 */
export const layers = {
  engine: { mayImport: [], entries: ['index', 'node', 'worker-host', 'manifest'] },
  sim: { mayImport: ['engine'], entries: ['index'] },
  scenario: { mayImport: ['engine', 'sim'], entries: ['index', 'node'] },
  workbench: { mayImport: ['engine', 'sim', 'scenario'], entries: ['index', 'node'] },
  terminal: { mayImport: ['engine', 'sim'], entries: ['index'] },
  'real-server': { mayImport: ['engine', 'sim', 'scenario'], entries: ['node'] },
}

/** The layers app/ may import; the real-server check is for Node tools only. */
const appMayImport = ['engine', 'sim', 'scenario', 'workbench', 'terminal']

const direction = 'app → lib/{terminal, workbench, scenario} → lib/sim → lib/engine'

// where a file sits: a lib layer, app, or a tool (scripts, tests, config)
function placeOf(path) {
  const [top, layer] = relative(root, path).split(sep)
  if (top === 'lib' && layer in layers) return { kind: 'layer', layer }
  if (top === 'app') return { kind: 'app' }
  return { kind: 'tool' }
}

// the lib layer and module an import names, or undefined for packages and files outside lib
function targetOf(source, fromFile) {
  let path
  if (source.startsWith('@/')) path = join(root, source.slice(2))
  else if (source.startsWith('.')) path = resolve(dirname(fromFile), source)
  else return undefined
  const parts = relative(root, path).split(sep)
  if (parts[0] !== 'lib' || !(parts[1] in layers)) return undefined
  const module =
    parts
      .slice(2)
      .join('/')
      .replace(/\.(m?js|tsx?)$/, '') || 'index'
  return { layer: parts[1], module }
}

/** Reports an import against the layer table: a wrong direction, or a door that is not an entry. */
export function checkImport(source, fromFile) {
  const target = targetOf(source, fromFile)
  if (!target) return undefined
  const from = placeOf(fromFile)
  if (from.kind === 'layer' && from.layer === target.layer) return undefined
  if (from.kind === 'layer' && !layers[from.layer].mayImport.includes(target.layer)) {
    return `lib/${from.layer} may not import lib/${target.layer}: imports point ${direction}.`
  }
  if (from.kind === 'app' && !appMayImport.includes(target.layer)) {
    return `app/ may not import lib/${target.layer}: it is for Node tools.`
  }
  if (!layers[target.layer].entries.includes(target.module)) {
    const doors = layers[target.layer].entries.map((entry) => `lib/${target.layer}/${entry}`).join(', ')
    return `Enter lib/${target.layer} through ${doors}, not lib/${target.layer}/${target.module}.`
  }
  return undefined
}

const layersRule = {
  meta: {
    type: 'problem',
    schema: [],
    docs: { description: 'one-way layers, entered through their entries' },
  },
  create(context) {
    const check = (node) => {
      if (typeof node.source?.value !== 'string') return
      const message = checkImport(node.source.value, context.filename)
      if (message) context.report({ node: node.source, message })
    }
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    }
  },
}

/** The plugin eslint.config.js registers as `cutover`. */
export const layersPlugin = { rules: { layers: layersRule } }
