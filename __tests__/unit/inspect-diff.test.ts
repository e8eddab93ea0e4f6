// diffSnapshots on hand-made snapshots: added / removed / changed, sorted by
// object, with a short detail per changed field.
import { describeChange, diffSnapshots } from '../../src/inspect/diff.js'
import { formatDefinition, objectKind, parseDefinition, type Snapshot } from '../../src/inspect/snapshot.js'

const snap = (objects: Record<string, Record<string, unknown> | string>): Snapshot => ({
  objects: Object.fromEntries(
    Object.entries(objects).map(([k, v]) => [k, typeof v === 'string' ? v : formatDefinition(v)])
  )
})

describe('diffSnapshots', () => {
  test('equal snapshots have no difference; empty ones neither', () => {
    const s = snap({ 'table public.users': { kind: 'table' }, 'column public.users.id': { type: 'bigint', nullable: 'no' } })
    expect(diffSnapshots(s, s)).toEqual([])
    expect(diffSnapshots(snap({}), snap({}))).toEqual([])
  })

  test('added, removed and changed, sorted by object key (code-unit order)', () => {
    const before = snap({
      'table public.users': { kind: 'table' },
      'index public.users_email_key': { definition: 'CREATE UNIQUE INDEX users_email_key ON public.users USING btree (email)', valid: 'yes' },
      'column public.users.id': { type: 'integer', nullable: 'no' },
      'column public.users.Zeta': { type: 'text', nullable: 'yes' }
    })
    const after = snap({
      'table public.users': { kind: 'table' },
      'column public.users.id': { type: 'bigint', nullable: 'no' },
      'column public.users.email': { type: 'text', nullable: 'yes' },
      'column public.users.Zeta': { type: 'text', nullable: 'yes' },
      'policy public.users.p_read': { command: 'SELECT', as: 'PERMISSIVE', roles: ['authenticated'], using: 'true' }
    })
    expect(diffSnapshots(before, after)).toEqual([
      { object: 'column public.users.email', change: 'added' },
      { object: 'column public.users.id', change: 'changed', detail: 'type: integer -> bigint' },
      { object: 'index public.users_email_key', change: 'removed' },
      { object: 'policy public.users.p_read', change: 'added' }
    ])
    // and the other way round
    expect(diffSnapshots(after, before).map((d) => [d.object, d.change])).toEqual([
      ['column public.users.email', 'removed'],
      ['column public.users.id', 'changed'],
      ['index public.users_email_key', 'added'],
      ['policy public.users.p_read', 'removed']
    ])
  })

  test('the result does not depend on the order the snapshots list their keys', () => {
    const a = { objects: { 'b x': '{}', 'a x': '{}' } }
    const b = { objects: { 'c x': '{}', 'a x': '{"kind":"table"}' } }
    expect(diffSnapshots(a, b).map((d) => d.object)).toEqual(['a x', 'b x', 'c x'])
  })
})

describe('the detail of a change', () => {
  const change = (x: Record<string, unknown>, y: Record<string, unknown>) => describeChange(formatDefinition(x), formatDefinition(y))

  test('a field that appears or disappears reads (none)', () => {
    expect(change({ type: 'timestamptz', default: 'now()' }, { type: 'timestamptz' })).toBe('default: now() -> (none)')
    expect(change({ type: 'bigint' }, { type: 'bigint', identity: 'always' })).toBe('identity: (none) -> always')
  })

  test('several fields, in definition order, joined with "; "', () => {
    expect(change({ type: 'integer', nullable: 'yes' }, { type: 'bigint', nullable: 'no', default: '0' })).toBe(
      'type: integer -> bigint; nullable: yes -> no; default: (none) -> 0'
    )
    expect(change({ with_check: 'true', field_x: '1' }, { field_x: '2', with_check: 'false' })).toBe(
      'with check: true -> false; field x: 1 -> 2'
    )
  })

  test('a function body is only ever "body changed"', () => {
    expect(change({ language: 'plpgsql', body: 'aaa' }, { language: 'plpgsql', body: 'bbb' })).toBe('body changed')
    expect(change({ language: 'sql', body: 'aaa' }, { language: 'plpgsql', body: 'bbb' })).toBe('language: sql -> plpgsql; body changed')
  })

  test('long values are not quoted: "definition changed"', () => {
    const long = `SELECT ${'x, '.repeat(40)}y FROM public.t;`
    expect(change({ definition: long }, { definition: long.replace('y', 'z') })).toBe('definition changed')
    expect(change({ definition: 'CHECK ((a > 0))' }, { definition: 'CHECK ((a > 1))' })).toBe(
      'definition: CHECK ((a > 0)) -> CHECK ((a > 1))'
    )
  })

  test('lists: what was added (+) and removed (-); a reorder says so', () => {
    expect(change({ privileges: ['DELETE', 'SELECT', 'UPDATE'] }, { privileges: ['SELECT', 'UPDATE'] })).toBe('privileges: -DELETE')
    expect(change({ roles: ['authenticated'] }, { roles: ['anon', 'service_role'] })).toBe(
      'roles: +anon, +service_role, -authenticated'
    )
    expect(change({ labels: ['happy', 'sad'] }, { labels: ['happy', 'sad', 'meh'] })).toBe('labels: +meh')
    expect(change({ labels: ['happy', 'sad'] }, { labels: ['sad', 'happy'] })).toBe('labels: order changed')
    expect(change({ type: 'text' }, { type: 'text', config: ['search_path=""'] })).toBe('config: +search_path=""')
  })

  test('plain-text definitions: short ones are quoted, long ones are not', () => {
    expect(describeChange('integer', 'bigint')).toBe('integer -> bigint')
    expect(describeChange('x'.repeat(100), 'y'.repeat(100))).toBe('definition changed')
    expect(describeChange('{not json', '{"kind":"table"}')).toBe('definition changed')
  })

  test('same fields and values written differently: "definition changed"', () => {
    expect(describeChange('{"kind":"table","persistence":"unlogged"}', '{"persistence":"unlogged","kind":"table"}')).toBe(
      'definition changed'
    )
  })
})

describe('definitions', () => {
  test('formatDefinition drops empty fields and orders the rest; parseDefinition reads it back', () => {
    const text = formatDefinition({ zeta: 'z', default: null, type: 'text', options: [], nullable: 'no', roles: ['b', 'a'] })
    expect(text).toBe('{"type":"text","nullable":"no","roles":["b","a"],"zeta":"z"}')
    expect(parseDefinition(text)).toEqual({ type: 'text', nullable: 'no', roles: ['b', 'a'], zeta: 'z' })
    expect(parseDefinition('not json')).toBeUndefined()
    expect(parseDefinition('[1]')).toBeUndefined()
  })

  test('objectKind is the key up to the first space', () => {
    expect(objectKind('publication-member supabase_realtime public.hpp_status')).toBe('publication-member')
    expect(objectKind('grant schema public anon')).toBe('grant')
    expect(objectKind('odd')).toBe('odd')
  })
})
