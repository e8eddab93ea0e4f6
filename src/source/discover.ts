// Discovery: the migrations directory -> Migrations in run order, each with its up
// script (and down/verify when present) parsed and classified. Every refusal is a
// SourceProblem and every remark a SourceWarning: this never throws for user input.
import { checksum } from './checksum.js'
import { DATE_SHAPES, detectConvention, EXPECTED_NAMES, fits, parseFileName, type Detection, type NameInfo } from './conventions.js'
import { decodeUtf8, listFiles, locateDir, readFiles, readTexts, type ListedFile } from './files.js'
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
    const texts = readTexts(toRead.map((c) => ({ file: c.file, abs: c.listed.abs })))
    toRead.forEach((c, i) => {
      const decoded = texts[i]
      if (decoded instanceof Error) {
        problems.push({ file: c.file, code: 'unreadable-file', message: `cannot read ${c.file}: ${decoded.message}` })
        return
      }
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
    if (!plan) duplicateVersions(migrations, convention, candidates, problems, warnings)
    attachRoleFiles(candidates, migrations, convention, problems, warnings, eager)
    if (convention === 'supabase') supabaseCliWouldApply(candidates, loc.dirRel, warnings)
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
    const r = parseScriptSync({ file, fileText: text, offset: 0, text, role: 'hook' })
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

/** The Supabase CLI's migration file pattern: every top-level `<digits>_name.sql` is a migration to it. */
const SUPABASE_CLI_FILE = /^[0-9]+_.*\.sql$/

/**
 * A down or verify script named like a migration in supabase/migrations: pgshift pairs it
 * with its up, but `supabase db push` (and `migration up`) would apply it as a migration.
 */
function supabaseCliWouldApply(candidates: Candidate[], dir: string, warnings: SourceWarning[]): void {
  for (const c of candidates) {
    if (c.info.role === 'up' || c.listed.rel.includes('/') || !SUPABASE_CLI_FILE.test(c.listed.rel)) continue
    warnings.push({
      file: c.file,
      message:
        `${c.file} is a ${c.info.role} script to pgshift (${c.info.roleMarker}), but its name matches the Supabase CLI's migration pattern (<version>_name.sql): ` +
        `\`supabase db push\` would apply it as a migration. Move it out of ${dir} (for example into ${dir}/down/, which pgshift pairs and the CLI does not read)`
    })
  }
}

function mixedShapesWarning(chosen: Candidate[], convention: Convention, auto: boolean, dir: string, warnings: SourceWarning[]): void {
  if (!auto && convention !== 'supabase' && convention !== 'dated') return
  if (convention === 'flyway') return
  // A 14-digit number (dbmate's `10000000000000_` first version) has the timestamps' width:
  // it compares with them digit by digit, as its tool compares it, so it mixes nothing.
  const numbered = chosen.filter((c) => c.info.scheme?.shape === 'number' && c.info.scheme.version.length !== 14)
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

/**
 * A parser for a script that may be empty (an empty down or verify means "none"). Its
 * problems are reported on the first parse only: a down is parsed, dropped from memory
 * (engine/parse-needed.ts) and may be parsed again by a rollback. Problems of a down
 * script say so (`down`), so that only a run that needs the down is refused by them.
 */
function optionalParser(source: ScriptSource, problems: SourceProblem[], opts: ParseScriptOptions | undefined, down?: { migration: string }): () => ParsedScript | undefined {
  let reported = false
  return () => {
    const r = parseScriptSync(source, opts)
    const rest = r.problems.filter((p) => p.code !== 'empty-migration')
    if (!reported) problems.push(...rest.map((p) => (down ? { ...p, down } : p)))
    reported = true
    return r.script.statements.length === 0 && rest.length === 0 ? undefined : r.script
  }
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
  const whole: ScriptSource = { file: c.file, fileText, offset: 0, text: fileText, role: 'up' }
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
    textLength: fileText.length,
    file: c.file,
    scriptFiles: { ...(sections.down ? { down: c.file } : {}), ...(sections.verify ? { verify: c.file } : {}) },
    convention
  } as Migration
  defineLazy(m, 'up', () => {
    if (!sections.style) return parseOrProblem(whole, problems, force)
    checkPreamble(sections, problems)
    // Without an up section (already a problem), there is nothing to parse.
    if (!sections.up) return emptyScript({ ...whole, offset: fileText.length, text: '' })
    // goose and dbmate run an up section with no statements (only comments, or
    // StatementBegin/End around nothing) and record the migration as applied: so do we.
    const r = parseScriptSync(sections.up, force)
    problems.push(...r.problems.filter((p) => p.code !== 'empty-migration'))
    return r.script
  })
  const { down, verify } = sections
  if (down) defineLazy(m, 'down', optionalParser(down, problems, force, { migration: m.identity }))
  if (verify) defineLazy(m, 'verify', optionalParser(verify, problems, undefined))
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

/**
 * Conventions whose tool keys its history on the version alone: a down file pairs with the
 * up of the same version whatever their titles (golang-migrate reads `30_add_x.up.sql`
 * and `30_drop_x.down.sql` as one migration), and two files may not share a version.
 */
const KEYED_ON_VERSION: ReadonlySet<Convention> = new Set<Convention>(['golang-migrate', 'goose', 'dbmate', 'supabase', 'flyway'])

/**
 * The version as the convention's own tool compares it: golang-migrate and goose parse it
 * as an integer (`007` is `7`), the Supabase CLI and dbmate keep the digits as written
 * (`20240101` and `20240101000000` are two versions), Flyway drops trailing zero parts.
 */
function toolVersion(convention: Convention, info: NameInfo): string | undefined {
  const s = info.scheme
  if (!s || s.kind !== 'versioned') return undefined
  return convention === 'supabase' || convention === 'dbmate' ? s.version : s.versionKey
}

/** What the convention's own tool does with two files of one version, and whether pgshift refuses. */
const DUPLICATE_VERSION: Record<Convention, { refuse: boolean; tool: string }> = {
  flyway: { refuse: true, tool: 'Flyway versions must be unique (Flyway refuses to run)' },
  'golang-migrate': { refuse: true, tool: 'golang-migrate refuses two migration files with one version' },
  goose: { refuse: true, tool: 'goose refuses a version it finds twice' },
  dbmate: { refuse: true, tool: 'dbmate records only the version in schema_migrations, so it would apply one file and count the other as applied' },
  supabase: {
    refuse: true,
    tool: 'the Supabase CLI keys supabase_migrations.schema_migrations on the version: `supabase db push` fails on the second file (duplicate key), and its history can record only one of them'
  },
  numbered: { refuse: false, tool: '' },
  dated: { refuse: false, tool: '' }
}

/**
 * Two migrations with one version. Where the convention's tool keys on the version this
 * refuses the run (its history could not tell them apart, and the Supabase CLI's table
 * would disagree with ours); pgshift's own numbered and dated conventions record each file
 * by its full name and run them in name order, with a warning naming both.
 */
function duplicateVersions(migrations: Migration[], convention: Convention, candidates: Candidate[], problems: SourceProblem[], warnings: SourceWarning[]): void {
  const infoOf = new Map(candidates.map((c) => [c.file, c.info]))
  const seen = new Map<string, Migration>()
  for (const m of migrations) {
    const info = infoOf.get(m.file)
    const key = info ? toolVersion(convention, info) : undefined
    if (key === undefined) continue
    const other = seen.get(key)
    if (!other) {
      seen.set(key, m)
      continue
    }
    const rule = DUPLICATE_VERSION[convention]
    // The Supabase CLI reads only `<digits>_name.sql`: a YYYY-MM-DD_ file has no version in its table.
    if (rule.refuse && !(convention === 'supabase' && !/^\d+$/.test(m.version))) {
      problems.push({
        file: m.file,
        code: 'duplicate-version',
        message: `${m.file} and ${other.file} share version ${m.version}; ${rule.tool}`,
        hint: 'give one of them the next free version (rename the file that is not applied yet)'
      })
    } else {
      const [a, b] = [other, m].sort((x, y) => compareText(x.identity, y.identity))
      const why =
        convention === 'supabase'
          ? 'The Supabase CLI reads only <digits>_name.sql files, so neither is in its history; give each file its own version'
          : 'Tools that key on the version (the Supabase CLI, dbmate, goose, golang-migrate, Flyway) would refuse or skip one of them: give each file its own version'
      warnings.push({
        file: m.file,
        message: `${other.file} and ${m.file} share version ${m.version}; pgshift records each by its full name and runs ${a.identity} before ${b.identity}. ${why}`
      })
    }
  }
}

/** Pairs down and verify files with their up migration; orphans are named (a suffix-named orphan down refuses the run). */
function attachRoleFiles(candidates: Candidate[], migrations: Migration[], convention: Convention, problems: SourceProblem[], warnings: SourceWarning[], eager: boolean): void {
  const byIdentity = new Map(migrations.map((m) => [m.identity, m]))
  // Ups by the version their tool keys on; a version two ups share pairs nothing (already a problem).
  const byVersion = new Map<string, Migration | null>()
  if (KEYED_ON_VERSION.has(convention)) {
    const infoOf = new Map(candidates.map((c) => [c.file, c.info]))
    for (const m of migrations) {
      const info = infoOf.get(m.file)
      const key = info && info.scheme?.shape !== 'flyway-repeatable' ? toolVersion(convention, info) : undefined
      if (key !== undefined) byVersion.set(key, byVersion.has(key) ? null : m)
    }
  }
  const upName = (identity: string) => (convention === 'golang-migrate' ? `${identity}.up.sql` : `${identity}.sql`)
  const roleFiles = candidates.filter((c) => c.info.role !== 'up').sort((a, b) => compareText(a.file, b.file))
  for (const c of roleFiles) {
    const role = c.info.role as 'down' | 'verify'
    const version = toolVersion(convention, c.info)
    const m = byIdentity.get(c.info.identity) ?? (version !== undefined ? byVersion.get(version) : undefined) ?? undefined
    if (!m) {
      // A name suffix (_rollback, .down) on a file with no up may be a forward migration whose name
      // happens to end that way (007_add_rollback.sql): never skip it silently.
      const bySuffix = role === 'down' && c.info.roleMarker !== undefined && !c.info.roleMarker.endsWith('/') && c.info.scheme !== undefined
      if (bySuffix) {
        problems.push({
          file: c.file,
          code: 'orphan-down',
          message: `${c.file} is named like the down script of ${c.info.identity} (${c.info.roleMarker}), but there is no migration ${c.info.identity}`,
          hint: `if it is a migration, rename it so it does not end in ${c.info.roleMarker}; if it is a down script, add its up ${upName(c.info.identity)} or delete it`
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
    const source: ScriptSource = { file: c.file, fileText: c.text, offset: 0, text: c.text, role }
    m.scriptFiles[role] = c.file
    const parse = optionalParser(source, problems, undefined, role === 'down' ? { migration: m.identity } : undefined)
    let warned = false
    defineLazy(m, role, () => {
      const script = parse()
      if (!script && !warned) warnings.push({ file: c.file, message: `${c.file} holds no SQL statements; ${m.identity} has no ${role} script` })
      warned = true
      return script
    })
    if (eager) void m[role]
  }
}
