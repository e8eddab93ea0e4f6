// Discovery: the migrations directory -> Migrations in run order, each with its up
// script (and down/verify when present) parsed and classified. Every refusal is a
// SourceProblem and every remark a SourceWarning: this never throws for user input.
import { checksum } from './checksum.js'
import { DATE_SHAPES, detectConvention, EXPECTED_NAMES, fits, parseFileName, type Detection, type NameInfo } from './conventions.js'
import { decodeUtf8, listFiles, locateDir, readFiles, type ListedFile } from './files.js'
import { ensureParser, parseSql } from './parser.js'
import { defineLazy } from './lazy.js'
import { formatPosition, lineMapFor, stripBom } from './positions.js'
import { compareMigrationOrder, compareText, planKey } from './order.js'
import { parseScriptSync, type ParseScriptOptions } from './script.js'
import { markerStyle, splitSections, type Sections } from './sections.js'
import type { Convention, DiscoveryResult, Hook, Migration, ParsedScript, ScriptSource, SourceProblem, SourceWarning } from './types.js'

export interface DiscoverOptions {
  /** The repository root; every reported path is relative to it. */
  workspace: string
  /** The migrations directory, relative to the workspace (or absolute); '' tries the defaults. */
  dir: string
  convention: Convention | 'auto'
  /**
   * 'all' (default) parses every script during discovery. 'lazy' parses a script when it is
   * first read (see source/lazy.ts): the engine reads history first and parses only what
   * will run, so applied files cost a hash, not a parse. The caller loads the parser.
   */
  parse?: 'all' | 'lazy'
}

interface Candidate {
  listed: ListedFile
  info: NameInfo
  /** Workspace-relative path with `/`. */
  file: string
  text?: string
}

