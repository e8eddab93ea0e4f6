export const id = 717;
export const ids = [717];
export const modules = {

/***/ 2717:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  rollbackMode: () => (/* binding */ rollbackMode)
});

// EXTERNAL MODULE: ./src/db/rollback-log.ts
var rollback_log = __webpack_require__(6819);
// EXTERNAL MODULE: ./src/engine/exec-context.ts
var exec_context = __webpack_require__(7075);
// EXTERNAL MODULE: ./src/engine/steps/backup.ts
var backup = __webpack_require__(4074);
// EXTERNAL MODULE: ./src/engine/steps/make-durable.ts
var make_durable = __webpack_require__(2060);
// EXTERNAL MODULE: ./src/engine/executor.ts
var executor = __webpack_require__(8493);
// EXTERNAL MODULE: ./src/engine/preview.ts
var preview = __webpack_require__(7790);
// EXTERNAL MODULE: ./src/engine/steps/partial-preview.ts
var partial_preview = __webpack_require__(6644);
// EXTERNAL MODULE: ./src/report/thousands.ts
var thousands = __webpack_require__(4153);
;// CONCATENATED MODULE: ./src/engine/steps/preview-downs.ts




async function previewDowns(ctx, exec, range) {
    const { report } = ctx;
    const byIdentity = new Map(report.migrations.map((r) => [r.identity, r]));
    report.preview = true;
    const items = range.map((m) => ({ migration: m, script: m.down, result: byIdentity.get(m.identity), recordSql: (0,executor/* deleteHistorySql */.Qu)(exec, m.identity) }));
    const out = await (0,preview/* previewInTransaction */.m)(ctx, items);
    (0,partial_preview/* notePartialPreview */.g)(ctx, items, out, 'down script');
    const stop = out.stoppedAt ? ` The preview stopped at the down script of ${out.stoppedAt.identity}, which cannot be previewed (${out.stoppedAt.notDryRunnable}).` : '';
    report.status = out.failed ? 'failed' : 'success';
    report.nextStep = out.failed
        ? `The down script of ${out.failed.identity} would fail: fix it before rolling back. Nothing was kept.`
        : `Nothing was kept. The rollback would run ${range.length} down script${range.length === 1 ? '' : 's'}, newest first: ${range.map((m) => m.identity).join(', ')}.${stop}${lossAdvice(report.migrations, ctx.settings.allowDataLoss)}`;
}
/** What the downs destroy, and what the real rollback then needs. */
function lossAdvice(results, allowed) {
    const rows = results.flatMap((r) => r.destroys ?? []).reduce((a, d) => a + d.rows, 0);
    if (!rows)
        return '';
    const n = `${(0,thousands/* thousands */.o)(rows)} row${rows === 1 ? '' : 's'}`;
    return allowed
        ? ` They destroy ${n}; allow-data-loss is true, so the real rollback will run: back the rows up first.`
        : ` They destroy ${n}: the real rollback needs \`allow-data-loss: true\` (back the rows up first).`;
}

// EXTERNAL MODULE: ./node_modules/pg/esm/index.mjs
var esm = __webpack_require__(3849);
// EXTERNAL MODULE: ./src/source/destroys.ts
var destroys = __webpack_require__(3970);
// EXTERNAL MODULE: ./src/engine/parse-needed.ts
var parse_needed = __webpack_require__(9183);
// EXTERNAL MODULE: ./src/engine/steps/plan.ts
var plan = __webpack_require__(919);
// EXTERNAL MODULE: ./src/engine/steps/test-rollback.ts
var test_rollback = __webpack_require__(6633);
;// CONCATENATED MODULE: ./src/engine/steps/rollback-range.ts





