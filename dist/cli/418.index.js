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
// EXTERNAL MODULE: ./src/engine/steps/lint-pending.ts + 9 modules
var lint_pending = __webpack_require__(3783);
// EXTERNAL MODULE: ./src/engine/steps/make-durable.ts
var make_durable = __webpack_require__(2060);
// EXTERNAL MODULE: ./src/engine/steps/partial-preview.ts + 1 modules
var partial_preview = __webpack_require__(991);
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
