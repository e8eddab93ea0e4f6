import { detectConvention, fits, parseFileName, parseScheme } from '../../src/source/conventions.js'
import { compareDigits, compareMigrationOrder, compareOrderKeys } from '../../src/source/order.js'

const pick = (path: string) => {
  const i = parseFileName(path)
  return { role: i.role, identity: i.identity, shape: i.scheme?.shape, version: i.scheme?.version, name: i.scheme?.name, kind: i.scheme?.kind, key: i.scheme?.orderKey }
}

describe('naming schemes', () => {
  test.each([
    ['20250115000000_service_catalog.sql', 'up', '20250115000000_service_catalog', 'timestamp', '20250115000000', 'service_catalog', ['20250115000000']],
    ['20250115_persona_agent_creation.sql', 'up', '20250115_persona_agent_creation', 'date', '20250115', 'persona_agent_creation', ['20250115000000']],
    ['20260123_sovereign_memory.sql', 'up', '20260123_sovereign_memory', 'date', '20260123', 'sovereign_memory', ['20260123000000']],
    ['2025-09-08_geometry_bus.sql', 'up', '2025-09-08_geometry_bus', 'dashed-date', '2025-09-08', 'geometry_bus', ['20250908000000']],
    ['001_initial_schema.sql', 'up', '001_initial_schema', 'number', '001', 'initial_schema', ['1']],
    ['01_create_event_sourcing_tables.sql', 'up', '01_create_event_sourcing_tables', 'number', '01', 'create_event_sourcing_tables', ['1']],
    ['1_init.sql', 'up', '1_init', 'number', '1', 'init', ['1']],
    ['V1.2__add_users.sql', 'up', 'V1.2__add_users', 'flyway-versioned', '1.2', 'add_users', ['1', '2']],
    ['V1_10__more.sql', 'up', 'V1_10__more', 'flyway-versioned', '1_10', 'more', ['1', '10']],
    ['V2.0__x.sql', 'up', 'V2.0__x', 'flyway-versioned', '2.0', 'x', ['2']],
    ['R__views.sql', 'up', 'R__views', 'flyway-repeatable', '', 'views', []],
    ['U1.2__add_users.sql', 'down', 'U1.2__add_users', 'flyway-undo', '1.2', 'add_users', ['1', '2']],
    ['3_add_index.up.sql', 'up', '3_add_index', 'number', '3', 'add_index', ['3']],
    ['3_add_index.down.sql', 'down', '3_add_index', 'number', '3', 'add_index', ['3']],
    ['005_add_compressed_twin_rollback.sql', 'down', '005_add_compressed_twin', 'number', '005', 'add_compressed_twin', ['5']],
    ['005_x.rollback.sql', 'down', '005_x', 'number', '005', 'x', ['5']],
    ['down/005_x.sql', 'down', '005_x', 'number', '005', 'x', ['5']],
    ['revert/005_x.sql', 'down', '005_x', 'number', '005', 'x', ['5']],
    ['005_x.verify.sql', 'verify', '005_x', 'number', '005', 'x', ['5']],
    ['verify/005_x.sql', 'verify', '005_x', 'number', '005', 'x', ['5']],
    ['005_X.SQL', 'up', '005_X', 'number', '005', 'X', ['5']]
  ])('%s', (path, role, identity, shape, version, name, parts) => {
    const p = pick(path)
    expect([p.role, p.identity, p.shape, p.version, p.name]).toEqual([role, identity, shape, version, name])
    expect(p.key?.parts).toEqual(parts)
    expect(p.key?.group).toBe(shape === 'flyway-repeatable' ? 1 : 0)
  })

  test.each(['seed.sql', 'create_users.sql', '001.sql', '001_.sql', 'v1__lower.sql', 'V1_x.sql', 'schema-2025.sql'])('%s fits no scheme', (path) => {
    expect(parseFileName(path).scheme).toBeUndefined()
    expect(parseFileName(path).role).toBe('up')
  })

  test('an impossible date is a plain number', () => {
    expect(pick('20251399_x.sql').shape).toBe('number')
    expect(pick('20250230_x.sql').shape).toBe('number')
    expect(pick('20250115250000_x.sql').shape).toBe('number')
    expect(pick('12345678_x.sql').shape).toBe('number')
    expect(pick('2025-02-30_x.sql').shape).toBeUndefined()
  })
})