/** The applied migrations to roll back, newest first, or a reason to refuse. */
function rollbackRange(applied, target) {
    if (target.toVersion !== undefined) {
        const v = target.toVersion;
        const idx = applied.findIndex((m) => m.identity === v || m.version === v);
        if (idx < 0) {
            const known = applied.slice(-5).map((m) => m.identity);
            return `to-version '${v}' is not an applied migration (matched against identities and versions). The newest applied: ${known.join(', ') || '(none)'}.`;
        }
        if (applied.filter((m) => m.version === v && m.identity !== v).length > 1) {
            return `to-version '${v}' matches several applied migrations; give the full identity, e.g. ${applied.filter((m) => m.version === v).map((m) => m.identity).join(' or ')}.`;
        }
        return applied.slice(idx + 1).reverse();
    }
    return applied.slice(-target.steps).reverse();
}
const ROW_CAP = 1_000_000;
/** Rows the downs in range would destroy (counted up to a cap), so the guard can name them. */
async function dataAtRisk(client, range) {
    const out = [];
    for (const m of range) {
        for (const s of m.down?.statements ?? []) {
            for (const d of (0,destroys/* destroyedBy */.J)(s)) {
                const reg = await client.query(`SELECT c.oid::regclass::text AS t, n.nspname || '.' || c.relname AS display
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)`, [d.table]);
                const t = reg.rows[0]?.t;
                const display = reg.rows[0]?.display;
                if (!t)
                    continue;
                const where = d.column ? ` WHERE ${(0,esm/* escapeIdentifier */.F)(d.column)} IS NOT NULL` : '';
                const col = d.column ? await client.query('SELECT 1 FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2 AND NOT attisdropped', [t, d.column]) : undefined;
                if (col && !col.rowCount)
                    continue;
                const r = await client.query(`SELECT count(*) AS n FROM (SELECT 1 FROM ${t}${where} LIMIT ${ROW_CAP}) s`);
                const rows = Number(r.rows[0]?.n ?? 0);
                if (rows > 0)
                    out.push({ migration: m.identity, what: d.column ? `column ${display}.${d.column}` : `table ${display}`, rows, line: s.position.line });
            }
        }
    }
    return out;
}
function refuse(report, reasons) {
    report.plan.refusals.push(...reasons);
    report.status = 'blocked';
    report.nextStep = 'Nothing was changed. Resolve the refusals above, then rerun the rollback.';
    return undefined;
}
/**
 * The range to roll back, every down parsed and checked; undefined when there is
 * nothing to do or the run is refused (the report then says which and why).
 */
async function chooseRollbackRange(ctx) {
    const { report, settings, found, history } = ctx;
    const p = (0,plan/* planPending */.nB)(ctx);
    // Pending files don't matter to a rollback; edited, deleted or half-applied ones do.
    report.plan.refusals = p.summary.refusals.filter((r) => !/sort before the newest applied/.test(r));
    report.pending = [];
    if (report.plan.refusals.length)
        return refuse(report, []);
    const appliedIds = new Set(history.filter((r) => r.status === 'applied').map((r) => r.identity));
    const applied = found.migrations.filter((m) => appliedIds.has(m.identity));
    const range = rollbackRange(applied, settings);
    if (typeof range === 'string')
        return refuse(report, [range]);
    if (!range.length) {
        report.status = 'nothing-to-do';
        report.nextStep = settings.toVersion ? `Nothing to roll back: ${settings.toVersion} is the newest applied migration.` : 'Nothing to roll back: no migration is applied.';
        return undefined;
    }
    (0,parse_needed/* parseDowns */.tG)(range);
    // A broken down refuses only the rollback whose range needs it.
    const inRange = new Set(range.map((m) => m.identity));
    if ((0,parse_needed/* refusedForSourceProblems */.jC)(report, found, (id) => inRange.has(id)))
        return undefined;
    const noDown = range.filter((m) => !m.down);
    if (noDown.length) {
        return refuse(report, [
            `No down script for ${noDown.map((m) => m.identity).join(', ')}, so the rollback of ${range.map((m) => m.identity).join(', ')} cannot run. For each: ${noDown.map((m) => `${m.identity}: ${(0,test_rollback/* downAdvice */.F)(m)}`).join('; ')}. Or choose a smaller range.`
        ]);
    }
    const risk = await dataAtRisk(ctx.client, range);
    // The report names each down's file and what it destroys, for the preview and the refusal alike.
    const byIdentity = new Map(report.migrations.map((r) => [r.identity, r]));
    for (const m of range) {
        const result = byIdentity.get(m.identity);
        if (!result)
            continue;
        result.downFile = m.scriptFiles.down ?? m.down?.source.file;
        const destroys = risk.filter((r) => r.migration === m.identity).map((r) => ({ what: r.what, rows: r.rows, line: r.line }));
        if (destroys.length)
            result.destroys = destroys;
    }
    // A preview never blocks on data loss: it exists to show the loss to the reviewer who approves the real run.
    if (risk.length && !settings.allowDataLoss && !settings.dryRun) {
        return refuse(report, [
            `The down scripts would destroy data: ${risk.map((r) => `${r.what} holds ${r.rows >= ROW_CAP ? `${ROW_CAP}+` : r.rows} row${r.rows === 1 ? '' : 's'} (${r.migration}.down, line ${r.line})`).join('; ')}. Back the data up and set allow-data-loss: true to proceed.`
        ]);
    }
    return range;
}

