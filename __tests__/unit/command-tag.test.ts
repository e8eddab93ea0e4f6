// Statement tags are whole, as psql prints them (issue 14 item 10): the dry-run's
// per-statement timings name CREATE TRIGGER and CREATE INDEX, not CREATE TRIG or INDEX.
import { commandTag } from '../../src/source/classify.js'
import { parseScript } from '../../src/source/script.js'

const tags = async (sql: string) => {
  const { script } = await parseScript({ file: 'm/001_x.sql', fileText: sql, offset: 0, text: sql })
  return script.statements.map((s) => commandTag(s))
}

test('whole command tags for the statements migrations hold', async () => {
  const sql = [
    'CREATE TABLE t (id bigint PRIMARY KEY, v int);',
    'CREATE UNIQUE INDEX t_v ON t (v);',
    'CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;',
    'CREATE TRIGGER t_f BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();',
    'ALTER TABLE t ADD COLUMN w int;',
    '-- a comment first\nDROP INDEX t_v;',
    'CREATE OR REPLACE AGGREGATE a (int) (sfunc = int4pl, stype = int);',
    "CREATE TYPE mood AS ENUM ('ok');",
    'CREATE POLICY p ON t USING (true);',
    'INSERT INTO t VALUES (1, 1);'
  ].join('\n')
  expect(await tags(sql)).toEqual(['CREATE TABLE', 'CREATE INDEX', 'CREATE FUNCTION', 'CREATE TRIGGER', 'ALTER TABLE', 'DROP INDEX', 'CREATE AGGREGATE', 'CREATE TYPE', 'CREATE POLICY', 'INSERT'])
})
