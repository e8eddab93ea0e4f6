import { ensureParser, parseSql } from '../../src/source/parser.js'
import { parseScript } from '../../src/source/script.js'
import type { ScriptSource } from '../../src/source/types.js'

const src = (text: string, file = 'db/m.sql'): ScriptSource => ({ file, fileText: text, offset: 0, text })
const run = (text: string, opts?: Parameters<typeof parseScript>[1]) => parseScript(src(text), opts)
const codes = (r: { problems: Array<{ code: string }> }) => r.problems.map((p) => p.code)

beforeAll(async () => {
  await ensureParser()
})

describe('statements', () => {
  test('splits with the real parser, with offsets, positions, kinds and sql without the semicolon', async () => {
    const text = "-- head\nCREATE TABLE t (a text DEFAULT 'x;y');\n\nINSERT INTO t VALUES ('é😀');  SELECT 1\n"
    const { script, problems } = await run(text)
    expect(problems).toEqual([])
    expect(script.statements.map((s) => [s.index, s.kind, s.sql, s.position])).toEqual([
      [0, 'CreateStmt', "CREATE TABLE t (a text DEFAULT 'x;y')", { line: 2, col: 1 }],
      [1, 'InsertStmt', "INSERT INTO t VALUES ('é😀')", { line: 4, col: 1 }],
      [2, 'SelectStmt', 'SELECT 1', { line: 4, col: 31 }]
    ])
    expect(script.statements[2].offset).toBe(text.indexOf('SELECT 1'))
    expect(script.runMode).toBe('transaction')
    expect(script.sendText).toBe(text)
    expect((script.statements[0].node as { relation: { relname: string } }).relation.relname).toBe('t')
  })

  test('a dollar-quoted body with semicolons is one statement', async () => {
    const text = 'CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $fn$\nBEGIN\n  NEW.a := 1;\n  RETURN NEW;\nEND;\n$fn$;\nSELECT 2;'
    const { script, problems } = await run(text)
    expect(problems).toEqual([])
    expect(script.statements.map((s) => s.kind)).toEqual(['CreateFunctionStmt', 'SelectStmt'])
    expect(script.statements[1].position).toEqual({ line: 7, col: 1 })
  })

  test('positions map through a section offset, CRLF, and multibyte text', async () => {
    const fileText = '-- migrate:up\r\nCREATE TABLE é (a int);\r\n-- migrate:down\r\n  DROP TABLE "😀é";\r\n'
    const offset = fileText.indexOf('-- migrate:down')
    const text = fileText.slice(offset)
    const { script } = await parseScript({ file: 'x.sql', fileText, offset, text })
    expect(script.statements[0].position).toEqual({ line: 4, col: 3 })
    expect(script.statements[0].offset).toBe(fileText.indexOf('DROP'))
    expect(script.statements[0].sql).toBe('DROP TABLE "😀é"')
  })

  test('an empty or comment-only script is an empty-migration problem', async () => {
    for (const text of ['', '   \n', '-- nothing here\n/* nor here */\n']) {
      const r = await run(text)
      expect(r.problems).toEqual([{ file: 'db/m.sql', code: 'empty-migration', message: 'empty migration: the file has no SQL statements; delete it or add SQL' }])
    }
  })
})

describe('syntax errors', () => {
  test('a syntax error on line 12 is reported at 12 with the right column, after multibyte text and CRLF', async () => {
    const lines = [
      '-- Migration: comptes utilisateurs 😀',
      'CREATE TABLE users (',
      '  id bigint PRIMARY KEY,',
      "  name text NOT NULL DEFAULT 'élodie'",
      ');',
      '',
      "COMMENT ON TABLE users IS 'Les utilisateurs — 🎉';",
      '',
      'CREATE INDEX users_name ON users (name);',
      '',
      '-- now the broken one',
      "INSERT INTO users VALUES ('é😀') RETURNNING id;"
    ]
    for (const eol of ['\n', '\r\n']) {
      const text = '\uFEFF'.slice(1) + lines.join(eol) + eol
      const r = await run(text)
      expect(r.problems).toEqual([
        {
          file: 'db/m.sql',
          position: { line: 12, col: 33 },
          code: 'syntax-error',
          message: 'syntax error at or near "RETURNNING"',
          hint: 'fix the SQL at that position; nothing was sent to the database',
          // The lines around it, the caret under the column in code points (issue 19 item 8).
          excerpt: ['  10 |', '  11 | -- now the broken one', "> 12 | INSERT INTO users VALUES ('é😀') RETURNNING id;", `     | ${' '.repeat(32)}^`].join('\n')
        }
      ])
      expect(r.script.statements).toEqual([])
    }
  })

  test('an unterminated dollar quote is reported where it starts', async () => {
    const r = await run('SELECT 1;\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1;\n')
    expect(codes(r)).toEqual(['syntax-error'])
    expect(r.problems[0].message).toMatch(/^unterminated dollar-quoted string/)
    expect(r.problems[0].position).toEqual({ line: 2, col: 36 })
  })
})