// EXTERNAL MODULE: ./src/engine/heartbeat.ts
var heartbeat = __webpack_require__(3998);
// EXTERNAL MODULE: ./src/engine/steps/reconcile-lost-connection.ts
var reconcile_lost_connection = __webpack_require__(4318);
;// CONCATENATED MODULE: ./src/engine/steps/run-downs.ts




/** Fills report.rolledBack; the result of the down that failed, if one did. */
async function runDowns(ctx, exec, range) {
    const { report } = ctx;
    const byIdentity = new Map(report.migrations.map((r) => [r.identity, r]));
    report.rolledBack = [];
    let failed;
    const started = performance.now();
    for (const [k, m] of range.entries()) {
        const result = byIdentity.get(m.identity);
        if (failed || ctx.isCancelled() || ctx.isLockLost()) {
            result.note = 'not rolled back: the rollback stopped before it';
            continue;
        }
        const down = m.down;
        const o = await ctx.log.group(`[${k + 1}/${range.length}] rollback ${m.identity}`, async () => {
            let r = (await (0,backup/* safetyCopiesBefore */.z)(ctx, m.identity, down, `${m.identity}.down`)) ??
                (await (0,heartbeat/* withHeartbeat */.px)(ctx.log, `rollback ${m.identity}`, down.source.file, (cursor) => (0,executor/* executeDown */.ch)({ ...exec, cursor }, m)));
            if (r.connectionLost && !ctx.isCancelled())
                r = await (0,reconcile_lost_connection/* reconcileLostConnection */.F)(ctx, exec, m, r, 'down');
            ctx.log.progress({ index: k + 1, total: range.length, title: `rollback ${m.identity}`, ok: r.ok, verb: r.ok ? 'rolled back' : 'FAILED', durationMs: r.durationMs, elapsedMs: performance.now() - started });
            return r;
        });
        result.durationMs = Math.round(o.durationMs);
        if (o.ok) {
            result.status = 'rolled-back';
            report.rolledBack.push(m.identity);
        }
        else {
            failed = result;
            result.status = 'failed';
            result.error = o.error;
        }
    }
    report.pending = [...report.rolledBack].reverse();
    return failed;
}

// EXTERNAL MODULE: ./src/engine/steps/run-hooks.ts
var run_hooks = __webpack_require__(2190);
;// CONCATENATED MODULE: ./src/engine/modes/rollback.ts
// rollback (DESIGN 11): down scripts, newest first, by `steps` or down to
// `to-version` (which stays applied). The whole range is checked before anything
// runs; each down commits together with the deletion of its history row.