describe('order keys (DESIGN 5)', () => {
  const sorted = (names: string[]) =>
    names
      .map((n) => ({ identity: parseFileName(n).identity, orderKey: parseFileName(n).scheme!.orderKey }))
      .sort(compareMigrationOrder)
      .map((m) => m.identity)

  test('9_ runs before 100_ (numbers, not text)', () => {
    expect(sorted(['100_c.sql', '9_b.sql', '10_x.sql', '1_a.sql'])).toEqual(['1_a', '9_b', '10_x', '100_c'])
  })

  test('flyway: numeric versions, then repeatables by name', () => {
    expect(sorted(['R__b_views.sql', 'V1.10__c.sql', 'R__a_funcs.sql', 'V1.2__b.sql', 'V2__d.sql', 'V1__a.sql'])).toEqual([
      'V1__a',
      'V1.2__b',
      'V1.10__c',
      'V2__d',
      'R__a_funcs',
      'R__b_views'
    ])
  })

  test('2025-12-10_x and 20251105_y sort as the dates they are, with 14-digit stamps among them', () => {
    expect(sorted(['2025-12-10_x.sql', '20251105_y.sql', '20251201093000_z.sql', '2025-01-02_w.sql'])).toEqual([
      '2025-01-02_w',
      '20251105_y',
      '20251201093000_z',
      '2025-12-10_x'
    ])
  })

  test('equal keys break on identity: 004_learning_privacy before 004_storage_buckets', () => {
    expect(sorted(['004_storage_buckets.sql', '005_a.sql', '004_learning_privacy.sql', '003_z.sql'])).toEqual([
      '003_z',
      '004_learning_privacy',
      '004_storage_buckets',
      '005_a'
    ])
  })

  test('seed 002: same-day date and timestamp tie on the instant and then order by name', () => {
    expect(sorted(['20250115_persona_agent_creation.sql', '20250115000000_service_catalog.sql', '2025-09-08_geometry_bus.sql'])).toEqual([
      '20250115000000_service_catalog',
      '20250115_persona_agent_creation',
      '2025-09-08_geometry_bus'
    ])
  })

  test('digit comparison is exact beyond 2^53', () => {
    expect(compareDigits('90071992547409931', '90071992547409930')).toBe(1)
    expect(compareDigits('0009', '9')).toBe(0)
    expect(compareDigits('9', '100')).toBe(-1)
    expect(compareOrderKeys({ group: 0, parts: ['1', '2'] }, { group: 0, parts: ['1', '2', '1'] })).toBeLessThan(0)
    expect(compareOrderKeys({ group: 1, parts: [] }, { group: 0, parts: ['99'] })).toBeGreaterThan(0)
  })
})

describe('fits', () => {
  const f = (name: string) => parseFileName(name)
  test('explicit conventions accept only their shapes', () => {
    expect(fits(f('001_a.sql'), 'dated', false)).toBe(false)
    expect(fits(f('2025-01-01_a.sql'), 'dated', false)).toBe(true)
    expect(fits(f('2025-01-01_a.sql'), 'numbered', false)).toBe(false)
    expect(fits(f('V1__a.sql'), 'numbered', false)).toBe(false)
    expect(fits(f('001_a.sql'), 'flyway', false)).toBe(false)
    expect(fits(f('1_a.sql'), 'golang-migrate', false)).toBe(false)
    expect(fits(f('1_a.up.sql'), 'golang-migrate', false)).toBe(true)
    expect(fits(f('2025-01-01_a.sql'), 'supabase', false)).toBe(true)
    expect(fits(f('seed.sql'), 'supabase', true)).toBe(false)
  })
})

describe('detectConvention', () => {
  const infos = (names: string[]) => names.map((n) => parseFileName(n))
  const none = { dbmate: 0, goose: 0 }

  test('the supabase/migrations directory means supabase', () => {
    expect(detectConvention('supabase/migrations', infos(['2025-09-08_a.sql', '20250115_b.sql']), none)).toEqual({
      convention: 'supabase',
      note: 'auto: detected supabase (directory supabase/migrations, 2 migration files)'
    })
  })

  test('flyway, golang-migrate, dbmate, goose, dated, numbered', () => {
    expect(detectConvention('db', infos(['V1__a.sql', 'V2__b.sql', 'R__c.sql']), none).convention).toBe('flyway')
    expect(detectConvention('db', infos(['1_a.up.sql', '1_a.down.sql', '2_b.up.sql']), none)).toEqual({
      convention: 'golang-migrate',
      note: 'auto: detected golang-migrate (2 files named N_name.up.sql)'
    })
    expect(detectConvention('db', infos(['20240101000000_a.sql']), { dbmate: 1, goose: 0 }).convention).toBe('dbmate')
    expect(detectConvention('db', infos(['00001_a.sql']), { dbmate: 0, goose: 1 }).convention).toBe('goose')
    expect(detectConvention('db', infos(['2025-12-10_x.sql', '20251105_y.sql', '20250115000000_z.sql']), none)).toEqual({
      convention: 'dated',
      note: 'auto: detected dated (3 files named YYYYMMDD[hhmmss]_name.sql / YYYY-MM-DD_name.sql)'
    })
    expect(detectConvention('migrations', infos(['01_a.sql', '02_b.sql']), none)).toEqual({
      convention: 'numbered',
      note: 'auto: detected numbered (2 files named 001_name.sql)'
    })
    expect(detectConvention('migrations', [], none).convention).toBe('numbered')
  })
})

test('12-digit YYYYMMDDhhmm names sort as instants among other date shapes', () => {
  const names = ['202502011200_feb', '2025-01-15_jan15', '20250115000000_x', '20250116_jan16']
  const sorted = [...names].sort((a, b) => compareOrderKeys(parseScheme(a)!.orderKey, parseScheme(b)!.orderKey) || a.localeCompare(b))
  expect(sorted).toEqual(['2025-01-15_jan15', '20250115000000_x', '20250116_jan16', '202502011200_feb'])
  expect(parseScheme('202502011200_feb')?.shape).toBe('timestamp')
})
