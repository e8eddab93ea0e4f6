// Discovery hashes every file and parses lazily (source/lazy.ts). The engine decides
// what to parse once history is read: what may run, not what already ran. A no-op
// run never loads the parser; an applied file is checked by its checksum alone.
import type { HistoryRow } from '../db/history.js'
import { forget } from '../source/lazy.js'
import { ensureParser } from '../source/parser.js'
import { formatPosition } from '../source/positions.js'
import { releaseTreesWhenParsing } from '../source/script.js'
import type { DiscoveryResult, Migration, SourceProblem } from '../source/types.js'
import type { Mode, RunReport } from './report.js'

/**
 * Up to this much pending SQL (UTF-16 units), the parse trees stay in memory for the
 * lint (about 10x the text: 5 MB here); beyond it they are released and parsed again
 * when read, which costs about the first parse's CPU once more (bench/probes/reparse-cost.mjs).
 */
const TREE_BUDGET_CHARS = 512 * 1024

/**
 * Parses every script of the files not applied with their current checksum; verify also
 * parses every verify script. Their down and verify scripts are parsed to find errors now,
 * not during a rollback, and then dropped from memory unless this run uses them
 * (test-rollback runs the downs; verify the verify scripts): at 10,000 pending files the
 * parse trees are most of the heap (docs/BENCHMARKS.md).
 */
export async function parseWhatMayRun(found: DiscoveryResult, history: HistoryRow[], mode: Mode, testRollback = false): Promise<void> {
  const applied = new Map(history.filter((r) => r.status === 'applied').map((r) => [r.identity, r.checksum]))
  const mayRun = found.migrations.filter((m) => applied.get(m.identity) !== m.checksum)
  const verifyScripts = mode === 'verify' ? found.migrations.filter((m) => m.scriptFiles.verify !== undefined) : []
  // A rollback parses the downs of its range later (parseDowns), once the range is known.
  if (mayRun.length === 0 && verifyScripts.length === 0 && mode !== 'rollback') return
  await ensureParser()
  // Many pending files: their statements' trees are released as each file is parsed,
  // and parsed again when the lint reads them (docs/BENCHMARKS.md, issue 17).
  releaseTreesWhenParsing(mayRun.reduce((n, m) => n + (m.textLength ?? 0), 0) > TREE_BUDGET_CHARS)
  const keepDowns = mode === 'apply' && testRollback
  for (const m of mayRun) {
    parseAll(m)
    // A script with problems refuses the run before anything reads it again, so a second parse never repeats them.
    if (!keepDowns && m.down) forget(m, 'down')
    if (mode !== 'verify' && m.verify) forget(m, 'verify')
  }
  for (const m of verifyScripts) void m.verify
}

/** Parses every script (a run that failed before reading history reports all syntax errors). */
export async function parseEverything(found: DiscoveryResult): Promise<void> {
  if (!found.migrations.length) return
  await ensureParser()
  releaseTreesWhenParsing(found.migrations.reduce((n, m) => n + (m.textLength ?? 0), 0) > TREE_BUDGET_CHARS)
  for (const m of found.migrations) parseAll(m)
}

function parseAll(m: Migration): void {
  void m.up
  void m.down
  void m.verify
}

/** Problems of down scripts reported as warnings, per discovery: a rollback that needs one refuses again. */
const demoted = new WeakMap<DiscoveryResult, SourceProblem[]>()

/**
 * A broken down script never blocks the ups: its problems refuse only a run that needs
 * that down (`needsDown`: a rollback's range, test-rollback's migrations). Every other
 * down problem becomes a warning at its file:line:col that says it is in the down part.
 */
export function settleDownProblems(report: RunReport, found: DiscoveryResult, needsDown: (migration: string) => boolean): void {
  const kept = demoted.get(found) ?? []
  for (const p of kept.filter((p) => p.down && needsDown(p.down.migration))) {
    found.problems.push(p)
    kept.splice(kept.indexOf(p), 1)
  }
  for (const p of [...found.problems]) {
    if (!p.down || needsDown(p.down.migration)) continue
    found.problems.splice(found.problems.indexOf(p), 1)
    kept.push(p)
    const at = p.position ? formatPosition(p.file, p.position) : p.file
    report.warnings.push({
      file: p.file,
      ...(p.position ? { position: p.position } : {}),
      ...(p.excerpt ? { excerpt: p.excerpt } : {}),
      message: `in the down script of ${p.down.migration}, at ${at}: ${p.message}. It does not block this ${report.mode}; a rollback that needs this down is refused until it is fixed`
    })
  }
  demoted.set(found, kept)
}

/** True (and the report says why) when parsing found problems: nothing may run. */
export function refusedForSourceProblems(report: RunReport, found: DiscoveryResult, needsDown: (migration: string) => boolean = () => false): boolean {
  settleDownProblems(report, found, needsDown)
  if (!found.problems.length) return false
  report.status = 'failed'
  report.nextStep = `Nothing was changed. Fix the ${found.problems.length === 1 ? 'problem' : `${found.problems.length} problems`} above, then rerun.`
  return true
}

/** Parses the down scripts of a rollback range (the parser is loaded by parseWhatMayRun). */
export function parseDowns(range: Migration[]): void {
  for (const m of range) void m.down
}