describe('psql meta-commands', () => {
  test('\\i at a line start is refused with file:line:col and advice', async () => {
    const r = await run('SELECT 1;\n  \\i 02_more.sql\nSELECT 2;\n')
    expect(r.problems).toEqual([
      {
        file: 'db/m.sql',
        position: { line: 2, col: 3 },
        code: 'psql-meta-command',
        message:
          'psql meta-command \\i at db/m.sql:2:3 is not SQL; pgshift runs plain SQL files. Inline the included file as its own migration (it then runs in order, with its own history row), or paste its SQL here',
        hint: 'remove the \\i line; nothing was sent to the database'
      }
    ])
  })

  test.each([
    ['\\set ON_ERROR_STOP on\nSELECT 1;', 'set', 1],
    ['SELECT 1;\n\\c other_db\n', 'c', 2],
    ["SELECT format('select 1') \\gexec\n", 'gexec', 1],
    ['\\restrict abc\nSELECT 1;', 'restrict', 1]
  ])('%j is a meta-command', async (text, cmd, line) => {
    const r = await run(text)
    expect(codes(r)).toEqual(['psql-meta-command'])
    expect(r.problems[0].message).toContain(`psql meta-command \\${cmd} at db/m.sql:${line}:`)
  })

  test('backslashes inside $$, E strings and comments are not meta-commands', async () => {
    const text = [
      "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$ SELECT '\\i not.sql' $$;",
      "SELECT E'\\\\set x';",
      '-- \\i commented.sql',
      '/* \\c elsewhere */',
      "SELECT 'a\\b';"
    ].join('\n')
    const r = await run(text)
    expect(r.problems).toEqual([])
    expect(r.script.statements).toHaveLength(3)
  })
})

describe('non-transactional statements (DESIGN 3)', () => {
  test.each([
    ['CREATE INDEX CONCURRENTLY i ON t (a)', 'CREATE INDEX CONCURRENTLY'],
    ['create unique index concurrently if not exists i on t (a)', 'CREATE INDEX CONCURRENTLY'],
    ['DROP INDEX CONCURRENTLY IF EXISTS i', 'DROP INDEX CONCURRENTLY'],
    ['REINDEX INDEX CONCURRENTLY i', 'REINDEX CONCURRENTLY'],
    ['REINDEX (CONCURRENTLY) TABLE t', 'REINDEX CONCURRENTLY'],
    ['REINDEX DATABASE d', 'REINDEX DATABASE'],
    ['VACUUM t', 'VACUUM'],
    ['VACUUM (ANALYZE) t', 'VACUUM'],
    ['ALTER SYSTEM SET work_mem = 64', 'ALTER SYSTEM'],
    ['CREATE DATABASE d', 'CREATE DATABASE'],
    ['DROP DATABASE d', 'DROP DATABASE'],
    ["CREATE TABLESPACE s LOCATION '/x'", 'CREATE TABLESPACE'],
    ['DROP TABLESPACE s', 'DROP TABLESPACE'],
    ['CALL do_batches()', 'CALL'],
    ['ALTER TABLE p DETACH PARTITION c CONCURRENTLY', 'ALTER TABLE ... DETACH PARTITION CONCURRENTLY']
  ])('%s', async (sql, what) => {
    const r = await run(`CREATE TABLE x (a int);\n${sql};\n`)
    expect(r.problems).toEqual([])
    expect(r.script.statements[1].nonTransactional).toBe(what)
    expect(r.script.runMode).toBe('statements')
    expect(r.script.nonTransactionalReasons).toEqual([{ what, position: { line: 2, col: 1 } }])
  })

  test.each([
    'REFRESH MATERIALIZED VIEW CONCURRENTLY mv',
    "ALTER TYPE mood ADD VALUE 'meh'",
    'ANALYZE t',
    'REINDEX TABLE t',
    'REINDEX (CONCURRENTLY false) TABLE t',
    'CREATE INDEX i ON t (a)',
    'DROP INDEX i',
    "SELECT 'CREATE INDEX CONCURRENTLY'",
    "CREATE SUBSCRIPTION s CONNECTION 'x' PUBLICATION p WITH (connect = false)"
  ])('%s stays transactional', async (sql) => {
    const r = await run(`${sql};\n-- CREATE INDEX CONCURRENTLY in a comment\n`)
    expect(r.problems).toEqual([])
    expect(r.script.runMode).toBe('transaction')
    expect(r.script.nonTransactionalReasons).toEqual([])
    expect(r.script.statements[0].nonTransactional).toBeUndefined()
  })

  test('a transactional file that mixes in two CIC statements lists each with its position', async () => {
    const r = await run('CREATE TABLE t (a int, b int);\nCREATE INDEX CONCURRENTLY ia ON t (a);\n\n  CREATE INDEX CONCURRENTLY ib ON t (b);\n')
    expect(r.script.runMode).toBe('statements')
    expect(r.script.nonTransactionalReasons).toEqual([
      { what: 'CREATE INDEX CONCURRENTLY', position: { line: 2, col: 1 } },
      { what: 'CREATE INDEX CONCURRENTLY', position: { line: 4, col: 3 } }
    ])
  })
})

