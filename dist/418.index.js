export const id = 418;
export const ids = [418];
export const modules = {

/***/ 418:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  applyPrCheck: () => (/* binding */ applyPrCheck),
  dryRunPrCheck: () => (/* binding */ dryRunPrCheck)
});

// EXTERNAL MODULE: ./src/engine/exec-context.ts
var exec_context = __webpack_require__(7075);
// EXTERNAL MODULE: ./src/engine/pr-split.ts
var pr_split = __webpack_require__(6767);
// EXTERNAL MODULE: ./src/engine/steps/apply-pending.ts + 1 modules
var apply_pending = __webpack_require__(7464);
// EXTERNAL MODULE: ./src/engine/steps/backup.ts
var backup = __webpack_require__(4074);
;// CONCATENATED MODULE: ./src/engine/steps/base-phase.ts

/** The plan's runs split by phase; base runs carry the base's own text (it may differ under allow-drift). */
function runsByPhase(ctx, p) {
    const pr = ctx.pr;
    if (!pr)
        return { baseRuns: [], prRuns: p.toRun };
    const baseVersion = new Map(pr.base.map((m) => [m.identity, m]));
    const baseRuns = [];
    const prRuns = [];
    for (const run of p.toRun) {
        const b = baseVersion.get(run.migration.identity);
        if (b)
            baseRuns.push({ ...run, migration: b });
        else if (!pr.baseIds.has(run.migration.identity))
            prRuns.push(run);
    }
    return { baseRuns, prRuns };
}
function prCheckInfo(ctx) {
    return ctx.report.prCheck;
}
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
/** The one log line of the phase, and the report's basePhase figures. */
function record(ctx, runs, durationMs, failed) {
    const info = prCheckInfo(ctx);
    info.basePhase.ran = runs.length;
    info.basePhase.alreadyApplied = info.basePhase.total - runs.length;
    info.basePhase.durationMs = Math.round(durationMs);
    if (failed)
        info.basePhase.failed = failed;
}
async function applyBasePhase(ctx, exec, runs) {
    const sha = ctx.pr?.sha.slice(0, 12) ?? '';
    if (!runs.length) {
        record(ctx, runs, 0);
        ctx.log.info(`base phase: nothing to apply (history records the base's ${prCheckInfo(ctx).basePhase.total} migrations)`);
        return {};
    }
    const started = performance.now();
    const out = await ctx.log.group(`base phase: ${runs.length} migration${runs.length === 1 ? '' : 's'} of base ${sha}`, () => (0,apply_pending/* applyPending */.Y)(ctx, exec, runs, { quiet: true }));
    const ms = performance.now() - started;
    record(ctx, runs, ms, out.failed?.identity);
    ctx.log.info(`base phase: ${out.failed ? `FAILED at ${out.failed.identity}` : `${runs.length} applied`} in ${seconds(ms)}`);
    return out;
}

// EXTERNAL MODULE: ./src/engine/steps/ensure-history.ts
var ensure_history = __webpack_require__(3475);
// EXTERNAL MODULE: ./src/engine/steps/lint-pending.ts + 8 modules
var lint_pending = __webpack_require__(2817);
// EXTERNAL MODULE: ./src/engine/steps/make-durable.ts
var make_durable = __webpack_require__(2060);
// EXTERNAL MODULE: ./src/engine/steps/partial-preview.ts
var partial_preview = __webpack_require__(6644);
// EXTERNAL MODULE: ./src/engine/steps/plan.ts
var plan = __webpack_require__(919);
// EXTERNAL MODULE: ./src/engine/steps/run-hooks.ts
var run_hooks = __webpack_require__(2190);
// EXTERNAL MODULE: ./src/engine/steps/snapshot.ts
var snapshot = __webpack_require__(9720);
// EXTERNAL MODULE: ./src/engine/steps/supabase-lint.ts + 2 modules
var supabase_lint = __webpack_require__(4599);
// EXTERNAL MODULE: ./src/engine/preview.ts
var preview = __webpack_require__(7790);
// EXTERNAL MODULE: ./src/engine/steps/preview-pending.ts + 1 modules
var preview_pending = __webpack_require__(5961);
// EXTERNAL MODULE: ./src/engine/steps/test-rollback.ts
var test_rollback = __webpack_require__(6633);
// EXTERNAL MODULE: ./src/engine/steps/preludes.ts
var steps_preludes = __webpack_require__(8562);
;// CONCATENATED MODULE: ./src/engine/modes/pr-check.ts
// The PR check's apply (issue 15): the base branch's migrations first (one line),
// then S0, then the PR's own migrations, judged alone: lint against the tables of
// S0, the locks they take on relations of S0, the schema diff S0 -> S1, the rollback
// test over the PR's migrations only, and the Supabase lint of what they made.


















