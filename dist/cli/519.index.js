export const id = 519;
export const ids = [519];
export const modules = {

/***/ 9519:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runFleetCli: () => (/* binding */ runFleetCli)
});

// EXTERNAL MODULE: ./src/engine/run.ts + 10 modules
var engine_run = __webpack_require__(1529);
// EXTERNAL MODULE: ./src/settings.ts
var src_settings = __webpack_require__(8750);
// EXTERNAL MODULE: ./src/db/connect.ts
var connect = __webpack_require__(8008);
// EXTERNAL MODULE: ./src/db/url.ts
var url = __webpack_require__(879);
;// CONCATENATED MODULE: ./src/fleet/schemas.ts
// A tenant-schema set: every schema of one database, migrated in one job, N at a
// time. Each schema's run is the normal engine run (runPgshift) with two settings
// changed: history-schema is the tenant schema (so its history table lives in it,
// and the lock key, derived from the history schema, is its own), and search-path
// is the tenant schema (so the files' unqualified names land in it). At most
// `concurrency` runs are open at once, each with its two connections (migration
// and lock): the pool is 2 x concurrency connections.



/** The schema names of a set: its list, or its query's first column, read in a read-only transaction. */
async function resolveSchemas(set, databaseUrl, connectTimeoutMs) {
    if (set.list)
        return [...new Set(set.list)];
    const client = await (0,connect/* connect */.Ng)((0,url/* parseDatabaseUrl */.mx)(databaseUrl), { connectTimeoutMs });
    try {
        await client.query('BEGIN READ ONLY');
        const r = await client.query({ text: set.query, rowMode: 'array' });
        await client.query('ROLLBACK');
        const names = r.rows.map((row) => row[0]).filter((v) => typeof v === 'string' && v.length > 0 && v.length <= 63);
        return [...new Set(names)];
    }
    catch (e) {
        throw Object.assign(e, {
            next: "The schemas query of this target failed, so no schema was migrated. It runs read-only and its first column must hold the schema names, e.g. SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\\_%' ORDER BY 1."
        });
    }
    finally {
        await client.end().catch(() => { });
    }
}
/** A logger for one schema's run among several running at once: every line names the schema. */
function schemaLogger(log, schema) {
    const p = (m) => `[${schema}] ${m}`;
    return {
        info: (m) => log.info(p(m)),
        warn: (m, o) => log.warn(p(m), o),
        // Log groups cannot interleave: a schema's migrations are plain lines.
        group: (_title, fn) => fn(),
        progress: (x) => log.info(p(`[${x.index}/${x.total}] ${x.title} ${x.verb} in ${Math.round(x.durationMs)} ms`))
    };
}
/** The settings of one schema's run. */
function schemaSettings(settings, set, schema, databaseUrl) {
    return { ...settings, databaseUrl, historySchema: schema, searchPath: set['search-path'].map((s) => (s === '{schema}' ? schema : s)) };
}
/**
 * Runs the engine on every schema, `set.concurrency` at a time, in list order.
 * With fail-fast, no schema starts after one failed (those running finish:
 * cancelling a migration midway only makes it roll back).
 */
async function runSchemas(settings, set, schemas, databaseUrl, ctx) {
    const runs = schemas.map((schema) => ({ schema }));
    let next = 0;
    let stop = false;
    const worker = async () => {
        while (!stop && next < runs.length && !ctx.signal?.aborted) {
            const run = runs[next++];
            run.report = await (0,engine_run.runPgshift)(schemaSettings(settings, set, run.schema, databaseUrl), { ...ctx, logger: schemaLogger(ctx.logger, run.schema) });
            const s = run.report.status;
            ctx.logger.info(`[${run.schema}] ${settings.mode}: ${s}`);
            if ((s === 'failed' || s === 'blocked') && set['fail-fast'])
                stop = true;
        }
    };
    await Promise.all(Array.from({ length: Math.min(set.concurrency, runs.length) }, worker));
    return runs;
}

