// Supabase pooler and network guidance from the URL alone: the transaction pooler
// (pooler.supabase.com:6543, port 6543, pgbouncer=true) is refused with the
// session-pooler URL; an IPv6-only direct host gets a warning on GitHub-hosted runners.
import { ConnectionError, parseDatabaseUrl, sessionPoolerUrl, supabaseNetworkWarnings } from '../../src/db/url.js'

const REF = 'abcdefghijklmnopqrst'

function refusal(url: string): ConnectionError {
  try {
    parseDatabaseUrl(url)
  } catch (e) {
    expect(e).toBeInstanceOf(ConnectionError)
    return e as ConnectionError
  }
  throw new Error(`expected ${url.replace(/:[^:@/]*@/, ':***@')} to be refused`)
}

describe('the session-pooler URL form', () => {
  test.each([
    ['a pooler URL keeps its user, host and database', `postgres://postgres.${REF}:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres`, `postgres://postgres.${REF}:***@aws-0-eu-central-1.pooler.supabase.com:5432/postgres`],
    ['a pooler URL with the plain user gets postgres.<ref>', 'postgres://postgres:pw@aws-0-us-east-1.pooler.supabase.com:6543/postgres', 'postgres://postgres.<ref>:***@aws-0-us-east-1.pooler.supabase.com:5432/postgres'],
    ['a newer aws-1 pooler host is kept', `postgres://postgres.${REF}:pw@aws-1-ap-south-1.pooler.supabase.com:6543/postgres?pgbouncer=true`, `postgres://postgres.${REF}:***@aws-1-ap-south-1.pooler.supabase.com:5432/postgres`],
    ['port 6543 elsewhere gets the placeholders', 'postgres://app:pw@pgbouncer.internal:6543/app', 'postgres://postgres.<ref>:***@aws-0-<region>.pooler.supabase.com:5432/postgres']
  ])('%s', (_what, url, expected) => {
    const err = refusal(url)
    expect(err.code).toBe('transaction-pooler')
    expect(err.next).toContain(expected)
    expect(err.next).not.toContain(':pw@')
  })

  test('a direct host gives the ref and leaves the region to the dashboard', () => {
    const t = parseDatabaseUrl(`postgres://postgres:pw@db.${REF}.supabase.co:5432/postgres`)
    expect(sessionPoolerUrl(t)).toBe(`postgres://postgres.${REF}:***@aws-0-<region>.pooler.supabase.com:5432/postgres`)
  })

  test('pgbouncer=true on the session port is still refused, with the fix to drop it', () => {
    const err = refusal(`postgres://postgres.${REF}:pw@aws-0-eu-west-2.pooler.supabase.com:5432/postgres?pgbouncer=true`)
    expect(err.message).toMatch(/pgbouncer=true marks a transaction-mode pooler/)
    expect(err.next).toContain(`postgres://postgres.${REF}:***@aws-0-eu-west-2.pooler.supabase.com:5432/postgres`)
    expect(err.next).toMatch(/drop pgbouncer=true/)
  })

  test('the session pooler itself is accepted', () => {
    const t = parseDatabaseUrl(`postgres://postgres.${REF}:pw@aws-0-eu-central-1.pooler.supabase.com:5432/postgres`)
    expect(t.isSupabasePooler).toBe(true)
    expect(supabaseNetworkWarnings(t, { GITHUB_ACTIONS: 'true' })).toEqual([])
  })
})

describe('an IPv6-only direct host', () => {
  const direct = () => parseDatabaseUrl(`postgres://postgres:pw@db.${REF}.supabase.co:5432/postgres`)

  test('warns on a GitHub-hosted runner, with the session-pooler URL', () => {
    const [w, ...rest] = supabaseNetworkWarnings(direct(), { GITHUB_ACTIONS: 'true', RUNNER_ENVIRONMENT: 'github-hosted' })
    expect(rest).toEqual([])
    expect(w).toMatch(/only an IPv6 address/)
    expect(w).toMatch(/ENETUNREACH/)
    expect(w).toContain(`postgres://postgres.${REF}:***@aws-0-<region>.pooler.supabase.com:5432/postgres`)
  })

  test('is quiet on a self-hosted runner and outside Actions', () => {
    expect(supabaseNetworkWarnings(direct(), { GITHUB_ACTIONS: 'true', RUNNER_ENVIRONMENT: 'self-hosted' })).toEqual([])
    expect(supabaseNetworkWarnings(direct(), {})).toEqual([])
  })
})