async function rollbackMode(ctx) {
    const range = await chooseRollbackRange(ctx);
    if (!range)
        return;
    const exec = (0,exec_context/* execContext */.n)(ctx);
    if (ctx.settings.dryRun)
        return previewDowns(ctx, exec, range);
    if (!(await (0,backup/* backupBeforeChanges */.B)(ctx)))
        return;
    // History's record of each down (db/rollback-log.ts): created here, under the run lock, when missing and allowed.
    exec.rollbackLog = await (0,rollback_log/* ensureRollbackLog */.bu)(ctx.client, ctx.settings.historySchema);
    const failed = await runDowns(ctx, exec, range);
    const hookFailed = failed ? undefined : await (0,run_hooks/* runHook */.DB)(ctx, exec, 'afterRollback');
    // One synchronous commit makes this run's downs and hook durable before anything is reported.
    const done = ctx.report.rolledBack?.length ?? 0;
    const durable = await (0,make_durable/* makeRunDurable */.L)(ctx, done, `this run's ${done} rollback${done === 1 ? '' : 's'} and hooks`);
    verdict(ctx, range.length, failed, hookFailed, durable);
}
function verdict(ctx, total, failed, hookFailed, durable) {
    const { report, settings } = ctx;
    const done = report.rolledBack?.length ?? 0;
    if (failed) {
        report.status = 'failed';
        const left = total - done;
        report.nextStep = `${failed.error?.next ?? 'Fix the down script.'} ${done} migration${done === 1 ? ' was' : 's were'} rolled back and removed from history; ${failed.identity} is intact and still applied. To finish, rerun with steps: ${left}${settings.toVersion ? ` (or the same to-version: ${settings.toVersion})` : ''}.`;
    }
    else if (hookFailed) {
        (0,run_hooks/* failOnHook */.bg)(ctx, hookFailed, `The ${done} down script${done === 1 ? '' : 's'} ran and their history rows are gone.`);
    }
    else if (durable) {
        report.status = 'success';
        report.nextStep = `Rolled back ${done} migration${done === 1 ? '' : 's'}. A rerun of apply would apply them again: ${report.pending.join(', ')}.`;
    }
}


/***/ }),

/***/ 7790:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   m: () => (/* binding */ previewInTransaction)
/* harmony export */ });
/* unused harmony export transactionalTwin */
/* harmony import */ var _db_counting_query_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(6136);
/* harmony import */ var _db_history_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3966);
/* harmony import */ var _db_supabase_history_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3895);
/* harmony import */ var _db_locks_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5218);
/* harmony import */ var _db_errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2551);
/* harmony import */ var _source_classify_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4584);
/* harmony import */ var _source_parser_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(3686);
/* harmony import */ var _executor_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(8493);
/* harmony import */ var _steps_ensure_history_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(3475);









