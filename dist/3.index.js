export const id = 3;
export const ids = [3];
export const modules = {

/***/ 1003:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  verifyMode: () => (/* binding */ verifyMode)
});

// EXTERNAL MODULE: ./src/engine/steps/plan.ts
var plan = __webpack_require__(919);
;// CONCATENATED MODULE: ./src/engine/steps/check-history.ts

/** Files against history: one check per plan row. */
function historyChecks(results, opts) {
    return results.map((r) => {
        const c = { subject: r.identity, file: r.file };
        const note = r.note ? ` (${r.note})` : '';
        switch (r.status) {
            case 'already-applied':
                return { ...c, ok: true, message: `applied${r.appliedAt ? ` at ${r.appliedAt}` : ''}; the file matches history` };
            case 'drifted':
                return opts.allowDrift
                    ? { ...c, ok: true, message: `edited since it was applied${note}` }
                    : { ...c, ok: false, message: `drift: the file was edited after it was applied${note}` };
            case 'missing':
                return opts.allowMissing
                    ? { ...c, ok: true, message: `recorded in history (from ${r.file}) but no file has this name${note}; accepted by allow-missing` }
                    : { ...c, ok: false, message: `missing: recorded in history${r.appliedAt ? ` (applied at ${r.appliedAt})` : ''} from ${r.file}, but no file has this name${note}` };
            case 'out-of-order':
                // Accepted, apply runs it like any pending file: its note says it sorts early and who accepted it.
                if (opts.allowOutOfOrder)
                    return { ...c, ok: false, message: `pending: not applied yet${note}` };
                return { ...c, ok: false, message: `out of order: not applied, and it sorts before the newest applied migration${note}` };
            case 'partial':
                return { ...c, ok: false, message: `partial: an earlier run stopped after statement ${r.statementsDone ?? 0} of ${r.statements}${note}` };
            case 'changed':
                return { ...c, ok: false, message: `changed: this repeatable migration was edited since it last ran; apply runs it again` };
            default:
                return { ...c, ok: false, message: `pending: not applied yet${note}` };
        }
    });
}
/**
 * The log line of a failed verify check: it fails the run, so it says FAILED, and it
 * is plain text. The report holds the check, and the action annotates it from there
 * (one `::error` per finding, src/action/annotations.ts); the CLI prints the report.
 */
const failedCheckLine = (c) => `${c.subject}: FAILED - ${c.message}`;
/** Fills the plan into the report and pushes one check per row onto `checks`. */
function checkHistory(ctx, checks) {
    const { report, settings, log } = ctx;
    (0,plan/* planPending */.nB)(ctx);
    report.pending = report.migrations.filter((m) => ['pending', 'out-of-order', 'changed', 'partial'].includes(m.status)).map((m) => m.identity);
    // A failed check fails the run: logged as that, in words (failedCheckLine), not as a warning.
    for (const c of historyChecks(report.migrations, settings)) {
        checks.push(c);
        if (!c.ok)
            log.info(failedCheckLine(c));
    }
    // The Supabase CLI's history must agree too: a file pgshift applied without the CLI's row is one `supabase db push` would run again.
    for (const m of ctx.supabase?.backfill ?? []) {
        const c = { subject: 'verify', file: m.up.source.file, ok: false, message: `${m.identity} is recorded in ${report.historyTable} but not in supabase_migrations.schema_migrations, so \`supabase db push\` would run it again: run pgshift in mode apply to write the Supabase CLI's row.` };
        checks.push(c);
        log.info(failedCheckLine(c));
    }
    const ok = checks.filter((c) => c.ok).length;
    log.info(`files against ${report.historyTable}: ${ok} of ${checks.length} match`);
}

