// The PR check's base (issue 15): the migrations directory as it is in the base
// commit, read from git objects (git ls-tree, git cat-file), never by checking
// another tree out over the user's workspace. The files are copied into a
// temporary directory that mirrors the repository, so discovery reads the base
// exactly as it reads the workspace.
//
// A shallow checkout (actions/checkout's default, depth 1) lacks the base commit:
// it is fetched alone (`git fetch --depth=1 origin <sha>`, which the checkout's
// persisted credentials allow). Every git call gets its arguments as an argv
// array (no shell), and the ref is validated by the settings schema.
import { execFile, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve, sep } from 'node:path'

export interface GitBase {
  /** The base commit, resolved. */
  sha: string
  /** How it was found: already in the clone, or fetched from origin for this run. */
  fetched: boolean
  /** A temporary tree holding the base's migrations directory at the same path; discovery's workspace. */
  workspace: string
  /** Lines added and removed per workspace-relative path, base -> working tree, under the migrations directory. */
  numstat: Map<string, { added: number; removed: number }>
  /** Removes the temporary tree. */
  cleanup(): void
}

/** Why the base could not be read from git, with each command that was tried. */
export class GitBaseError extends Error {
  constructor(
    message: string,
    readonly tried: string[]
  ) {
    super(message)
    this.name = 'GitBaseError'
  }
}

interface GitResult {
  ok: boolean
  stdout: string
  stderr: string
}