/** The statement without its CONCURRENTLY keyword (found by the parser's scanner, never by text search). */
function transactionalTwin(s) {
    if (!s.nonTransactional?.includes('CONCURRENTLY'))
        return undefined;
    const tokens = (0,_source_parser_js__WEBPACK_IMPORTED_MODULE_5__/* .scanSql */ .C4)(s.sql);
    const i = tokens.findIndex((t) => t.text.toUpperCase() === 'CONCURRENTLY');
    if (i < 0)
        return undefined;
    // REINDEX (CONCURRENTLY) TABLE t: drop the now-empty option list too.
    const from = tokens[i - 1]?.text === '(' && tokens[i + 1]?.text === ')' ? i - 1 : i;
    const to = from === i - 1 ? i + 1 : i;
    const start = tokens[from]?.start ?? 0;
    const end = tokens[to]?.end ?? 0;
    return s.sql.slice(0, start) + ' '.repeat(end - start) + s.sql.slice(end);
}
/** Statements a preview transaction cannot run at all: listed, not run. */
const SKIPPED = ['VACUUM', 'ALTER SYSTEM', 'CREATE DATABASE', 'DROP DATABASE', 'TABLESPACE', 'SUBSCRIPTION', 'REINDEX SCHEMA', 'REINDEX SYSTEM', 'REINDEX DATABASE', 'SET TABLESPACE'];
function timeoutsSql(ctx) {
    return `SET LOCAL lock_timeout = ${ctx.settings.lockTimeoutMs};SET LOCAL statement_timeout = ${ctx.settings.statementTimeoutMs}`;
}
/** Each migration starts from clean settings, as in apply (SET LOCAL timeouts included); one statement each. */
function resetStatements(ctx) {
    return ['SET SESSION AUTHORIZATION DEFAULT', 'RESET ROLE', 'RESET ALL', ...(ctx.sessionSql ? [ctx.sessionSql] : []), ...timeoutsSql(ctx).split(';')];
}
/** The statement's whole command tag (CREATE TRIGGER, CREATE INDEX), for the timings. */
const label = (s) => (0,_source_classify_js__WEBPACK_IMPORTED_MODULE_4__/* .commandTag */ .cc)(s);
const MARKER = 'SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8';
/** The message for one migration, and what each of its statements is. */
function previewMessage(ctx, item, first, lockSql, timings) {
    const parts = [];
    let sql = '';
    let codePoints = 0;
    const add = (part, text) => {
        parts.push(part);
        // The newline ends a trailing `--` comment; the semicolon ends the statement.
        const piece = `${text}\n;`;
        sql += piece;
        codePoints += [...piece].length;
    };
    // Each migration starts from clean settings, as in apply (SET LOCAL timeouts included).
    if (!first)
        for (const setup of resetStatements(ctx))
            add({ kind: 'setup' }, setup);
    add({ kind: 'marker' }, MARKER);
    for (const s of item.script.statements) {
        if (s.strippedWrapper || s.stubbed)
            continue;
        if (s.nonTransactional && SKIPPED.some((k) => s.nonTransactional?.includes(k))) {
            timings.push({ line: s.position.line, label: s.nonTransactional, ms: 0, twin: `skipped: ${s.nonTransactional} cannot run in a transaction; apply runs it` });
            continue;
        }
        const twin = transactionalTwin(s);
        const sent = twin ?? s.sql;
        timings.push({ line: s.position.line, label: s.nonTransactional ?? label(s), ms: 0, twin: twin ? `ran as its transactional twin (without CONCURRENTLY)` : undefined });
        add({ kind: 'statement', statement: s, sent, prefixCodePoints: codePoints }, sent);
        add({ kind: 'marker' }, MARKER);
    }
    for (const setup of _executor_js__WEBPACK_IMPORTED_MODULE_6__/* .AS_LOGIN_USER */ .Jl.split(';'))
        add({ kind: 'setup' }, setup);
    add({ kind: 'record' }, item.recordSql);
    if (lockSql)
        add({ kind: 'locks' }, lockSql);
    return { sql, parts };
}
/**
 * Runs a hook inside the preview transaction. Statements a transaction cannot hold
 * (VACUUM) are skipped, as in a migration's preview. A failure ends the preview, so
 * no savepoint is needed; after a success the session starts clean again.
 */
