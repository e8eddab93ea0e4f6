// Deterministic generator of a realistic migration set: `NNNNN_name.sql` with a
// `NNNNN_name.down.sql` for each (the numbered convention). Same seed and N, same
// bytes. Every object a file creates depends only on objects of earlier files, so
// every prefix of the set applies, and the downs undo the files newest first.
//
// What a file holds is mixed the way long-lived sets are: mostly new tables (FKs,
// defaults, CHECKs, indexes, comments, sometimes RLS with policies), then columns
// added to older tables, plpgsql functions (dollar quotes, nested tags, `;` and
// `$$` inside strings and comments), triggers, views, enums, seed inserts, data
// updates and DO blocks.
//
//   node bench/generate.mjs <dir> <n> [seed]
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** mulberry32: a tiny seeded PRNG, good enough to pick shapes. */
export function prng(seed) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
    /** Picks a key of `weights` ({key: weight}). */
    weighted(weights) {
      const entries = Object.entries(weights)
      let r = next() * entries.reduce((s, [, w]) => s + w, 0)
      for (const [k, w] of entries) {
        r -= w
        if (r < 0) return k
      }
      return entries[entries.length - 1][0]
    }
  }
}

const NOUNS = [
  'accounts', 'orders', 'invoices', 'customers', 'products', 'payments', 'shipments', 'addresses', 'subscriptions', 'plans',
  'coupons', 'carts', 'reviews', 'tickets', 'messages', 'teams', 'members', 'projects', 'tasks', 'comments',
  'attachments', 'events', 'sessions', 'devices', 'notifications', 'audit_entries', 'webhooks', 'api_keys', 'refunds', 'warehouses',
  'suppliers', 'courses', 'lessons', 'enrollments', 'quizzes', 'bookings', 'rooms', 'venues', 'tags', 'categories'
]
const EXTRA_COLUMNS = [
  ['email', "text NOT NULL DEFAULT ''"],
  ['external_ref', 'text'],
  ['quantity', 'integer NOT NULL DEFAULT 1 CHECK (quantity >= 0)'],
  ['is_public', 'boolean NOT NULL DEFAULT false'],
  ['due_on', "date DEFAULT (current_date + 30)"],
  ['public_id', 'uuid NOT NULL DEFAULT gen_random_uuid()'],
  ['currency', "char(3) NOT NULL DEFAULT 'EUR'"],
  ['score', 'double precision'],
  ['tags', "text[] NOT NULL DEFAULT '{}'"],
  ['deleted_at', 'timestamptz']
]
const WORDS = ['alpha', 'bravo', 'north', 'south', "o'brien", 'delta', 'euro; zone', 'gold', 'silver', 'trial', 'pro', 'legacy', 'beta $$ tier']

const q = (s) => `'${s.replace(/'/g, "''")}'`
const pad = (i) => String(i).padStart(5, '0')

/**
 * The set as [{ file, up, down }] in order. `state` tracks what exists after each
 * file, so later files only reference earlier objects.
 */
