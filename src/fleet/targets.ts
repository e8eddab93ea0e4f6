// The targets file (pgshift.targets.yml): which databases and tenant-schema sets
// one migration set rolls out to, in which wave. It names where each URL comes
// from (a secret or an environment variable), never a URL. One zod schema
// validates it; every error names the file, the target and the field.
import { readFileSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import { parseDocument } from 'yaml'
import { z } from 'zod'

/** Safe as a matrix value, an artifact name (`pgshift-fleet-<name>`) and a file name. */
export const TARGET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/
/** GitHub's rule for secret names (and a portable environment variable name). */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/
export const MAX_WAVE = 99
export const MAX_CONCURRENCY = 32

const schemaName = z
  .string()
  .min(1, 'a schema name is 1 to 63 characters')
  .max(63, 'a schema name is 1 to 63 characters')
  .refine((s) => !s.includes('\0'), 'a schema name holds no NUL character')

const schemaSet = z
  .strictObject({
    /** Read-only SQL whose first column holds the schema names, e.g. `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\_%'`. */
    query: z.string().trim().min(1, 'expected a SELECT whose first column is the schema name').optional(),
    list: z.array(schemaName).min(1, 'expected at least one schema name').optional(),
    /** How many schemas migrate at once, each with its own two connections (migration and lock). */
    concurrency: z.int('expected a whole number').min(1, `expected a whole number from 1 to ${MAX_CONCURRENCY}`).max(MAX_CONCURRENCY, `expected a whole number from 1 to ${MAX_CONCURRENCY}`).default(4),
    /** Stop starting schemas after the first failure (the ones running finish). */
    'fail-fast': z.boolean('expected true or false').default(true),
    /** The search_path of each schema's run; `{schema}` stands for the schema. */
    'search-path': z.array(z.string().min(1)).min(1).default(['{schema}'])
  })
  .refine((s) => (s.query === undefined) !== (s.list === undefined), { message: 'give either query or list (one, not both)' })

const target = z
  .strictObject({
    name: z.string('expected a name').regex(TARGET_NAME, "expected letters, digits, '.', '_' or '-' (up to 100, starting with a letter or digit), e.g. eu-west-1"),
    secret: z.string().regex(VARIABLE_NAME, 'expected the name of a repository or environment secret, e.g. DATABASE_URL_EU (a URL never goes in this file)').optional(),
    env: z.string().regex(VARIABLE_NAME, 'expected the name of an environment variable, e.g. DATABASE_URL_EU (a URL never goes in this file)').optional(),
    wave: z.int('expected a whole number').min(0, `expected a whole number from 0 to ${MAX_WAVE}`).max(MAX_WAVE, `expected a whole number from 0 to ${MAX_WAVE}`).default(1),
    labels: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,50}$/, 'label names are letters, digits, _ or -'), z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({}),
    schemas: schemaSet.optional()
  })
  .refine((t) => (t.secret === undefined) !== (t.env === undefined), { message: 'give either secret or env (where the URL comes from), one, not both' })

const targetsFile = z.strictObject({
  version: z.literal(1, 'expected 1').default(1),
  targets: z.array(target, 'expected a list of targets').min(1, 'expected at least one target')
})

export type Target = z.output<typeof target>
export type SchemaSet = z.output<typeof schemaSet>
export interface Fleet {
  /** The file, as the user named it (relative to the workspace). */
  file: string
  targets: Target[]
}

export class TargetsError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[]
  ) {
    super(problems.length === 1 ? `${file}: ${problems[0]}` : `${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'TargetsError'
  }
}

/** `targets[3] (tenants): schemas.concurrency`, from a zod path and the raw document. */
function where(path: readonly PropertyKey[], raw: unknown): string {
  if (path[0] !== 'targets' || typeof path[1] !== 'number') return path.length ? path.map(String).join('.') : '(top level)'
  const item = (raw as { targets?: unknown[] } | null)?.targets?.[path[1]] as { name?: unknown } | undefined
  const name = typeof item?.name === 'string' && item.name ? ` (${item.name})` : ''
  const field = path.slice(2).map(String).join('.')
  return `targets[${path[1]}]${name}${field ? `: ${field}` : ''}`
}

/** Validates parsed YAML; throws TargetsError naming every bad target and field. */
export function validateTargets(raw: unknown, file: string): Fleet {
  const parsed = targetsFile.safeParse(raw)
  if (!parsed.success) {
    throw new TargetsError(
      file,
      parsed.error.issues.map((i) => {
        const unknownKeys = i.code === 'unrecognized_keys' ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}` : undefined
        return `${where(i.path, raw)}: ${unknownKeys ?? i.message}`
      })
    )
  }
  const problems: string[] = []
  const seen = new Map<string, number>()
  parsed.data.targets.forEach((t, i) => {
    const first = seen.get(t.name.toLowerCase())
    // Artifact names are case-insensitive: two names that differ in case would collide.
    if (first !== undefined) problems.push(`targets[${i}] (${t.name}): name: already used by targets[${first}]; each target needs its own name (it names the leg's artifact)`)
    else seen.set(t.name.toLowerCase(), i)
  })
  const waves = new Set(parsed.data.targets.map((t) => t.wave))
  if (!waves.has(0)) {
    problems.push('wave: no target is in wave 0, the canaries; give at least one target `wave: 0`, so a bad migration stops there before it reaches the others')
  }
  const top = Math.max(...waves)
  for (let w = 0; w < top; w++) {
    if (!waves.has(w)) problems.push(`wave: no target is in wave ${w}, but wave ${top} has targets; number the waves 0, 1, 2... without gaps (each wave is one job of the workflow)`)
  }
  if (problems.length) throw new TargetsError(file, problems)
  return { file, targets: parsed.data.targets }
}

/** Reads and validates the targets file. A missing file or a YAML error is a TargetsError too. */
export function loadTargets(workspace: string, file: string): Fleet {
  const path = isAbsolute(file) ? file : join(workspace, file)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new TargetsError(file, [code === 'ENOENT' ? 'not found; create it (see docs/fleet.md) or point the targets-file input at it' : `cannot be read: ${(e as Error).message}`])
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true })
  if (doc.errors.length) throw new TargetsError(file, doc.errors.map((e) => `line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`))
  return validateTargets(doc.toJS(), file)
}

export function findTarget(fleet: Fleet, name: string): Target {
  const t = fleet.targets.find((x) => x.name === name)
  if (!t) {
    const names = fleet.targets.map((x) => x.name)
    throw new TargetsError(fleet.file, [`fleet-target: '${name}' is not a target of this file; it has ${names.length > 10 ? `${names.slice(0, 10).join(', ')} and ${names.length - 10} more` : names.join(', ')}`])
  }
  return t
}

/** The waves in order, each with its targets in file order. */
export function waves(fleet: Fleet): { wave: number; targets: Target[] }[] {
  const byWave = new Map<number, Target[]>()
  for (const t of fleet.targets) byWave.set(t.wave, [...(byWave.get(t.wave) ?? []), t])
  return [...byWave.entries()].sort(([a], [b]) => a - b).map(([wave, targets]) => ({ wave, targets }))
}