// EXTERNAL MODULE: ./src/db/history.ts
var db_history = __webpack_require__(3966);
// EXTERNAL MODULE: ./src/db/url.ts
var url = __webpack_require__(879);
// EXTERNAL MODULE: ./src/inspect/diff.ts
var diff = __webpack_require__(9113);
// EXTERNAL MODULE: ./src/inspect/snapshot.ts + 1 modules
var snapshot = __webpack_require__(634);
// EXTERNAL MODULE: ./src/report/redact.ts
var redact = __webpack_require__(649);
// EXTERNAL MODULE: ./src/engine/run.ts + 8 modules
var run = __webpack_require__(795);
// EXTERNAL MODULE: ./src/engine/steps/snapshot.ts
var steps_snapshot = __webpack_require__(9720);
;// CONCATENATED MODULE: ./src/engine/steps/compare-expected-schema.ts







const SCHEMA_DIFF_TITLE = 'live database vs the schema the files build';
const plural = (n, word, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;
function differenceMessage(d) {
    switch (d.change) {
        case 'added':
            return `${d.object}: in the live database, but the files do not create it${d.detail ? ` (${d.detail})` : ''}`;
        case 'removed':
            return `${d.object}: the files create it, but the live database does not have it${d.detail ? ` (${d.detail})` : ''}`;
        default:
            return `${d.object}: differs from what the files build${d.detail ? `: ${d.detail}` : ''}`;
    }
}
/** Prefixes the expected-database build's log lines, without opening a log group (groups do not nest). */
function expectedLogger(log) {
    const p = (m) => `expected schema: ${m}`;
    return {
        info: (m) => log.info(p(m)),
        warn: (m, o) => log.warn(p(m), o),
        group: async (title, fn) => {
            log.info(p(title));
            return fn();
        },
        progress: (x) => log.info(p(`[${x.index}/${x.total}] ${x.title} ${(0,run/* progressText */.l_)(x)}`))
    };
}
/** Which database a connection is on, as far as a read-only role can tell (same server and name = same database). */
async function databaseIdentity(client) {
    const r = await client.query(`SELECT current_database() || '@' || pg_postmaster_start_time()::text AS id`);
    return r.rows[0]?.id ?? '';
}
/** Snapshot inside a REPEATABLE READ, READ ONLY transaction: consistent, and it cannot write. */
async function readOnlySnapshot(client, opts) {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
        return await (0,snapshot/* takeSnapshot */.W9)(client, opts);
    }
    finally {
        await client.query('ROLLBACK').catch(() => { });
    }
}
/** The live schema against the schema the files build on expected-database-url. */
async function compareWithExpected(ctx, expectedUrl) {
    const { settings, log, report } = ctx;
    const fail = (message, extra = {}) => [{ subject: 'schema', ok: false, message, ...extra }];
    (0,redact/* registerDatabaseUrl */.C5)(expectedUrl);
    let target;
    try {
        target = (0,url/* parseDatabaseUrl */.mx)(expectedUrl);
    }
    catch (e) {
        return fail(`expected-database-url: ${e.message}`);
    }
    if (target.display === ctx.target.display) {
        return fail(`expected-database-url points at the database being verified (${target.display}); it must be a separate, empty database. Nothing was applied.`);
    }
    let expected;
    try {
        expected = await ctx.connect(target);
        // Guards: verify must never apply migrations to a real database.
        if ((await databaseIdentity(expected)) === (await databaseIdentity(ctx.client))) {
            return fail(`expected-database-url (${target.display}) reaches the database being verified; it must be a separate, empty database. Nothing was applied.`);
        }
        const { historySchema } = settings;
        const state = await expected.query(`SELECT to_regclass($1) AS history,
              (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S'))::text AS relations`, [(0,db_history/* historyTableName */.k2)(historySchema)]);
        const s = state.rows[0];
        const relations = Number(s?.relations ?? 0);
        if (s?.history || relations > 0) {
            const holds = [s?.history ? `a pgshift history table (${s.history})` : '', relations > 0 ? `${plural(relations, 'relation')} in schema public` : '']
                .filter(Boolean)
                .join(' and ');
            return fail(`expected-database-url (${target.display}) must point to an empty database, but it holds ${holds}. Nothing was applied to it: use a fresh database (e.g. a services: postgres container), or drop and recreate this one.`);
        }
        // Build the expected schema with the engine itself (a dynamic import: run.ts imports this module).
        log.info(`expected schema: applying the files to ${target.display}`);
        const { runPgshift } = await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 795));
        const built = await runPgshift({ ...settings, mode: 'apply', databaseUrl: expectedUrl, expectedDatabaseUrl: undefined, testRollback: false, dryRun: false }, { logger: expectedLogger(log), meta: ctx.run.meta, signal: ctx.run.signal });
        if (built.status !== 'success' && built.status !== 'nothing-to-do') {
            const failed = built.migrations.find((m) => m.error);
            const error = failed?.error ?? built.error;
            const where = error?.file ? `${error.file}${error.position ? `:${error.position.line}:${error.position.col}` : ''}` : failed?.file;
            return fail(`building the expected schema on ${target.display} failed${where ? ` at ${where}` : ''}: ${error?.sqlstate ? `${error.sqlstate} ` : ''}${error?.message ?? built.nextStep}`, { file: error?.file ?? failed?.file, line: error?.position?.line, error });
        }
        // Bookkeeping, not schema: pgshift's history and the Supabase CLI's.
        const exclude = (0,steps_snapshot.bookkeepingOf)(historySchema);
        const want = await readOnlySnapshot(expected, exclude);
        const live = await readOnlySnapshot(ctx.client, exclude);
        const differences = (0,diff/* diffSnapshots */.V)(want, live);
        report.schemaDiff = [...(report.schemaDiff ?? []), { title: SCHEMA_DIFF_TITLE, differences }];
        if (!differences.length) {
            return [
                {
                    subject: 'schema',
                    ok: true,
                    message: `the live schema matches the schema ${plural(built.applied.length, 'migration')} build on ${target.display} (${historySchema} excluded)`
                }
            ];
        }
        return differences.map((d) => ({ subject: 'schema', ok: false, message: differenceMessage(d) }));
    }
    catch (e) {
        const err = e;
        return fail(`comparing with the expected schema on ${target.display} failed: ${err.code && /^[0-9A-Z]{5}$/.test(err.code) ? `${err.code} ` : ''}${err.message ?? String(e)}`);
    }
    finally {
        await expected?.end().catch(() => { });
    }
}