async function previewHook(ctx, hook, after) {
    const { client } = ctx;
    const script = hook.script;
    const started = performance.now();
    let error;
    for (const s of script.statements) {
        if (s.strippedWrapper || s.stubbed || (s.nonTransactional && SKIPPED.some((k) => s.nonTransactional?.includes(k))))
            continue;
        const sql = transactionalTwin(s) ?? s.sql;
        try {
            await client.query(sql);
        }
        catch (e) {
            error = (0,_db_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .mapRunError */ .w7)(e, { script, text: sql, fileOffset: s.offset, prefixCodePoints: 0 }, s);
            break;
        }
    }
    if (!error)
        await client.query(resetStatements(ctx).join(';'));
    const file = script.source.file;
    (ctx.report.hooks ??= []).push({ hook: hook.name, file, status: error ? 'failed' : 'previewed', ...(after ? { after } : {}), durationMs: Math.round(performance.now() - started), ...(error ? { error } : {}) });
    if (error)
        error.next = `The preview stopped at the hook ${file}${error.position ? `:${error.position.line}` : ''} and rolled everything back. Fix the hook and run the preview again.`;
    return error;
}
async function previewInTransaction(ctx, items, extras = {}) {
    const { client, settings } = ctx;
    const outcome = {};
    // Locks on relations created inside the preview block nobody: with none existing
    // (a first deploy), pg_locks is never read. Otherwise it is read once per migration
    // (locks only pile up inside one transaction, so "before" is the previous "after");
    // new relations get higher oids, so most of their rows stay on the server.
    let existing = await (0,_db_locks_js__WEBPACK_IMPORTED_MODULE_2__/* .existingRelations */ .jp)(client, settings.historySchema);
    const lockSqlFor = (rels) => (rels.size ? `${_db_locks_js__WEBPACK_IMPORTED_MODULE_2__/* .HELD_LOCKS_SQL */ .US} AND relation <= ${Math.max(...rels.keys())}` : undefined);
    let lockSql = extras.phases?.baseCount ? undefined : lockSqlFor(existing);
    let held = [];
    await client.query(`BEGIN;${timeoutsSql(ctx)}`);
    try {
        // The history table may not exist yet on a first deploy: create it inside the preview, so it rolls back too.
        await (0,_steps_ensure_history_js__WEBPACK_IMPORTED_MODULE_7__/* .historyStep */ .RA)(() => (0,_db_history_js__WEBPACK_IMPORTED_MODULE_0__/* .ensureHistoryTable */ .r0)(client, settings.historySchema, { inTransaction: true }), settings.historySchema);
        // The Supabase CLI's table too, when it is kept and absent: it rolls back with the rest.
        if (ctx.supabase && !ctx.supabase.tableExists)
            await client.query((0,_db_supabase_history_js__WEBPACK_IMPORTED_MODULE_1__/* .createSupabaseHistorySql */ .Vt)(ctx.supabase.schemaExists));
        // supabase-shim: created inside the preview, so it is rolled back with everything else.
        if (ctx.previewSetupSql)
            await client.query(ctx.previewSetupSql);
        const enumsAdded = [];
        let first = true;
        if (extras.before)
            outcome.hookFailed = await previewHook(ctx, extras.before);
        for (const [index, item] of items.entries()) {
            const { result, script } = item;
            if (extras.phases && index === extras.phases.baseCount && !outcome.failed && !outcome.stoppedAt && !outcome.hookFailed && !ctx.isCancelled()) {
                outcome.refused = await extras.phases.atS0();
                // S0: what exists now is what production traffic would wait on; our own locks so far are the baseline.
                existing = await (0,_db_locks_js__WEBPACK_IMPORTED_MODULE_2__/* .existingRelations */ .jp)(client, settings.historySchema);
                lockSql = lockSqlFor(existing);
                held = lockSql ? await (0,_db_locks_js__WEBPACK_IMPORTED_MODULE_2__/* .heldLocks */ .Mw)(client, existing) : [];
            }
            if (outcome.failed || outcome.stoppedAt || outcome.hookFailed || outcome.refused || ctx.isCancelled()) {
                result.status = 'skipped';
                result.note = outcome.stoppedAt ? `not previewed: it runs after ${outcome.stoppedAt.identity}, which cannot be previewed` : result.note;
                continue;
            }
            if (script.hasTransactionBlocks) {
                result.notDryRunnable = 'its BEGIN ... COMMIT blocks commit on their own, so it cannot run inside the preview transaction; apply runs it statement by statement';
                outcome.stoppedAt = result;
                outcome.stoppedPosition = script.nonTransactionalReasons.find((r) => r.what.endsWith(' block'))?.position;
                continue;
            }
            const timings = [];
            const message = previewMessage(ctx, item, first, lockSql, timings);
            first = false;
            const started = performance.now();
            const r = await (0,_db_counting_query_js__WEBPACK_IMPORTED_MODULE_8__/* .queryCountingStatements */ .s)(client, message.sql);
            result.durationMs = Math.round(performance.now() - started);
            if (r.error === undefined) {
                fillTimings(timings, message.parts, r.results);
                result.statementTimings = timings;
                if (lockSql) {
                    const after = heldOn(existing, r.results[r.results.length - 1]?.rows);
                    result.locks = (0,_db_locks_js__WEBPACK_IMPORTED_MODULE_2__/* .newLocks */ .D8)(held, after);
                    held = after;
                }
                else if (!extras.phases || index >= extras.phases.baseCount)
                    result.locks = [];
                for (const s of script.statements)
                    if (s.kind === 'AlterEnumStmt' && typeof s.node.newVal === 'string')
                        enumsAdded.push(item.migration.identity);
                result.status = 'previewed';
                if (extras.afterEach)
                    outcome.hookFailed = await previewHook(ctx, extras.afterEach, item.migration.identity);
                continue;
            }
            const failedPart = message.parts[r.completed];
            const code = (0,_db_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .isPgError */ .QO)(r.error) ? r.error.code : undefined;
            const statement = failedPart?.kind === 'statement' ? failedPart.statement : script.statements[script.statements.length - 1];
            const earlierEnum = enumsAdded.find((id) => id !== item.migration.identity);
            const stop = (why) => {
                result.notDryRunnable = why;
                outcome.stoppedAt = result;
                outcome.stoppedPosition = statement.position;
                outcome.aborted = true;
            };
            if (code === '55P04' && earlierEnum) {
                stop(`it uses an enum value that ${earlierEnum} adds in this run; Postgres cannot use a new enum value in the transaction that adds it, and apply commits each migration separately`);
                continue;
            }
            // A file that runs statement by statement (a no-transaction directive, CALL) may hold
            // a statement that commits or that Postgres refuses inside a transaction block. In a
            // file that runs in one transaction the same error is a real failure: apply hits it too.
            const why = script.runMode === 'statements' ? autocommitOnly(code, statement) : undefined;
            if (why) {
                stop(why);
                continue;
            }
            const origin = failedPart?.kind === 'statement'
                ? { script, text: failedPart.sent, fileOffset: statement.offset, prefixCodePoints: failedPart.prefixCodePoints }
                : { script, text: statement.sql, fileOffset: statement.offset, prefixCodePoints: Number.MAX_SAFE_INTEGER };
            result.status = 'failed';
            result.error = (0,_db_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .mapRunError */ .w7)(r.error, origin, statement);
            result.error.next = `The preview stopped here and rolled everything back. Fix the statement at this position and run the preview again.`;
            outcome.failed = result;
        }
        if (extras.phases && items.length === extras.phases.baseCount && !outcome.failed && !outcome.stoppedAt && !outcome.hookFailed && !ctx.isCancelled())
            outcome.refused = await extras.phases.atS0();
        if (extras.after && !outcome.failed && !outcome.stoppedAt && !outcome.hookFailed && !outcome.refused && !ctx.isCancelled())
            outcome.hookFailed = await previewHook(ctx, extras.after);
        if (extras.beforeRollback && !outcome.failed && !outcome.hookFailed && !outcome.refused && !outcome.aborted && !ctx.isCancelled())
            await extras.beforeRollback();
    }
    finally {
        // Always: a preview never keeps anything.
        await client.query('ROLLBACK').catch(() => { });
    }
    return outcome;
}
/**
 * Why a statement of a statement-by-statement file cannot run in the preview
 * transaction, from the error it raised there: it commits (2D000: a procedure or a DO
 * block that COMMITs) or Postgres refuses it inside a transaction block (25001).
 */