export async function discover(opts: DiscoverOptions): Promise<DiscoveryResult> {
  const problems: SourceProblem[] = []
  const warnings: SourceWarning[] = []
  const auto = opts.convention === 'auto'
  const empty = (dir: string, d: Detection): DiscoveryResult => ({ dir, convention: d.convention, conventionNote: d.note, migrations: [], warnings, problems })
  const explicitNote = (c: Convention, n?: number) => `${c} (from the convention input${n === undefined ? '' : `; ${n} migration file${n === 1 ? '' : 's'}`})`
  const fallback = (dir: string): Detection =>
    auto ? detectConvention(dir, [], { dbmate: 0, goose: 0 }) : { convention: opts.convention as Convention, note: explicitNote(opts.convention as Convention) }

  try {
    const loc = await locateDir(opts.workspace, opts.dir, problems)
    if (!loc) return empty(opts.dir, fallback(opts.dir))
    const listing = await listFiles(loc, problems)
    const fileOf = (l: ListedFile) => (loc.dirRel === '.' ? l.rel : `${loc.dirRel}/${l.rel}`)
    for (const x of listing.special) {
      const file = fileOf({ rel: x.rel, abs: '' })
      warnings.push({ file, message: `${file} is ${x.what}, not a regular file: pgshift does not read it` })
    }

    // The plan file, when present, decides which up files run and in what order.
    let plan: string[] | undefined
    let planFile: string | undefined
    if (listing.plan) {
      planFile = fileOf(listing.plan)
      const [buf] = readFiles([listing.plan.abs])
      const decoded = buf instanceof Error ? undefined : decodeUtf8(planFile, buf)
      if (!decoded || !decoded.ok) {
        problems.push(decoded && !decoded.ok ? decoded.problem : { file: planFile, code: 'unreadable-file', message: `cannot read ${planFile}: ${(buf as Error).message}` })
      } else {
        plan = parsePlan(stripBom(decoded.text))
      }
    }

    const candidates: Candidate[] = listing.sql.map((listed) => ({ listed, info: parseFileName(listed.rel), file: fileOf(listed) }))
    const planned = plan ? new Set(plan) : undefined
    const wanted = (c: Candidate) =>
      c.info.role !== 'up' || !!c.info.scheme || (!!planned && (planned.has(c.listed.rel) || planned.has(c.info.identity)))

    // Read everything we may use, then check the encoding.
    const toRead = candidates.filter(wanted)
    const bufs = readFiles(toRead.map((c) => c.listed.abs))
    toRead.forEach((c, i) => {
      const buf = bufs[i]
      if (buf instanceof Error) {
        problems.push({ file: c.file, code: 'unreadable-file', message: `cannot read ${c.file}: ${buf.message}` })
        return
      }
      const decoded = decodeUtf8(c.file, buf)
      if (decoded.ok) c.text = stripBom(decoded.text)
      else problems.push(decoded.problem)
    })

    const ups = candidates.filter((c) => c.info.role === 'up')
    const markers = { dbmate: 0, goose: 0 }
    for (const c of ups) {
      const style = c.text !== undefined ? markerStyle(c.text) : undefined
      if (style) markers[style]++
    }
    const detection: Detection = auto
      ? detectConvention(loc.dirRel, ups.map((c) => c.info), markers)
      : { convention: opts.convention as Convention, note: '' }
    const convention = detection.convention

    // Which up files are migrations.
    let chosen: Candidate[]
    if (plan) {
      chosen = fromPlan(plan, candidates, planFile!, problems, warnings)
    } else {
      chosen = []
      for (const c of ups) {
        if (fits(c.info, convention, auto)) chosen.push(c)
        else if (!c.info.scheme) {
          warnings.push({ file: c.file, message: `${c.file} fits no migration naming scheme (expected ${EXPECTED_NAMES[convention]}); it is not applied` })
        } else {
          warnings.push({ file: c.file, message: `${c.file} does not fit the ${convention} convention (expected ${EXPECTED_NAMES[convention]}); it is not applied` })
        }
      }
      mixedShapesWarning(chosen, convention, auto, loc.dirRel, warnings)
    }
    const note = auto ? detection.note : explicitNote(convention, chosen.length)
    const conventionNote = plan ? `${note}; order from ${planFile} (${chosen.length} listed)` : note

    const eager = opts.parse !== 'lazy'
    if (eager) await ensureParser()
    const migrations: Migration[] = []
    const byIdentity = new Map<string, Migration>()
    chosen.forEach((c, position) => {
      if (c.text === undefined) return // unreadable: already a problem
      const m = buildMigration(c, convention, problems, warnings, convention === 'dbmate' || convention === 'goose')
      if (eager) parseNow(m)
      if (plan) m.orderKey = planKey(position)
      const dup = byIdentity.get(m.identity.toLowerCase())
      if (dup) {
        problems.push({
          file: c.file,
          code: 'duplicate-identity',
          message: `${c.file} and ${dup.file} are the same migration, ${m.identity}${dup.identity !== m.identity ? ` (names differ only in case: ${dup.identity})` : ''}`,
          hint: 'keep one of the two files (rename or delete the other)'
        })
        return
      }
      byIdentity.set(m.identity.toLowerCase(), m)
      migrations.push(m)
    })
    duplicateFlywayVersions(migrations, problems)
    attachRoleFiles(candidates, migrations, problems, warnings, eager)
    if (!plan) migrations.sort(compareMigrationOrder)
    const hooks = await readHooks(listing.hooks, fileOf, problems)
    return { dir: loc.dirRel, convention, conventionNote, migrations, warnings, problems, ...(planFile ? { planFile } : {}), ...(hooks.length ? { hooks } : {}) }
  } catch (err) {
    // File system failures (permissions, I/O) are reported, not thrown.
    problems.push({ file: opts.dir || '.', code: 'io-error', message: `cannot discover the migrations in ${opts.dir || 'the default directories'}: ${(err as Error).message}` })
    return empty(opts.dir, fallback(opts.dir))
  }
}

/** Reads and parses the callback files, with the same checks as a migration (syntax, meta-commands, stray COMMIT). */
async function readHooks(listed: ListedFile[], fileOf: (l: ListedFile) => string, problems: SourceProblem[]): Promise<Hook[]> {
  if (!listed.length) return []
  // Hooks run on every apply, even one with nothing pending: parsed now, whatever the parse mode.
  await ensureParser()
  const bufs = readFiles(listed.map((l) => l.abs))
  const hooks: Hook[] = []
  listed.forEach((l, i) => {
    const file = fileOf(l)
    const buf = bufs[i]
    if (buf instanceof Error || buf === undefined) {
      problems.push({ file, code: 'unreadable-file', message: `cannot read ${file}: ${buf instanceof Error ? buf.message : 'no content'}` })
      return
    }
    const decoded = decodeUtf8(file, buf)
    if (!decoded.ok) return void problems.push(decoded.problem)
    const text = stripBom(decoded.text)
    const r = parseScriptSync({ file, fileText: text, offset: 0, text })
    // An empty hook is allowed: it does nothing.
    problems.push(...r.problems.filter((p) => p.code !== 'empty-migration'))
    if (r.script.statements.length) hooks.push({ name: l.rel.replace(/\.sql$/, '') as Hook['name'], script: r.script })
  })
  return hooks
}

/** Plan lines: file names (or identities) in run order; `#` starts a comment. */
export function parsePlan(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter((l) => l.length > 0)
}