async function applyPrCheck(ctx) {
    const { report } = ctx;
    const p = (0,plan/* planPending */.nB)(ctx);
    const preludes = (0,steps_preludes/* planPreludeStep */.j7)(ctx);
    (0,pr_split/* markOrigins */.jq)(report, ctx.pr);
    const { baseRuns, prRuns } = runsByPhase(ctx, p);
    if (!p.summary.refusals.length && (p.toRun.length || preludes.length) && !(await (0,backup/* backupBeforeChanges */.B)(ctx)))
        return;
    await (0,ensure_history/* ensureHistory */.J0)(ctx);
    if ((0,plan/* blockOnRefusals */.mJ)(report, p))
        return;
    await (0,ensure_history/* adoptSupabaseHistory */.v7)(ctx);
    const exec = (0,exec_context/* execContext */.n)(ctx);
    // Preludes before the base phase: they are neither the base's nor the PR's.
    const preludeFailed = await (0,steps_preludes/* runPreludes */.Kk)(ctx, exec, preludes);
    if (preludeFailed) {
        (0,apply_pending/* skipAll */.n)(ctx, p.toRun);
        await (0,make_durable/* makeRunDurable */.L)(ctx, 1, "this run's preludes");
        return (0,steps_preludes/* failOnPrelude */.Vk)(ctx, preludeFailed);
    }
    const hookFailed = await (0,run_hooks/* runHook */.DB)(ctx, exec, 'beforeMigrate');
    if (hookFailed) {
        (0,apply_pending/* skipAll */.n)(ctx, p.toRun);
        return (0,run_hooks/* failOnHook */.bg)(ctx, hookFailed, 'No migration ran.');
    }
    const base = await applyBasePhase(ctx, exec, baseRuns);
    if (base.failed || base.afterEachFailed) {
        (0,apply_pending/* skipAll */.n)(ctx, prRuns);
        await verdict(ctx, p, base, undefined, await durable(ctx), undefined);
        return;
    }
    const s0 = await (0,snapshot.snapshotBefore)(ctx, exec);
    const lintRefusal = await (0,lint_pending/* lintThese */.Pu)(ctx, prRuns.map((r) => r.migration));
    if (lintRefusal) {
        p.summary.refusals.push(lintRefusal);
        (0,apply_pending/* skipAll */.n)(ctx, prRuns);
        await durable(ctx);
        report.status = 'blocked';
        report.nextStep = `The base phase applied; the PR's migrations did not run. ${lintRefusal}`;
        return;
    }
    const sbLint = await (0,supabase_lint/* prepareSupabaseLint */.Zx)(ctx);
    const out = await (0,apply_pending/* applyPending */.Y)(ctx, exec, prRuns);
    report.pending = p.toRun.map((r) => r.migration.identity).filter((id) => !report.applied.includes(id));
    const afterFailed = out.failed || out.afterEachFailed ? undefined : await (0,run_hooks/* runHook */.DB)(ctx, exec, 'afterMigrate');
    const ok = await durable(ctx);
    if (!(await verdict(ctx, p, out, afterFailed, ok, s0)))
        return;
    if (sbLint && !out.failed) {
        const ran = new Set(prRuns.filter((r) => report.applied.includes(r.migration.identity)).map((r) => r.migration.up.source.file));
        if (ran.size)
            await (0,supabase_lint/* runSupabaseLint */.dg)(ctx, sbLint, ran);
    }
}
function durable(ctx) {
    const n = ctx.report.applied.length;
    const preludes = ctx.report.preludes?.filter((x) => x.status === 'ran').length ?? 0;
    return (0,make_durable/* makeRunDurable */.L)(ctx, n + preludes, `this run's ${n} migration${n === 1 ? '' : 's'}, preludes and hooks`);
}
const plural = (n, one) => `${n} ${n === 1 ? one : `${one}s`}`;
/** Status and next step; false when the run stops here (a hook failed, or durability was not confirmed). */
async function verdict(ctx, p, out, afterFailed, durable, s0) {
    const { report, settings } = ctx;
    const info = prCheckInfo(ctx);
    const n = report.applied.length;
    const kept = `The ${plural(n, 'migration')} applied by this run stay${n === 1 ? 's' : ''} applied and recorded.`;
    const hook = out.afterEachFailed ?? afterFailed;
    if (hook) {
        (0,run_hooks/* failOnHook */.bg)(ctx, hook, kept);
        return false;
    }
    if (!durable && !out.failed)
        return false;
    const prApplied = p.toRun.map((r) => r.migration).filter((m) => report.applied.includes(m.identity) && !ctx.pr?.baseIds.has(m.identity));
    if (out.failed) {
        report.status = 'failed';
        const where = info.basePhase.failed ? `The base branch's own migration ${info.basePhase.failed} failed, so the PR's migrations did not run: the base does not apply on this database. ` : '';
        report.nextStep = `${where}${out.failed.error?.next ?? report.error?.next ?? 'Fix the cause and rerun.'}`;
        return true;
    }
    if (s0) {
        if (settings.testRollback) {
            const passed = await (0,test_rollback/* testRollback */.n)(ctx, prApplied, s0);
            info.rollback = prApplied.length ? (passed ? 'passed' : 'failed') : 'not run';
            if (!passed) {
                report.status = 'failed';
                report.nextStep = "The PR's migrations applied, but the rollback test failed: fix the down scripts named above so that up, down, up leaves the same schema.";
                return true;
            }
        }
        else {
            info.rollback = 'not run';
            await (0,snapshot.schemaChangesSince)(ctx, s0);
        }
    }
    const prCount = prApplied.length;
    report.status = n ? 'success' : 'nothing-to-do';
    const basePart = info.basePhase.ran ? `The base's ${plural(info.basePhase.ran, 'migration')} applied, then ` : '';
    report.nextStep = prCount
        ? `${basePart}${basePart ? 'the' : 'The'} PR's ${plural(prCount, 'migration')} applied${settings.testRollback ? ' and passed the rollback test (up, down, up left the same schema)' : ''}. Lint, locks and schema changes above are the PR's alone.`
        : `${basePart}${basePart ? 'this' : 'This'} PR adds no migration${info.prMigrations.length ? ' that history lacks' : ''}: nothing of its own to check.`;
    return true;
}
/**
 * The PR check's dry-run: both phases inside the one transaction that is rolled
 * back. S0 is taken inside it, after the base phase; everything reported is about
 * the PR's migrations. A lock mode the base phase already took on a table it
 * created is held by the same transaction, so it cannot show again (apply with
 * test-rollback, on a service container, reads each migration's locks exactly).
 */
