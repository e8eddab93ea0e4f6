// Extensions a server lacks: the server's error mapped to the fix, the settings
// that go with stubs, and the statements stub mode blanks (checksums untouched).
import { mapRunError } from '../../src/db/errors.js'
import { parseSettings } from '../../src/settings.js'
import { parseScript } from '../../src/source/script.js'
import { missingExtensionInError, missingExtensionsMessage, stubExtensionStatements } from '../../src/supabase/extensions.js'
import type { Migration } from '../../src/source/types.js'

test('the server error names the extension, on Postgres 15+ (0A000) and before (58P01)', () => {
  expect(missingExtensionInError('extension "pg_cron" is not available')).toBe('pg_cron')
  expect(missingExtensionInError('could not open extension control file "/usr/share/postgresql/14/extension/vector.control": No such file or directory')).toBe('vector')
  expect(missingExtensionInError('relation "x" does not exist')).toBeUndefined()
})

test('a failed CREATE EXTENSION gets the image and the stub as next steps', async () => {
  const { script } = await parseScript({ file: 'm/001_x.sql', fileText: 'create extension pg_net;\n', offset: 0, text: 'create extension pg_net;\n' })
  const err = Object.assign(new Error('extension "pg_net" is not available'), { code: '0A000' })
  const mapped = mapRunError(err, { script, text: script.sendText, fileOffset: 0, prefixCodePoints: 0 }, script.statements[0])
  expect(mapped.next).toMatch(/no extension pg_net/)
  expect(mapped.next).toMatch(/supabase\/postgres/)
  expect(mapped.next).toMatch(/supabase-shim-extensions: stub/)
  const vector = mapRunError(Object.assign(new Error('extension "vector" is not available'), { code: '0A000' }), { script, text: script.sendText, fileOffset: 0, prefixCodePoints: 0 })
  expect(vector.next).toMatch(/pgvector\/pgvector/)
  expect(vector.next).not.toMatch(/stub/)
})

test('supabase-shim-extensions: stub goes with supabase-shim: true', () => {
  expect(() => parseSettings({ 'database-url': 'postgres://u@h/d', 'supabase-shim-extensions': 'stub' }, '/tmp')).toThrow(/supabase-shim-extensions: 'stub' goes with supabase-shim: true/)
  expect(() => parseSettings({ 'database-url': 'postgres://u@h/d', 'supabase-shim-extensions': 'fake' }, '/tmp')).toThrow(/not one of error \| stub/)
  const s = parseSettings({ 'database-url': 'postgres://u@h/d', 'supabase-shim': 'true', 'supabase-shim-extensions': 'stub' }, '/tmp')
  expect([s.supabaseShim, s.supabaseShimExtensions]).toEqual([true, 'stub'])
})

test('stub mode blanks the extension statements, keeping every position and the file text', async () => {
  const text = "create table a (id int);\ncreate extension if not exists pg_cron with schema extensions;\ncomment on extension pg_cron is 'jobs';\nselect cron.schedule('j', '* * * * *', 'select 1');\n"
  const { script } = await parseScript({ file: 'm/001_x.sql', fileText: text, offset: 0, text })
  const m = { up: script } as Migration
  expect(stubExtensionStatements([m], new Set(['pg_cron']))).toBe(2)
  expect(script.statements.map((s) => s.stubbed)).toEqual([undefined, 'pg_cron', 'pg_cron', undefined])
  expect(script.sendText.length).toBe(text.length)
  const lines = text.split('\n')
  expect(script.sendText.split('\n')).toEqual([lines[0], ' '.repeat(lines[1].length), ' '.repeat(lines[2].length), lines[3], ''])
  expect(script.source.fileText).toBe(text)
})

test('an extension created twice is named once, with both places (issue 14 item 10)', () => {
  const use = (name: string, file: string, line: number) => ({ name, file, position: { line, col: 1 } }) as Parameters<typeof missingExtensionsMessage>[0][number]
  const { message } = missingExtensionsMessage([use('pg_net', 'm/001_a.sql', 1), use('vector', 'm/001_a.sql', 2), use('pg_net', 'm/002_b.sql', 4)], 'error', '17.2')
  expect(message).toBe('The server lacks extensions pg_net, vector, which the pending migrations create: pg_net (m/001_a.sql:1:1, m/002_b.sql:4:1), vector (m/001_a.sql:2:1).')
})