function fromPlan(plan: string[], candidates: Candidate[], planFile: string, problems: SourceProblem[], warnings: SourceWarning[]): Candidate[] {
  const chosen: Candidate[] = []
  const seen = new Set<Candidate>()
  const byPath = new Map(candidates.map((c) => [c.listed.rel, c]))
  const byIdentity = new Map(candidates.filter((c) => c.info.role === 'up').map((c) => [c.info.identity, c]))
  for (const entry of plan) {
    const c = byPath.get(entry) ?? byIdentity.get(entry)
    if (!c) {
      problems.push({ file: planFile, code: 'plan-file-missing', message: `${planFile} lists ${entry}, but there is no such file in the directory`, hint: `add the file, or remove the line from ${planFile}` })
    } else if (c.info.role !== 'up') {
      problems.push({ file: planFile, code: 'plan-lists-down', message: `${planFile} lists ${entry}, which is a ${c.info.role} script (${c.info.roleMarker}), not a migration`, hint: `remove the line; ${c.info.role} scripts pair with their migration by name` })
    } else if (seen.has(c)) {
      problems.push({ file: planFile, code: 'plan-duplicate', message: `${planFile} lists ${entry} twice`, hint: 'keep one line per migration' })
    } else {
      seen.add(c)
      chosen.push(c)
    }
  }
  for (const c of candidates) {
    if (c.info.role === 'up' && !seen.has(c)) {
      warnings.push({ file: c.file, message: `${c.file} is not listed in ${planFile}; it is not applied` })
    }
  }
  return chosen
}

function mixedShapesWarning(chosen: Candidate[], convention: Convention, auto: boolean, dir: string, warnings: SourceWarning[]): void {
  if (!auto && convention !== 'supabase' && convention !== 'dated') return
  if (convention === 'flyway') return
  const numbered = chosen.filter((c) => c.info.scheme?.shape === 'number')
  const dated = chosen.filter((c) => c.info.scheme && DATE_SHAPES.has(c.info.scheme.shape))
  if (numbered.length === 0 || dated.length === 0) return
  warnings.push({
    file: dir,
    message:
      `${dir} mixes numbered (${numbered[0].listed.rel}) and dated (${dated[0].listed.rel}) file names; ` +
      'numbers sort before dates, so the numbered files run first. Rename them to one scheme, or list the order in a pgshift.plan file'
  })
}

const emptyScript = (source: ScriptSource): ParsedScript => ({
  source,
  statements: [],
  runMode: 'transaction',
  nonTransactionalReasons: [],
  hasTransactionBlocks: false,
  sendText: source.text
})

function parseOrProblem(source: ScriptSource, problems: SourceProblem[], opts?: ParseScriptOptions): ParsedScript {
  const r = parseScriptSync(source, opts)
  problems.push(...r.problems)
  return r.script
}

/** Parses a script that may be empty; an empty down or verify means "none". */
function parseOptional(source: ScriptSource, problems: SourceProblem[], opts?: ParseScriptOptions): ParsedScript | undefined {
  const r = parseScriptSync(source, opts)
  const rest = r.problems.filter((p) => p.code !== 'empty-migration')
  problems.push(...rest)
  return r.script.statements.length === 0 && rest.length === 0 ? undefined : r.script
}

/** Reads every lazy script of `m`, so its parse problems are known now. */
function parseNow(m: Migration): void {
  void m.up
  void m.down
  void m.verify
}

function buildMigration(c: Candidate, convention: Convention, problems: SourceProblem[], warnings: SourceWarning[], needsSections: boolean): Migration {
  const fileText = c.text!
  const sections: Sections = splitSections(c.file, fileText)
  problems.push(...sections.problems)
  const force: ParseScriptOptions = sections.noTransaction
    ? { forceNoTransaction: sections.noTransaction.what, forceNoTransactionPosition: sections.noTransaction.position }
    : {}
  const whole: ScriptSource = { file: c.file, fileText, offset: 0, text: fileText }
  if (!sections.style && needsSections) {
    warnings.push({ file: c.file, message: `${c.file} has no ${convention === 'goose' ? '-- +goose Up' : '-- migrate:up'} marker; the whole file runs as its up migration` })
  }
  const s = c.info.scheme
  const m = {
    identity: c.info.identity,
    version: s?.version ?? '',
    name: s?.name ?? c.info.identity,
    kind: s?.kind ?? 'versioned',
    orderKey: s?.orderKey ?? planKey(0),
    checksum: checksum(fileText),
    file: c.file,
    scriptFiles: { ...(sections.down ? { down: c.file } : {}), ...(sections.verify ? { verify: c.file } : {}) },
    convention
  } as Migration
  defineLazy(m, 'up', () => {
    if (!sections.style) return parseOrProblem(whole, problems, force)
    checkPreamble(sections, problems)
    // Without an up section (already a problem), there is nothing to parse.
    return sections.up ? parseOrProblem(sections.up, problems, force) : emptyScript({ ...whole, offset: fileText.length, text: '' })
  })
  const { down, verify } = sections
  if (down) defineLazy(m, 'down', () => parseOptional(down, problems, force))
  if (verify) defineLazy(m, 'verify', () => parseOptional(verify, problems))
  return m
}

