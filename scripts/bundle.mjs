// Builds dist/: the action (dist/index.js) and the CLI (dist/cli/index.js), each
// with the libpg-query WASM beside it, where src/source/wasm-home.ts tells the
// emscripten loader to look.
import { execFileSync } from 'node:child_process'
import { copyFileSync, rmSync } from 'node:fs'

const ncc = 'node_modules/@vercel/ncc/dist/ncc/cli.js'
const wasm = 'node_modules/libpg-query/wasm/libpg-query.wasm'
rmSync('dist', { recursive: true, force: true })
for (const [entry, out] of [['src/action/index.ts', 'dist'], ['src/cli/index.ts', 'dist/cli']]) {
  execFileSync(process.execPath, [ncc, 'build', entry, '-o', out, '--minify', '--no-source-map-register', '--license', 'licenses.txt', '--quiet'], { stdio: 'inherit' })
  copyFileSync(wasm, `${out}/libpg-query.wasm`)
}