async function dryRunPrCheck(ctx) {
    const { report } = ctx;
    report.preview = true;
    const p = (0,plan/* planPending */.nB)(ctx);
    (0,pr_split/* markOrigins */.jq)(report, ctx.pr);
    if ((0,plan/* blockOnRefusals */.mJ)(report, p))
        return;
    const { baseRuns, prRuns } = runsByPhase(ctx, p);
    const preludes = (0,steps_preludes/* preludePreviewItems */.Aq)(ctx, (0,steps_preludes/* planPreludeStep */.j7)(ctx));
    const items = (0,preview_pending/* previewItems */.h)(ctx, { ...p, toRun: [...baseRuns, ...prRuns] });
    const info = prCheckInfo(ctx);
    info.basePhase.ran = baseRuns.length;
    info.basePhase.alreadyApplied = info.basePhase.total - baseRuns.length;
    if (!items.length && !preludes.length) {
        report.status = 'nothing-to-do';
        report.nextStep = `Nothing to preview: history records the base's migrations, and this PR adds none.`;
        return;
    }
    ctx.log.info(`previewing ${plural(baseRuns.length, 'base migration')}, then ${plural(prRuns.length, 'migration')} of this PR, inside one transaction that is rolled back`);
    let s0;
    let sbLint;
    const prFiles = new Set(prRuns.map((r) => r.migration.up.source.file));
    // Preludes first, then the base phase, then the PR's own: one rolled-back transaction.
    const out = await (0,preview/* previewInTransaction */.m)(ctx, [...preludes, ...items], {
        before: (0,run_hooks/* hookOf */.pd)(ctx, 'beforeMigrate'),
        afterEach: (0,run_hooks/* hookOf */.pd)(ctx, 'afterEachMigrate'),
        after: (0,run_hooks/* hookOf */.pd)(ctx, 'afterMigrate'),
        phases: {
            baseCount: preludes.length + baseRuns.length,
            atS0: async () => {
                s0 = await (0,snapshot.snapshotOf)(ctx);
                const refusal = await (0,lint_pending/* lintThese */.Pu)(ctx, prRuns.map((r) => r.migration));
                sbLint = await (0,supabase_lint/* prepareSupabaseLint */.Zx)(ctx);
                return refusal;
            }
        },
        beforeRollback: async () => {
            if (s0)
                await (0,snapshot.schemaChangesSince)(ctx, s0);
            if (sbLint && prFiles.size)
                await (0,supabase_lint/* runSupabaseLint */.dg)(ctx, sbLint, prFiles);
        }
    });
    if (baseRuns.length && prRuns.length) {
        report.warnings.push({
            file: '',
            message: `Locks: the base phase ran in the same transaction, so a lock mode it already holds on a table it created (CREATE TABLE takes ACCESS EXCLUSIVE and SHARE) cannot show again for the PR's migrations. For the exact locks, run the PR check as mode: apply with test-rollback: true on the service container.`
        });
    }
    (0,steps_preludes/* notePreludePreview */.OP)(ctx, preludes);
    (0,partial_preview/* notePartialPreview */.g)(ctx, [...preludes, ...items], out);
    const baseItems = items.slice(0, baseRuns.length);
    info.basePhase.durationMs = baseItems.reduce((t, i) => t + (i.result.durationMs ?? 0), 0);
    info.basePhase.failed = baseItems.find((i) => i.result.status === 'failed')?.migration.identity;
    info.rollback = 'not run';
    const previewed = items.filter((i) => i.result.status === 'previewed' && !ctx.pr?.baseIds.has(i.migration.identity)).length;
    if (out.hookFailed) {
        report.status = 'failed';
        report.error = out.hookFailed;
        report.nextStep = out.hookFailed.next;
    }
    else if (out.failed) {
        report.status = 'failed';
        report.nextStep = info.basePhase.failed
            ? `The base branch's own migration ${info.basePhase.failed} would fail on this database, so the PR's migrations were not previewed. Nothing was kept.`
            : `${out.failed.identity} would fail: fix it before merging. Nothing was kept; ${plural(previewed, 'migration')} of this PR before it previewed cleanly.`;
    }
    else if (out.refused) {
        p.summary.refusals.push(out.refused);
        report.status = 'blocked';
        report.nextStep = `Nothing was kept. ${out.refused}`;
    }
    else if ((0,supabase_lint/* supabaseLintFailed */.Jb)(ctx)) {
        // The Supabase lint failed the preview (lint: error); its next step stands.
    }
    else {
        report.status = 'success';
        const stop = out.stoppedAt ? ` ${out.stoppedAt.identity} cannot be previewed (${out.stoppedAt.notDryRunnable}); the preview stopped before it.` : '';
        report.nextStep = `Nothing was kept. ${baseRuns.length ? `The base's ${plural(baseRuns.length, 'migration')} previewed first; ` : ''}${plural(previewed, 'migration')} of this PR previewed cleanly.${stop}`;
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

/***/ 5961:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  h: () => (/* binding */ previewItems),
  C: () => (/* binding */ previewPending)
});