const GIT_ENV = { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' }

function git(cwd: string, args: string[], timeoutMs = 60_000): Promise<GitResult> {
  return new Promise((done) => {
    execFile('git', args, { cwd, env: GIT_ENV, maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs }, (err, stdout, stderr) => {
      done({ ok: !err, stdout: String(stdout), stderr: String(stderr || (err && !('code' in err && typeof err.code === 'number') ? err.message : '')).trim() })
    })
  })
}

const isSha = (ref: string) => /^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(ref)

/** Resolves `ref` to a commit, fetching it from origin when the clone lacks it (a shallow checkout). */
async function resolveCommit(top: string, ref: string, tried: string[]): Promise<{ sha: string; fetched: boolean }> {
  const verify = async (r: string) => {
    const out = await git(top, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${r}^{commit}`])
    return out.ok ? out.stdout.trim() : undefined
  }
  const local = await verify(ref)
  if (local) return { sha: local, fetched: false }
  tried.push(`git rev-parse ${ref}: not in this clone`)
  // Only origin, only this one commit (or branch tip), no tags: the least a shallow clone needs.
  const fetch = await git(top, ['fetch', '--no-tags', '--depth=1', 'origin', '--end-of-options', ref], 120_000)
  tried.push(`git fetch --depth=1 origin ${ref}: ${fetch.ok ? 'ok' : fetch.stderr.split('\n').pop() || 'failed'}`)
  if (fetch.ok) {
    const sha = (await verify(isSha(ref) ? ref : 'FETCH_HEAD')) ?? undefined
    if (sha) return { sha, fetched: true }
  }
  throw new GitBaseError(`the base commit ${ref} is not in this clone and could not be fetched from origin`, tried)
}

interface TreeEntry {
  mode: string
  oid: string
  path: string
}

/** `git ls-tree -r -z` of the base under `prefix` (repository-relative, `/`). */
async function listTree(top: string, sha: string, prefix: string): Promise<TreeEntry[]> {
  const out = await git(top, ['ls-tree', '-r', '-z', '--full-tree', sha, '--', prefix === '' ? '.' : prefix])
  if (!out.ok) throw new GitBaseError(`git ls-tree ${sha} failed: ${out.stderr}`, [])
  return out.stdout
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t')
      const [mode, , oid] = line.slice(0, tab).split(' ') as [string, string, string]
      return { mode, oid, path: line.slice(tab + 1) }
    })
}

/** Reads blobs with one `git cat-file --batch` process (one process for 1,000 files, not 1,000). */
function readBlobs(top: string, oids: string[]): Promise<Map<string, Buffer>> {
  return new Promise((done, fail) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: top, env: GIT_ENV, stdio: ['pipe', 'pipe', 'pipe'] })
    const chunks: Buffer[] = []
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => chunks.push(c))
    child.stderr.on('data', (c: Buffer) => (stderr += String(c)))
    child.on('error', fail)
    child.on('close', (code) => {
      if (code !== 0) return fail(new GitBaseError(`git cat-file --batch failed: ${stderr.trim()}`, []))
      const all = Buffer.concat(chunks)
      const blobs = new Map<string, Buffer>()
      let at = 0
      while (at < all.length) {
        const nl = all.indexOf(0x0a, at)
        const [oid, type, size] = all.subarray(at, nl).toString('latin1').split(' ')
        if (type === 'missing' || size === undefined) return fail(new GitBaseError(`git object ${oid} is missing from the clone`, []))
        const n = Number(size)
        blobs.set(oid as string, all.subarray(nl + 1, nl + 1 + n))
        at = nl + 1 + n + 1
      }
      done(blobs)
    })
    child.stdin.end(oids.map((o) => `${o}\n`).join(''))
  })
}

/** `git diff --numstat` of the base against the working tree, under `prefix`. */
async function numstat(top: string, sha: string, prefix: string, workspaceRel: string): Promise<Map<string, { added: number; removed: number }>> {
  const out = await git(top, ['diff', '--no-renames', '--numstat', '-z', sha, '--', prefix === '' ? '.' : prefix])
  const stats = new Map<string, { added: number; removed: number }>()
  if (!out.ok) return stats
  for (const rec of out.stdout.split('\0').filter(Boolean)) {
    const [a, r, path] = rec.split('\t') as [string, string, string]
    if (path === undefined) continue
    const rel = workspaceRel === '' ? path : path.startsWith(`${workspaceRel}/`) ? path.slice(workspaceRel.length + 1) : undefined
    if (rel !== undefined) stats.set(rel, { added: Number(a) || 0, removed: Number(r) || 0 })
  }
  return stats
}

const toPosix = (p: string) => p.split(sep).join('/')

/**
 * The base's copy of the migrations directory `dir` (relative to `workspace`), in a
 * temporary tree. Throws GitBaseError (with what was tried) when git cannot provide it.
 */
export async function readGitBase(opts: { workspace: string; ref: string; dir: string }): Promise<GitBase> {
  const tried: string[] = []
  const workspace = realpathSync(resolve(opts.workspace))
  const topOut = await git(workspace, ['rev-parse', '--show-toplevel'])
  if (!topOut.ok) throw new GitBaseError(`${workspace} is not a git checkout`, [`git rev-parse --show-toplevel: ${topOut.stderr || 'failed'}`])
  const top = realpathSync(topOut.stdout.trim())
  const { sha, fetched } = await resolveCommit(top, opts.ref, tried)
  const workspaceRel = toPosix(relative(top, workspace))
  const prefix = toPosix(relative(top, resolve(workspace, opts.dir)))
  if (prefix.startsWith('..')) throw new GitBaseError(`the migrations directory ${opts.dir} is outside the git checkout ${top}`, tried)
  const entries = (await listTree(top, sha, prefix)).filter((e) => e.mode !== '160000' && e.mode !== '040000')
  const blobs = await readBlobs(top, [...new Set(entries.map((e) => e.oid))])
  const root = mkdtempSync(join(tmpdir(), 'pgshift-base-'))
  try {
    // The directory exists even when the base has none (a PR that adds the first migrations).
    mkdirSync(join(root, prefix), { recursive: true })
    for (const e of entries) {
      const target = join(root, e.path)
      mkdirSync(dirname(target), { recursive: true })
      const blob = blobs.get(e.oid) as Buffer
      if (e.mode === '120000') symlinkSync(blob.toString('utf8'), target)
      else writeFileSync(target, blob)
    }
  } catch (e) {
    rmSync(root, { recursive: true, force: true })
    throw e
  }
  return {
    sha,
    fetched,
    workspace: join(root, workspaceRel),
    numstat: await numstat(top, sha, prefix, workspaceRel),
    cleanup: () => rmSync(root, { recursive: true, force: true })
  }
}
