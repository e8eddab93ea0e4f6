// Parse trees are released as a script is parsed (issue 17: memory) and parsed again
// from the statement's text when a later step reads `node`: the tree a step gets must
// be the one a whole-text parse gives, locations included.
import { readFileSync } from 'node:fs'
import { lintMigrations, TREE_KINDS } from '../../src/lint/linter.js'
import { ensureParser, parseSql, type RawStatement } from '../../src/source/parser.js'
import { parseScript, releaseTreesWhenParsing } from '../../src/source/script.js'
import type { Migration, ScriptSource } from '../../src/source/types.js'

const src = (text: string, file = 'db/m.sql'): ScriptSource => ({ file, fileText: text, offset: 0, text })

beforeAll(async () => {
  await ensureParser()
  releaseTreesWhenParsing(true)
})
afterAll(() => releaseTreesWhenParsing(false))

const TEXT = [
  '-- head é😀',
  "CREATE TABLE t (id bigint PRIMARY KEY, a text DEFAULT 'x;y é');",
  "INSERT INTO t VALUES (1, 'é😀'), (2, 'b');  SELECT 1;",
  'CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN NEW.a := $$;$$; RETURN NEW; END; $fn$;',
  '/* é */ ALTER TABLE t ADD COLUMN b uuid DEFAULT uuid_generate_v4();',
  'CREATE INDEX users_a ON users (a);'
].join('\n')

describe('released parse trees', () => {
  test('a statement reads the same tree as a whole-text parse, locations counted in the script text', async () => {
    const whole = parseSql(TEXT)
    if (!whole.ok) throw new Error('fixture does not parse')
    const { script, problems } = await parseScript(src(TEXT))
    expect(problems).toEqual([])
    expect(script.statements.map((s) => s.kind)).toEqual(whole.statements.map((s) => s.kind))
    script.statements.forEach((s, i) => expect(s.node).toEqual((whole.statements[i] as RawStatement).node))
  })

  test('chunked and streamed: the same statements and trees at every chunk size', async () => {
    const text = Array.from({ length: 40 }, (_, i) => `INSERT INTO t VALUES (${i}, 'row é😀 ${i}');\n-- c ${i};\n`).join('') + TEXT
    const whole = parseSql(text)
    if (!whole.ok) throw new Error('fixture does not parse')
    for (const chunkChars of [64, 100, 257, 1000]) {
      const seen: string[] = []
      const r = parseSql(text, { chunkChars, visit: (raw) => seen.push(raw.kind) })
      expect(r.ok).toBe(true)
      expect(seen).toEqual(whole.statements.map((s) => s.kind))
      // The outcome keeps spans only: the visitor had the trees.
      if (r.ok) expect(r.statements.every((s) => Object.keys(s.node).length === 0)).toBe(true)
      const { script } = await parseScript(src(text), { parse: { chunkChars } })
      script.statements.forEach((s, i) => expect(s.node).toEqual((whole.statements[i] as RawStatement).node))
    }
  })

  test('released: node is parsed again on read; kept (a small set): a plain value', async () => {
    const released = (await parseScript(src('SELECT 1'))).script.statements[0]!
    expect('value' in Object.getOwnPropertyDescriptor(released, 'node')!).toBe(false)
    releaseTreesWhenParsing(false)
    try {
      const kept = (await parseScript(src('SELECT 1'))).script.statements[0]!
      expect('value' in Object.getOwnPropertyDescriptor(kept, 'node')!).toBe(true)
      expect(kept.node).toEqual(released.node)
    } finally {
      releaseTreesWhenParsing(true)
    }
  })

  test('setting node stores a plain value', async () => {
    const { script } = await parseScript(src('SELECT 1; SELECT 2'))
    const s = script.statements[0]!
    s.node = { replaced: true }
    expect(s.node).toEqual({ replaced: true })
  })

  test('the lint still finds what needs a tree: positions in the file', async () => {
    const { script } = await parseScript(src(TEXT))
    const m = { identity: '001_x', file: 'db/m.sql', up: script } as unknown as Migration
    const findings = lintMigrations([m], { existingTables: new Set(['public.users']) } as never)
    const uuid = findings.find((f) => f.rule === 'prefer-gen-random-uuid')
    expect(uuid).toMatchObject({ line: 5, col: TEXT.split('\n')[4]!.indexOf('uuid_generate_v4') + 1 })
    expect(findings.map((f) => f.rule)).toContain('require-concurrent-index')
  })

  test("the linter's TREE_KINDS are exactly the statement kinds its rules read", () => {
    const source = readFileSync(new URL('../../src/lint/linter.ts', import.meta.url), 'utf8')
    const body = source.slice(source.indexOf('private statement(s: Statement)'), source.indexOf('// ---- the same transaction'))
    // Plus the kinds serverWideChange reads (the server-wide-change rule, called before that switch).
    const server = readFileSync(new URL('../../src/lint/server-wide.ts', import.meta.url), 'utf8')
    const serverBody = server.slice(server.indexOf('export function serverWideChange'), server.indexOf('export function serverWideMessage'))
    const cases = [...new Set([...body.matchAll(/case '(\w+)'/g), ...serverBody.matchAll(/case '(\w+)'/g)].map((m) => m[1]))].sort()
    expect([...TREE_KINDS].sort()).toEqual(cases)
  })
})