function autocommitOnly(code, s) {
    const at = `line ${s.position.line}`;
    if (code === '2D000') {
        return s.kind === 'CallStmt'
            ? 'the procedure it calls commits, which cannot happen inside the preview transaction'
            : `its statement at ${at} commits, which cannot happen inside the preview transaction; apply runs the file statement by statement in autocommit`;
    }
    if (code === '25001')
        return `its statement at ${at} cannot run inside a transaction block, so it cannot run inside the preview transaction; apply runs the file statement by statement in autocommit`;
    return undefined;
}
/** Each statement's time: the difference of the clock markers around it. */
function fillTimings(timings, parts, results) {
    const clock = (i) => Number(results[i]?.rows[0]?.[0]);
    let t = 0;
    parts.forEach((p, i) => {
        if (p.kind !== 'statement')
            return;
        while (timings[t]?.twin?.startsWith('skipped:'))
            t++;
        const ms = clock(i + 1) - clock(i - 1);
        if (timings[t])
            timings[t].ms = Number.isFinite(ms) ? Math.round(ms * 10) / 10 : 0;
        t++;
    });
}
/** The rows of the lock query that fall on relations that existed before the preview. */
function heldOn(existing, rows = []) {
    return rows.filter(([oid]) => existing.has(oid)).map(([oid, mode]) => ({ oid, relation: existing.get(oid), mode }));
}