// EXTERNAL MODULE: ./src/engine/exec-context.ts
var exec_context = __webpack_require__(7075);
// EXTERNAL MODULE: ./src/engine/executor.ts
var executor = __webpack_require__(8493);
// EXTERNAL MODULE: ./src/engine/preview.ts
var preview = __webpack_require__(7790);
;// CONCATENATED MODULE: ./src/db/sequences.ts
/** last_value of every sequence the session may read (null when never used or not readable). */
async function sequenceValues(c) {
    const r = await c.query("SELECT pg_catalog.format('%I.%I', schemaname, sequencename) AS name, last_value::text AS v FROM pg_catalog.pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema')");
    return new Map(r.rows.map((x) => [x.name, x.v]));
}
/** Sequences that existed before and moved: `name: before -> after`. */
function advancedSequences(before, after) {
    const out = [];
    for (const [name, v0] of before) {
        const v1 = after.get(name);
        if (v1 !== undefined && v1 !== null && v1 !== v0)
            out.push(`${name} (${v0 ?? 'unused'} -> ${v1})`);
    }
    return out;
}

// EXTERNAL MODULE: ./src/engine/steps/run-hooks.ts
var run_hooks = __webpack_require__(2190);
// EXTERNAL MODULE: ./src/engine/steps/supabase-lint.ts + 2 modules
var supabase_lint = __webpack_require__(4599);
;// CONCATENATED MODULE: ./src/engine/steps/preview-pending.ts
// preview pending (dry-run): the planned migrations and the hooks around them,
// inside one transaction that is always rolled back (../preview.ts). The Supabase
// lint runs inside it too, on the schema the preview built, before the rollback.






