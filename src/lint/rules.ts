// The rule catalogue: one entry per rule id, with the default why and fix that
// findings carry (a finding may say it more precisely). docs/lint.md mirrors it.
import type { LintRule } from './types.js'

const LOCK_TIMEOUT_NOTE =
  "pgshift's lock-timeout input (SET LOCAL lock_timeout, default 5s) bounds how long the statement waits for the lock, and so how long traffic queues behind it; it does not bound how long the lock is held once granted."

export const RULES: LintRule[] = [
  {
    id: 'require-concurrent-index',
    severity: 'warning',
    summary: 'CREATE INDEX without CONCURRENTLY on an existing table',
    why: 'CREATE INDEX takes a SHARE lock on the table: every INSERT, UPDATE and DELETE waits until the whole index is built, which on a large table takes minutes. Reads still work.',
    fix: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ... in a migration file of its own (pgshift then runs it outside a transaction). If a concurrent build fails it leaves an INVALID index: drop it (DROP INDEX CONCURRENTLY) before rerunning.'
  },
  {
    id: 'concurrently-mixed-file',
    severity: 'warning',
    summary: 'a CONCURRENTLY statement in a file with other (transactional) statements',
    why: 'CONCURRENTLY cannot run in a transaction block, so pgshift runs the whole file statement by statement in autocommit. The other statements lose their atomicity: if one fails, the ones before it stay committed (pgshift records the progress and resumes there), and a failed concurrent build leaves an INVALID index behind.',
    fix: 'Put each CREATE/DROP INDEX CONCURRENTLY (or REINDEX / DETACH PARTITION CONCURRENTLY) in a migration file of its own, with IF NOT EXISTS / IF EXISTS; keep the other statements in ordinary files that run in one transaction.'
  },
  {
    id: 'adding-not-null-column',
    severity: 'error',
    summary: 'ADD COLUMN ... NOT NULL without a DEFAULT on an existing table',
    why: 'The existing rows would get NULL in the new column, so the ALTER fails as soon as the table holds a row (23502 not_null_violation). It passes on an empty database and fails in production.',
    fix: 'Add the column with a constant DEFAULT (ADD COLUMN c int NOT NULL DEFAULT 0: no rewrite on PG11+), or add it nullable, backfill in batches, then enforce NOT NULL with the set-not-null recipe (CHECK ... NOT VALID in one migration; VALIDATE and SET NOT NULL in a later one).'
  },
  {
    id: 'changing-column-type',
    severity: 'warning',
    summary: 'ALTER COLUMN ... TYPE on an existing table, unless the change needs no rewrite',
    why: 'ALTER COLUMN TYPE takes an ACCESS EXCLUSIVE lock (no reads, no writes) and, unless the change is binary-compatible, rewrites the whole table and rebuilds its indexes while holding it: minutes on a large table.',
    fix: 'Add a new column of the new type, backfill it in batches, switch readers and writers, then drop the old column. Changes that need no rewrite (varchar(n) to varchar(m >= n) or text, dropping a length limit, more numeric precision at the same scale) are not flagged when the old type is known (from the database or the migrations).'
  },
  {
    id: 'constraint-missing-not-valid',
    severity: 'warning',
    summary: 'ADD CONSTRAINT FOREIGN KEY or CHECK without NOT VALID on an existing table',
    why: 'Adding a validated constraint scans every row while holding the ALTER TABLE lock (SHARE ROW EXCLUSIVE for a foreign key, on both tables; ACCESS EXCLUSIVE for a CHECK): writes (and for a CHECK, reads) wait for the whole scan.',
    fix: "ALTER TABLE ... ADD CONSTRAINT ... NOT VALID (instant: only new rows are checked) in one migration, then ALTER TABLE ... VALIDATE CONSTRAINT ... in a later migration: it scans under SHARE UPDATE EXCLUSIVE, which lets reads and writes through. Not in the same file: pgshift runs a file in one transaction, so the ADD's lock would be held through the scan."
  },
  {
    id: 'set-not-null',
    severity: 'warning',
    summary: 'ALTER COLUMN ... SET NOT NULL on an existing table',
    why: 'SET NOT NULL scans the whole table to prove there is no NULL while holding an ACCESS EXCLUSIVE lock: no reads and no writes for the length of the scan. Postgres skips the scan only when a validated CHECK (col IS NOT NULL) already proves it.',
    fix: "Two migrations. First: ADD CONSTRAINT c_not_null CHECK (col IS NOT NULL) NOT VALID (instant). Then, in a later migration: VALIDATE CONSTRAINT c_not_null (scans without blocking reads or writes); SET NOT NULL (instant, the CHECK proves it); DROP CONSTRAINT c_not_null. In one file the ADD's ACCESS EXCLUSIVE lock would be held through the VALIDATE scan."
  },
  {
    id: 'add-pk-or-unique-without-index',
    severity: 'warning',
    summary: 'ADD PRIMARY KEY / UNIQUE without USING INDEX on an existing table',
    why: 'The constraint builds its unique index while the ALTER TABLE holds an ACCESS EXCLUSIVE lock: no reads and no writes for the whole build (a PRIMARY KEY also scans for NULLs).',
    fix: 'CREATE UNIQUE INDEX CONCURRENTLY idx ON t (cols) in its own file, then ALTER TABLE t ADD CONSTRAINT c PRIMARY KEY USING INDEX idx (or UNIQUE USING INDEX idx): instant.'
  },
  {
    id: 'renaming',
    severity: 'warning',
    summary: 'RENAME of a table, a column, a schema or an enum value',
    why: 'The rename itself is instant (ACCESS EXCLUSIVE held briefly), but every running client, view-less query and deployed code version that still uses the old name fails at once.',
    fix: 'Expand and contract: add the new name (new column kept in sync by a trigger, or a view under the new table name; a new enum value with ADD VALUE and an UPDATE of the rows), deploy code that uses it, then drop the old name in a later migration.'
  },
  {
    id: 'destructive',
    severity: 'error',
    summary: 'DROP TABLE, DROP COLUMN, TRUNCATE, or DELETE / UPDATE without WHERE on an existing table',
    why: 'The data is gone for good once the migration commits (a down script cannot bring it back), and running code that still reads the table or column fails. DROP and TRUNCATE also take ACCESS EXCLUSIVE; a DELETE/UPDATE of every row holds row locks on all of them and bloats the table.',
    fix: 'Stop using the table/column in code first and deploy; back the data up if it may be needed; drop in a later migration. For data changes, add a WHERE clause (and batch large updates). If the loss is intended, suppress with the reason.'
  },
  {
    id: 'table-without-primary-key',
    severity: 'warning',
    summary: 'CREATE TABLE without a PRIMARY KEY',
    why: 'Without a primary key, rows cannot be addressed reliably, logical replication (and Supabase Realtime) cannot publish UPDATE and DELETE, and adding a key later means building an index on a table that is by then large.',
    fix: 'Declare one now: id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, or id uuid PRIMARY KEY DEFAULT gen_random_uuid(), or a PRIMARY KEY (a, b) table constraint.'
  },
  {
    id: 'volatile-default',
    severity: 'warning',
    summary: 'ADD COLUMN with a volatile default (or a serial, identity or stored generated column) on an existing table; a function not known to be IMMUTABLE or STABLE counts as volatile',
    why: 'A constant or stable default (now(), a literal) is stored once in the catalog on PG11+. A volatile one (random(), gen_random_uuid(), clock_timestamp(), nextval()...) must be computed for every existing row: the table is rewritten under an ACCESS EXCLUSIVE lock, with no reads and no writes until it is done. CREATE FUNCTION makes a function VOLATILE unless it says IMMUTABLE or STABLE, so a function the lint cannot look up (not a non-volatile built-in, not created in the migrations, not in the database at hand) counts as volatile.',
    fix: 'Add the column without the default (or with a constant one), set the volatile default for new rows with ALTER COLUMN ... SET DEFAULT (instant), and backfill the existing rows in batches.'
  },
  {
    id: 'lock-without-timeout',
    severity: 'warning',
    summary: 'LOCK TABLE in ACCESS EXCLUSIVE mode on an existing table, or a file that turns lock_timeout off',
    why: `ACCESS EXCLUSIVE blocks every read and write of the table from when it is granted until the migration commits, i.e. through every statement after it in the file. ${LOCK_TIMEOUT_NOTE} Other ACCESS EXCLUSIVE work (ALTER TABLE) is covered by that input, so only an explicit LOCK TABLE, or a SET lock_timeout = 0 / RESET that switches pgshift's bound off, is flagged.`,
    fix: "Drop the explicit LOCK TABLE: each ALTER TABLE takes the lock it needs. If you must serialize writers, use a weaker mode (SHARE ROW EXCLUSIVE blocks writes, not reads) and put the LOCK right before the work that needs it. Never set lock_timeout to 0 in a migration; raise pgshift's lock-timeout input instead."
  },
  {
    id: 'prefer-gen-random-uuid',
    severity: 'warning',
    summary: 'uuid_generate_v4() where gen_random_uuid() serves',
    why: 'uuid_generate_v4() needs the uuid-ossp extension, which hardened Postgres builds restrict (permission denied for function pg_read_file) and which must exist in the search_path. gen_random_uuid() is built in since PostgreSQL 13 and gives the same random (v4) UUIDs.',
    fix: 'Use gen_random_uuid() (PostgreSQL 13+, no extension).'
  },
  {
    id: 'blocking-maintenance',
    severity: 'warning',
    summary: 'VACUUM FULL, CLUSTER, or REINDEX without CONCURRENTLY on an existing table (REINDEX SYSTEM and catalog indexes excepted)',
    why: 'VACUUM FULL and CLUSTER rewrite the table under an ACCESS EXCLUSIVE lock (no reads, no writes) for the whole rewrite. REINDEX blocks writes to the table and, through the ACCESS EXCLUSIVE lock on the index, queries that would use it.',
    fix: 'REINDEX ... CONCURRENTLY in a file of its own. For bloat, use pg_repack or pg_squeeze outside migrations instead of VACUUM FULL / CLUSTER.'
  },
  {
    id: 'validate-in-same-transaction',
    severity: 'warning',
    summary: 'VALIDATE CONSTRAINT in the same transaction as the ADD CONSTRAINT ... NOT VALID it validates, on an existing table',
    why: "NOT VALID only helps when the ADD commits before the VALIDATE starts. pgshift runs a file in one transaction, and Postgres holds every lock until COMMIT: the ADD's ACCESS EXCLUSIVE lock (for a CHECK; SHARE ROW EXCLUSIVE on both tables for a foreign key) is still held while VALIDATE scans every row, so reads and writes (writes, for a foreign key) wait for the whole scan, exactly as without NOT VALID.",
    fix: "Move the VALIDATE CONSTRAINT into a later migration file. Deployed together they still run as two transactions (one per file), so the ADD's lock is released before the scan."
  },
  {
    id: 'lock-held-until-commit',
    severity: 'warning',
    summary: 'a statement that scans or rewrites an existing table after an earlier statement of the same transaction locked an existing table against writes',
    why: 'Postgres releases table locks at COMMIT, not when the statement that took them ends. In a file that runs in one transaction, an ALTER TABLE (ACCESS EXCLUSIVE), a CREATE INDEX (SHARE) or a foreign key (SHARE ROW EXCLUSIVE) early in the file keeps its table locked through every later statement, so a long one after it (an UPDATE or DELETE backfill, an index build, a VALIDATE, a rewrite) blocks that table for its whole duration too.',
    fix: 'Put the long statement in a migration file of its own, after the one that takes the lock (pgshift commits each file separately), or take the strong lock last: the long work first, the quick ALTER at the end.'
  },
  {
    id: 'require-concurrent-index-drop',
    severity: 'warning',
    summary: 'DROP INDEX without CONCURRENTLY on an index of an existing table',
    why: "DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table. It must wait for every running query on the table, and every query that arrives meanwhile queues behind it; in a transactional file the lock is then held until the migration commits.",
    fix: 'DROP INDEX CONCURRENTLY IF EXISTS ... in a migration file of its own (pgshift runs it outside a transaction). It waits for running queries without blocking new ones.'
  },
  {
    id: 'require-concurrent-detach-partition',
    severity: 'warning',
    summary: 'ALTER TABLE ... DETACH PARTITION without CONCURRENTLY on an existing partitioned table',
    why: 'A plain DETACH PARTITION takes an ACCESS EXCLUSIVE lock on the partitioned table: every read and write of every partition waits until the migration commits.',
    fix: 'ALTER TABLE parent DETACH PARTITION child CONCURRENTLY (PostgreSQL 14+) in a migration file of its own: it cannot run in a transaction, and takes only SHARE UPDATE EXCLUSIVE on the parent. If it is interrupted, finish it with DETACH PARTITION ... FINALIZE.'
  },
  {
    id: 'drop-database',
    severity: 'error',
    summary: 'DROP DATABASE',
    why: 'The whole database is deleted, with no way back. DROP DATABASE cannot run inside a transaction, so pgshift runs its file statement by statement in autocommit: nothing before or after it can be rolled back either.',
    fix: 'Drop databases by hand, outside migrations, after a backup. If a migration really must, suppress with the reason.'
  },
  {
    id: 'server-wide-change',
    severity: 'warning',
    summary: 'a statement that changes the server rather than the database: CREATE/ALTER/DROP ROLE, GRANT/REVOKE of a role, ALTER ROLE ... SET, ALTER SYSTEM, ALTER DATABASE (owner, settings, name), CREATE DATABASE, tablespaces',
    why: "Roles, role memberships and role settings, ALTER SYSTEM, tablespaces and databases belong to the server (its shared catalogs and postgresql.auto.conf), not to the database being migrated: the change outlives a dropped or restored database, every other database on the server sees it, and a down script of this database does not undo it. Taking rights or the login from a role (NOLOGIN, NOSUPERUSER, a password, DROP, RENAME, REVOKE) may lock out the role pgshift itself logs in as.",
    fix: 'Keep roles and server settings out of one database\'s migrations (infrastructure code, a one-time admin script), or make the statement idempotent and suppress with the reason (`-- pgshift-ignore server-wide-change: <reason>`). Never change the login role pgshift runs as from a migration.'
  },
  {
    id: 'drop-not-null',
    severity: 'warning',
    summary: 'ALTER COLUMN ... DROP NOT NULL on an existing table',
    why: 'The change itself is instant, but code, views, functions and reports written for a column that could never be NULL start receiving NULLs, and fail or silently miscount.',
    fix: 'Make sure every reader handles NULL first (or keep NOT NULL and use a marker value). If they do, suppress with that reason.'
  },
  {
    id: 'prefer-bigint-key',
    severity: 'warning',
    summary: 'a primary key column of type integer, smallint, serial or smallserial',
    why: 'An integer key runs out at 2,147,483,647 (smallint at 32,767); inserts then fail. Changing the type of a key later rewrites the table and every table that references it, under ACCESS EXCLUSIVE locks.',
    fix: 'id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY (or a uuid key). bigint costs 4 more bytes per row.'
  },
  {
    id: 'prefer-identity',
    severity: 'warning',
    summary: 'a serial, bigserial or smallserial column',
    why: 'serial is a legacy shorthand: its sequence is a separate object with its own owner and grants (a role that can INSERT may still lack USAGE on it), a manual INSERT of an id does not move the sequence, and copying the table definition shares the sequence.',
    fix: 'bigint GENERATED ALWAYS AS IDENTITY (or BY DEFAULT to allow explicit ids): the SQL-standard form, owned by the column.'
  },
  {
    id: 'adding-exclusion-constraint',
    severity: 'warning',
    summary: 'ADD CONSTRAINT ... EXCLUDE on an existing table',
    why: 'An exclusion constraint builds its index and checks every row while holding an ACCESS EXCLUSIVE lock: no reads, no writes for the whole build. Unlike CHECK and foreign keys it cannot be added NOT VALID, and its index cannot be built CONCURRENTLY and attached later.',
    fix: 'Add it while the table is small or new, or in a maintenance window. Where the rule can be kept by the application or a trigger, do that instead. If the table is small, suppress with the reason.'
  },
  {
    id: 'prefer-jsonb',
    severity: 'warning',
    summary: 'a json column',
    why: 'json keeps the text exactly as written and parses it on every access: it cannot be indexed (GIN) or compared for equality, and duplicate keys stay. jsonb is what nearly every use wants.',
    fix: 'Use jsonb. Keep json only when the exact text (key order, whitespace, duplicate keys) must be preserved, and suppress with that reason.'
  },
  {
    id: 'too-many-index-columns',
    severity: 'warning',
    summary: 'a non-unique index with more than three key columns',
    why: 'A B-tree is searched by its leading columns; past the third, extra columns rarely narrow a lookup, while they make the index larger and slow every INSERT and UPDATE of the table.',
    fix: 'Index the two or three most selective columns; move columns that are only read into INCLUDE (...), which does not make them keys.'
  },
  {
    id: 'prefer-text-over-char',
    severity: 'warning',
    summary: 'a char(n) / character(n) column',
    why: 'char(n) pads every value with spaces to n characters; the padding is ignored in some comparisons and not in others (LIKE, concatenation, clients), and the type is no faster than text or varchar.',
    fix: 'Use text (with a CHECK (length(col) <= n) if the limit matters) or varchar(n).'
  },
  {
    id: 'prefer-timestamptz',
    severity: 'warning',
    summary: 'a timestamp (without time zone) column',
    why: "timestamp stores a wall-clock reading with no zone: each session's TimeZone decides what instant it means, daylight-saving changes make hours repeat or vanish, and comparisons with now() (a timestamptz) convert implicitly.",
    fix: "Use timestamptz: it stores an instant and shows it in the session's zone."
  },
  {
    id: 'ignore-without-reason',
    severity: 'warning',
    summary: 'a -- pgshift-ignore comment without a reason',
    why: 'A suppression must say why the flagged statement is safe, so a reviewer can check it. Without a reason the suppression does not apply.',
    fix: 'Write the reason after a colon: -- pgshift-ignore <rule-id>: <reason>.'
  },
  {
    id: 'ignore-unknown-rule',
    severity: 'warning',
    summary: 'a -- pgshift-ignore comment naming a rule that does not exist',
    why: 'The comment suppresses nothing, probably because of a typo, so the finding it meant to suppress still shows.',
    fix: 'Use one of the rule ids listed in docs/lint.md (several may be separated by commas).'
  }
]

export const RULE_BY_ID: ReadonlyMap<string, LintRule> = new Map(RULES.map((r) => [r.id, r]))

/** Rules a `-- pgshift-ignore` comment may name (the suppression rules themselves cannot be ignored). */
export const IGNORABLE = new Set(RULES.filter((r) => !r.id.startsWith('ignore-')).map((r) => r.id))