describe('file directives', () => {
  test.each([
    ['-- pgshift:no-transaction', 'directive -- pgshift:no-transaction'],
    ['--PGSHIFT:No-Transaction', 'directive -- pgshift:no-transaction'],
    ['-- +goose NO TRANSACTION', 'directive -- +goose NO TRANSACTION'],
    ['-- migrate:up transaction:false', 'directive -- migrate:up transaction:false']
  ])('%s sets statements mode with the directive named', async (line, what) => {
    const r = await run(`SELECT 1;\n${line}\nSELECT 2;\n`)
    expect(r.problems).toEqual([])
    expect(r.script.runMode).toBe('statements')
    expect(r.script.nonTransactionalReasons).toEqual([{ what, position: { line: 2, col: 1 } }])
  })

  test('a directive inside a function body or a string is not a directive', async () => {
    const r = await run("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$\n-- pgshift:no-transaction\nSELECT 1 $$;\nSELECT '\n-- pgshift:no-transaction';\n")
    expect(r.problems).toEqual([])
    expect(r.script.runMode).toBe('transaction')
  })

  test('-- pgshift:no-transactions (another word) is not the directive', async () => {
    const r = await run('-- pgshift:no-transactions\nSELECT 1;')
    expect(r.script.runMode).toBe('transaction')
  })

  test('forceNoTransaction does the same', async () => {
    const r = await run('SELECT 1;', { forceNoTransaction: 'input no-transaction' })
    expect(r.script.runMode).toBe('statements')
    expect(r.script.nonTransactionalReasons).toEqual([{ what: 'input no-transaction', position: { line: 1, col: 1 } }])
  })
})