/** SQL above the first section marker belongs to no section: dbmate and goose would skip it. */
function checkPreamble(sections: Sections, problems: SourceProblem[]): void {
  const pre = sections.preamble
  if (!pre || !/\S/.test(pre.text)) return
  const parsed = parseSql(pre.text)
  if (parsed.ok && parsed.statements.length === 0) return
  const index = parsed.ok ? parsed.statements[0].start : parsed.error.index
  const position = lineMapFor(pre.fileText).position(index)
  problems.push({
    file: pre.file,
    position,
    code: 'sql-outside-section',
    message: `SQL at ${formatPosition(pre.file, position)} comes before the first ${sections.style === 'goose' ? '-- +goose Up' : '-- migrate:up'} marker, so it belongs to no section`,
    hint: 'move it below the up marker'
  })
}

/** Flyway keys history on the version: two files with one version cannot both apply. */
function duplicateFlywayVersions(migrations: Migration[], problems: SourceProblem[]): void {
  const seen = new Map<string, Migration>()
  for (const m of migrations) {
    if (m.convention !== 'flyway' || m.kind !== 'versioned') continue
    const key = parseFileName(`${m.identity}.sql`).scheme?.versionKey ?? m.version
    const other = seen.get(key)
    if (other) {
      problems.push({
        file: m.file,
        code: 'duplicate-version',
        message: `${m.file} and ${other.file} share version ${m.version}; Flyway versions must be unique`,
        hint: 'give one of them the next free version'
      })
    } else seen.set(key, m)
  }
}

/** Pairs down and verify files with their up migration; orphans are named (a suffix-named orphan down refuses the run). */
function attachRoleFiles(candidates: Candidate[], migrations: Migration[], problems: SourceProblem[], warnings: SourceWarning[], eager: boolean): void {
  const byIdentity = new Map(migrations.map((m) => [m.identity, m]))
  const flywayByVersion = new Map<string, Migration>()
  for (const m of migrations) {
    // Only Flyway pairs by version (U with V); other names need no second parse.
    if (m.convention !== 'flyway') continue
    const s = parseFileName(`${m.identity}.sql`).scheme
    if (s?.shape === 'flyway-versioned') flywayByVersion.set(s.versionKey, m)
  }
  const roleFiles = candidates.filter((c) => c.info.role !== 'up').sort((a, b) => compareText(a.file, b.file))
  for (const c of roleFiles) {
    const role = c.info.role as 'down' | 'verify'
    const m = c.info.scheme?.shape === 'flyway-undo' ? flywayByVersion.get(c.info.scheme.versionKey) : byIdentity.get(c.info.identity)
    if (!m) {
      // A name suffix (_rollback, .down) on a file with no up may be a forward migration whose name
      // happens to end that way (007_add_rollback.sql): never skip it silently.
      const bySuffix = role === 'down' && c.info.roleMarker !== undefined && !c.info.roleMarker.endsWith('/') && c.info.scheme !== undefined
      if (bySuffix) {
        problems.push({
          file: c.file,
          code: 'orphan-down',
          message: `${c.file} is named like the down script of ${c.info.identity} (${c.info.roleMarker}), but there is no migration ${c.info.identity}`,
          hint: `if it is a migration, rename it so it does not end in ${c.info.roleMarker}; if it is a down script, add its up ${c.info.identity}.sql or delete it`
        })
        continue
      }
      warnings.push({
        file: c.file,
        message: `${c.file} is a ${role} script (${c.info.roleMarker}) for ${c.info.identity}, but there is no migration ${c.info.identity}; it is not applied`
      })
      continue
    }
    if (c.text === undefined) continue
    const existing = m.scriptFiles[role]
    if (existing) {
      problems.push({
        file: c.file,
        code: `duplicate-${role}`,
        message: `${m.identity} has two ${role} scripts: ${existing} and ${c.file}`,
        hint: `keep one ${role} script per migration`
      })
      continue
    }
    const source: ScriptSource = { file: c.file, fileText: c.text, offset: 0, text: c.text }
    m.scriptFiles[role] = c.file
    defineLazy(m, role, () => {
      const script = parseOptional(source, problems)
      if (!script) warnings.push({ file: c.file, message: `${c.file} holds no SQL statements; ${m.identity} has no ${role} script` })
      return script
    })
    if (eager) void m[role]
  }
}