/***/ }),

/***/ 6644:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   g: () => (/* binding */ notePartialPreview)
/* harmony export */ });
/* harmony import */ var _report_trusted_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1341);
/* harmony import */ var _report_thousands_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4153);


const plural = (n, one) => `${(0,_report_thousands_js__WEBPACK_IMPORTED_MODULE_1__/* .thousands */ .o)(n)} ${n === 1 ? one : `${one}s`}`;
function notePartialPreview(ctx, items, out, what = 'migration') {
    const stopped = out.stoppedAt;
    if (!stopped)
        return;
    const { report } = ctx;
    const previewed = items.filter((i) => i.result.status === 'previewed').length;
    const notPreviewed = items
        .filter((i) => i.result.status !== 'previewed')
        .map((i) => ({
        identity: i.migration.identity,
        file: i.script.source.file,
        reason: i.result === stopped ? `cannot be previewed: ${stopped.notDryRunnable ?? 'it cannot run inside the preview transaction'}` : `runs after ${stopped.identity}, where the preview stopped`
    }));
    report.partialPreview = { previewed, total: items.length, notPreviewed };
    const after = notPreviewed.length - 1;
    const why = stopped.notDryRunnable ?? 'it cannot run inside the preview transaction';
    const message = (0,_report_trusted_js__WEBPACK_IMPORTED_MODULE_0__/* .advice */ .v9) `The preview stopped at ${stopped.identity} and previewed ${previewed} of ${items.length} ` +
        `${items.length === 1 ? what : `${what}s`}: ` +
        `${why}. ${after ? `It and the ${plural(after, what)} after it were` : 'It was'} not previewed, so nothing tested them; the \`not-previewed\` output lists them with why.`;
    const file = items.find((i) => i.result === stopped)?.script.source.file ?? stopped.file;
    report.warnings.push({ file, message, ...(out.stoppedPosition ? { position: out.stoppedPosition } : {}) });
    // No log line: the warning reaches the log once, as an annotation (action) or a `warning:` line (CLI).
}


/***/ }),

/***/ 3970:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   J: () => (/* binding */ destroyedBy)
/* harmony export */ });
/* harmony import */ var pg__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3849);
// What a statement destroys, from its parse tree (never from its text): the
// tables a DROP TABLE or TRUNCATE empties, and the columns an ALTER TABLE drops.
// Used by the rollback's data-loss guard and by the safety copies (src/backup).

const qualified = (parts) => parts
    .filter((x) => Boolean(x))
    .map((p) => (0,pg__WEBPACK_IMPORTED_MODULE_0__/* .escapeIdentifier */ .F)(p))
    .join('.');
function destroyedBy(s) {
    // The tree is read only for the kinds that can destroy (a released tree is parsed again: see source/script.ts).
    if (s.kind !== 'DropStmt' && s.kind !== 'AlterTableStmt' && s.kind !== 'TruncateStmt')
        return [];
    const n = s.node;
    if (s.kind === 'DropStmt' && n.removeType === 'OBJECT_TABLE') {
        const objects = n.objects ?? [];
        return objects.map((o) => ({ table: qualified((o.List?.items ?? []).map((i) => i.String?.sval)), how: 'DROP TABLE' }));
    }
    if (s.kind === 'AlterTableStmt' && (n.objtype === undefined || n.objtype === 'OBJECT_TABLE')) {
        const rel = n.relation;
        if (!rel?.relname)
            return [];
        const table = qualified([rel.schemaname, rel.relname]);
        const cmds = n.cmds ?? [];
        return cmds
            .filter((c) => c.AlterTableCmd?.subtype === 'AT_DropColumn' && c.AlterTableCmd.name)
            .map((c) => ({ table, column: c.AlterTableCmd?.name, how: 'DROP COLUMN' }));
    }
    if (s.kind === 'TruncateStmt') {
        const rels = n.relations ?? [];
        return rels.map((r) => ({ table: qualified([r.RangeVar?.schemaname, r.RangeVar?.relname]), how: 'TRUNCATE' }));
    }
    return [];
}


/***/ })

};
