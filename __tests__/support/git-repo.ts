// Real git repositories for the PR check (issue 15): a base commit on main and a
// PR branch, made with the git binary in a temp dir; a bare origin that allows
// fetching by SHA and a depth-1 clone of the PR head, as actions/checkout makes.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0'
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], { cwd, env: ENV, encoding: 'utf8' }).trim()
}

/** Writes (string) or deletes (null) files under `root`; paths are repository-relative. */
export function writeTree(root: string, files: Record<string, string | null>): void {
  for (const [path, text] of Object.entries(files)) {
    const abs = join(root, path)
    if (text === null) rmSync(abs, { force: true })
    else {
      mkdirSync(dirname(abs), { recursive: true })
      writeFileSync(abs, text)
    }
  }
}

export interface PrRepo {
  /** The working tree, on the PR branch. */
  dir: string
  baseSha: string
  headSha: string
}

/**
 * A repository whose main holds `base`, and a branch `pr` on top of it that applies
 * `change` (null deletes a file), committed. The checkout is left on the PR branch.
 */
export function makePrRepo(base: Record<string, string>, change: Record<string, string | null>): PrRepo {
  const dir = mkdtempSync(join(tmpdir(), 'pgshift-git-'))
  git(dir, 'init', '-q')
  writeTree(dir, { 'README.md': 'app\n', ...base })
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '-m', 'base')
  const baseSha = git(dir, 'rev-parse', 'HEAD')
  git(dir, 'checkout', '-q', '-b', 'pr')
  writeTree(dir, change)
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'pr')
  return { dir, baseSha, headSha: git(dir, 'rev-parse', 'HEAD') }
}

/**
 * `repo` pushed to a bare origin that serves any reachable SHA, then cloned at depth 1
 * on the PR branch over file:// (so --depth applies): the base commit is not in the clone.
 */
export function shallowClone(repo: PrRepo): { clone: string; origin: string } {
  const origin = mkdtempSync(join(tmpdir(), 'pgshift-origin-'))
  git(origin, 'init', '-q', '--bare')
  git(origin, 'config', 'uploadpack.allowReachableSHA1InWant', 'true')
  git(origin, 'config', 'uploadpack.allowAnySHA1InWant', 'true')
  git(repo.dir, 'push', '-q', origin, 'main', 'pr')
  const clone = mkdtempSync(join(tmpdir(), 'pgshift-clone-'))
  git(clone, 'clone', '-q', '--depth=1', '--branch', 'pr', `file://${origin}`, '.')
  return { clone, origin }
}