;// CONCATENATED MODULE: ./src/fleet/summary.ts
/** Statuses that mean the migration is in the target's history. */
const IN_HISTORY = ['applied', 'already-applied', 'drifted'];
function oneLine(text, max = 240) {
    const s = text.replace(/\s+/g, ' ').trim();
    return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
function firstError(report) {
    const failed = report.migrations.find((m) => m.error);
    const e = failed?.error ?? report.error ?? report.checks?.find((c) => !c.ok)?.error;
    if (!e) {
        const check = report.checks?.find((c) => !c.ok);
        if (check)
            return oneLine(`${check.subject}: ${check.message}`);
        return report.status === 'failed' || report.status === 'blocked' ? oneLine(report.plan.refusals[0] ?? report.nextStep) || undefined : undefined;
    }
    const file = e.file ?? failed?.file;
    const where = file ? `${file}${e.position ? `:${e.position.line}:${e.position.col}` : ''} ` : '';
    return oneLine(`${where}${e.sqlstate ? `${e.sqlstate} ` : ''}${e.message}`);
}
function summarize(report) {
    const versioned = report.migrations.filter((m) => m.kind === 'versioned');
    const inHistory = versioned.filter((m) => IN_HISTORY.includes(m.status));
    const connected = report.target !== '(not connected)';
    return {
        status: report.status,
        // Before a connection, nothing is known of the target's history.
        at: connected ? inHistory[inHistory.length - 1]?.identity : undefined,
        head: versioned[versioned.length - 1]?.identity,
        behind: connected ? versioned.length - inHistory.length : versioned.length,
        applied: [...report.applied],
        ...(report.rolledBack?.length ? { rolledBack: [...report.rolledBack] } : {}),
        drifted: [...new Set([...report.plan.drifted, ...report.migrations.filter((m) => m.status === 'drifted').map((m) => m.identity)])],
        firstError: firstError(report),
        durationMs: report.durationMs
    };
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 15 modules
var schemas = __webpack_require__(9691);
;// CONCATENATED MODULE: ./src/fleet/targets.ts
// The targets file (pgshift.targets.yml): which databases and tenant-schema sets
// one migration set rolls out to, in which wave. It names where each URL comes
// from (a secret or an environment variable), never a URL. One zod schema
// validates it; every error names the file, the target and the field.




/** Safe as a matrix value, an artifact name (`pgshift-fleet-<name>`) and a file name. */
const TARGET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** GitHub's rule for secret names (and a portable environment variable name). */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;
const MAX_WAVE = 99;
const MAX_CONCURRENCY = 32;
const schemaName = schemas/* string */.YjP()
    .min(1, 'a schema name is 1 to 63 characters')
    .max(63, 'a schema name is 1 to 63 characters')
    .refine((s) => !s.includes('\0'), 'a schema name holds no NUL character');
const schemaSet = schemas/* strictObject */.rej({
    /** Read-only SQL whose first column holds the schema names, e.g. `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\_%'`. */
    query: schemas/* string */.YjP().trim().min(1, 'expected a SELECT whose first column is the schema name').optional(),
    list: schemas/* array */.YOg(schemaName).min(1, 'expected at least one schema name').optional(),
    /** How many schemas migrate at once, each with its own two connections (migration and lock). */
    concurrency: schemas/* int */.Whr('expected a whole number').min(1, `expected a whole number from 1 to ${MAX_CONCURRENCY}`).max(MAX_CONCURRENCY, `expected a whole number from 1 to ${MAX_CONCURRENCY}`).default(4),
    /** Stop starting schemas after the first failure (the ones running finish). */
    'fail-fast': schemas/* boolean */.zMY('expected true or false').default(true),
    /** The search_path of each schema's run; `{schema}` stands for the schema. */
    'search-path': schemas/* array */.YOg(schemas/* string */.YjP().min(1)).min(1).default(['{schema}'])
})
    .refine((s) => (s.query === undefined) !== (s.list === undefined), { message: 'give either query or list (one, not both)' });
const target = schemas/* strictObject */.rej({
    name: schemas/* string */.YjP('expected a name').regex(TARGET_NAME, "expected letters, digits, '.', '_' or '-' (up to 100, starting with a letter or digit), e.g. eu-west-1"),
    secret: schemas/* string */.YjP().regex(VARIABLE_NAME, 'expected the name of a repository or environment secret, e.g. DATABASE_URL_EU (a URL never goes in this file)').optional(),
    env: schemas/* string */.YjP().regex(VARIABLE_NAME, 'expected the name of an environment variable, e.g. DATABASE_URL_EU (a URL never goes in this file)').optional(),
    wave: schemas/* int */.Whr('expected a whole number').min(0, `expected a whole number from 0 to ${MAX_WAVE}`).max(MAX_WAVE, `expected a whole number from 0 to ${MAX_WAVE}`).default(1),
    labels: schemas/* record */.g1P(schemas/* string */.YjP().regex(/^[A-Za-z0-9_-]{1,50}$/, 'label names are letters, digits, _ or -'), schemas/* union */.KCZ([schemas/* string */.YjP(), schemas/* number */.aig(), schemas/* boolean */.zMY()]).transform(String)).default({}),
    schemas: schemaSet.optional()
})
    .refine((t) => (t.secret === undefined) !== (t.env === undefined), { message: 'give either secret or env (where the URL comes from), one, not both' });
const targetsFile = schemas/* strictObject */.rej({
    version: schemas/* literal */.euz(1, 'expected 1').default(1),
    targets: schemas/* array */.YOg(target, 'expected a list of targets').min(1, 'expected at least one target')
});
class TargetsError extends Error {
    file;
    problems;
    constructor(file, problems) {
        super(problems.length === 1 ? `${file}: ${problems[0]}` : `${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
        this.file = file;
        this.problems = problems;
        this.name = 'TargetsError';
    }
}
/** `targets[3] (tenants): schemas.concurrency`, from a zod path and the raw document. */
function where(path, raw) {
    if (path[0] !== 'targets' || typeof path[1] !== 'number')
        return path.length ? path.map(String).join('.') : '(top level)';
    const item = raw?.targets?.[path[1]];
    const name = typeof item?.name === 'string' && item.name ? ` (${item.name})` : '';
    const field = path.slice(2).map(String).join('.');
    return `targets[${path[1]}]${name}${field ? `: ${field}` : ''}`;
}
/** Validates parsed YAML; throws TargetsError naming every bad target and field. */
function validateTargets(raw, file) {
    const parsed = targetsFile.safeParse(raw);
    if (!parsed.success) {
        throw new TargetsError(file, parsed.error.issues.map((i) => {
            const unknownKeys = i.code === 'unrecognized_keys' ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}` : undefined;
            return `${where(i.path, raw)}: ${unknownKeys ?? i.message}`;
        }));
    }
    const problems = [];
    const seen = new Map();
    parsed.data.targets.forEach((t, i) => {
        const first = seen.get(t.name.toLowerCase());
        // Artifact names are case-insensitive: two names that differ in case would collide.
        if (first !== undefined)
            problems.push(`targets[${i}] (${t.name}): name: already used by targets[${first}]; each target needs its own name (it names the leg's artifact)`);
        else
            seen.set(t.name.toLowerCase(), i);
    });
    const waves = new Set(parsed.data.targets.map((t) => t.wave));
    if (!waves.has(0)) {
        problems.push('wave: no target is in wave 0, the canaries; give at least one target `wave: 0`, so a bad migration stops there before it reaches the others');
    }
    const top = Math.max(...waves);
    for (let w = 0; w < top; w++) {
        if (!waves.has(w))
            problems.push(`wave: no target is in wave ${w}, but wave ${top} has targets; number the waves 0, 1, 2... without gaps (each wave is one job of the workflow)`);
    }
    if (problems.length)
        throw new TargetsError(file, problems);
    return { file, targets: parsed.data.targets };
}
/** Reads and validates the targets file. A missing file or a YAML error is a TargetsError too. */
function loadTargets(workspace, file) {
    const path = (0,external_node_path_.isAbsolute)(file) ? file : (0,external_node_path_.join)(workspace, file);
    let text;
    try {
        text = (0,external_node_fs_.readFileSync)(path, 'utf8');
    }
    catch (e) {
        const code = e.code;
        throw new TargetsError(file, [code === 'ENOENT' ? 'not found; create it (see docs/fleet.md) or point the targets-file input at it' : `cannot be read: ${e.message}`]);
    }
    const doc = (0,dist/* parseDocument */.Tp)(text, { prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length)
        throw new TargetsError(file, doc.errors.map((e) => `line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`));
    return validateTargets(doc.toJS(), file);
}
function findTarget(fleet, name) {
    const t = fleet.targets.find((x) => x.name === name);
    if (!t) {
        const names = fleet.targets.map((x) => x.name);
        throw new TargetsError(fleet.file, [`fleet-target: '${name}' is not a target of this file; it has ${names.length > 10 ? `${names.slice(0, 10).join(', ')} and ${names.length - 10} more` : names.join(', ')}`]);
    }
    return t;
}
/** The waves in order, each with its targets in file order. */
function waves(fleet) {
    const byWave = new Map();
    for (const t of fleet.targets)
        byWave.set(t.wave, [...(byWave.get(t.wave) ?? []), t]);
    return [...byWave.entries()].sort(([a], [b]) => a - b).map(([wave, targets]) => ({ wave, targets }));
}

;// CONCATENATED MODULE: ./src/fleet/leg.ts
// One leg of a fleet: the run of one target (a matrix job). A database target is
// one normal engine run; a tenant-schema set is one engine run per schema
// (./schemas.ts). The leg's JSON file, uploaded as the artifact
// `pgshift-fleet-<target>`, holds each run's report plus the few facts the
// fleet report needs (./summary.ts), so fleet-report never re-reads a database.





const LEG_FORMAT = 1;
/** The leg's status from its runs: any failure fails it; any success makes it a success. */
function legStatus(statuses) {
    if (statuses.includes('failed'))
        return 'failed';
    if (statuses.includes('blocked'))
        return 'blocked';
    if (statuses.includes('not-run'))
        return 'failed';
    return statuses.includes('success') || statuses.length === 0 ? 'success' : 'nothing-to-do';
}
/** Where the target's URL comes from: the database-url input (secrets[matrix.secret]), else the environment variable the target names. */
function targetUrl(target, databaseUrl, env) {
    if (databaseUrl.trim() !== '')
        return databaseUrl;
    return target.env ? (env[target.env] ?? '') : '';
}
function emptyUrlMessage(target) {
    return target.secret
        ? `the URL of target ${target.name} is empty: pass database-url: \${{ secrets[matrix.secret] }}, and make the secret ${target.secret} available to this job (a repository secret, or a secret of the job's environment)`
        : `the URL of target ${target.name} is empty: the environment variable ${target.env} is not set in this job, and database-url is empty`;
}
/** Runs one leg. Never throws for a failed run: failures are in the results. */
async function runLeg(settings, fleet, ctx, env = process.env) {
    const started = new Date();
    const t0 = performance.now();
    const target = findTarget(fleet, settings.fleetTarget ?? '');
    const leg = {
        pgshiftFleetLeg: LEG_FORMAT,
        target: target.name,
        wave: target.wave,
        kind: target.schemas ? 'schemas' : 'database',
        labels: target.labels,
        mode: settings.mode,
        status: 'failed',
        startedAt: started.toISOString(),
        durationMs: 0,
        results: []
    };
    const url = targetUrl(target, settings.databaseUrl, env);
    const refused = (message, next, name = target.name) => {
        const report = { ...(0,engine_run/* newReport */.bQ)((0,src_settings/* engineSettings */.O3)(settings)), status: 'failed', error: { message, next }, nextStep: next };
        return { name, summary: summarize(report), report };
    };
    if (url.trim() === '') {
        leg.results.push(refused(emptyUrlMessage(target), 'Nothing was changed. See docs/fleet.md, "Each leg".'));
    }
    else if (!target.schemas) {
        const report = await (0,engine_run.runPgshift)({ ...settings, databaseUrl: url }, ctx);
        leg.results.push({ name: target.name, summary: summarize(report), report });
    }
    else {
        const set = target.schemas;
        let schemas;
        try {
            schemas = await resolveSchemas(set, url, settings.connectTimeoutMs);
        }
        catch (e) {
            const err = e;
            leg.results.push(refused(`the schemas of target ${target.name}: ${err.message}`, err.next ?? 'Nothing was changed.'));
        }
        if (schemas && schemas.length === 0) {
            leg.note = 'the schemas query returned no schema: nothing to migrate';
            ctx.logger.warn(`target ${target.name}: ${leg.note}`);
        }
        if (schemas?.length) {
            ctx.logger.info(`target ${target.name}: ${schemas.length} schemas, ${Math.min(set.concurrency, schemas.length)} at a time${set['fail-fast'] ? ', stopping at the first failure' : ''}`);
            const runs = await runSchemas(settings, set, schemas, url, ctx);
            for (const r of runs) {
                const name = `${target.name}/${r.schema}`;
                leg.results.push(r.report ? { name, schema: r.schema, summary: summarize(r.report), report: r.report } : { name, schema: r.schema, summary: notRun('not started: an earlier schema of this set failed (fail-fast)') });
            }
            const skipped = runs.filter((r) => !r.report).length;
            if (skipped)
                leg.note = `stopped after a failure (fail-fast): ${skipped} of ${runs.length} schemas not started`;
        }
    }
    leg.status = legStatus(leg.results.map((r) => r.summary.status));
    leg.durationMs = Math.round(performance.now() - t0);
    return leg;
}
function notRun(why) {
    return { status: 'not-run', behind: 0, applied: [], drifted: [], firstError: why, durationMs: 0 };
}

// EXTERNAL MODULE: ./src/report/escape.ts
var report_escape = __webpack_require__(4031);
;// CONCATENATED MODULE: ./src/fleet/report.ts
// fleet-report: the legs' JSON files (downloaded artifacts) merged with the
// targets file into one picture of the fleet. A target without a leg file is a
// row too ("not run"): a wave that never started, or a lost artifact, must show.



const MAX_FILES = 5000;
/** Every leg file under `dir` (download-artifact puts each artifact in its own folder). */
function readLegs(dir) {
    const legs = [];
    const problems = [];
    const walk = (d, depth) => {
        let entries;
        try {
            entries = (0,external_node_fs_.readdirSync)(d).sort();
        }
        catch (e) {
            problems.push(`${d}: cannot be read (${e.code ?? e.message})`);
            return;
        }
        for (const name of entries) {
            if (legs.length + problems.length >= MAX_FILES)
                return;
            const path = (0,external_node_path_.join)(d, name);
            const st = (0,external_node_fs_.statSync)(path);
            if (st.isDirectory() && depth < 4)
                walk(path, depth + 1);
            else if (st.isFile() && name.endsWith('.json')) {
                try {
                    const leg = JSON.parse((0,external_node_fs_.readFileSync)(path, 'utf8'));
                    if (leg.pgshiftFleetLeg === LEG_FORMAT && typeof leg.target === 'string' && Array.isArray(leg.results))
                        legs.push(leg);
                }
                catch (e) {
                    problems.push(`${(0,external_node_path_.relative)(dir, path)}: not a leg report (${e.message.split('\n')[0]})`);
                }
            }
        }
    };
    walk(dir, 0);
    return { legs, problems };
}
const ORDER = ['failed', 'blocked', 'not-run', 'success', 'nothing-to-do'];
function mergeFleet(fleet, legs, opts = {}) {
    const problems = [...(opts.problems ?? [])];
    const targets = fleet.targets.filter((t) => opts.wave === undefined || t.wave === opts.wave);
    const known = new Set(fleet.targets.map((t) => t.name));
    const byTarget = new Map();
    for (const leg of legs) {
        if (!known.has(leg.target)) {
            problems.push(`a leg report for ${leg.target}, which the targets file does not have (ignored)`);
            continue;
        }
        const seen = byTarget.get(leg.target);
        // A rerun of a leg leaves two files: the later one is the target's state.
        if (seen)
            problems.push(`two leg reports for ${leg.target}: the later one (${leg.startedAt}) is shown`);
        if (!seen || seen.startedAt < leg.startedAt)
            byTarget.set(leg.target, leg);
    }
    const rows = [];
    const modes = new Set();
    for (const t of targets) {
        const leg = byTarget.get(t.name);
        const base = { target: t.name, wave: t.wave, labels: t.labels };
        if (!leg) {
            rows.push({ ...base, name: t.name, summary: notRun('no leg report: the leg did not run (an earlier wave failed, or it was cancelled) or its artifact is missing') });
            continue;
        }
        modes.add(leg.mode);
        if (leg.results.length === 0)
            rows.push({ ...base, name: t.name, summary: { status: leg.status, behind: 0, applied: [], drifted: [], durationMs: leg.durationMs, firstError: leg.note } });
        for (const r of leg.results)
            rows.push({ ...base, name: r.name, schema: r.schema, summary: r.summary });
    }
    const heads = new Map();
    for (const r of rows)
        if (r.summary.head)
            heads.set(r.summary.head, (heads.get(r.summary.head) ?? 0) + 1);
    if (heads.size > 1)
        problems.push(`the legs ran different migration sets: ${[...heads].map(([h, n]) => `${h} is the newest file for ${n}`).join(', ')}; rerun the fleet from one commit`);
    const head = [...heads].sort((a, b) => b[1] - a[1])[0]?.[0];
    const counts = Object.fromEntries(ORDER.map((s) => [s, 0]));
    for (const r of rows)
        counts[r.summary.status]++;
    rows.sort((a, b) => ORDER.indexOf(a.summary.status) - ORDER.indexOf(b.summary.status) || b.summary.behind - a.summary.behind || a.wave - b.wave);
    return {
        mode: modes.size === 1 ? [...modes][0] : modes.size ? [...modes].join(' + ') : 'no leg ran',
        wave: opts.wave,
        head,
        rows,
        counts,
        skew: skewOf(rows),
        failed: counts.failed + counts.blocked + counts['not-run'] > 0,
        legs: byTarget.size,
        problems
    };
}
/** Targets grouped by the version they are at, furthest behind first; unknown (not run) last. */
function skewOf(rows) {
    const groups = new Map();
    for (const r of rows) {
        const known = r.summary.status !== 'not-run';
        const key = known ? `${r.summary.at ?? ''}\0${r.summary.behind}` : '\0unknown';
        const g = groups.get(key) ?? { at: known ? r.summary.at : undefined, behind: known ? r.summary.behind : undefined, rows: [] };
        g.rows.push(r.name);
        groups.set(key, g);
    }
    return [...groups.values()].sort((a, b) => (b.behind ?? -1) - (a.behind ?? -1));
}
/** Rows that need a reader's eye: not a success, behind the head, or drifted. */
function isUnusual(r) {
    const s = r.summary;
    return !(s.status === 'success' || s.status === 'nothing-to-do') || s.behind > 0 || s.drifted.length > 0;
}

;// CONCATENATED MODULE: ./src/fleet/markdown.ts
// The fleet report as markdown: one body for the job summary and the sticky
// comment. Its size does not grow with the fleet: the version-skew table has one
// row per version (names clipped), the table of unusual rows (failed and not-run
// first, with their errors in a list below it) stops at a character budget, and
// every other target is a count.


/** GitHub refuses a comment body above 65,536 characters; the marker line and a margin stay free. */
const FLEET_BODY_BUDGET = 60_000;
const NAMES_IN_SKEW = 8;
/** Versions shown in the skew table (the furthest behind first); the rest are counted. */
const SKEW_ROWS = 25;
const LABEL = {
    failed: 'failed',
    blocked: 'blocked',
    'not-run': 'not run',
    success: 'success',
    'nothing-to-do': 'nothing to do'
};
const ICON = { failed: '❌', blocked: '⛔', 'not-run': '⏭️', success: '✅', 'nothing-to-do': '✅' };
const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const code = (s) => (s ? (0,report_escape/* codeOrText */.Qg)(s) : '(none)');
function names(list, max = NAMES_IN_SKEW) {
    const shown = list.slice(0, max).map((n) => (0,report_escape/* codeOrText */.Qg)(n)).join(', ');
    return list.length > max ? `${shown} and ${list.length - max} more` : shown;
}
function headline(r) {
    const bad = r.counts.failed + r.counts.blocked;
    const scope = r.wave === undefined ? '' : ` (wave ${r.wave}${r.wave === 0 ? ', the canaries' : ''})`;
    const verdict = bad ? `❌ ${plural(bad, 'target')} failed` : r.counts['not-run'] ? `⏭️ ${plural(r.counts['not-run'], 'target')} not run` : '✅ every target succeeded';
    return `## pgshift fleet ${r.mode}${scope}: ${verdict}`;
}
function countsLine(r) {
    const parts = ['failed', 'blocked', 'not-run', 'success', 'nothing-to-do'].filter((s) => r.counts[s]).map((s) => `${r.counts[s]} ${LABEL[s]}`);
    return `**${plural(r.rows.length, 'target')}** (${r.legs} ${r.legs === 1 ? 'leg' : 'legs'} reported): ${parts.join(' · ') || 'none'}.`;
}
function skewTable(r) {
    if (!r.rows.length)
        return [];
    const lines = ['### Version skew', '', `The newest migration of the files (the head) is ${code(r.head)}.`, '', '| Version | Behind the head by | Targets | Which |', '| --- | --- | --- | --- |'];
    const shown = r.skew.length > SKEW_ROWS ? [...r.skew.slice(0, SKEW_ROWS - 1), ...r.skew.slice(SKEW_ROWS - 1).filter((g) => g.behind === 0)] : r.skew;
    for (const g of shown) {
        const version = g.behind === undefined ? 'unknown (no report)' : g.at ? `${(0,report_escape/* codeOrText */.Qg)(g.at)}${g.behind === 0 ? ' (head)' : ''}` : '(none applied)';
        const behind = g.behind === undefined ? '?' : g.behind === 0 ? '0' : plural(g.behind, 'migration');
        lines.push(`| ${version} | ${behind} | ${g.rows.length} | ${names(g.rows)} |`);
    }
    const folded = r.skew.filter((g) => !shown.includes(g));
    if (folded.length)
        lines.push(`| ${plural(folded.length, 'more version')} | | ${folded.reduce((n, g) => n + g.rows.length, 0)} | |`);
    return lines;
}
/**
 * One target: five short columns in the table, and what does not fit there (what this run
 * applied, the drift, the first error) as a list item below it. Seven columns made the table
 * wider than GitHub's 780 px comment column (issue 19 item 3).
 */
function row(x) {
    const s = x.summary;
    const line = `| ${ICON[s.status]} ${(0,report_escape/* codeOrText */.Qg)(x.name)} | ${x.wave} | ${LABEL[s.status]} | ${code(s.at)} | ${s.status === 'not-run' ? '?' : s.behind} |`;
    const applied = s.rolledBack?.length ? `rolled back ${s.rolledBack.length}` : s.applied.length ? `applied ${s.applied.length}: ${(0,report_escape/* codeOrText */.Qg)(s.applied[s.applied.length - 1])}` : '';
    const drift = s.drifted.length ? `drift: ${s.drifted.slice(0, 3).map((d) => (0,report_escape/* codeOrText */.Qg)(d)).join(', ')}${s.drifted.length > 3 ? ` +${s.drifted.length - 3}` : ''}` : '';
    const error = s.firstError ? (0,report_escape/* escapeInline */.VV)(s.firstError) : '';
    const parts = [applied, drift, error].filter(Boolean);
    return { line, detail: parts.length ? `- ${ICON[s.status]} ${(0,report_escape/* codeOrText */.Qg)(x.name)}: ${parts.join('; ')}` : undefined };
}
function renderFleetMarkdown(r, opts = {}) {
    const budget = opts.budget ?? FLEET_BODY_BUDGET;
    const head = [headline(r), '', countsLine(r), ''];
    if (r.failed) {
        head.push(r.wave !== undefined
            ? `**Do not start the next wave**: fix the failed targets below and rerun their legs first.`
            : '**The fleet is not at one version**: fix the failed targets below and rerun their legs; the targets not run start when the waves before them pass.', '');
    }
    const skew = [...skewTable(r), ''];
    const unusual = r.rows.filter(isUnusual);
    const rest = r.rows.length - unusual.length;
    const tail = [];
    if (rest)
        tail.push(`**${rest === 1 ? 'The other target** is' : `The other ${rest} targets** are`} at the head with nothing to report: ${countsOf(r.rows.filter((x) => !isUnusual(x)))}.`, '');
    if (r.problems.length)
        tail.push('**Leg reports**', '', ...r.problems.slice(0, 20).map((p) => `- ${(0,report_escape/* escapeTableCell */.aL)(p)}`), ...(r.problems.length > 20 ? [`- and ${r.problems.length - 20} more`] : []), '');
    tail.push(`Each leg's full report is its artifact \`pgshift-fleet-<target>\`${opts.runPage ? ` on [the run's page](${opts.runPage})` : ''}.`, '');
    const table = [];
    if (unusual.length) {
        table.push('### Needs attention', '', 'Failed and blocked first, then not run, then behind or drifted.', '', '| Target | Wave | Status | At | Behind |', '| --- | --- | --- | --- | --: |');
        const fixed = [...head, ...skew, ...tail].join('\n').length + 400;
        let size = table.join('\n').length;
        const details = [];
        let shown = 0;
        for (const x of unusual) {
            const { line, detail } = row(x);
            const more = line.length + 1 + (detail ? detail.length + 1 : 0);
            if (fixed + size + more > budget)
                break;
            table.push(line);
            if (detail)
                details.push(detail);
            size += more;
            shown++;
        }
        if (details.length)
            table.push('', ...details);
        if (shown < unusual.length)
            table.push('', `…and ${plural(unusual.length - shown, 'more row')} (${countsOf(unusual.slice(shown))}): the table stops here to fit GitHub's comment limit; every row is in the legs' artifacts.`);
        table.push('');
    }
    return [...head, ...table, ...skew, ...tail].join('\n');
}
function countsOf(rows) {
    const n = new Map();
    for (const x of rows)
        n.set(LABEL[x.summary.status], (n.get(LABEL[x.summary.status]) ?? 0) + 1);
    return [...n].map(([s, k]) => `${k} ${s}`).join(', ');
}

;// CONCATENATED MODULE: ./src/fleet/matrix.ts
// fleet-plan: one GitHub Actions matrix per wave, for `strategy.matrix:
// ${{ fromJSON(needs.plan.outputs.matrix)['0'] }}`. Each leg reads its URL with
// `database-url: ${{ secrets[matrix.secret] }}` and names itself with
// `fleet-target: ${{ matrix.target }}`. GitHub runs the legs (max-parallel,
// fail-fast, needs: between waves); pgshift only says what they are.

/** GitHub's limit: a matrix generates at most 256 jobs per workflow run. */
const MATRIX_JOB_LIMIT = 256;
function fleetPlan(fleet) {
    const matrix = {};
    const lines = [];
    const all = waves(fleet);
    const over = all.filter((w) => w.targets.length > MATRIX_JOB_LIMIT);
    if (over.length) {
        throw new TargetsError(fleet.file, over.map((w) => `wave: wave ${w.wave} has ${w.targets.length} targets, and GitHub runs at most ${MATRIX_JOB_LIMIT} jobs per matrix; split it into more waves, or put tenants that share a server in one schemas set`));
    }
    for (const { wave, targets } of all) {
        matrix[String(wave)] = {
            include: targets.map((t) => ({ target: t.name, secret: t.secret ?? '', env: t.env ?? '', wave, kind: t.schemas ? 'schemas' : 'database', labels: t.labels }))
        };
        const schemaSets = targets.filter((t) => t.schemas).length;
        lines.push(`wave ${wave}${wave === 0 ? ' (canaries)' : ''}: ${targets.length} target${targets.length === 1 ? '' : 's'}${schemaSets ? ` (${schemaSets} tenant-schema set${schemaSets === 1 ? '' : 's'})` : ''}: ${matrix_names(targets.map((t) => t.name))}`);
    }
    return { matrix, waves: Object.keys(matrix).map(Number), targets: fleet.targets.length, lines };
}
function matrix_names(list) {
    return list.length > 8 ? `${list.slice(0, 8).join(', ')} and ${list.length - 8} more` : list.join(', ');
}

// EXTERNAL MODULE: ./src/report/redact.ts
var redact = __webpack_require__(649);
;// CONCATENATED MODULE: ./src/cli/fleet.ts






const out = (s) => process.stdout.write((0,redact/* redact */.E$)(s));
async function runFleetCli(settings, ctx, json) {
    try {
        const fleet = loadTargets(settings.workspace, settings.targetsFile);
        if (settings.mode === 'fleet-plan') {
            const plan = fleetPlan(fleet);
            // Each value redacted on its own: redact() over the whole JSON masks every `"secret": ...`
            // value, and the legs need the secret's name (the targets schema refuses a URL there).
            const matrix = JSON.parse(JSON.stringify(plan.matrix), (_k, v) => (typeof v === 'string' ? (0,redact/* redact */.E$)(v) : v));
            process.stdout.write(`${JSON.stringify({ matrix, waves: plan.waves }, null, json ? 2 : undefined)}\n`);
            for (const line of plan.lines)
                process.stderr.write(`${(0,redact/* redact */.E$)(line)}\n`);
            return 0;
        }
        if (settings.mode === 'fleet-report') {
            if (!settings.fleetReportsDir)
                throw new TargetsError(settings.targetsFile, ["--fleet-reports-dir: give the directory holding the legs' JSON files"]);
            const { legs, problems } = readLegs(settings.fleetReportsDir);
            const report = mergeFleet(fleet, legs, { wave: settings.fleetWave, problems });
            out(json ? `${JSON.stringify((0,redact/* redactDeep */.KL)(report), null, 2)}\n` : `${renderFleetMarkdown(report)}\n`);
            return report.failed ? 1 : 0;
        }
        const leg = (0,redact/* redactDeep */.KL)(await runLeg(settings, fleet, ctx));
        if (json)
            out(`${JSON.stringify(leg, null, 2)}\n`);
        else
            for (const r of leg.results)
                out(`${r.name}: ${r.summary.status}${r.summary.at ? ` at ${r.summary.at}` : ''}${r.summary.firstError ? ` (${r.summary.firstError})` : ''}\n`);
        return leg.status === 'failed' || leg.status === 'blocked' ? 1 : 0;
    }
    catch (e) {
        if (e instanceof TargetsError) {
            process.stderr.write(`pgshift: ${(0,redact/* redact */.E$)(e.message)}\n`);
            return 64;
        }
        throw e;
    }
}


/***/ })

};