// EXTERNAL MODULE: ./src/db/counting-query.ts
var counting_query = __webpack_require__(6136);
// EXTERNAL MODULE: ./src/db/errors.ts
var errors = __webpack_require__(2551);
;// CONCATENATED MODULE: ./src/engine/verify-scripts.ts


/** information_schema views that show only objects on tables the current role owns or holds a non-SELECT privilege on. */
const PRIVILEGE_FILTERED_VIEWS = /\binformation_schema\s*\.\s*(triggers|table_constraints|key_column_usage|constraint_column_usage|constraint_table_usage|referential_constraints|check_constraints|triggered_update_columns)\b/i;
/** Statements the script sends (the stripped outer BEGIN/COMMIT wrapper is not sent). */
function sentStatements(script) {
    return script.statements.filter((s) => !s.strippedWrapper && !s.stubbed);
}
function formatValue(v) {
    let s;
    if (v === null || v === undefined)
        s = 'NULL';
    else if (v instanceof Date)
        s = v.toISOString();
    else if (Buffer.isBuffer(v))
        s = `\\x${v.toString('hex')}`;
    else if (typeof v === 'object')
        s = JSON.stringify(v);
    else
        s = String(v);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
/** A row as `name=value, name=value`, shortened for a report line. */
function formatRow(fields, row) {
    const text = row.map((v, i) => `${fields[i]?.name ?? `column${i + 1}`}=${formatValue(v)}`).join(', ');
    return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}
/** A row fails when its first column is false or NULL. */
function failingRows(result) {
    if (!result.fields?.length)
        return [];
    return result.rows.filter((r) => r[0] === false || r[0] === null || r[0] === undefined);
}
function nextForVerifyError(e, file) {
    const where = e.position ? `${file}:${e.position.line}` : file;
    switch (e.sqlstate) {
        case '25006':
            return `Verify scripts run in a read-only transaction and must not write: remove the write at ${where}. Nothing was changed.`;
        case '25001':
            return `Verify scripts run inside pgshift's read-only transaction: remove the transaction control (SET TRANSACTION, VACUUM, CONCURRENTLY...) at ${where}. Nothing was changed.`;
        case '57014':
            return `The verify query at ${where} hit statement-timeout (or the run was cancelled). Make it cheaper, or raise statement-timeout. Nothing was changed.`;
        case '55P03':
            return `The verify query at ${where} waited longer than lock-timeout for a lock (a migration or a long transaction holds it). Rerun when it is done. Nothing was changed.`;
        case '42501':
            return `The verify role lacks a privilege the query at ${where} needs: grant it SELECT (and USAGE on the schema), or run verify as the owner. Nothing was changed.`;
        default:
            if (e.sqlstate?.startsWith('42')) {
                return `The verify query at ${where} failed: fix the query, or the schema it checks if the query is right (an object it names may be missing: was it dropped by hand?). Nothing was changed.`;
            }
            return `The verify script ${where} failed: fix the script, or the database if the script is right. Nothing was changed.`;
    }
}
/**
 * Runs the verify script of `m` on `client` (no transaction open) and returns its check.
 * Never throws for a database error; the connection is left outside any transaction.
 */
async function runVerifyScript(client, m, script, opts) {
    const file = script.source.file;
    const sent = sentStatements(script);
    const first = sent[0];
    const base = { subject: m.identity, file, line: first?.position.line ?? 1 };
    // Transaction control would end our read-only transaction (COMMIT), after which the rest would run read-write.
    const control = sent.find((s) => s.transactionControl && s.transactionControl !== 'savepoint');
    if (control) {
        return {
            ...base,
            line: control.position.line,
            ok: false,
            message: `${file}:${control.position.line}: verify scripts cannot hold transaction control (${control.kind}); pgshift runs each one in its own read-only transaction. The script was not run.`
        };
    }
    const timeout = Math.max(1, Math.round(opts.statementTimeoutMs));
    const lockTimeout = Math.max(1, Math.round(opts.lockTimeoutMs));
    try {
        await client.query(`BEGIN READ ONLY;SET LOCAL statement_timeout = ${timeout};SET LOCAL lock_timeout = ${lockTimeout};SELECT 1`);
    }
    catch (error) {
        await client.query('ROLLBACK').catch(() => { });
        const origin = { script, text: script.sendText, fileOffset: script.source.offset, prefixCodePoints: 0 };
        const mapped = (0,errors/* mapRunError */.w7)(error, origin, first);
        mapped.next = nextForVerifyError(mapped, file);
        return { ...base, ok: false, message: `${file}: could not start the read-only transaction: ${mapped.message}`, error: mapped };
    }
    let outcome;
    try {
        outcome = await (0,counting_query/* queryCountingStatements */.s)(client, script.sendText);
    }
    finally {
        await client.query('ROLLBACK').catch(() => { });
    }
    if (outcome.error) {
        const statement = outcome.completed < sent.length ? sent[outcome.completed] : undefined;
        const origin = { script, text: script.sendText, fileOffset: script.source.offset, prefixCodePoints: 0 };
        const mapped = (0,errors/* mapRunError */.w7)(outcome.error, origin, statement);
        mapped.next = nextForVerifyError(mapped, file);
        const line = mapped.position?.line ?? statement?.position.line ?? base.line;
        const col = mapped.position?.col;
        return {
            ...base,
            line,
            ok: false,
            message: `${file}:${line}${col ? `:${col}` : ''}: ${mapped.sqlstate ? `${mapped.sqlstate} ` : ''}${mapped.message}`,
            error: mapped
        };
    }
    // One result per statement, in order (pg builds one per CommandComplete).
    const results = outcome.results;
    const aligned = results.length === sent.length;
    let rowsSeen = 0;
    const failures = [];
    results.forEach((r, i) => {
        rowsSeen += r.rows.length;
        const bad = failingRows(r);
        if (!bad.length)
            return;
        const statement = aligned ? sent[i] : undefined;
        failures.push({
            line: statement?.position.line ?? base.line,
            row: formatRow(r.fields, bad[0]),
            count: bad.length,
            of: r.rows.length,
            column: r.fields[0]?.name ?? 'column 1',
            value: bad[0][0] === false ? 'false' : 'NULL',
            // Unaligned (never seen): the whole script stands in for the statement.
            sql: statement?.sql ?? script.sendText
        });
    });
    if (failures.length) {
        const f = failures[0];
        const rows = f.of > 1 ? ` (${f.count} of ${f.of} rows)` : '';
        const more = failures.length > 1 ? `; ${failures.length - 1} more statement${failures.length > 2 ? 's' : ''} also returned failing rows (line ${failures.slice(1).map((x) => x.line).join(', ')})` : '';
        const hint = failures.some((x) => PRIVILEGE_FILTERED_VIEWS.test(x.sql))
            ? ' Note: information_schema.triggers, table_constraints and key_column_usage show only objects on tables the current role owns or holds a privilege other than SELECT on; for a read-only verify role, query pg_trigger / pg_constraint instead.'
            : '';
        return {
            ...base,
            line: f.line,
            ok: false,
            message: `${file}:${f.line}: the statement at line ${f.line} returned a row whose first column (${f.column}) is ${f.value}: ${f.row}${rows}${more}.${hint}`
        };
    }
    const n = sent.length;
    return {
        ...base,
        ok: true,
        message: `${file}: ${n} statement${n === 1 ? '' : 's'} ran read-only; ${rowsSeen === 0 ? 'no rows returned' : `${rowsSeen} row${rowsSeen === 1 ? '' : 's'}, first column true in each`}`
    };
}

;// CONCATENATED MODULE: ./src/engine/steps/run-verify-scripts.ts

/** statement_timeout for verify queries when statement-timeout is 0 (none): CI must not hang on one. */
const DEFAULT_VERIFY_STATEMENT_TIMEOUT_MS = 60_000;
/** Statuses of a file whose migration is recorded as applied: its verify script runs. */
const APPLIED = new Set(['already-applied', 'drifted', 'changed']);
const run_verify_scripts_plural = (n, word, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;
/** Pushes each script's check onto `checks` and adds it to `scriptChecks`. */
async function runVerifyScripts(ctx, checks, scriptChecks) {
    const { report, settings, found, log } = ctx;
    const byIdentity = new Map(found.migrations.map((m) => [m.identity, m]));
    const withScript = report.migrations.filter((r) => APPLIED.has(r.status) && byIdentity.get(r.identity)?.verify);
    const opts = {
        statementTimeoutMs: settings.statementTimeoutMs > 0 ? settings.statementTimeoutMs : DEFAULT_VERIFY_STATEMENT_TIMEOUT_MS,
        lockTimeoutMs: settings.lockTimeoutMs
    };
    for (const [k, r] of withScript.entries()) {
        if (ctx.isCancelled()) {
            checks.push({ subject: 'verify', ok: false, message: `cancelled before ${run_verify_scripts_plural(withScript.length - k, 'verify script')} ran` });
            break;
        }
        const m = byIdentity.get(r.identity);
        const started = performance.now();
        const c = await runVerifyScript(ctx.client, m, m.verify, opts);
        checks.push(c);
        scriptChecks.add(c);
        const line = `[${k + 1}/${withScript.length}] ${m.identity}: ${c.ok ? 'ok' : 'FAILED'} in ${Math.round(performance.now() - started)} ms${c.ok ? '' : ` - ${c.message}`}`;
        // A failure is annotated from the report (one ::error per finding): the log line says FAILED as text.
        log.info(line);
    }
    const applied = report.migrations.filter((r) => APPLIED.has(r.status)).length;
    log.info(`verify scripts: ${withScript.length} of ${run_verify_scripts_plural(applied, 'applied migration')} have one`);
}

;// CONCATENATED MODULE: ./src/engine/modes/verify.ts



const verify_plural = (n, word, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;
async function verifyMode(ctx) {
    const { report, settings, log } = ctx;
    const checks = [];
    const scriptChecks = new Set();
    report.checks = checks;
    checkHistory(ctx, checks);
    await runVerifyScripts(ctx, checks, scriptChecks);
    if (settings.expectedDatabaseUrl && !ctx.isCancelled()) {
        const schemaChecks = await compareWithExpected(ctx, settings.expectedDatabaseUrl);
        checks.push(...schemaChecks);
        for (const c of schemaChecks)
            log.info(c.ok ? `schema: ${c.message}` : failedCheckLine(c));
    }
    report.status = checks.every((c) => c.ok) ? 'success' : 'failed';
    report.nextStep = nextStepFor(report, checks, scriptChecks);
}
function nextStepFor(report, checks, scriptChecks) {
    const failed = checks.filter((c) => !c.ok);
    if (!failed.length) {
        return `All ${verify_plural(checks.length, 'check')} passed (${verify_plural(scriptChecks.size, 'verify script')}${report.schemaDiff ? ', schema comparison' : ''}). verify changed nothing.`;
    }
    const ids = (status) => report.migrations.filter((m) => status.includes(m.status)).map((m) => m.identity);
    const failedIds = new Set(failed.filter((c) => !scriptChecks.has(c)).map((c) => c.subject));
    const pick = (status) => ids(status).filter((id) => failedIds.has(id));
    const parts = [];
    const drifted = pick(['drifted']);
    if (drifted.length)
        parts.push(`Edited after they were applied: ${drifted.join(', ')}. Revert the edits and put the change in a new migration, or accept them with allow-drift: true.`);
    const missing = pick(['missing']);
    if (missing.length)
        parts.push(`In history without a file: ${missing.join(', ')}. Restore the files (a rename counts as delete + new file), or accept with allow-missing: true.`);
    // Out of order and not accepted: apply refuses them, so running apply is not the next step.
    const early = new Set(report.migrations.filter((m) => m.status === 'out-of-order' && !m.accepted).map((m) => m.identity));
    const outOfOrder = pick(['out-of-order']).filter((id) => early.has(id));
    if (outOfOrder.length) {
        const newest = report.migrations.filter((m) => m.kind === 'versioned' && ['already-applied', 'drifted', 'partial'].includes(m.status)).at(-1)?.identity;
        parts.push(`Sort before the newest applied migration${newest ? ` (${newest})` : ''}: ${outOfOrder.join(', ')}. apply refuses them: rename them to sort after it, or set allow-out-of-order: true.`);
    }
    const notApplied = pick(['pending', 'out-of-order', 'changed', 'partial']).filter((id) => !early.has(id));
    if (notApplied.length)
        parts.push(`Not applied: ${notApplied.join(', ')}. Run mode apply (mode plan shows what it would run).`);
    const scripts = failed.filter((c) => scriptChecks.has(c));
    if (scripts.length) {
        parts.push(`Verify scripts failed: ${scripts.map((c) => `${c.file}:${c.line ?? 1}`).join(', ')}. Each check says which statement and row; fix the database, or the script if it is wrong.`);
    }
    const schema = failed.filter((c) => c.subject === 'schema');
    const nDiff = report.schemaDiff?.reduce((n, d) => n + d.differences.length, 0) ?? 0;
    if (nDiff) {
        parts.push(`The live schema differs from the schema the files build (${verify_plural(nDiff, 'difference')}): a hand-made change in production? Write a migration that makes it, or revert it by hand.`);
    }
    else if (schema.length) {
        parts.push(`The schema comparison could not run: ${schema[0]?.message}`);
    }
    const other = failed.filter((c) => c.subject === 'verify');
    if (other.length)
        parts.push(other.map((c) => c.message).join(' '));
    return `${verify_plural(failed.length, 'check')} of ${checks.length} failed. ${parts.join(' ')} verify changed nothing.`;
}


/***/ })

};
