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
// EXTERNAL MODULE: ./src/engine/steps/partial-preview.ts + 1 modules
var partial_preview = __webpack_require__(991);
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
