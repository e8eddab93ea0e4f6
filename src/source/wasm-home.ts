// libpg-query's emscripten loader is CommonJS and finds its .wasm through
// `__dirname`. Bundled into ESM by ncc, `__dirname` does not exist, so give it the
// bundle's own folder (scripts/bundle.mjs copies the .wasm there). Unbundled, the
// loader's CommonJS wrapper shadows this global, so it is harmless.
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const g = globalThis as { __dirname?: string }
g.__dirname ??= dirname(fileURLToPath(import.meta.url))