describe('transaction control (DESIGN 4)', () => {
  test('a single outer BEGIN/COMMIT wrapper is stripped: same length, positions kept', async () => {
    const text = 'BEGIN;\r\nCREATE TABLE t (a int);\r\n  INSERT INTO t VALUES (1);\r\nCOMMIT;\r\n-- done\r\n'
    const r = await run(text)
    expect(r.problems).toEqual([])
    const s = r.script
    expect(s.runMode).toBe('transaction')
    expect(s.hasTransactionBlocks).toBe(false)
    expect(s.statements.map((x) => [x.transactionControl, x.strippedWrapper])).toEqual([
      ['begin', true],
      [undefined, undefined],
      [undefined, undefined],
      ['commit', true]
    ])
    expect(s.sendText).toBe('      \r\nCREATE TABLE t (a int);\r\n  INSERT INTO t VALUES (1);\r\n       \r\n-- done\r\n')
    expect(s.sendText.length).toBe(text.length)
  })

  test('START TRANSACTION ... END (no final semicolon) is a wrapper too', async () => {
    const text = 'START TRANSACTION;\nSELECT 1;\nEND'
    const r = await run(text)
    expect(r.problems).toEqual([])
    expect(r.script.sendText).toBe(' '.repeat(18) + '\nSELECT 1;\n   ')
  })

  test('balanced BEGIN ... COMMIT blocks run statement by statement', async () => {
    const r = await run('BEGIN;\nCREATE TABLE a (x int);\nCOMMIT;\nBEGIN;\nCREATE TABLE b (x int);\nEND;\n')
    expect(r.problems).toEqual([])
    expect(r.script.runMode).toBe('statements')
    expect(r.script.hasTransactionBlocks).toBe(true)
    expect(r.script.sendText).toBe('BEGIN;\nCREATE TABLE a (x int);\nCOMMIT;\nBEGIN;\nCREATE TABLE b (x int);\nEND;\n')
    expect(r.script.nonTransactionalReasons).toEqual([
      { what: 'BEGIN ... COMMIT block', position: { line: 1, col: 1 } },
      { what: 'BEGIN ... END block', position: { line: 4, col: 1 } }
    ])
    expect(r.script.statements.some((s) => s.strippedWrapper)).toBe(false)
  })

  test('a block with a statement outside it is not a wrapper', async () => {
    const r = await run('CREATE TABLE a (x int);\nBEGIN;\nINSERT INTO a VALUES (1);\nCOMMIT;\n')
    expect(r.problems).toEqual([])
    expect(r.script.runMode).toBe('statements')
    expect(r.script.hasTransactionBlocks).toBe(true)
  })

  test('a stray COMMIT is refused with its position and why', async () => {
    const r = await run('CREATE TABLE a (x int);\nCOMMIT;\nCREATE TABLE b (x int);\n')
    expect(codes(r)).toEqual(['stray-transaction-control'])
    expect(r.problems[0].position).toEqual({ line: 2, col: 1 })
    expect(r.problems[0].message).toBe(
      "COMMIT at db/m.sql:2:1 has no matching BEGIN. A transaction command inside a file ends pgshift's own transaction: if a later statement fails, the statements before it stay applied, and a dry-run would write them for real"
    )
    expect(r.problems[0].hint).toMatch(/^remove it/)
  })

  test('ROLLBACK is refused; SAVEPOINT, RELEASE and ROLLBACK TO SAVEPOINT are fine', async () => {
    const r = await run('INSERT INTO t VALUES (1);\nROLLBACK;\n')
    expect(codes(r)).toEqual(['stray-transaction-control'])
    expect(r.problems[0].message).toMatch(/^ROLLBACK at db\/m.sql:2:1 would undo/)
    const ok = await run('SAVEPOINT a;\nINSERT INTO t VALUES (1);\nROLLBACK TO SAVEPOINT a;\nRELEASE a;\n')
    expect(ok.problems).toEqual([])
    expect(ok.script.runMode).toBe('transaction')
    expect(ok.script.statements.map((s) => s.transactionControl)).toEqual(['savepoint', undefined, 'savepoint', 'savepoint'])
  })

  test('unbalanced, nested, two-phase and chained transaction control is refused', async () => {
    expect(codes(await run('BEGIN;\nSELECT 1;\n'))).toEqual(['stray-transaction-control'])
    const nested = await run('BEGIN;\nBEGIN;\nSELECT 1;\nCOMMIT;\n')
    expect(codes(nested)).toEqual(['stray-transaction-control'])
    expect(nested.problems[0].position).toEqual({ line: 2, col: 1 })
    expect(nested.problems[0].message).toContain('while the one begun at line 1 is still open')
    expect((await run("SELECT 1;\nPREPARE TRANSACTION 'x';\n")).problems[0].message).toMatch(/^PREPARE TRANSACTION at db\/m.sql:2:1/)
    expect(codes(await run("COMMIT PREPARED 'x';"))).toEqual(['stray-transaction-control'])
    expect((await run('BEGIN;\nSELECT 1;\nCOMMIT AND CHAIN;\n')).problems[0].message).toMatch(/^COMMIT AND CHAIN at db\/m.sql:3:1/)
  })

  test('a non-transactional statement inside BEGIN ... COMMIT is refused', async () => {
    const r = await run('BEGIN;\nCREATE INDEX CONCURRENTLY i ON t (a);\nCOMMIT;\n')
    expect(codes(r)).toEqual(['non-transactional-in-block'])
    expect(r.problems[0].position).toEqual({ line: 2, col: 1 })
    expect(r.script.statements.some((s) => s.strippedWrapper)).toBe(false)
  })

  test('a wrapper under a no-transaction directive is kept as a block', async () => {
    const r = await run('-- pgshift:no-transaction\nBEGIN;\nSELECT 1;\nCOMMIT;\n')
    expect(r.problems).toEqual([])
    expect(r.script.runMode).toBe('statements')
    expect(r.script.hasTransactionBlocks).toBe(true)
    expect(r.script.sendText).toContain('BEGIN;')
  })

  test('SAVEPOINT outside a block in an autocommit file is refused', async () => {
    const r = await run('CREATE INDEX CONCURRENTLY i ON t (a);\nSAVEPOINT s;\n')
    expect(codes(r)).toEqual(['stray-transaction-control'])
    expect(r.problems[0].message).toContain('(CREATE INDEX CONCURRENTLY)')
  })
})

