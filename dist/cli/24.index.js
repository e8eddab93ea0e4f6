export const id = 24;
export const ids = [24];
export const modules = {

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

/***/ 991:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  g: () => (/* binding */ notePartialPreview)
});

// EXTERNAL MODULE: ./src/report/escape.ts
var report_escape = __webpack_require__(4031);
;// CONCATENATED MODULE: ./src/report/trusted.ts
// The two kinds of text a report is made of, and the one way to mix them.
//
// - Untrusted text is a plain `string`: file names, identities, SQL, server
//   messages, anything a PR author, a database or the environment controls.
//   It is escaped in every output (./escape.ts), so it renders as inert text.
// - Advice is pgshift's own words: next steps, fixes, refusals, hints we wrote.
//   In advice, a span in backticks is a command or code: markdown shows it as a
//   code span, verbatim, so it pastes as typed (no backslashes, no zero-width
//   space after `@`). Values from outside may be interpolated with `advice`...``,
//   which puts each one in a code span that nothing inside can close.
// - Markdown is a fragment that is already safe to concatenate. Only the
//   functions here make one; `md`...`` takes fragments and numbers, never a
//   plain string, so untrusted text cannot slip into markup unescaped.
//
// Both renderings are inert whatever the input: text outside code spans goes
// through escapeInline, text inside through inlineCode. So an untrusted value
// that reaches advice without `advice`...`` can at worst change what shows as
// code, never add HTML, a link, a mention or a table break.


/** Marks a string as a trusted markdown fragment: for renderers that build markup themselves (table rules, fences, HTML tags they escape). */
function trustedMarkdown(value) {
    return value;
}
/** Untrusted text as inert inline markdown; numbers formatted (1,000). */
function trusted_text(value) {
    return (typeof value === 'number' ? thousands(value) : escapeInline(value));
}
/**
 * Markdown from literal template parts (ours) and values that are already
 * fragments or numbers. A plain string is a type error here: untrusted text
 * goes in through text(), code() or adviceMarkdown(), so the choice is explicit.
 */
function md(strings, ...values) {
    let out = strings[0] ?? '';
    values.forEach((v, i) => {
        out += (typeof v === 'number' ? thousands(v) : v) + (strings[i + 1] ?? '');
    });
    return out;
}
/** Joins fragments with a separator of ours. */
function join(parts, sep) {
    return parts.join(sep);
}
/**
 * A code span holding `value` verbatim (one line), delimited by one backtick
 * more than any run inside, so nothing inside can close it. Commands,
 * identifiers, file names: they paste as typed.
 */
function code(value) {
    const s = (0,report_escape/* neutraliseHtmlComments */.wb)((0,report_escape/* sanitizeText */.jZ)(value)).replace(/[\t\n\u2028\u2029]+/g, ' ');
    if (s === '')
        return '` `';
    let run = 0;
    let longest = 0;
    for (const c of s) {
        run = c === '`' ? run + 1 : 0;
        longest = Math.max(longest, run);
    }
    const ticks = '`'.repeat(longest + 1);
    const pad = /^[` ]|[` ]$/.test(s) ? ' ' : '';
    return `${ticks}${pad}${s}${pad}${ticks}`;
}
/** A code span for a GFM table cell: pipes escaped as `\\|`, which GFM reads as a pipe inside code too. */
function codeCell(value) {
    return code(value).replace(/\|/g, '\\|');
}
/**
 * Advice with untrusted values interpolated, each as a code span:
 * advice`Rename ${file} to ${suggested}, then run \`pgshift plan\`.`
 */
function advice(strings, ...values) {
    let out = strings[0] ?? '';
    values.forEach((v, i) => {
        out += (typeof v === 'number' ? String(v) : code(v)) + (strings[i + 1] ?? '');
    });
    return out;
}
/**
 * Advice as inline markdown: each backtick span (CommonMark's rule: a run of n
 * backticks closed by the next run of exactly n) becomes a verbatim code span;
 * the text between is escaped as inert text. Line breaks become spaces.
 */
function adviceMarkdown(value, cell = false) {
    const s = neutraliseHtmlComments(sanitizeText(value)).replace(/[\t\n\u2028\u2029]+/g, ' ');
    const parts = [];
    let prose = '';
    let i = 0;
    const flush = () => {
        if (prose)
            parts.push(escapeInline(prose));
        prose = '';
    };
    while (i < s.length) {
        if (s[i] !== '`') {
            prose += s[i];
            i++;
            continue;
        }
        let n = 0;
        while (s[i + n] === '`')
            n++;
        const close = findRun(s, i + n, n);
        if (close < 0) {
            prose += s.slice(i, i + n);
            i += n;
            continue;
        }
        let inner = s.slice(i + n, close);
        if (inner.length > 1 && inner.startsWith(' ') && inner.endsWith(' ') && inner.trim() !== '')
            inner = inner.slice(1, -1);
        flush();
        parts.push(cell ? codeCell(inner) : code(inner));
        i = close + n;
    }
    flush();
    return parts.join('');
}
/** Index of the next run of exactly `n` backticks at or after `from`, or -1. */
function findRun(s, from, n) {
    let i = from;
    while (i < s.length) {
        if (s[i] !== '`') {
            i++;
            continue;
        }
        let m = 0;
        while (s[i + m] === '`')
            m++;
        if (m === n)
            return i;
        i += m;
    }
    return -1;
}
/** Advice as plain terminal text: backtick spans kept as written (a terminal user reads `cmd` as a command). */
function adviceText(value) {
    return sanitizeText(value);
}
/** Advice in a GFM table cell: as adviceMarkdown, with each pipe inside a code span escaped (GFM reads `\\|` as a pipe there too, and a bare one ends the cell). */
function adviceCell(value) {
    const s = adviceMarkdown(value, true);
    return (s.trim() === '' ? ' ' : s);
}

// EXTERNAL MODULE: ./src/report/thousands.ts
var report_thousands = __webpack_require__(4153);
;// CONCATENATED MODULE: ./src/engine/steps/partial-preview.ts


const plural = (n, one) => `${(0,report_thousands/* thousands */.o)(n)} ${n === 1 ? one : `${one}s`}`;
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
    const message = advice `The preview stopped at ${stopped.identity} and previewed ${previewed} of ${items.length} ` +
        `${items.length === 1 ? what : `${what}s`}: ` +
        `${why}. ${after ? `It and the ${plural(after, what)} after it were` : 'It was'} not previewed, so nothing tested them; the \`not-previewed\` output lists them with why.`;
    const file = items.find((i) => i.result === stopped)?.script.source.file ?? stopped.file;
    report.warnings.push({ file, message, ...(out.stoppedPosition ? { position: out.stoppedPosition } : {}) });
    // No log line: the warning reaches the log once, as an annotation (action) or a `warning:` line (CLI).
}


/***/ })

};