export function generateMigrations(n, seed = 1) {
  const r = prng(seed)
  const tables = [] // { name, rls }
  const out = []
  for (let i = 1; i <= n; i++) {
    const id = pad(i)
    const up = []
    const down = [] // in the order the down runs
    let title
    const older = () => (tables.length ? tables[tables.length - 1 - Math.floor(Math.pow(r.next(), 2) * tables.length)] : undefined)
    const kind = tables.length < 3 ? 'table' : r.weighted({ table: 40, rlsTable: 10, column: 12, trigger: 8, func: 8, view: 8, lookup: 5, seedRows: 3, enumType: 3, data: 3 })

    const createTable = (rls) => {
      const noun = r.pick(NOUNS)
      const name = `${noun}_${id}`
      const parent = tables.length && r.chance(0.8) ? older() : undefined
      const cols = [
        'id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
        "owner_id bigint NOT NULL DEFAULT 0",
        `parent_id bigint${parent ? ` REFERENCES public.${parent.name} (id) ON DELETE CASCADE` : ''}`,
        "name text NOT NULL DEFAULT ''",
        "status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived', 'deleted'))",
        'amount numeric(12,2) NOT NULL DEFAULT 0',
        "metadata jsonb NOT NULL DEFAULT '{}'::jsonb"
      ]
      const extras = new Set()
      for (let k = r.int(0, 4); k > 0; k--) extras.add(r.pick(EXTRA_COLUMNS))
      for (const [c, t] of extras) cols.push(`${c} ${t}`)
      cols.push('created_at timestamptz NOT NULL DEFAULT now()', 'updated_at timestamptz NOT NULL DEFAULT now()')
      if (r.chance(0.3)) cols.push(`CONSTRAINT ${name}_owner_name_key UNIQUE (owner_id, name)`)
      up.push(`-- ${noun}: ${r.pick(['one row per', 'tracks each', 'stores every'])} ${noun.replace(/s$/, '')}${parent ? `, owned by a ${parent.name}` : ''}
CREATE TABLE public.${name} (
  ${cols.join(',\n  ')}
);`)
      if (parent) up.push(`CREATE INDEX ${name}_parent_id_idx ON public.${name} (parent_id);`)
      up.push(`CREATE INDEX ${name}_created_at_idx ON public.${name} (created_at DESC);`)
      if (r.chance(0.3)) up.push(`CREATE INDEX ${name}_active_idx ON public.${name} (owner_id, updated_at) WHERE status = 'active';`)
      if (r.chance(0.2)) up.push(`CREATE INDEX ${name}_metadata_idx ON public.${name} USING gin (metadata jsonb_path_ops);`)
      up.push(`COMMENT ON TABLE public.${name} IS ${q(`The ${noun} of the app; rows are soft-deleted (status 'deleted').`)};`)
      if (r.chance(0.5)) up.push(`COMMENT ON COLUMN public.${name}.metadata IS ${q('Free-form; keys are documented in docs/metadata.md; never store secrets here.')};`)
      if (rls) {
        up.push(`ALTER TABLE public.${name} ENABLE ROW LEVEL SECURITY;
CREATE POLICY ${name}_owner_select ON public.${name} FOR SELECT
  USING (owner_id = coalesce(nullif(current_setting('app.user_id', true), ''), '0')::bigint);
CREATE POLICY ${name}_owner_write ON public.${name} FOR INSERT
  WITH CHECK (owner_id = coalesce(nullif(current_setting('app.user_id', true), ''), '0')::bigint AND status <> 'deleted');`)
      }
      down.push(`DROP TABLE public.${name};`)
      tables.push({ name, rls })
      return { noun, name }
    }

    switch (kind) {
      case 'table':
      case 'rlsTable': {
        const t = createTable(kind === 'rlsTable')
        title = `create_${t.noun}`
        break
      }
      case 'column': {
        const t = older()
        const col = `${r.pick(['note', 'source', 'region', 'label', 'channel'])}_${id}`
        up.push(`ALTER TABLE public.${t.name} ADD COLUMN ${col} text NOT NULL DEFAULT ${q(r.pick(WORDS))};`)
        up.push(`CREATE INDEX ${t.name}_${col}_idx ON public.${t.name} (${col});`)
        up.push(`COMMENT ON COLUMN public.${t.name}.${col} IS ${q(`Added in ${id}; backfilled with the default.`)};`)
        down.push(`DROP INDEX public.${t.name}_${col}_idx;`, `ALTER TABLE public.${t.name} DROP COLUMN ${col};`)
        title = `add_${col.replace(/_\d+$/, '')}_to_${t.name.replace(/_\d+$/, '')}`
        break
      }
      case 'trigger': {
        const t = older()
        const fn = `touch_${t.name}_${id}`
        up.push(`CREATE OR REPLACE FUNCTION public.${fn}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- keep updated_at honest; this comment has a ; and a quote ' in it
  NEW.updated_at := now();
  IF NEW.status = 'deleted' AND OLD.status IS DISTINCT FROM 'deleted' THEN
    NEW.metadata := NEW.metadata || jsonb_build_object('deleted_by', current_user);
  END IF;
  RETURN NEW;
END;
$$;`)
        up.push(`CREATE TRIGGER ${fn} BEFORE UPDATE ON public.${t.name}
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION public.${fn}();`)
        down.push(`DROP TRIGGER ${fn} ON public.${t.name};`, `DROP FUNCTION public.${fn}();`)
        title = `touch_trigger_on_${t.name.replace(/_\d+$/, '')}`
        break
      }
      case 'func': {
        const t = older()
        const fn = `total_${t.name}_${id}`
        up.push(`/*
 * ${fn}: the sum of amount over a parent's rows since a date.
 * Body uses a named dollar tag, so a $$ inside it is just text.
 */
CREATE OR REPLACE FUNCTION public.${fn}(p_parent bigint, p_since timestamptz DEFAULT now() - interval '30 days')
RETURNS numeric
LANGUAGE plpgsql STABLE
SECURITY DEFINER SET search_path = public, pg_temp
AS $fn$
DECLARE
  v_total numeric := 0;
  v_row record;
BEGIN
  FOR v_row IN SELECT amount FROM public.${t.name} WHERE parent_id = p_parent AND created_at >= p_since LOOP
    v_total := v_total + coalesce(v_row.amount, 0); -- ; inside a comment
  END LOOP;
  IF v_total < 0 THEN
    RAISE EXCEPTION 'negative total for %: % ($$ is not a delimiter here; neither is ;)', p_parent, v_total
      USING HINT = 'check refunds';
  END IF;
  RETURN v_total;
END;
$fn$;`)
        up.push(`COMMENT ON FUNCTION public.${fn}(bigint, timestamptz) IS ${q(`Used by the ${t.name} report.`)};`)
        up.push(`REVOKE ALL ON FUNCTION public.${fn}(bigint, timestamptz) FROM PUBLIC;`)
        down.push(`DROP FUNCTION public.${fn}(bigint, timestamptz);`)
        title = `function_total_${t.name.replace(/_\d+$/, '')}`
        break
      }
      case 'view': {
        const t = older()
        const v = `${t.name}_overview_${id}`
        up.push(`CREATE OR REPLACE VIEW public.${v}${r.chance(0.5) ? ' WITH (security_invoker = true)' : ''} AS
SELECT c.id, c.name, c.status, c.amount, c.parent_id, c.created_at,
       count(*) OVER (PARTITION BY c.owner_id) AS owner_rows
  FROM public.${t.name} c
 WHERE c.status <> 'deleted';`)
        up.push(`COMMENT ON VIEW public.${v} IS ${q(`Live ${t.name}; excludes soft-deleted rows.`)};`)
        down.push(`DROP VIEW public.${v};`)
        title = `view_${t.name.replace(/_\d+$/, '')}_overview`
        break
      }
      case 'lookup': {
        const name = `${r.pick(['status', 'country', 'currency', 'role', 'reason'])}_codes_${id}`
        up.push(`CREATE TABLE public.${name} (
  code text PRIMARY KEY,
  label text NOT NULL,
  sort_order integer NOT NULL DEFAULT 0,
  active boolean NOT NULL DEFAULT true
);`)
        const rows = []
        for (let k = 0, m = r.int(5, 25); k < m; k++) rows.push(`  (${q(`c${k}`)}, ${q(`${r.pick(WORDS)} ${k}`)}, ${k * 10}, ${r.chance(0.9)})`)
        up.push(`INSERT INTO public.${name} (code, label, sort_order, active) VALUES\n${rows.join(',\n')};`)
        down.push(`DROP TABLE public.${name};`)
        title = `seed_${name.replace(/_\d+$/, '')}`
        break
      }
      case 'seedRows': {
        const t = older()
        const rows = []
        for (let k = 0, m = r.int(3, 12); k < m; k++) {
          rows.push(`  (${q(`${r.pick(WORDS)} ${id}-${k}`)}, ${q(r.pick(['active', 'archived']))}, ${r.int(0, 99999) / 100}, '{"seed": "${id}"}')`)
        }
        up.push(`INSERT INTO public.${t.name} (name, status, amount, metadata) VALUES\n${rows.join(',\n')};`)
        down.push(`DELETE FROM public.${t.name} WHERE metadata ->> 'seed' = '${id}';`)
        title = `seed_${t.name.replace(/_\d+$/, '')}`
        break
      }
      case 'enumType': {
        const t = older()
        const ty = `priority_${id}`
        up.push(`CREATE TYPE public.${ty} AS ENUM ('low', 'normal', 'high', 'urgent');`)
        up.push(`ALTER TABLE public.${t.name} ADD COLUMN ${ty} public.${ty} NOT NULL DEFAULT 'normal';`)
        down.push(`ALTER TABLE public.${t.name} DROP COLUMN ${ty};`, `DROP TYPE public.${ty};`)
        title = `priority_on_${t.name.replace(/_\d+$/, '')}`
        break
      }
      case 'data': {
        const t = older()
        up.push(`-- data migration: mark active rows as migrated (idempotent)
UPDATE public.${t.name}
   SET metadata = metadata || jsonb_build_object('m${id}', true)
 WHERE status = 'active' AND NOT metadata ? 'm${id}';`)
        down.push(`UPDATE public.${t.name} SET metadata = metadata - 'm${id}' WHERE metadata ? 'm${id}';`)
        title = `backfill_${t.name.replace(/_\d+$/, '')}`
        break
      }
    }
    // Secondary pieces, as real files bundle a change with its follow-ups.
    if (kind !== 'table' && kind !== 'rlsTable' && tables.length && r.chance(0.15)) {
      const t = older()
      const idx = `${t.name}_upd_${id}_idx`
      up.push(`CREATE INDEX IF NOT EXISTS ${idx} ON public.${t.name} (updated_at);`)
      down.unshift(`DROP INDEX IF EXISTS public.${idx};`)
    }
    if (r.chance(0.1)) {
      up.push(`DO $do$
BEGIN
  IF current_setting('server_version_num')::int < 150000 THEN
    RAISE EXCEPTION 'needs PostgreSQL 15 or newer';
  END IF;
END
$do$;`)
    }
    const file = `${id}_${title}`
    const header = `-- ${file}.sql\n-- migration ${i} of ${n} (bench/generate.mjs, seed ${seed})\n\n`
    out.push({ file, up: `${header}${up.join('\n\n')}\n`, down: `-- ${file}.down.sql: undoes ${file}\n\n${down.join('\n')}\n` })
  }
  return out
}

/** Writes the set into `dir` (emptied first) and `all.sql` (every up, concatenated) beside it. */
export function writeMigrations(dir, n, seed = 1, allSqlPath = join(dir, '..', 'all.sql')) {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const set = generateMigrations(n, seed)
  for (const m of set) {
    writeFileSync(join(dir, `${m.file}.sql`), m.up)
    writeFileSync(join(dir, `${m.file}.down.sql`), m.down)
  }
  writeFileSync(allSqlPath, set.map((m) => m.up).join('\n'))
  return { files: set.map((m) => `${m.file}.sql`), bytes: set.reduce((s, m) => s + Buffer.byteLength(m.up) + Buffer.byteLength(m.down), 0), allSqlPath }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, n, seed] = process.argv.slice(2)
  if (!dir || !n) {
    console.error('usage: node bench/generate.mjs <dir> <n> [seed]')
    process.exit(64)
  }
  const w = writeMigrations(dir, Number(n), Number(seed ?? 1))
  console.log(`${w.files.length} migrations (+ downs) in ${dir}, ${(w.bytes / 1024).toFixed(0)} KiB; all ups in ${w.allSqlPath}; ${readdirSync(dir).length} files`)
}