describe('COPY FROM STDIN', () => {
  test('is refused with its position', async () => {
    const r = await run('CREATE TABLE t (a int);\nCOPY t (a) FROM stdin;\n')
    expect(codes(r)).toEqual(['copy-from-stdin'])
    expect(r.problems[0].position).toEqual({ line: 2, col: 1 })
    expect(r.problems[0].message).toMatch(/^COPY \.\.\. FROM STDIN at db\/m.sql:2:1/)
  })

  test('followed by its data (as pg_dump writes it) is still named COPY, not a syntax error', async () => {
    const r = await run('CREATE TABLE t (a int, b text);\n\nCOPY public.t (a, b) FROM stdin;\n1\tfoo\n2\tbar\n\\.\n')
    expect(codes(r)).toEqual(['copy-from-stdin'])
    expect(r.problems[0].position).toEqual({ line: 3, col: 1 })
  })

  test('COPY FROM a server file and COPY TO STDOUT are not this problem', async () => {
    const r = await run("COPY t FROM '/tmp/x.csv';\nCOPY t TO STDOUT;\n")
    expect(r.problems).toEqual([])
  })
})

describe('chunked parsing of big texts', () => {
  test('gives the same statements as one parse, across dollar quotes, strings and comments', () => {
    const pieces = [
      "INSERT INTO t VALUES (1, 'é😀 x;y');\n",
      'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$;\n',
      '/* a block comment ; with\n semicolons; */\n',
      "SELECT 'multi\nline;\nstring';\n",
      '-- line comment; \nCREATE TABLE "x;y" (a int);\n'
    ]
    const text = Array.from({ length: 60 }, (_, i) => pieces[i % pieces.length]).join('')
    const whole = parseSql(text)
    for (const chunkChars of [64, 100, 257, 1000]) {
      const chunked = parseSql(text, { chunkChars })
      expect(chunked).toEqual(whole)
    }
    expect(whole.ok && whole.statements.length).toBe(48) // the comment piece holds none
  })

  test('multi-line statements (a seed INSERT with a row per line) are cut between statements, not grown to the whole text', () => {
    const insert = (i: number) => `INSERT INTO seed (id, name) VALUES\n${Array.from({ length: 20 }, (_, k) => `  (${i * 100 + k}, 'row ${k}; of ${i}')`).join(',\n')};\n`
    const text = Array.from({ length: 100 }, (_, i) => insert(i)).join('')
    const whole = parseSql(text)
    expect(whole.ok && whole.statements.length).toBe(100)
    // Each statement is ~600 characters: a 2,000-character chunk cut at any line break
    // ends inside one, and the chunk doubled until it passed the parser's limit (here 16 KB).
    const chunked = parseSql(text, { chunkChars: 2000, maxChunkBytes: 16_000 })
    expect(chunked).toEqual(whole)
  })

  test('a syntax error deep in a big text is found at its place', () => {
    const good = "INSERT INTO t VALUES (1, 'é');\n".repeat(50)
    const text = good + 'SELECT 1;\nSELEC 1 FROM x;\n' + good
    const r = parseSql(text, { chunkChars: 128 })
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.message).toBe('syntax error at or near "SELEC"')
      expect(r.error.index).toBe(good.length + 10)
    }
  })
})