/** What a preview of `p` would run: each pending up script with the history write apply commits with it. */
function previewItems(ctx, p) {
    const byIdentity = new Map(ctx.report.migrations.map((r) => [r.identity, r]));
    const exec = (0,exec_context/* execContext */.n)(ctx);
    return p.toRun.map(({ migration: m }) => ({
        migration: m,
        script: m.up,
        result: byIdentity.get(m.identity),
        recordSql: (0,executor/* recordAppliedSql */.vA)(exec, m, {})
    }));
}
async function previewPending(ctx, items, sbLint) {
    const ran = new Set(items.map((i) => i.migration.up.source.file));
    const before = await sequenceValues(ctx.client);
    const out = await (0,preview/* previewInTransaction */.m)(ctx, items, {
        before: (0,run_hooks/* hookOf */.pd)(ctx, 'beforeMigrate'),
        afterEach: (0,run_hooks/* hookOf */.pd)(ctx, 'afterEachMigrate'),
        after: (0,run_hooks/* hookOf */.pd)(ctx, 'afterMigrate'),
        beforeRollback: sbLint ? () => (0,supabase_lint/* runSupabaseLint */.dg)(ctx, sbLint, ran) : undefined
    });
    await warnAdvancedSequences(ctx, before);
    return out;
}
/** Everything else rolled back; sequences never do, and the report says which ones moved. */
async function warnAdvancedSequences(ctx, before) {
    const moved = advancedSequences(before, await sequenceValues(ctx.client).catch(() => new Map()));
    if (!moved.length)
        return;
    const message = `the preview advanced ${moved.length === 1 ? 'a sequence' : `${moved.length} sequences`} and ${moved.length === 1 ? 'it stays' : 'they stay'} advanced (Postgres never rolls sequences back; nothing else was kept): ${moved.join(', ')}`;
    ctx.report.warnings.push({ file: '', message });
    ctx.log.warn(message, { reported: true });
}


/***/ })

};
