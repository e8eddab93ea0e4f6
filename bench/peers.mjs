// The peers of bench/run.mjs: the same generated migrations laid out for dbmate,
// sql-migrate and node-pg-migrate, and the commands each runs for one scenario, so
// `npm run bench` compares pgshift with them in one run (docs/BENCHMARKS.md).
//
// Bench-only: the npm peers are installed on demand, pinned, into bench/.peers/
// (git-ignored), never into the project's node_modules, so `npm ci` stays as it is.
// sql-migrate is Debian's package (apt-get install sql-migrate); when missing it is
// left out with a note.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '..')
export const PEERS_DIR = join(ROOT, 'bench/.peers')
/** Pinned: a figure in docs/BENCHMARKS.md names these versions. */
export const PEER_VERSIONS = { dbmate: '2.36.0', 'node-pg-migrate': '9.0.0', pg: '8.23.1' }
export const BARE_PG = join(ROOT, 'bench/peers/bare-pg.mjs')

/**
 * Installs the npm peers into bench/.peers when they are missing or at another
 * version; returns what is available: { dbmate, npm, sqlMigrate, notes }.
 */
export function preparePeers() {
  const notes = []
  const installed = (name) => {
    try {
      return JSON.parse(readFileSync(join(PEERS_DIR, 'node_modules', name, 'package.json'), 'utf8')).version
    } catch {
      return undefined
    }
  }
  const missing = Object.entries(PEER_VERSIONS).filter(([name, v]) => installed(name) !== v)
  if (missing.length) {
    mkdirSync(PEERS_DIR, { recursive: true })
    if (!existsSync(join(PEERS_DIR, 'package.json'))) writeFileSync(join(PEERS_DIR, 'package.json'), '{ "private": true }\n')
    const specs = Object.entries(PEER_VERSIONS).map(([name, v]) => `${name}@${v}`)
    console.log(`installing bench peers into bench/.peers: ${specs.join(' ')}`)
    const r = spawnSync('npm', ['install', '--prefix', PEERS_DIR, '--no-save', '--no-audit', '--no-fund', '--loglevel', 'error', ...specs], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] })
    if (r.status !== 0) notes.push(`npm install of the peers failed (exit ${r.status}): dbmate and node-pg-migrate are left out`)
  }
  // dbmate's npm package is a Node wrapper around a Go binary: run the binary, as its
  // users mostly do (the wrapper would add a Node start to every figure).
  const dbmateBin = join(PEERS_DIR, 'node_modules/@dbmate', `${process.platform}-${process.arch}`, 'bin/dbmate')
  const npmBin = join(PEERS_DIR, 'node_modules/node-pg-migrate/bin/node-pg-migrate.js')
  const which = spawnSync('/bin/sh', ['-c', 'command -v sql-migrate'], { encoding: 'utf8' })
  const sqlMigrate = which.status === 0 ? which.stdout.trim() : undefined
  if (!sqlMigrate) notes.push('sql-migrate is not installed (Debian/Ubuntu: apt-get install -y sql-migrate): left out')
  return {
    dbmate: existsSync(dbmateBin) ? dbmateBin : undefined,
    npm: existsSync(npmBin) ? npmBin : undefined,
    sqlMigrate,
    notes,
    versions: {
      dbmate: existsSync(dbmateBin) ? execFileSync(dbmateBin, ['--version'], { encoding: 'utf8' }).trim() : undefined,
      'node-pg-migrate': installed('node-pg-migrate'),
      'sql-migrate': sqlMigrate ? spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'sql-migrate'], { encoding: 'utf8' }).stdout.trim() || 'installed' : undefined
    }
  }
}

/**
 * The pgshift set in `dir/migrations` (`NNNNN_name.sql` + `.down.sql`) rewritten for
 * each peer, each in its own directory, for the first `count` migrations:
 * dbmate (`-- migrate:up` / `-- migrate:down`), sql-migrate (`-- +migrate Up` / `Down`,
 * each script one StatementBegin/End block, as its docs ask for dollar-quoted bodies)
 * and node-pg-migrate (`-- Up Migration` / `-- Down Migration`).
 */
export function layoutPeers(dir, count, suffix = '') {
  const src = join(dir, 'migrations')
  const ups = readdirSync(src).filter((f) => f.endsWith('.sql') && !f.endsWith('.down.sql')).sort().slice(0, count)
  const out = { dbmate: join(dir, `dbmate${suffix}`), sqlMigrate: join(dir, `sql-migrate${suffix}`), npm: join(dir, `node-pg-migrate${suffix}`) }
  for (const d of Object.values(out)) mkdirSync(d, { recursive: true })
  for (const f of ups) {
    const up = readFileSync(join(src, f), 'utf8')
    const downFile = join(src, f.replace(/\.sql$/, '.down.sql'))
    const down = existsSync(downFile) ? readFileSync(downFile, 'utf8') : ''
    writeFileSync(join(out.dbmate, f), `-- migrate:up\n${up}\n\n-- migrate:down\n${down}\n`)
    writeFileSync(join(out.sqlMigrate, f), `-- +migrate Up\n-- +migrate StatementBegin\n${up}\n-- +migrate StatementEnd\n\n-- +migrate Down\n-- +migrate StatementBegin\n${down}\n-- +migrate StatementEnd\n`)
    writeFileSync(join(out.npm, f), `-- Up Migration\n${up}\n-- Down Migration\n${down}\n`)
  }
  return out
}

/** sql-migrate reads its database from a config file: one per database. */
export function sqlMigrateConfig(workDir, url, migrationsDir) {
  const file = join(workDir, `dbconfig-${Math.random().toString(36).slice(2)}.yml`)
  writeFileSync(file, `bench:\n  dialect: postgres\n  datasource: ${url}?sslmode=disable\n  dir: ${migrationsDir}\n`)
  return file
}
