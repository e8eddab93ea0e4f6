export const id = 619;
export const ids = [619];
export const modules = {

/***/ 9890:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   hZ: () => (/* binding */ decideBackup),
/* harmony export */   yu: () => (/* binding */ ephemeralReason)
/* harmony export */ });
/* unused harmony export isLoopbackHost */
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7030);
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_net__WEBPACK_IMPORTED_MODULE_0__);
// Which backup a run takes. `backup: auto` (the default) takes a schema dump
// when apply or rollback changes a kept database, and none on an ephemeral one,
// where there is nothing to keep. An explicit off | schema | full always wins.

/** Loopback: localhost (and *.localhost), 127.0.0.0/8, ::1, or a Unix socket directory. */
function isLoopbackHost(host) {
    const h = host.toLowerCase();
    if (h.startsWith('/'))
        return true;
    if (h === 'localhost' || h.endsWith('.localhost'))
        return true;
    if ((0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIP)(h) === 4)
        return h.startsWith('127.');
    if ((0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIP)(h) === 6)
        return h === '::1' || h === '0:0:0:0:0:0:0:1';
    return false;
}
/**
 * Why a database is ephemeral, or undefined for a kept one:
 * - the run is apply with test-rollback (which exists for throwaway databases);
 * - the host is loopback (a Postgres started by the job itself);
 * - inside GitHub Actions, the host is a single-label name such as `postgres`: a
 *   service container, reached by its label. A real server has a dotted name or an IP.
 */
function ephemeralReason(settings, target, env = process.env) {
    if (settings.testRollback)
        return 'test-rollback runs on an ephemeral database';
    if (isLoopbackHost(target.host))
        return `loopback host ${target.host} is an ephemeral database`;
    if (env.GITHUB_ACTIONS === 'true' && (0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIP)(target.host) === 0 && !target.host.includes('.')) {
        return `host ${target.host} is a service container of this job`;
    }
    return undefined;
}
/** The level for this run; modes that change nothing never back up. */
function decideBackup(settings, target, env = process.env) {
    const changes = settings.mode === 'apply' || (settings.mode === 'rollback' && !settings.dryRun);
    if (!changes)
        return { level: 'off', reason: `${settings.mode}${settings.dryRun ? ' with dry-run' : ''} changes nothing` };
    if (settings.backup !== 'auto')
        return { level: settings.backup, reason: 'backup input' };
    const ephemeral = ephemeralReason(settings, target, env);
    if (ephemeral)
        return { level: 'off', reason: `auto: ${ephemeral}; set backup: schema or full to back it up anyway` };
    return { level: 'schema', reason: 'auto: a kept database; set backup: full to include the data' };
}


/***/ }),

/***/ 9619:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  EXIT: () => (/* binding */ EXIT)
});

// EXTERNAL MODULE: ./src/engine/run.ts + 10 modules
var run = __webpack_require__(1529);
// EXTERNAL MODULE: ./src/report/redact.ts
var redact = __webpack_require__(649);
// EXTERNAL MODULE: ./src/report/text.ts + 1 modules
var report_text = __webpack_require__(6781);
// EXTERNAL MODULE: ./src/settings.ts
var src_settings = __webpack_require__(8750);
// EXTERNAL MODULE: ./src/version.ts
var version = __webpack_require__(311);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(7975);
;// CONCATENATED MODULE: ./src/cli/args.ts
// `pgshift <mode> [--input-name value ...]`: every action input is a flag of the
// same name, so docs and workflows translate one to one.


class UsageError extends Error {
}
function parseCliArgs(argv, env) {
    const options = { help: { type: 'boolean' }, version: { type: 'boolean' }, json: { type: 'boolean' } };
    for (const name of src_settings/* INPUT_NAMES */.Qh)
        if (name !== 'mode')
            options[name] = { type: 'string' };
    let parsed;
    try {
        parsed = (0,external_node_util_.parseArgs)({ args: bareBooleans(argv), options, allowPositionals: true, strict: true });
    }
    catch (e) {
        throw new UsageError(`${e.message.replace(/\. To specify.*$/s, '')}. Run pgshift --help for the flags.`);
    }
    const { values, positionals } = parsed;
    // `pgshift help [mode]`: the help, as --help.
    if (positionals[0] === 'help') {
        if (positionals.length > 2)
            throw new UsageError(`expected at most one mode after help, got: ${positionals.slice(1).join(' ')}`);
        return { raw: {}, help: true, helpMode: positionals[1], version: false, json: false };
    }
    if (positionals.length > 1)
        throw new UsageError(`expected one mode, got: ${positionals.join(' ')}`);
    const raw = {};
    for (const name of src_settings/* INPUT_NAMES */.Qh) {
        const v = values[name];
        if (typeof v === 'string')
            raw[name] = v;
    }
    if (positionals[0])
        raw.mode = positionals[0];
    raw['database-url'] ??= env.DATABASE_URL ?? '';
    return { raw, help: Boolean(values.help), helpMode: positionals[0], version: Boolean(values.version), json: Boolean(values.json) };
}
const BOOL_WORD = /^(true|false|yes|no|on|off|1|0)$/i;
/**
 * Boolean flags as CLIs take them: `--test-rollback` alone means true, and
 * `--test-rollback=false` sets it; `--test-rollback false` (the form the action's
 * docs translate to) still works, as the next word is taken only when it is a boolean.
 */
function bareBooleans(argv) {
    const out = [];
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === '--') {
            out.push(...argv.slice(i));
            break;
        }
        const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : undefined;
        if (name !== undefined && src_settings/* BOOLEAN_INPUTS */.$p.includes(name)) {
            const next = argv[i + 1];
            if (next !== undefined && BOOL_WORD.test(next)) {
                out.push(`${a}=${next}`);
                i++;
            }
            else
                out.push(`${a}=true`);
        }
        else
            out.push(a);
    }
    return out;
}
const USAGE = `usage: pgshift <mode> [flags]

modes:  plan (default; read-only)   dry-run   apply   verify (read-only)   rollback

flags (the same names as the action's inputs):
  --database-url URL        or env DATABASE_URL
  --migrations-dir DIR      default: first of supabase/migrations, migrations, db/migrations
  --prelude-dirs a,b        prelude directories: files run once each, before the first migration
  --convention NAME         auto | supabase | numbered | dated | flyway | golang-migrate | dbmate | goose
  --history-schema NAME     default pgshift
  --history MODE            auto | native | supabase (also write supabase_migrations.schema_migrations)
  --lock-timeout 5s         --lock-retries 3   --statement-timeout 0 (none)
  --lock-wait 60s           --connect-timeout 30s
  boolean flags are bare (--test-rollback) or --flag=false
  --allow-out-of-order      --allow-drift   --allow-missing
  --test-rollback           apply: then down, then up again, comparing schemas (ephemeral databases)
  --steps N | --to-version V   rollback target (default: steps 1; to-version stays applied)
  --allow-data-loss         rollback: allow downs that drop tables or columns holding rows
  --dry-run                 rollback: preview the downs in a transaction that is rolled back
  --base REF                PR check: auto | off | a git ref or SHA (e.g. origin/main): apply the base's
                            migrations first, then judge only this branch's own (CLI: auto means off)
  --expected-database-url URL  verify: an empty database to build the expected schema on
  --backup auto            off | schema | full | auto: pg_dump before apply/rollback (auto: schema on a kept
                            database, off on loopback/ephemeral ones), plus CSV copies of rows a migration drops
  --backup-required=false   a failed backup warns instead of stopping the run
  --backup-dir DIR          default: RUNNER_TEMP, else the OS temp directory
  --lint off|warn|error     migration safety lint of the pending files (default warn)
  --supabase-shim           ephemeral vanilla Postgres: create Supabase's roles, auth, storage,
                            extensions schema and realtime publication when missing (apply, dry-run)
  --supabase-shim-extensions error|stub   extensions the server lacks: refuse (default), or stub
                            pg_net, pg_cron and vault
  --search-path a,b         SET search_path for every migration connection (a tenant schema)
fleets (docs/fleet.md):
  fleet-plan                the per-wave matrices of --targets-file (default pgshift.targets.yml), as JSON
  <mode> --fleet-target T   one leg: run target T of the targets file (a database, or each schema of a set);
                            --json prints the leg's JSON file
  fleet-report --fleet-reports-dir DIR [--fleet-wave N]   merge the legs' JSON files into one markdown report
  --json                    print the JSON report instead of text
  --version, --help         pgshift help <mode> or pgshift <mode> --help: that mode's flags
  PGSHIFT_HEARTBEAT         env: how often a long migration prints a "still running" line (default 10s)

exit codes: 0 success or nothing to do, 1 failed, 2 blocked (refused; nothing changed), 64 bad usage or input`;

;// CONCATENATED MODULE: ./src/cli/help.ts
// `pgshift help <mode>` and `pgshift <mode> --help`: what the mode does and the
// flags it reads. Every CLI input has a row (typed: a new input without one does
// not compile), so a mode's help never misses a flag.

const ENGINE = ['plan', 'dry-run', 'apply', 'verify', 'rollback'];
const WRITES = ['dry-run', 'apply', 'rollback'];
const FORWARD = ['plan', 'dry-run', 'apply'];
const WHAT = {
    plan: 'read-only: what would run (pending files, drift, lint, locks they would take); changes nothing',
    'dry-run': 'apply the pending migrations inside a transaction, then roll it back: nothing is kept',
    apply: 'apply the pending migrations, each in its own transaction (or statement by statement), recorded in history',
    verify: 'read-only: files vs history, drift, verify scripts, and (with --expected-database-url) the schema the files build',
    rollback: 'run down scripts, newest first, by --steps or --to-version (--dry-run: a preview, nothing kept)',
    'fleet-plan': 'the per-wave matrices of the targets file, as JSON (reads files only)',
    'fleet-report': "merge the fleet legs' JSON files into one markdown report (reads files only)"
};
const FLAGS = {
    'database-url': { arg: 'URL', text: 'or env DATABASE_URL', modes: ENGINE },
    'migrations-dir': { arg: 'DIR', text: 'default: first of supabase/migrations, migrations, db/migrations', modes: ENGINE },
    convention: { arg: 'NAME', text: 'auto | supabase | numbered | dated | flyway | golang-migrate | dbmate | goose', modes: ENGINE },
    'history-schema': { arg: 'NAME', text: 'default pgshift', modes: ENGINE },
    history: { arg: 'MODE', text: 'auto | native | supabase (also write supabase_migrations.schema_migrations)', modes: ENGINE },
    'lock-timeout': { arg: '5s', text: 'lock_timeout of each statement', modes: WRITES },
    'lock-retries': { arg: '3', text: 'retries after a lock timeout', modes: WRITES },
    'statement-timeout': { arg: '0', text: 'statement_timeout (0: none)', modes: [...WRITES, 'verify'] },
    'lock-wait': { arg: '60s', text: 'how long to wait for another pgshift run to finish', modes: WRITES },
    'connect-timeout': { arg: '30s', text: 'give up connecting after this', modes: ENGINE },
    'allow-out-of-order': { arg: '', text: 'run a pending file older than the newest applied one', modes: FORWARD },
    'allow-drift': { arg: '', text: 'go on although an applied file changed since it ran', modes: [...FORWARD, 'verify', 'rollback'] },
    'allow-missing': { arg: '', text: 'go on although an applied migration has no file', modes: [...FORWARD, 'verify'] },
    steps: { arg: 'N', text: 'how many applied migrations to roll back (default 1)', modes: ['rollback'] },
    'to-version': { arg: 'V', text: 'roll back everything after V (V stays applied)', modes: ['rollback'] },
    'allow-data-loss': { arg: '', text: 'allow downs that drop tables or columns holding rows', modes: ['rollback'] },
    'dry-run': { arg: '', text: 'preview the downs in a transaction that is rolled back', modes: ['rollback'] },
    'test-rollback': { arg: '', text: 'then down, then up again, comparing schemas (ephemeral databases)', modes: ['apply'] },
    'expected-database-url': { arg: 'URL', text: 'an empty database to build the expected schema on', modes: ['verify'] },
    lint: { arg: 'LEVEL', text: 'off | warn | error: the migration safety lint of the pending files', modes: FORWARD },
    backup: { arg: 'LEVEL', text: 'auto | off | schema | full: pg_dump first, plus CSV copies of rows a migration drops', modes: ['apply', 'rollback'] },
    'backup-required': { arg: '', text: '--backup-required=false: a failed backup warns instead of stopping the run', modes: ['apply', 'rollback'] },
    'backup-dir': { arg: 'DIR', text: 'default: RUNNER_TEMP, else the OS temp directory', modes: ['apply', 'rollback'] },
    'supabase-shim': { arg: '', text: "ephemeral vanilla Postgres: create Supabase's roles and schemas when missing", modes: ['dry-run', 'apply'] },
    'supabase-shim-extensions': { arg: 'MODE', text: 'error | stub: extensions the server lacks (stub: pg_net, pg_cron, vault)', modes: ['dry-run', 'apply'] },
    base: { arg: 'REF', text: "PR check: off | a git ref or SHA: the base's migrations first, then judge this branch's own", modes: FORWARD },
    'search-path': { arg: 'a,b', text: 'SET search_path for every migration connection (a tenant schema)', modes: ENGINE },
    'targets-file': { arg: 'FILE', text: 'default pgshift.targets.yml', modes: [...ENGINE, 'fleet-plan'] },
    'fleet-target': { arg: 'T', text: 'one fleet leg: run target T of the targets file', modes: ENGINE },
    'fleet-reports-dir': { arg: 'DIR', text: "the legs' JSON files (downloaded artifacts)", modes: ['fleet-report'] },
    'fleet-wave': { arg: 'N', text: "only this wave's targets", modes: ['fleet-report'] },
    'prelude-dirs': { arg: 'a,b', text: 'prelude directories: files run once each, before the first migration', modes: ENGINE }
};
function isMode(m) {
    return src_settings/* MODES */.FN.includes(m);
}
/** The help of one mode: what it does, its flags, the exit codes. */
function modeHelp(mode) {
    const rows = src_settings/* INPUT_NAMES */.Qh
        .filter((n) => n in FLAGS)
        .filter((n) => FLAGS[n].modes.includes(mode))
        .map((n) => {
        const f = FLAGS[n];
        const left = `  --${n}${f.arg ? ` ${f.arg}` : ''}`;
        return `${left.padEnd(30)}${f.text}`;
    });
    return [
        `usage: pgshift ${mode} [flags]`,
        '',
        `${mode}: ${WHAT[mode]}`,
        '',
        'flags (boolean flags are bare, --flag, or --flag=false):',
        ...rows,
        `  ${'--json'.padEnd(28)}print the JSON report instead of text`,
        '',
        'exit codes: 0 success or nothing to do, 1 failed, 2 blocked (refused; nothing changed), 64 bad usage or input'
    ].join('\n');
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/db/url.ts
var url = __webpack_require__(879);
;// CONCATENATED MODULE: ./src/cli/input-problems.ts
// The CLI's input checks beyond the settings schema: a URL that cannot be parsed
// and a migrations directory that does not exist are bad input (exit 64), reported
// together with every other problem, before anything connects. The action reports
// the same cases in its run report instead (a summary and a comment).




const INPUT_CODES = new Set(['empty-url', 'malformed-url']);
function urlProblem(input, raw) {
    try {
        (0,url/* parseDatabaseUrl */.mx)(raw);
        return undefined;
    }
    catch (e) {
        if (e instanceof url/* ConnectionError */.Rc && INPUT_CODES.has(e.code))
            return `${input}: ${e.message} ${e.next}`;
        return undefined; // the engine reports the rest (a transaction pooler, say) in its run report
    }
}
function inputProblems(raw, settings, cwd) {
    const mode = settings?.mode ?? raw.mode ?? 'plan';
    if (!(0,src_settings/* isEngineMode */.kZ)(mode) || settings?.fleetTarget || raw['fleet-target'])
        return []; // fleets: the targets file names the databases
    const problems = [];
    const url = urlProblem('database-url', raw['database-url'] ?? '');
    if (url)
        problems.push(url);
    const expected = raw['expected-database-url'] ?? '';
    if (expected.trim() !== '') {
        const p = urlProblem('expected-database-url', expected);
        if (p)
            problems.push(p);
    }
    const dir = (raw['migrations-dir'] ?? '').trim();
    if (dir !== '' && !(0,external_node_fs_.existsSync)((0,external_node_path_.resolve)(cwd, dir))) {
        problems.push(`migrations-dir: '${dir}' does not exist (looked at ${(0,external_node_path_.resolve)(cwd, dir)}); expected the directory that holds your .sql files, absolute or relative to the current directory`);
    }
    else if (dir === '' && !src_settings/* DEFAULT_DIRS */.nc.some((d) => (0,external_node_fs_.existsSync)((0,external_node_path_.join)(cwd, d)))) {
        problems.push(`migrations-dir: none of ${src_settings/* DEFAULT_DIRS */.nc.join(', ')} exists in ${cwd}; pass --migrations-dir DIR`);
    }
    return problems;
}

;// CONCATENATED MODULE: ./src/cli/main.ts
// The pgshift command: the same settings schema, engine and report as the action
// (loaded by ./index.ts, possibly in a relaunched process: see src/relaunch.ts).








const err = (s) => process.stderr.write(`${(0,redact/* redact */.E$)(s)}\n`);
// A migration's group title starts a line that its progress completes, so a long
// deploy shows what runs now, and each migration ends as one line with its time.
// Info lines from inside the group (a safety copy) follow that line; a warning
// (a lock retry) cannot wait, so it breaks the line and the progress repeats the title.
let openLine;
let held = [];
const release = () => {
    for (const m of held)
        err(`  ${m}`);
    held = [];
};
const endLine = () => {
    if (openLine !== undefined)
        process.stderr.write('\n');
    openLine = undefined;
    release();
};
const logger = {
    info: (m) => {
        if (openLine !== undefined)
            held.push(m);
        else
            err(m);
    },
    warn: (m) => {
        if (openLine !== undefined)
            process.stderr.write('\n');
        openLine = undefined;
        err(`warning: ${m}`);
    },
    group: async (title, fn) => {
        endLine();
        process.stderr.write((0,redact/* redact */.E$)(title));
        openLine = title;
        try {
            return await fn();
        }
        finally {
            endLine();
        }
    },
    // A long migration's "still running" line: it breaks the title's open line, and the progress repeats the title.
    heartbeat: (m) => {
        if (openLine !== undefined)
            process.stderr.write('\n');
        openLine = undefined;
        err(`  ${m}`);
    },
    progress: (p) => {
        const head = openLine === undefined ? `[${p.index}/${p.total}] ${p.title} ` : ' ';
        process.stderr.write(`${(0,redact/* redact */.E$)(head + (0,run/* progressText */.l_)(p))}\n`);
        openLine = undefined;
        release();
    }
};
const EXIT = { ok: 0, failed: 1, blocked: 2, usage: 64 };
async function main() {
    let args;
    try {
        args = parseCliArgs(process.argv.slice(2), process.env);
    }
    catch (e) {
        err(`pgshift: ${e.message}`);
        return EXIT.usage;
    }
    if (args.help) {
        const mode = args.helpMode;
        if (mode !== undefined && !isMode(mode)) {
            err(`pgshift: help: '${mode}' is not a mode; expected one of ${src_settings/* MODES */.FN.join(' | ')}`);
            return EXIT.usage;
        }
        process.stdout.write(`${mode ? modeHelp(mode) : USAGE}\n`);
        return EXIT.ok;
    }
    if (args.version) {
        process.stdout.write(`pgshift ${version/* VERSION */.x}\n`);
        return EXIT.ok;
    }
    (0,redact/* registerDatabaseUrl */.C5)(args.raw['database-url'] ?? '');
    (0,redact/* registerDatabaseUrl */.C5)(args.raw['expected-database-url'] ?? '');
    // Every input problem at once, then exit 64 (the settings schema's, the URL's, the directory's).
    let settings;
    const problems = [];
    try {
        settings = (0,src_settings/* parseSettings */.P$)(args.raw, process.cwd());
    }
    catch (e) {
        if (e instanceof src_settings/* SettingsError */.GN)
            problems.push(...e.problems);
        else if (e instanceof UsageError)
            problems.push(e.message);
        else
            throw e;
    }
    problems.push(...inputProblems(args.raw, settings, process.cwd()));
    if (problems.length || !settings) {
        err(problems.length === 1 ? `pgshift: ${problems[0]}` : `pgshift: invalid input:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
        err('Run pgshift help <mode> for its flags.');
        return EXIT.usage;
    }
    const ac = new AbortController();
    for (const sig of ['SIGINT', 'SIGTERM'])
        process.once(sig, () => ac.abort());
    if (settings.mode === 'fleet-plan' || settings.mode === 'fleet-report' || settings.fleetTarget) {
        // Fleets (docs/fleet.md): loaded only when used.
        const { runFleetCli } = await Promise.all(/* import() */[__webpack_require__.e(815), __webpack_require__.e(519)]).then(__webpack_require__.bind(__webpack_require__, 9519));
        return runFleetCli(settings, { logger, signal: ac.signal }, args.json);
    }
    const report = (0,redact/* redactDeep */.KL)(await (0,run.runPgshift)(settings, { logger, signal: ac.signal }));
    process.stdout.write((0,redact/* redact */.E$)(args.json ? `${JSON.stringify(report, null, 2)}\n` : (0,report_text/* renderText */.S5)(report, { color: process.stdout.isTTY })));
    return report.status === 'failed' ? EXIT.failed : report.status === 'blocked' ? EXIT.blocked : EXIT.ok;
}
main().then((code) => {
    process.exitCode = code;
}, (e) => {
    err(`pgshift: unexpected error: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = EXIT.failed;
});


/***/ }),

/***/ 8008:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Bx: () => (/* binding */ connectionLost),
/* harmony export */   Cb: () => (/* binding */ sessionSettingsSql),
/* harmony export */   IG: () => (/* binding */ tlsEnvironmentWarnings),
/* harmony export */   Lw: () => (/* binding */ readOnlyReason),
/* harmony export */   Ng: () => (/* binding */ connect),
/* harmony export */   Qf: () => (/* binding */ backendPid),
/* harmony export */   hU: () => (/* binding */ cancelBackend),
/* harmony export */   qh: () => (/* binding */ serverVersion)
/* harmony export */ });
/* unused harmony export DEFAULT_ATTEMPT_TIMEOUT_MS */
/* harmony import */ var pg__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3849);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _url_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(879);
/* harmony import */ var _report_redact_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(649);
// Connects to Postgres: waits until the server accepts connections, applies
// libpq sslmode semantics (see url.ts), sets up the session, and turns every
// failure into a ConnectionError with advice. Messages go through redact() and
// never hold the password, the URL, or a pg client or its config.





/** The limit of one attempt when the URL gives no connect_timeout. */
const DEFAULT_ATTEMPT_TIMEOUT_MS = 10_000;
const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 2_000;
// Node and server codes worth waiting out: a service container that is not up
// yet, a DNS name that resolves late, a server starting up or full.
const RETRY_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'EPIPE', 'terminated']);
const RETRY_SQLSTATES = new Set(['57P03', '53300', '57P01', '57P02', '53400']);
const TLS_CERT_CODES = new Set([
    'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_UNTRUSTED',
    'CERT_SIGNATURE_FAILURE', 'CERT_REJECTED'
]);
/**
 * The session settings pgshift relies on, as one statement that never fails:
 * re-run it after `RESET ALL`. `client_connection_check_interval` (PG 14+,
 * Linux servers) makes the server notice a vanished client within seconds, so a
 * killed runner's statement stops and its locks go. On older servers (42704)
 * and platforms without support (22023) it is skipped. Timeouts are not set
 * here: they are `SET LOCAL` per migration, never startup parameters (PgBouncer
 * rejects those). `idle_session_timeout` (PG 14+) is turned off for our own
 * sessions: the migration connection idles while the lock connection waits for
 * another runner, and a cut there would fail a run that was only queueing.
 */
function sessionSettingsSql(client) {
    const known = client && sessionSettingsOf.get(client);
    if (known !== undefined)
        return known;
    return ("DO $pgshift$BEGIN BEGIN SET client_connection_check_interval = '1s'; EXCEPTION WHEN undefined_object OR invalid_parameter_value THEN NULL; END; " +
        'BEGIN SET idle_session_timeout = 0; EXCEPTION WHEN undefined_object THEN NULL; END; END$pgshift$');
}
/**
 * The same settings as plain SETs, once connect has seen which of them this server
 * took (read back in the connect message): what the executor re-runs after RESET ALL
 * at the end of every migration. A DO block with two exception blocks is compiled
 * and opens two subtransactions on each run (about 0.05 ms of server CPU a call
 * against 0.02 ms, issue 17); the SETs cannot fail where the DO block's succeeded.
 * Empty when the server has neither setting (before PG 14).
 */
function plainSessionSettings(ccci, ist) {
    return [...(ccci === '1s' ? ["SET client_connection_check_interval = '1s'"] : []), ...(typeof ist === 'string' ? ['SET idle_session_timeout = 0'] : [])].join(';');
}
const lostErrors = new WeakMap();
const sessionSettingsOf = new WeakMap();
const backendPids = new WeakMap();
const versions = new WeakMap();
const readOnlyAtConnect = new WeakMap();
/**
 * The server backend's pid (pg_backend_pid()), read at connect. Use it for
 * cancelBackend: behind PgBouncer or Supavisor, pg's `client.processID` is the
 * pooler's key, not the server pid.
 */
function backendPid(client) {
    return backendPids.get(client);
}
/** The error that broke an established connection (e.g. 57P01 after pg_terminate_backend), if any. */
function connectionLost(client) {
    return lostErrors.get(client);
}
function facts(err) {
    if (err instanceof pg__WEBPACK_IMPORTED_MODULE_0__/* ["default"].DatabaseError */ .Ay.DatabaseError) {
        return { code: err.code ?? 'XX000', sqlstate: err.code, text: err.message };
    }
    const e = (err ?? {});
    const message = typeof e.message === 'string' ? e.message : String(err);
    let code = typeof e.code === 'string' ? e.code : undefined;
    // Node's happy-eyeballs gives an AggregateError with one error per address.
    if (!code && Array.isArray(e.errors)) {
        const first = e.errors.find((x) => typeof x?.code === 'string');
        code = first?.code;
    }
    if (code)
        return { code, text: message };
    if (/does not support SSL/i.test(message))
        return { code: 'tls-refused', text: 'the server does not support TLS' };
    if (/error establishing an SSL connection/i.test(message))
        return { code: 'tls-failed', text: 'the server answered the TLS request with an error' };
    if (/timeout expired|connection timeout/i.test(message))
        return { code: 'ETIMEDOUT', text: 'no answer in time' };
    if (/Connection terminated/i.test(message))
        return { code: 'terminated', text: 'the server closed the connection during start-up' };
    return { code: 'unknown', text: message };
}
function describe(f) {
    switch (f.code) {
        case 'ECONNREFUSED':
            return 'connection refused (nothing accepts connections on that host and port)';
        case 'ENOTFOUND':
        case 'EAI_AGAIN':
            return `the host name does not resolve (${f.code})`;
        case 'ETIMEDOUT':
            return 'no answer in time (ETIMEDOUT)';
        case 'ECONNRESET':
        case 'EPIPE':
            return `the connection was reset (${f.code})`;
        case 'tls-refused':
        case 'tls-failed':
        case 'terminated':
        case 'unknown':
            return f.text;
        default:
            return f.sqlstate ? `${f.text} (SQLSTATE ${f.sqlstate})` : `${f.text} (${f.code})`;
    }
}
function seconds(ms) {
    return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}
/** Turns a failure to connect into advice. */
function adviceFor(f, target, ctx) {
    const where = target.display;
    const hostPort = `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
    const ref = target.supabaseRef ?? '<ref>';
    const poolerFix = `use the session pooler instead: host aws-0-<region>.pooler.supabase.com, port 5432, user postgres.${ref} (Supabase dashboard > Connect > Session pooler), e.g. ${(0,_url_js__WEBPACK_IMPORTED_MODULE_2__/* .sessionPoolerUrl */ .j_)(target)}; or enable the project's IPv4 add-on`;
    const waited = ctx.attempts > 1 ? ` (${ctx.attempts} attempts over ${seconds(Math.round(ctx.waitedMs / 100) * 100)})` : '';
    const make = (code, message, next) => new _url_js__WEBPACK_IMPORTED_MODULE_2__/* .ConnectionError */ .Rc(code, message, next, { target: where, attempts: ctx.attempts, ...(f.sqlstate ? { sqlstate: f.sqlstate } : {}) });
    const base = `Could not connect to ${where}: ${describe(f)}${waited}.`;
    if (target.isSupabaseDirectHost && ['ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT'].includes(f.code)) {
        return make(f.code, `${base} ${target.host} is a Supabase direct host, which has only an IPv6 address; GitHub-hosted runners have no IPv6.`, `On GitHub-hosted runners ${poolerFix}. Keep port 5432: port 6543 is the transaction pooler.`);
    }
    switch (f.code) {
        case '28P01':
            return make(f.code, base, 'Check the user name and password in the secret passed as database-url. Special characters in the password must be URL-encoded (encodeURIComponent).' + (target.isSupabasePooler ? ` Through the Supabase pooler the user is postgres.${ref}.` : ''));
        case '28000':
            return make(f.code, base, "The server's pg_hba.conf rejects this client, user or database. If it only accepts TLS connections, set sslmode=require (or stronger); otherwise ask its administrator to allow the runner's address.");
        case '3D000':
            return make(f.code, base, `Check the database name (the URL path after the host, here '${target.database}'). On Supabase it is 'postgres'.`);
        case '42501':
            return make(f.code, base, `The role '${target.user}' may not connect to database '${target.database}': GRANT CONNECT ON DATABASE to it, or use another role.`);
        case 'XX000':
            if (/tenant or user not found/i.test(f.text)) {
                return make(f.code, base, `Through the Supabase pooler the user must be postgres.<project-ref> (e.g. postgres.${ref}), not plain postgres; copy the URL from Supabase dashboard > Connect > Session pooler.`);
            }
            break;
        case 'ENOTFOUND':
        case 'EAI_AGAIN':
            return make(f.code, `Could not connect to ${where}: the host name '${target.host}' does not resolve (${f.code})${waited}.`, 'Check the host in the secret. For a service container the host is localhost when the job runs on the runner, and the service name when the job runs in a container.');
        case 'ECONNREFUSED':
            return make(f.code, `The server at ${hostPort} is not accepting connections (connection refused)` +
                (ctx.attempts > 1 ? `; still refused after ${seconds(Math.round(ctx.waitedMs / 100) * 100)} and ${ctx.attempts} attempts (connect-timeout ${seconds(ctx.connectTimeoutMs)}).` : ctx.connectTimeoutMs > 0 ? '.' : ' (connect-timeout 0: one attempt).'), 'Check the host and port. For a service container, add a health check so the job waits for it: options: --health-cmd pg_isready --health-interval 2s --health-timeout 5s --health-retries 15. Or raise connect-timeout.');
        case 'ETIMEDOUT':
            return make(f.code, `${base} The server did not answer within the limit of one attempt (${seconds(target.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS)}).`, 'Check the host, the port and any firewall between the runner and the database (allow the runner IPs, or use a self-hosted runner inside the network). Raise connect-timeout or connect_timeout in the URL for a slow network.');
        case 'ENETUNREACH':
        case 'EHOSTUNREACH':
            return make(f.code, base, 'The runner has no route to that address. If the host has only an IPv6 address, GitHub-hosted runners cannot reach it: use an IPv4 endpoint or a connection pooler in session mode.');
        case 'tls-refused':
            return make('tls-not-supported', `${base} sslmode=${target.sslmode} requires TLS.`, 'Enable TLS on the server, or, only on a trusted network (e.g. a service container on localhost), set sslmode=disable or prefer.');
        case '53300':
            return make(f.code, base, 'The server has no free connection slots. Close idle connections, raise max_connections, or connect through a pooler in session mode (port 5432).');
        case '57P03':
            return make(f.code, base, 'The server is starting up, shutting down or in recovery. Wait for it to become ready (raise connect-timeout), and check that the URL names the primary, not a standby.');
    }
    if (TLS_CERT_CODES.has(f.code)) {
        const name = f.code === 'ERR_TLS_CERT_ALTNAME_INVALID';
        return make(f.code, `${base} sslmode=${target.sslmode} verifies the server's certificate${name ? ', and it does not name this host' : ", and Node does not trust it (it is self-signed, or signed by a CA outside Node's store)"}.`, name
            ? 'Connect with the host name the certificate was issued for, or set sslmode=verify-ca to check the chain but not the name.'
            : "Add the server's CA to the URL as sslrootcert=/path/to/ca.pem (for Supabase: download it from Project Settings > Database > SSL), or set sslmode=require to encrypt without verifying the certificate.");
    }
    if (f.code === 'tls-failed' || /SSL|TLS|certificate/i.test(f.text)) {
        return make(f.code, base, 'Check the sslmode in the URL (disable, prefer, require, verify-ca, verify-full) and, for verify-ca/verify-full, the sslrootcert file.');
    }
    if (f.code === 'terminated' || f.code === 'ECONNRESET' || f.code === 'EPIPE') {
        return make(f.code, base, 'The server or a proxy in between closed the connection. Check that the host and port are a Postgres server (not an HTTP endpoint), and the server log.');
    }
    return make(f.code, base, 'Check the database URL (host, port, user, password, database, sslmode) and that the server is running.');
}
function readPem(path, param, target) {
    try {
        return (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync)(path);
    }
    catch (e) {
        const code = e.code ?? 'error';
        throw new _url_js__WEBPACK_IMPORTED_MODULE_2__/* .ConnectionError */ .Rc(`${param}-unreadable`, `Cannot read the ${param} file named in the database URL (${code}).`, `Check that ${param}=<path> names a PEM file present on the runner (relative paths start at the working directory).`, { target: target.display });
    }
}
function tlsOptionsFor(target) {
    if (target.ssl === false)
        return false;
    const ssl = { ...target.ssl };
    if (target.sslrootcert && target.sslrootcert !== 'system')
        ssl.ca = readPem(target.sslrootcert, 'sslrootcert', target);
    if (target.sslcert)
        ssl.cert = readPem(target.sslcert, 'sslcert', target);
    if (target.sslkey)
        ssl.key = readPem(target.sslkey, 'sslkey', target);
    return ssl;
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Resolves after `ms`, or at once when `signal` aborts. */
function sleepUnlessAborted(ms, signal) {
    if (!signal)
        return sleep(ms);
    return new Promise((resolve) => {
        if (signal.aborted)
            return resolve();
        const done = () => {
            clearTimeout(timer);
            signal.removeEventListener('abort', done);
            resolve();
        };
        const timer = setTimeout(done, ms);
        signal.addEventListener('abort', done, { once: true });
    });
}
function cancelledWhileConnecting(target, attempts) {
    return new _url_js__WEBPACK_IMPORTED_MODULE_2__/* .ConnectionError */ .Rc('cancelled', `Cancelled while connecting to ${target.display} (after ${attempts} attempt${attempts === 1 ? '' : 's'}).`, 'Nothing was changed: the run was cancelled before it connected.', { target: target.display, attempts });
}
function destroyQuietly(c) {
    c.on('error', () => { });
    const stream = c.connection?.stream;
    try {
        stream?.destroy?.();
    }
    catch {
        // already gone
    }
}
function newClient(target, ssl, applicationName, attemptTimeoutMs) {
    const password = target.password;
    const config = {
        host: target.host,
        port: target.port,
        user: target.user,
        database: target.database,
        // A function: pg then never looks at PGPASSWORD or ~/.pgpass, and the
        // password is not a plain property of the config.
        password: () => password ?? '',
        ssl: ssl === false ? false : ssl,
        application_name: applicationName,
        sslnegotiation: target.sslnegotiation,
        connectionTimeoutMillis: attemptTimeoutMs,
        keepAlive: true
    };
    if (target.options.options)
        config.options = target.options.options;
    const client = new pg__WEBPACK_IMPORTED_MODULE_0__/* ["default"].Client */ .Ay.Client(config);
    // pg fills what the config leaves out from PG* variables; the URL alone decides.
    const params = client.connectionParameters;
    if (params) {
        if (!target.options.options)
            params.options = undefined;
        params.replication = undefined;
    }
    return client;
}
/**
 * Connects, retrying transient failures with backoff (100 ms doubling to 2 s,
 * with jitter) until `connectTimeoutMs` has passed; then sets up the session.
 * Never retries authentication, missing-database or permission errors.
 */
async function connect(target, opts) {
    const started = Date.now();
    const budget = Math.max(0, opts.connectTimeoutMs || 0);
    const deadline = started + budget;
    const applicationName = opts.applicationName ?? target.applicationName ?? 'pgshift';
    const sslFull = tlsOptionsFor(target);
    let useTls = sslFull !== false;
    let attempts = 0;
    let delay = FIRST_DELAY_MS;
    for (;;) {
        if (opts.signal?.aborted)
            throw cancelledWhileConnecting(target, attempts);
        attempts++;
        const remaining = deadline - Date.now();
        const attemptTimeoutMs = target.attemptTimeoutMs ?? Math.max(1_000, Math.min(DEFAULT_ATTEMPT_TIMEOUT_MS, budget > 0 ? remaining : DEFAULT_ATTEMPT_TIMEOUT_MS));
        const client = newClient(target, useTls ? sslFull : false, applicationName, attemptTimeoutMs);
        client.on('error', (err) => {
            // The first error says why (e.g. 57P01); the 'Connection terminated' that follows adds nothing.
            if (lostErrors.has(client))
                return;
            const f = facts(err);
            const ce = new _url_js__WEBPACK_IMPORTED_MODULE_2__/* .ConnectionError */ .Rc(f.code, `The connection to ${target.display} was lost: ${describe(f)}.`, f.sqlstate === '57P01' ? 'An administrator or another session terminated this backend (pg_terminate_backend, or a server shutdown).' : 'The server or the network closed the connection.', { target: target.display, ...(f.sqlstate ? { sqlstate: f.sqlstate } : {}) });
            lostErrors.set(client, ce);
            opts.onError?.(ce);
        });
        let f;
        // A cancel drops the attempt in flight: connect() then fails and the loop stops.
        const drop = () => destroyQuietly(client);
        opts.signal?.addEventListener('abort', drop, { once: true });
        try {
            await client.connect();
            try {
                // One round trip (on a remote database each costs the network's RTT): the session
                // settings, the backend pid, the server version and whether it takes writes
                // (readOnlyReason), in one simple-query message, so behind a transaction pooler
                // they also come from the same server backend.
                const results = (await client.query(`${sessionSettingsSql()};SELECT pg_backend_pid() AS pid, current_setting('server_version_num') AS num, current_setting('server_version') AS text, ` +
                    "pg_catalog.pg_is_in_recovery() AS standby, pg_catalog.current_setting('transaction_read_only') AS ro, " +
                    "pg_catalog.current_setting('client_connection_check_interval', true) AS ccci, pg_catalog.current_setting('idle_session_timeout', true) AS ist"));
                const row = (Array.isArray(results) ? results[results.length - 1] : results).rows[0];
                if (row && 'ccci' in row && 'ist' in row)
                    sessionSettingsOf.set(client, plainSessionSettings(row.ccci, row.ist));
                if (typeof row?.pid === 'number')
                    backendPids.set(client, row.pid);
                if (row?.num !== undefined && row.text !== undefined)
                    versions.set(client, { num: Number(row.num), text: row.text });
                if (typeof row?.standby === 'boolean' && typeof row.ro === 'string')
                    readOnlyAtConnect.set(client, { standby: row.standby, ro: row.ro });
            }
            catch (e) {
                destroyQuietly(client);
                throw e;
            }
            return client;
        }
        catch (e) {
            if (e instanceof _url_js__WEBPACK_IMPORTED_MODULE_2__/* .ConnectionError */ .Rc)
                throw e;
            destroyQuietly(client);
            if (opts.signal?.aborted)
                throw cancelledWhileConnecting(target, attempts);
            f = facts(e);
        }
        finally {
            opts.signal?.removeEventListener('abort', drop);
        }
        // prefer/allow: the server has no TLS, so connect without it (at once, not counted as waiting).
        if (f.code === 'tls-refused' && useTls && target.sslFallback) {
            useTls = false;
            attempts--;
            continue;
        }
        const retryable = (RETRY_NODE_CODES.has(f.code) || (f.sqlstate !== undefined && RETRY_SQLSTATES.has(f.sqlstate))) &&
            // A Supabase direct host that does not resolve is the IPv6 problem, not a late DNS name.
            !(target.isSupabaseDirectHost && (f.code === 'ENOTFOUND' || f.code === 'EAI_AGAIN'));
        const left = deadline - Date.now();
        if (!retryable || budget === 0 || left <= 0) {
            throw adviceFor(f, target, { attempts, waitedMs: Date.now() - started, connectTimeoutMs: budget });
        }
        const wait = Math.min(left, Math.round(delay / 2 + (Math.random() * delay) / 2));
        opts.onRetry?.(attempts, (0,_report_redact_js__WEBPACK_IMPORTED_MODULE_3__/* .redact */ .E$)(`${describe(f)}; retrying in ${wait} ms`));
        await sleepUnlessAborted(wait, opts.signal);
        delay = Math.min(MAX_DELAY_MS, delay * 2);
    }
}
/** Settings in the environment that weaken or are ignored by pgshift's TLS, for the summary's warnings. */
function tlsEnvironmentWarnings(env = process.env) {
    const out = [];
    if (env.NODE_TLS_REJECT_UNAUTHORIZED === '0') {
        out.push('NODE_TLS_REJECT_UNAUTHORIZED=0 is set: Node accepts any server certificate, so sslmode=verify-ca and verify-full verify nothing. Remove it; use sslrootcert= in the URL, or sslmode=require.');
    }
    for (const name of ['PGSSLMODE', 'PGSSLROOTCERT', 'PGSSLCERT', 'PGSSLKEY']) {
        if (env[name])
            out.push(`${name} is set but ignored: pgshift takes TLS settings only from the database URL (e.g. ?sslmode=require).`);
    }
    return out;
}
/**
 * Asks the server to cancel the statement running in backend `pid`, over another
 * connection. `via` may be the lock connection, inside the transaction that holds
 * the run lock: an error there would end that transaction and release the lock,
 * so the call cannot fail (a DO block that swallows its own error).
 */
async function cancelBackend(via, pid) {
    if (!Number.isInteger(pid))
        return;
    await via.query(`DO $pgshift$BEGIN PERFORM pg_catalog.pg_cancel_backend(${pid}); EXCEPTION WHEN OTHERS THEN NULL; END$pgshift$`);
}
/** The server's version: `num` as server_version_num (170010), `text` as server_version ('17.10'). */
async function serverVersion(c) {
    // Read at connect (see connect): no second round trip.
    const known = versions.get(c);
    if (known)
        return known;
    const r = await c.query("SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS text");
    return { num: Number(r.rows[0].num), text: r.rows[0].text };
}
/**
 * Why this server cannot take changes, or undefined when it can: a hot standby
 * (pg_is_in_recovery), or a session that starts read-only (default_transaction_read_only
 * on the database or role; some managed databases set it when the disk is full).
 * Checked before the lock, so the user gets the fix instead of advice about CREATE
 * privileges from the first write that fails with 25006.
 */
async function readOnlyReason(c) {
    // Read at connect (see connect): no round trip of its own.
    const row = readOnlyAtConnect.get(c) ??
        (await c.query("SELECT pg_catalog.pg_is_in_recovery() AS standby, pg_catalog.current_setting('transaction_read_only') AS ro")).rows[0];
    if (row?.standby) {
        return new _url_js__WEBPACK_IMPORTED_MODULE_2__/* .ConnectionError */ .Rc('read-only', 'This server is a standby (in recovery): it is read-only.', 'Point database-url at the primary. Nothing was changed.', { sqlstate: '25006' });
    }
    if (row?.ro === 'on') {
        return new _url_js__WEBPACK_IMPORTED_MODULE_2__/* .ConnectionError */ .Rc('read-only', 'This server is read-only for this session (default_transaction_read_only is on for the database or the role).', 'Point database-url at the primary, or turn read-only off for the migration role (ALTER ROLE ... SET default_transaction_read_only = off). Nothing was changed.', { sqlstate: '25006' });
    }
    return undefined;
}


/***/ }),

/***/ 6136:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   s: () => (/* binding */ queryCountingStatements)
/* harmony export */ });
/** `afterSend` runs once the message is written, while the server works on it. */
async function queryCountingStatements(client, sql, afterSend) {
    // node-postgres emits each protocol message on its connection; this listener is ours alone.
    const connection = client.connection;
    let completed = 0;
    const count = () => {
        completed++;
    };
    connection.on('commandComplete', count);
    try {
        // pg writes the message inside query() when the connection is idle (one query at a time here).
        const pending = client.query({ text: sql, rowMode: 'array' });
        afterSend?.();
        const res = (await pending);
        return { results: Array.isArray(res) ? res : [res], completed };
    }
    catch (error) {
        return { results: [], error, completed };
    }
    finally {
        connection.off('commandComplete', count);
    }
}


/***/ }),

/***/ 2551:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Lz: () => (/* binding */ nextStepFor),
/* harmony export */   QO: () => (/* binding */ isPgError),
/* harmony export */   w7: () => (/* binding */ mapRunError)
/* harmony export */ });
/* unused harmony export statementAtLine */
/* harmony import */ var _source_positions_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2369);
/* harmony import */ var _report_text_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6781);
/* harmony import */ var _supabase_extensions_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2);



function isPgError(e) {
    return e instanceof Error && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code);
}
/**
 * Maps an error raised while running `origin` (or `statement`, when known).
 * Without a position, the error points at the failing statement's first line.
 */
function mapRunError(err, origin, statement) {
    const e = (isPgError(err) ? err : { message: err instanceof Error ? err.message : String(err) });
    const file = origin.script.source.file;
    let position = statement?.position;
    const pos = e.position ? Number(e.position) : NaN;
    if (Number.isFinite(pos) && pos > 0) {
        const cp = pos - 1 - origin.prefixCodePoints;
        if (cp >= 0) {
            const idx = (0,_source_positions_js__WEBPACK_IMPORTED_MODULE_2__/* .advanceCodePoints */ .H0)(origin.text, 0, cp);
            position = (0,_source_positions_js__WEBPACK_IMPORTED_MODULE_2__/* .lineColAt */ .kE)(origin.script.source.fileText, origin.fileOffset + idx);
        }
    }
    const stmt = statement ?? (position ? statementAtLine(origin.script, position.line, position.col) : undefined);
    return {
        file,
        position: position ?? stmt?.position,
        sqlstate: e.code,
        message: e.message,
        detail: e.detail,
        hint: e.hint,
        where: e.where,
        // The report keeps a generous excerpt; renderers shorten further for display.
        statement: stmt ? (0,_report_text_js__WEBPACK_IMPORTED_MODULE_0__/* .shortenStatement */ .xZ)(stmt.sql, 200, 10_000) : undefined,
        next: missingExtensionNext(e) ?? roleExistsNext(e, file) ?? nextStepFor(e.code, file)
    };
}
/** CREATE EXTENSION of an extension the server lacks (0A000 since PG 15, 58P01 before): the fix, by name. */
function missingExtensionNext(e) {
    if (e.code !== '0A000' && e.code !== '58P01')
        return undefined;
    const name = (0,_supabase_extensions_js__WEBPACK_IMPORTED_MODULE_1__/* .missingExtensionInError */ .Fn)(e.message);
    if (!name)
        return undefined;
    const stub = name in _supabase_extensions_js__WEBPACK_IMPORTED_MODULE_1__/* .STUBBED_EXTENSIONS */ .Vn ? ', or, on an ephemeral check, set supabase-shim: true and supabase-shim-extensions: stub for a callable stand-in' : '';
    return `The server has no extension ${name}: its files are not installed there. Use a Postgres image that has it (supabase/postgres${name === 'vector' ? ' or pgvector/pgvector' : ''})${stub}. Nothing of this file was kept, so a rerun starts again at this file.`;
}
/**
 * CREATE ROLE of a role that exists (42710): roles belong to the whole server, so
 * another database on it (a staging copy, a PR check's neighbour) may have made it.
 */
function roleExistsNext(e, file) {
    if (e.code !== '42710' || !/^role ".*" already exists$/.test(e.message))
        return undefined;
    return `Roles belong to the whole server, not to one database: another database on the same server (or an earlier run against one) may have created it, and dropping a database never drops its roles. Create it only when missing (\`DO $$ BEGIN CREATE ROLE ...; EXCEPTION WHEN duplicate_object THEN NULL; END $$\`), or drop it if nothing else uses it. Nothing of ${file} was kept, so a rerun starts again at this file.`;
}
/** The statement that contains file position line:col (the last one starting at or before it). */
function statementAtLine(script, line, col) {
    let found;
    for (const s of script.statements) {
        if (s.position.line < line || (s.position.line === line && s.position.col <= col))
            found = s;
        else
            break;
    }
    return found;
}
/** What to do next, by SQLSTATE class. The rerun behaviour is stated because users fear half-applied states. */
function nextStepFor(code, file) {
    const rerun = `Nothing of ${file} was kept, so a rerun starts again at this file.`;
    switch (code) {
        case '42P07':
        case '42710':
        case '42723':
            return `The object already exists in the database, but history does not record the migration that creates it (created by hand, or by another tool?). Either drop it, or make the statement idempotent (IF NOT EXISTS). ${rerun}`;
        case '42P01':
        case '42883':
        case '42704':
        case '3F000':
            return `Something this statement needs does not exist yet: check that an earlier migration creates it and that the order shown by \`pgshift plan\` is right. ${rerun}`;
        case '55P03':
            return `Another session held a conflicting lock for longer than lock-timeout on every retry. Production traffic was not blocked behind us for longer than lock-timeout. Run again when the table is quieter, or raise lock-timeout / lock-retries. ${rerun}`;
        case '57014':
            return `The statement was cancelled: statement-timeout was reached, or the run was cancelled. Raise statement-timeout for long data migrations, or split the work. ${rerun}`;
        case '2D000':
            return `COMMIT or ROLLBACK inside a DO block or procedure cannot run in a transaction, and pgshift runs this file in one. Give it its own file with a \`-- pgshift:no-transaction\` line, so it runs statement by statement and the block can commit. ${rerun}`;
        case '25006':
            return `This server is read-only (a hot standby, or default_transaction_read_only is on for this database or role): point database-url at the primary, or turn read-only off for the migration role. ${rerun}`;
        case '25001':
            return `This statement cannot run inside a transaction block. Put it in its own file, or add a \`-- pgshift:no-transaction\` line to the file. ${rerun}`;
        case '42501':
            return `The database user lacks a privilege this statement needs. Grant it, or run migrations as the schema owner. ${rerun}`;
        case '57P01':
        case '57P02':
        case '57P03':
            return `The server terminated the connection (shutdown or pg_terminate_backend). ${rerun}`;
        case '40001':
        case '40P01':
            return `A serialization failure or deadlock with another session. ${rerun}`;
        default:
            if (code?.startsWith('23'))
                return `Existing data violates this change. Fix the data first (in an earlier migration), or change the constraint. ${rerun}`;
            if (code?.startsWith('42'))
                return `Fix the SQL at this position. ${rerun}`;
            return `Fix the cause shown above. ${rerun}`;
    }
}


/***/ }),

/***/ 3966:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AV: () => (/* binding */ insertHistorySql),
/* harmony export */   GQ: () => (/* binding */ HISTORY_TABLE),
/* harmony export */   Lu: () => (/* binding */ readHistory),
/* harmony export */   k2: () => (/* binding */ historyTableName),
/* harmony export */   mL: () => (/* binding */ upsertHistorySql),
/* harmony export */   r0: () => (/* binding */ ensureHistoryTable),
/* harmony export */   yB: () => (/* binding */ deletePriorRowSql)
/* harmony export */ });
/* unused harmony exports historyState, createHistorySql, historyAccess */
/* harmony import */ var pg__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3849);

const HISTORY_TABLE = 'schema_history';
function historyTableName(schema) {
    return `${(0,pg__WEBPACK_IMPORTED_MODULE_0__/* .escapeIdentifier */ .F)(schema)}.${(0,pg__WEBPACK_IMPORTED_MODULE_0__/* .escapeIdentifier */ .F)(HISTORY_TABLE)}`;
}
async function historyState(client, schema) {
    const r = await client.query(`SELECT current_user AS user, current_database() AS database, EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = $1) AS schema,
            EXISTS (SELECT FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')) AS table`, [schema, HISTORY_TABLE]);
    const row = r.rows[0];
    return { schema: Boolean(row?.schema), table: Boolean(row?.table), user: row?.user, database: row?.database };
}
/**
 * The DDL for what is missing; empty when the table exists. Only what is missing
 * is sent: `CREATE SCHEMA IF NOT EXISTS` checks the CREATE privilege on the
 * database before it checks existence (and CREATE TABLE IF NOT EXISTS the CREATE
 * privilege on the schema), so a least-privilege role that owns an existing
 * schema would be refused by a statement that has nothing to do. Run only while
 * holding the advisory lock, so concurrent runners never race on it.
 */
function createHistorySql(schema, state = { schema: false, table: false }) {
    if (state.table)
        return '';
    const t = historyTableName(schema);
    return `${state.schema ? '' : `CREATE SCHEMA IF NOT EXISTS ${(0,pg__WEBPACK_IMPORTED_MODULE_0__/* .escapeIdentifier */ .F)(schema)};\n`}CREATE TABLE IF NOT EXISTS ${t} (
  identity text PRIMARY KEY,
  version text NOT NULL,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('versioned', 'repeatable')),
  script text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  duration_ms integer NOT NULL,
  statements integer NOT NULL,
  status text NOT NULL DEFAULT 'applied' CHECK (status IN ('applied', 'partial')),
  statements_done integer,
  done_hash text,
  actor text,
  run_url text,
  commit_sha text
);`;
}
/**
 * Creates what is missing of the history; the state it found (a failure carries it,
 * so the advice can name the privilege). inTransaction: inside the caller's
 * transaction (the preview), whose own timeouts stay as they are. guardSql: the
 * run guard (engine/executor.ts runGuardSql), run inside the creating transaction
 * so a lost lock or a transaction pooler stops it before it commits, like a
 * migration's.
 */
async function ensureHistoryTable(client, schema, opts = {}) {
    const state = await historyState(client, schema);
    const ddl = createHistorySql(schema, state);
    if (!ddl)
        return state;
    const fail = (e) => Promise.reject(Object.assign(e, { historyState: state }));
    if (opts.inTransaction) {
        await client.query(ddl).catch(fail);
        return state;
    }
    // lock_timeout keeps us from queueing behind a long transaction on our own table.
    await client.query(`BEGIN;SET LOCAL lock_timeout = '10s';${opts.guardSql ? `${opts.guardSql};` : ''}${ddl}COMMIT`).catch(async (e) => {
        await client.query('ROLLBACK').catch(() => { });
        return fail(e);
    });
    return state;
}
async function historyAccess(client, schema) {
    const r = await client.query(`SELECT current_user AS user, current_database() AS database,
            coalesce((SELECT has_schema_privilege(n.oid, 'USAGE') FROM pg_catalog.pg_namespace n WHERE n.nspname = $1), false) AS usage,
            (SELECT array_remove(ARRAY[p.s, p.i, p.u, p.d], NULL)
               FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace,
                    LATERAL (SELECT CASE WHEN has_table_privilege(c.oid, 'SELECT') THEN NULL ELSE 'SELECT' END AS s,
                                    CASE WHEN has_table_privilege(c.oid, 'INSERT') THEN NULL ELSE 'INSERT' END AS i,
                                    CASE WHEN has_table_privilege(c.oid, 'UPDATE') THEN NULL ELSE 'UPDATE' END AS u,
                                    CASE WHEN has_table_privilege(c.oid, 'DELETE') THEN NULL ELSE 'DELETE' END AS d) p
              WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')) AS missing`, [schema, HISTORY_TABLE]);
    const row = r.rows[0];
    return { user: row?.user ?? '', database: row?.database ?? '', usage: Boolean(row?.usage), missing: row?.missing ?? null };
}
/**
 * Reads history; a missing table means "nothing applied yet". A refused read
 * (42501: no USAGE on the schema, no SELECT on the table) carries what the role
 * lacks, so the advice can name the GRANT (engine/steps/ensure-history.ts).
 */
async function readHistory(client, schema) {
    const refused = async (e) => {
        const err = e;
        if (err.code === '42501')
            Object.assign(err, { historyAccess: await historyAccess(client, schema).catch(() => undefined) });
        throw err;
    };
    const exists = await client.query('SELECT to_regclass($1) AS t', [historyTableName(schema)]).catch(refused);
    if (!exists.rows[0]?.t)
        return [];
    const res = await client
        .query(`SELECT identity, version, name, kind, script, checksum, applied_at, duration_ms, statements, status, statements_done, done_hash
       FROM ${historyTableName(schema)} ORDER BY applied_at, identity`)
        .catch(refused);
    return res.rows.map((r) => ({
        identity: r.identity,
        version: r.version,
        name: r.name,
        kind: r.kind,
        script: r.script,
        checksum: r.checksum,
        appliedAt: new Date(r.applied_at).toISOString(),
        durationMs: r.duration_ms,
        statements: r.statements,
        status: r.status,
        statementsDone: r.statements_done,
        doneHash: r.done_hash
    }));
}
const lit = (v) => v === undefined || v === null ? 'NULL' : typeof v === 'number' ? String(Math.trunc(v)) : (0,pg__WEBPACK_IMPORTED_MODULE_0__/* .escapeLiteral */ .NO)(v);
function valuesSql(schema, w) {
    return `INSERT INTO ${historyTableName(schema)}
  (identity, version, name, kind, script, checksum, applied_at, duration_ms, statements, status, statements_done, done_hash, actor, run_url, commit_sha)
VALUES (${lit(w.identity)}, ${lit(w.version)}, ${lit(w.name)}, ${lit(w.kind)}, ${lit(w.script)}, ${lit(w.checksum)}, clock_timestamp(),
  ${w.durationMs === null ? '(extract(epoch FROM clock_timestamp() - now()) * 1000)::integer' : lit(w.durationMs)}, ${lit(w.statements)}, ${lit(w.status)}, ${lit(w.statementsDone)}, ${lit(w.doneHash)}, ${lit(w.actor)}, ${lit(w.runUrl)}, ${lit(w.commitSha)})`;
}
/**
 * The history row of a migration that commits: a plain INSERT, so the primary key
 * is the commit guard. Two runners that both ran a migration cannot both commit it:
 * the second INSERT waits for the first transaction and then fails with 23505 (or
 * fails at once if the first committed), rolling its copy of the migration back.
 */
function insertHistorySql(schema, w) {
    return valuesSql(schema, w);
}
/**
 * Removes the row that `insertHistorySql` replaces, in the same transaction and
 * before it: only the row this run saw. If another runner replaced it meanwhile,
 * nothing is deleted (READ COMMITTED re-checks the condition on the newest version
 * of the row) and the INSERT that follows fails on the primary key.
 */
function deletePriorRowSql(schema, identity, prior) {
    const which = 'partialDone' in prior
        ? `status = 'partial' AND coalesce(statements_done, 0) = ${lit(prior.partialDone)}`
        : `status = 'applied' AND checksum <> ${lit(prior.otherChecksum)}`;
    return `DELETE FROM ${historyTableName(schema)} WHERE identity = ${lit(identity)} AND ${which}`;
}
/**
 * The upsert, for writes that are rolled back (the dry-run's preview) or that
 * baseline rows applied by another tool; migrations that commit use
 * insertHistorySql. As literal SQL, so it can travel in the same simple-query message as
 * the migration and its COMMIT (one round trip per migration). Values are escaped
 * with pg's escapeLiteral.
 */
function upsertHistorySql(schema, w) {
    return `${valuesSql(schema, w)}
ON CONFLICT (identity) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name, kind = EXCLUDED.kind,
  script = EXCLUDED.script, checksum = EXCLUDED.checksum, applied_at = EXCLUDED.applied_at, duration_ms = EXCLUDED.duration_ms,
  statements = EXCLUDED.statements, status = EXCLUDED.status, statements_done = EXCLUDED.statements_done,
  done_hash = EXCLUDED.done_hash, actor = EXCLUDED.actor, run_url = EXCLUDED.run_url, commit_sha = EXCLUDED.commit_sha`;
}


/***/ }),

/***/ 5218:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   D8: () => (/* binding */ newLocks),
/* harmony export */   Mw: () => (/* binding */ heldLocks),
/* harmony export */   Ot: () => (/* binding */ locksOn),
/* harmony export */   US: () => (/* binding */ HELD_LOCKS_SQL),
/* harmony export */   jp: () => (/* binding */ existingRelations)
/* harmony export */ });
/* unused harmony export LOCK_BLOCKS */
/* harmony import */ var _history_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3966);
/* harmony import */ var _supabase_history_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3895);


/** What a table lock of each mode blocks for other sessions. */
const LOCK_BLOCKS = {
    AccessShareLock: 'blocks only ACCESS EXCLUSIVE (DROP, most ALTER TABLE); reads and writes continue',
    RowShareLock: 'blocks EXCLUSIVE and ACCESS EXCLUSIVE; reads and writes continue',
    RowExclusiveLock: 'blocks CREATE INDEX (non-concurrent) and schema changes; reads and writes continue',
    ShareUpdateExclusiveLock: 'blocks schema changes, VACUUM and CREATE INDEX CONCURRENTLY; reads and writes continue',
    ShareLock: 'blocks writes (INSERT, UPDATE, DELETE); reads continue',
    ShareRowExclusiveLock: 'blocks writes and other SHARE ROW EXCLUSIVE locks; reads continue',
    ExclusiveLock: 'blocks writes and SELECT ... FOR UPDATE; plain reads continue',
    AccessExclusiveLock: 'blocks reads and writes'
};
const SQL_MODE = {
    AccessShareLock: 'ACCESS SHARE',
    RowShareLock: 'ROW SHARE',
    RowExclusiveLock: 'ROW EXCLUSIVE',
    ShareUpdateExclusiveLock: 'SHARE UPDATE EXCLUSIVE',
    ShareLock: 'SHARE',
    ShareRowExclusiveLock: 'SHARE ROW EXCLUSIVE',
    ExclusiveLock: 'EXCLUSIVE',
    AccessExclusiveLock: 'ACCESS EXCLUSIVE'
};
/**
 * Tables, views and materialized views that exist now, by oid (index locks follow
 * their table's and would only repeat it). Locks on relations created later block nobody,
 * so they are left out; names are kept because a dropped relation vanishes from
 * pg_class inside the transaction that drops it.
 *
 * pgshift's own bookkeeping is left out too: the ROW EXCLUSIVE its history write takes
 * on `<history-schema>.schema_history`, and on the Supabase CLI's
 * `supabase_migrations.schema_migrations` when that history is kept, is pgshift's lock,
 * not the migration's (issue 19 item 8). Only the history table is left out of the
 * history schema, so `history-schema: public` still reports locks on the app's tables.
 */
async function existingRelations(client, historySchema) {
    const r = await client.query(`SELECT c.oid::int AS oid, n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'm', 'v', 'f')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema', $2) AND n.nspname NOT LIKE 'pg\\_toast%'
        AND NOT (n.nspname = $1 AND c.relname = $3)`, [historySchema, _supabase_history_js__WEBPACK_IMPORTED_MODULE_1__/* .SUPABASE_SCHEMA */ .X8, _history_js__WEBPACK_IMPORTED_MODULE_0__/* .HISTORY_TABLE */ .GQ]);
    return new Map(r.rows.map((x) => [x.oid, x.name]));
}
/** The table-level locks this backend holds, as (oid, mode) rows. */
const HELD_LOCKS_SQL = `SELECT relation::int AS oid, mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted`;
/** Table-level locks this backend holds on relations that existed before the preview. */
async function heldLocks(client, existing) {
    const r = await client.query(HELD_LOCKS_SQL);
    return r.rows.filter((x) => existing.has(x.oid)).map((x) => ({ oid: x.oid, relation: existing.get(x.oid), mode: x.mode }));
}
/** The locks in HELD_LOCKS_SQL's array rows that fall on `existing` relations, in words. */
function locksOn(existing, rows) {
    const held = rows.filter(([oid]) => existing.has(oid)).map(([oid, mode]) => ({ oid, relation: existing.get(oid), mode }));
    return newLocks([], held);
}
/** Locks held after a migration that were not held before it: the strongest per relation, strongest first, in words. */
function newLocks(before, after) {
    const had = new Set(before.map((l) => `${l.oid}:${l.mode}`));
    const order = Object.keys(LOCK_BLOCKS);
    const strongest = new Map();
    for (const l of after) {
        if (had.has(`${l.oid}:${l.mode}`))
            continue;
        const cur = strongest.get(l.oid);
        if (!cur || order.indexOf(l.mode) > order.indexOf(cur.mode))
            strongest.set(l.oid, l);
    }
    return [...strongest.values()]
        .sort((a, b) => order.indexOf(b.mode) - order.indexOf(a.mode) || (a.relation < b.relation ? -1 : a.relation > b.relation ? 1 : 0))
        .map((l) => ({ relation: l.relation, mode: SQL_MODE[l.mode] ?? l.mode, blocks: LOCK_BLOCKS[l.mode] ?? 'see the Postgres lock conflict table' }));
}


/***/ }),

/***/ 6819:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Hp: () => (/* binding */ lastRollback),
/* harmony export */   SN: () => (/* binding */ rollbackLogName),
/* harmony export */   ZH: () => (/* binding */ ROLLBACK_LOG_TABLE),
/* harmony export */   bu: () => (/* binding */ ensureRollbackLog),
/* harmony export */   sP: () => (/* binding */ insertRollbackSql)
/* harmony export */ });
/* unused harmony export createRollbackLogSql */
/* harmony import */ var pg__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3849);

const ROLLBACK_LOG_TABLE = 'schema_history_rollbacks';
function rollbackLogName(schema) {
    return `${(0,pg__WEBPACK_IMPORTED_MODULE_0__/* .escapeIdentifier */ .F)(schema)}.${(0,pg__WEBPACK_IMPORTED_MODULE_0__/* .escapeIdentifier */ .F)(ROLLBACK_LOG_TABLE)}`;
}
function createRollbackLogSql(schema) {
    return `CREATE TABLE IF NOT EXISTS ${rollbackLogName(schema)} (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  identity text NOT NULL,
  version text NOT NULL,
  script text NOT NULL,
  checksum text NOT NULL,
  down_script text NOT NULL,
  down_checksum text NOT NULL,
  rolled_back_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor text,
  run_url text,
  commit_sha text
)`;
}
/**
 * Makes the log writable when it can be: true when it exists (or was just
 * created) and the login role may INSERT into it. Run under the run lock,
 * outside a transaction. Never throws: the record is advice, not a guard.
 */
async function ensureRollbackLog(client, schema) {
    try {
        const t = rollbackLogName(schema);
        const state = await client.query(`SELECT to_regclass($1) IS NOT NULL AS exists,
              CASE WHEN EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = $2) THEN pg_catalog.has_schema_privilege($2, 'CREATE') ELSE false END AS create`, [t, schema]);
        const row = state.rows[0];
        if (!row?.exists) {
            if (!row?.create)
                return false;
            await client.query(`SET lock_timeout = '10s'; ${createRollbackLogSql(schema)}; RESET lock_timeout;`);
        }
        const can = await client.query(`SELECT pg_catalog.has_table_privilege($1, 'INSERT') AS insert`, [t]);
        return Boolean(can.rows[0]?.insert);
    }
    catch {
        await client.query('RESET lock_timeout').catch(() => { });
        return false;
    }
}
const lit = (v) => (v === undefined ? 'NULL' : (0,pg__WEBPACK_IMPORTED_MODULE_0__/* .escapeLiteral */ .NO)(v));
/** One statement, sent with the down and the history DELETE (literal SQL: it travels in the same simple-query message). */
function insertRollbackSql(schema, w) {
    return `INSERT INTO ${rollbackLogName(schema)} (identity, version, script, checksum, down_script, down_checksum, actor, run_url, commit_sha)
VALUES (${lit(w.identity)}, ${lit(w.version)}, ${lit(w.script)}, ${lit(w.checksum)}, ${lit(w.downScript)}, ${lit(w.downChecksum)}, ${lit(w.actor)}, ${lit(w.runUrl)}, ${lit(w.commitSha)})`;
}
/** The newest rollback of `identity`, when the log exists and may be read; undefined otherwise (never throws). */
async function lastRollback(client, schema, identity) {
    try {
        const t = rollbackLogName(schema);
        const ok = await client.query(`SELECT CASE WHEN to_regclass($1) IS NULL THEN false ELSE pg_catalog.has_table_privilege($1, 'SELECT') END AS ok`, [t]);
        if (!ok.rows[0]?.ok)
            return undefined;
        const r = await client.query(`SELECT identity, down_script, down_checksum, rolled_back_at, actor, run_url FROM ${t} WHERE identity = $1 ORDER BY rolled_back_at DESC, id DESC LIMIT 1`, [identity]);
        const row = r.rows[0];
        if (!row)
            return undefined;
        return {
            identity: row.identity,
            downScript: row.down_script,
            downChecksum: row.down_checksum,
            rolledBackAt: new Date(row.rolled_back_at).toISOString(),
            actor: row.actor ?? undefined,
            runUrl: row.run_url ?? undefined
        };
    }
    catch {
        return undefined;
    }
}


/***/ }),

/***/ 3895:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AR: () => (/* binding */ supabaseEntryFor),
/* harmony export */   Pl: () => (/* binding */ readSupabaseHistory),
/* harmony export */   S$: () => (/* binding */ supabaseColumns),
/* harmony export */   Vt: () => (/* binding */ createSupabaseHistorySql),
/* harmony export */   W_: () => (/* binding */ SUPABASE_TABLE),
/* harmony export */   Wm: () => (/* binding */ supabaseSchemaExists),
/* harmony export */   X8: () => (/* binding */ SUPABASE_SCHEMA),
/* harmony export */   Zq: () => (/* binding */ supabaseHistoryExists),
/* harmony export */   _N: () => (/* binding */ insertSupabaseRowSql),
/* harmony export */   uc: () => (/* binding */ deleteSupabaseRowSql)
/* harmony export */ });
/* unused harmony exports SUPABASE_FILE_RE, supabaseVersionOf, splitLikeSupabase */
/* harmony import */ var pg__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3849);
/* harmony import */ var _source_lazy_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(427);
/* harmony import */ var _source_parser_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3686);



const SUPABASE_SCHEMA = 'supabase_migrations';
const SUPABASE_TABLE = `${SUPABASE_SCHEMA}.schema_migrations`;
/** The CLI's file-name rule: other files in supabase/migrations are skipped by it, with a warning. */
const SUPABASE_FILE_RE = /^([0-9]+)_(.*)\.sql$/;
/** The CLI's version and name for a file name, or undefined when the CLI skips the file. */
function supabaseVersionOf(fileName) {
    const base = fileName.slice(fileName.lastIndexOf('/') + 1);
    const m = SUPABASE_FILE_RE.exec(base);
    return m ? { version: m[1], name: m[2] } : undefined;
}
/**
 * The file split as the CLI splits it: at every top-level `;`, each piece
 * trimmed, empty pieces dropped. Comments stay with the statement that follows
 * them, and text after the last `;` (a trailing comment) is its own element, as
 * the CLI stores it. The boundaries come from libpg-query: a `;` inside a
 * statement the parser found (a BEGIN ATOMIC body) is not a boundary, and the
 * scanner never yields a `;` token inside a string or a dollar-quoted body.
 */
function splitLikeSupabase(text, statementSpans) {
    const inside = (i) => statementSpans.some((s) => i > s.start && i < s.end);
    const cuts = (0,_source_parser_js__WEBPACK_IMPORTED_MODULE_2__/* .scanSql */ .C4)(text)
        .filter((t) => t.text === ';' && !inside(t.start))
        .map((t) => t.start);
    const out = [];
    let from = 0;
    for (const cut of [...cuts, text.length]) {
        const piece = text.slice(from, cut).trim();
        if (piece)
            out.push(piece);
        from = cut + 1;
    }
    return out;
}
/** The CLI row for a migration; undefined when the CLI would skip its file. */
function supabaseEntryFor(m) {
    const v = supabaseVersionOf(m.file);
    if (!v)
        return undefined;
    const entry = { ...v };
    // Split (so the file is parsed) only when a row is written or compared: applied files stay unparsed.
    (0,_source_lazy_js__WEBPACK_IMPORTED_MODULE_1__/* .defineLazy */ .gJ)(entry, 'statements', () => {
        const src = m.up.source;
        // Whole-file text: the CLI stores the file as written (a BEGIN/COMMIT wrapper included).
        const spans = m.up.statements.map((s) => ({ start: s.offset - src.offset, end: s.offset - src.offset + s.sql.length }));
        return splitLikeSupabase(src.text, spans);
    });
    return entry;
}
/**
 * Creates the table as the CLI leaves it (same columns, same order), only when
 * absent; the schema only when it is missing too (`CREATE SCHEMA IF NOT EXISTS`
 * needs CREATE on the database even when the schema exists).
 */
function createSupabaseHistorySql(schemaExists) {
    return `${schemaExists ? '' : `CREATE SCHEMA IF NOT EXISTS ${SUPABASE_SCHEMA};\n`}CREATE TABLE IF NOT EXISTS ${SUPABASE_TABLE} (version text NOT NULL PRIMARY KEY, statements text[], name text)`;
}
/** Whether the CLI's schema exists, from the catalog (no USAGE needed). */
async function supabaseSchemaExists(client) {
    const r = await client.query(`SELECT EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = '${SUPABASE_SCHEMA}') AS e`);
    return Boolean(r.rows[0]?.e);
}
async function supabaseHistoryExists(client) {
    const r = await client.query(`SELECT to_regclass('${SUPABASE_TABLE}') AS t`);
    return Boolean(r.rows[0]?.t);
}
/** The table's columns: an old CLI's table may lack `statements` or `name`, and pgshift never adds them. */
async function supabaseColumns(client) {
    const r = await client.query(`SELECT attname FROM pg_attribute WHERE attrelid = to_regclass('${SUPABASE_TABLE}') AND attnum > 0 AND NOT attisdropped`);
    return new Set(r.rows.map((x) => x.attname));
}
/** Reads the CLI's history as the CLI does; a missing table means "no migrations". */
async function readSupabaseHistory(client) {
    if (!(await supabaseHistoryExists(client)))
        return [];
    const cols = await supabaseColumns(client);
    const r = await client.query(`SELECT version, ${cols.has('name') ? "coalesce(name, '')" : "''"} AS name, ${cols.has('statements') ? 'statements' : 'NULL::text[]'} AS statements
       FROM ${SUPABASE_TABLE} ORDER BY version`);
    return r.rows.map((x) => ({ version: x.version, name: x.name, statements: x.statements ?? [] }));
}
const textArray = (xs) => (xs.length ? `ARRAY[${xs.map(pg__WEBPACK_IMPORTED_MODULE_0__/* .escapeLiteral */ .NO).join(', ')}]::text[]` : `'{}'::text[]`);
/** The CLI's insert, as literal SQL (it travels in the migration's own simple-query message). */
function insertSupabaseRowSql(e, columns) {
    const cols = [['version', (0,pg__WEBPACK_IMPORTED_MODULE_0__/* .escapeLiteral */ .NO)(e.version)]];
    if (columns.has('name'))
        cols.push(['name', (0,pg__WEBPACK_IMPORTED_MODULE_0__/* .escapeLiteral */ .NO)(e.name)]);
    if (columns.has('statements'))
        cols.push(['statements', textArray(e.statements)]);
    return `INSERT INTO ${SUPABASE_TABLE} (${cols.map((c) => c[0]).join(', ')}) VALUES (${cols.map((c) => c[1]).join(', ')})`;
}
function deleteSupabaseRowSql(version) {
    return `DELETE FROM ${SUPABASE_TABLE} WHERE version = ${(0,pg__WEBPACK_IMPORTED_MODULE_0__/* .escapeLiteral */ .NO)(version)}`;
}


/***/ }),

/***/ 879:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   K4: () => (/* binding */ transactionPoolerError),
/* harmony export */   Rc: () => (/* binding */ ConnectionError),
/* harmony export */   j_: () => (/* binding */ sessionPoolerUrl),
/* harmony export */   mx: () => (/* binding */ parseDatabaseUrl),
/* harmony export */   s8: () => (/* binding */ supabaseNetworkWarnings)
/* harmony export */ });
/* unused harmony exports SSL_MODES, emptyUrlError */
/* harmony import */ var _report_redact_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(649);

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];
/** A connection problem with the next step to take. Its text never holds a password or the URL. */
class ConnectionError extends Error {
    /** A kebab-case name ('empty-url', 'transaction-pooler'), a SQLSTATE ('28P01') or a Node error code ('ECONNREFUSED'). */
    code;
    /** What to do about it. */
    next;
    /** The server's SQLSTATE, when the server answered. */
    sqlstate;
    /** host:port/dbname, when known. */
    target;
    /** How many connection attempts were made. */
    attempts;
    constructor(code, message, next, extra = {}) {
        super((0,_report_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(message));
        this.name = 'ConnectionError';
        this.code = code;
        this.next = (0,_report_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(next);
        if (extra.sqlstate !== undefined)
            this.sqlstate = extra.sqlstate;
        if (extra.target !== undefined)
            this.target = (0,_report_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(extra.target);
        if (extra.attempts !== undefined)
            this.attempts = extra.attempts;
    }
}
const SCHEMES = new Set(['postgres', 'postgresql']);
// Query parameters pgshift acts on, or knowingly passes on.
const HANDLED = new Set([
    'sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'sslnegotiation', 'host', 'port', 'user', 'password',
    'dbname', 'application_name', 'connect_timeout', 'options', 'pgbouncer'
]);
// Accepted and kept in `options`, with no effect on the connection.
const KNOWN_INERT = new Set(['target_session_attrs', 'fallback_application_name', 'keepalives', 'keepalives_idle', 'client_encoding', 'gssencmode']);
const ENCODE_HINT = 'Special characters in the user name or password (@ : / ? # % & = + and spaces) must be URL-encoded, e.g. with encodeURIComponent.';
function fail(code, message, next) {
    throw new ConnectionError(code, message, next);
}
function decode(part, what) {
    try {
        return decodeURIComponent(part);
    }
    catch {
        return fail('malformed-url', `The database URL's ${what} is not valid percent-encoding.`, ENCODE_HINT);
    }
}
/** A safe-to-echo rendering of a short token (scheme, sslmode value), or a neutral description. */
function echo(value, allowed, fallback) {
    return allowed.test(value) ? `'${value}'` : fallback;
}
/**
 * The Supabase session pooler's URL for this target (password elided): user
 * postgres.<ref>, the pooler host of the project's region, port 5432. Placeholders
 * stand in for what the URL does not tell (the ref from a direct host or a pooler
 * user; the region only from a pooler host).
 */
function sessionPoolerUrl(t) {
    const ref = t.supabaseRef ?? '<ref>';
    const user = t.isSupabasePooler && /^[A-Za-z0-9_-]+\.[a-z0-9]+$/.test(t.user) ? t.user : `postgres.${ref}`;
    const host = t.isSupabasePooler ? t.host : 'aws-0-<region>.pooler.supabase.com';
    const database = t.isSupabasePooler || t.isSupabaseDirectHost ? t.database : 'postgres';
    return `postgres://${user}:***@${host}:5432/${/^[A-Za-z0-9_-]+$/.test(database) ? database : 'postgres'}`;
}
/**
 * The refusal of a transaction-mode pooler, with the session-pooler fix: from the
 * URL (port 6543, pgbouncer=true) or from what the connections showed at run time.
 */
function transactionPoolerError(t, why, pgbouncerParam = false) {
    const fixed = sessionPoolerUrl(t);
    return new ConnectionError('transaction-pooler', `The database URL points at a transaction-mode connection pooler (${why}). In transaction mode each statement may run on a different server session, so session advisory locks (which keep two runs apart) and prepared statements break.`, `Use the session pooler on port 5432, e.g. ${fixed}, or the direct host` +
        (t.isSupabasePooler ? ` (db.${t.supabaseRef ?? '<ref>'}.supabase.co:5432; IPv6 only)` : '') +
        '. Without Supabase: connect to Postgres directly, or through a PgBouncer pool with pool_mode = session' +
        (pgbouncerParam ? ', and drop pgbouncer=true from the URL' : '') +
        '.');
}
/**
 * Warnings from the URL alone, before connecting: a Supabase direct host
 * (db.<ref>.supabase.co) has only an IPv6 address unless the project bought the
 * IPv4 add-on, and GitHub-hosted runners have no IPv6 route (ENETUNREACH).
 */
function supabaseNetworkWarnings(t, env = process.env) {
    if (!t.isSupabaseDirectHost || env.GITHUB_ACTIONS !== 'true' || env.RUNNER_ENVIRONMENT === 'self-hosted')
        return [];
    return [
        `${t.host} is a Supabase direct host, which has only an IPv6 address (without the IPv4 add-on), and GitHub-hosted runners have no IPv6: if the connection fails with ENETUNREACH, use the session pooler instead, ${sessionPoolerUrl(t)} (Supabase dashboard > Connect > Session pooler).`
    ];
}
/** In Actions, the likely cause (a secret a fork PR does not get); for a local user, the flag and the variable. */
function emptyUrlError(env = process.env) {
    if (env.GITHUB_ACTIONS !== 'true') {
        return new ConnectionError('empty-url', 'The database URL is empty.', 'Pass it as --database-url postgres://USER:PASSWORD@HOST:PORT/DATABASE or set DATABASE_URL. pgshift never falls back to localhost or PG* variables.');
    }
    return new ConnectionError('empty-url', 'The database URL is empty. On pull requests from forks and on Dependabot pull requests GitHub does not give the workflow any secrets, so `${{ secrets.X }}` is empty there.', 'Check that the secret exists (repository or environment secrets), that its name is spelled the same in the workflow, and that it is passed as the `database-url` input (CLI: --database-url or DATABASE_URL). For fork and Dependabot PRs, skip this step or use an ephemeral database: pgshift never falls back to localhost or PG* variables.');
}
/** Parses a `postgres://` / `postgresql://` URL and checks it (pooler mode, sslmode, host). Registers its secrets for redaction. */
function parseDatabaseUrl(raw) {
    if (typeof raw !== 'string' || raw.trim() === '')
        throw emptyUrlError();
    (0,_report_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .registerDatabaseUrl */ .C5)(raw);
    const text = raw.trim();
    const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text);
    if (!schemeMatch) {
        if (/^\s*\w+\s*=/.test(text)) {
            fail('malformed-url', 'The database URL is a key=value connection string; pgshift needs a URL.', 'Write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=... ' + ENCODE_HINT);
        }
        fail('malformed-url', 'The database URL does not start with postgres:// or postgresql://.', 'Use the form postgres://USER:PASSWORD@HOST:PORT/DATABASE. ' + ENCODE_HINT);
    }
    const scheme = schemeMatch[1].toLowerCase();
    if (!SCHEMES.has(scheme)) {
        fail('malformed-url', `The database URL's scheme is ${echo(scheme, /^[a-z][a-z0-9+.-]{0,20}$/, 'not postgres')}; expected postgres:// or postgresql://.`, 'Use the form postgres://USER:PASSWORD@HOST:PORT/DATABASE.');
    }
    // RFC 3986: the authority ends at the first '/', '?' or '#'; the userinfo ends at its last '@'.
    const rest = text.slice(schemeMatch[0].length);
    const authEnd = rest.search(/[/?#]/);
    const authority = authEnd < 0 ? rest : rest.slice(0, authEnd);
    const tail = authEnd < 0 ? '' : rest.slice(authEnd);
    if (tail.includes('#')) {
        fail('malformed-url', "The database URL contains '#', which ends a URL: the rest would be dropped.", ENCODE_HINT);
    }
    if (/\s/.test(text)) {
        fail('malformed-url', 'The database URL contains a space or line break.', 'Remove the whitespace (a secret pasted with a trailing newline is fine; one inside is not). ' + ENCODE_HINT);
    }
    const at = authority.lastIndexOf('@');
    const userinfo = at >= 0 ? authority.slice(0, at) : '';
    const hostport = at >= 0 ? authority.slice(at + 1) : authority;
    const colon = userinfo.indexOf(':');
    let user = decode(colon >= 0 ? userinfo.slice(0, colon) : userinfo, 'user name');
    let password = colon >= 0 ? decode(userinfo.slice(colon + 1), 'password') : undefined;
    if (hostport.includes(',')) {
        fail('malformed-url', 'The database URL names several hosts; pgshift connects to one.', 'Keep only the primary host in the URL.');
    }
    let host = '';
    let portText = '';
    if (hostport.startsWith('[')) {
        const close = hostport.indexOf(']');
        if (close < 0)
            fail('malformed-url', "The database URL's IPv6 host has no closing ']'.", 'Write an IPv6 host as [::1]:5432.');
        host = hostport.slice(1, close);
        const after = hostport.slice(close + 1);
        if (after !== '' && !after.startsWith(':'))
            fail('malformed-url', "The database URL has text after the IPv6 host's ']'.", 'Write an IPv6 host as [::1]:5432.');
        portText = after.slice(1);
    }
    else {
        const c = hostport.lastIndexOf(':');
        host = c >= 0 ? hostport.slice(0, c) : hostport;
        portText = c >= 0 ? hostport.slice(c + 1) : '';
        if (host.includes(':')) {
            fail('malformed-url', "The database URL's host part has more than one ':'.", 'Write an IPv6 host in brackets, [::1]:5432. ' + ENCODE_HINT);
        }
        host = decode(host, 'host');
    }
    // Path: the database name.
    let pathPart = tail;
    let query = '';
    const q = tail.indexOf('?');
    if (q >= 0) {
        pathPart = tail.slice(0, q);
        query = tail.slice(q + 1);
    }
    let database = pathPart.startsWith('/') ? decode(pathPart.slice(1), 'database name') : '';
    // Query parameters.
    const params = new Map();
    if (query !== '') {
        for (const pair of query.split('&')) {
            if (pair === '')
                continue;
            const eq = pair.indexOf('=');
            const key = decode(eq >= 0 ? pair.slice(0, eq) : pair, 'query string');
            const value = decode(eq >= 0 ? pair.slice(eq + 1) : '', 'query string');
            if (key === 'password')
                (0,_report_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .registerSecret */ .cl)(value);
            params.set(key, value);
        }
    }
    if (params.has('host'))
        host = params.get('host') ?? '';
    if (params.has('port'))
        portText = params.get('port') ?? '';
    if (params.has('user'))
        user = params.get('user') ?? '';
    if (params.has('password'))
        password = params.get('password');
    if (params.has('dbname'))
        database = params.get('dbname') ?? '';
    if (host === '') {
        fail('malformed-url', 'The database URL has no host.', 'Use the form postgres://USER:PASSWORD@HOST:PORT/DATABASE. ' + ENCODE_HINT);
    }
    if (!host.startsWith('/') && !/^[A-Za-z0-9._-]+$/.test(host) && !/^[0-9A-Fa-f:.]+(%[A-Za-z0-9]+)?$/.test(host)) {
        fail('malformed-url', "The database URL's host is not a valid host name.", ENCODE_HINT);
    }
    let port = 5432;
    if (portText !== '') {
        if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
            fail('malformed-url', "The database URL's port is not a number from 1 to 65535.", 'Use the form postgres://USER:PASSWORD@HOST:5432/DATABASE. ' + ENCODE_HINT);
        }
        port = Number(portText);
    }
    if (user === '') {
        fail('malformed-url', 'The database URL has no user name.', 'Use the form postgres://USER:PASSWORD@HOST:PORT/DATABASE; pgshift does not take the user from PGUSER or the OS.');
    }
    if (database === '')
        database = user;
    if (password !== undefined)
        (0,_report_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .registerSecret */ .cl)(password);
    const lowerHost = host.toLowerCase();
    const display = `${host.includes(':') ? `[${host}]` : host}:${port}/${database}`;
    const isSupabaseDirectHost = /^db\.[a-z0-9]+\.supabase\.co$/.test(lowerHost);
    const isSupabasePooler = /\.pooler\.supabase\.com$/.test(lowerHost);
    let supabaseRef;
    if (isSupabaseDirectHost)
        supabaseRef = lowerHost.split('.')[1];
    else if (isSupabasePooler && /^postgres\.[a-z0-9]+$/i.test(user))
        supabaseRef = user.slice('postgres.'.length);
    // The transaction pooler (PgBouncer/Supavisor in transaction mode), when the URL says so.
    // Any other port is checked at run time (db/pooler.ts).
    const pgbouncer = params.get('pgbouncer');
    if (port === 6543 || (pgbouncer !== undefined && /^(true|1|yes|on)$/i.test(pgbouncer))) {
        const why = port === 6543 ? 'port 6543 is the transaction pooler' : 'pgbouncer=true marks a transaction-mode pooler';
        throw transactionPoolerError({ user, host, database, supabaseRef, isSupabasePooler, isSupabaseDirectHost }, why, pgbouncer !== undefined);
    }
    // TLS.
    const sslmodeRaw = params.get('sslmode');
    const sslrootcert = params.get('sslrootcert') || undefined;
    let sslmode;
    if (sslmodeRaw === undefined || sslmodeRaw === '') {
        sslmode = sslrootcert === 'system' ? 'verify-full' : 'prefer';
    }
    else if (SSL_MODES.includes(sslmodeRaw)) {
        sslmode = sslmodeRaw;
    }
    else {
        const extra = sslmodeRaw === 'no-verify' ? " ('no-verify' is a node-postgres extension; its libpq equivalent is 'require')" : '';
        fail('bad-sslmode', `The database URL's sslmode ${echo(sslmodeRaw, /^[A-Za-z0-9_-]{1,24}$/, 'value')} is not one of ${SSL_MODES.join(', ')}${extra}.`, 'Set sslmode to one of: disable, allow, prefer (the default), require, verify-ca, verify-full.');
    }
    if (sslrootcert === 'system' && sslmode !== 'verify-full') {
        fail('bad-sslmode', `sslrootcert=system needs sslmode=verify-full (it is ${sslmode}).`, 'Drop sslmode from the URL or set sslmode=verify-full, as libpq requires.');
    }
    // libpq: require with a root certificate behaves as verify-ca.
    if (sslmode === 'require' && sslrootcert !== undefined)
        sslmode = 'verify-ca';
    const negotiation = params.get('sslnegotiation') ?? 'postgres';
    if (negotiation !== 'postgres' && negotiation !== 'direct') {
        fail('bad-param', `The database URL's sslnegotiation ${echo(negotiation, /^[A-Za-z0-9_-]{1,24}$/, 'value')} is not postgres or direct.`, 'Set sslnegotiation=postgres (the default) or sslnegotiation=direct (PostgreSQL 17 and later).');
    }
    if (negotiation === 'direct' && ['disable', 'allow', 'prefer'].includes(sslmode)) {
        fail('bad-param', `sslnegotiation=direct needs sslmode=require or stronger (it is ${sslmode}).`, 'Set sslmode=require, verify-ca or verify-full, or drop sslnegotiation.');
    }
    let ssl;
    switch (sslmode) {
        case 'disable':
            ssl = false;
            break;
        case 'allow':
        case 'prefer':
        case 'require':
            ssl = { rejectUnauthorized: false };
            break;
        case 'verify-ca':
            // Check the chain, not the name.
            ssl = { rejectUnauthorized: true, checkServerIdentity: () => undefined };
            break;
        case 'verify-full':
            ssl = { rejectUnauthorized: true };
            break;
    }
    let attemptTimeoutMs;
    const ct = params.get('connect_timeout');
    if (ct !== undefined && ct !== '') {
        if (!/^\d+$/.test(ct))
            fail('bad-param', "The database URL's connect_timeout is not a whole number of seconds.", 'Set connect_timeout to seconds, e.g. connect_timeout=10, or drop it.');
        const n = Number(ct);
        // libpq: 0 means no limit; values under 2 s count as 2 s.
        if (n > 0)
            attemptTimeoutMs = Math.max(2, n) * 1000;
    }
    const options = {};
    const ignoredParams = [];
    for (const [k, v] of params) {
        if (k === 'password')
            continue;
        if (!HANDLED.has(k) || k === 'options')
            options[k] = v;
        if (!HANDLED.has(k) && !KNOWN_INERT.has(k))
            ignoredParams.push(k);
    }
    const target = {
        host,
        port,
        database,
        user,
        sslmode,
        ssl,
        sslFallback: sslmode === 'allow' || sslmode === 'prefer',
        sslnegotiation: negotiation,
        display,
        isSupabaseDirectHost,
        isSupabasePooler,
        options,
        ignoredParams
    };
    if (sslrootcert !== undefined)
        target.sslrootcert = sslrootcert;
    const sslcert = params.get('sslcert');
    const sslkey = params.get('sslkey');
    if (sslcert)
        target.sslcert = sslcert;
    if (sslkey)
        target.sslkey = sslkey;
    if (supabaseRef !== undefined)
        target.supabaseRef = supabaseRef;
    if (attemptTimeoutMs !== undefined)
        target.attemptTimeoutMs = attemptTimeoutMs;
    const appName = params.get('application_name');
    if (appName)
        target.applicationName = appName;
    Object.defineProperty(target, 'password', { value: password, enumerable: false, writable: false, configurable: false });
    return target;
}


/***/ }),

/***/ 7075:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   n: () => (/* binding */ execContext)
/* harmony export */ });
/* harmony import */ var _db_connect_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8008);
// The executor's view of a mode's session: connection, timeouts, history schema,
// the Supabase CLI's history and the retry log line. Every step that runs a
// script (apply, down, hook) builds it from the ModeContext here.

function execContext(ctx) {
    const { settings, log } = ctx;
    return {
        client: ctx.client,
        historySchema: settings.historySchema,
        lockTimeoutMs: settings.lockTimeoutMs,
        lockRetries: settings.lockRetries,
        statementTimeoutMs: settings.statementTimeoutMs,
        sessionSql: [(0,_db_connect_js__WEBPACK_IMPORTED_MODULE_0__/* .sessionSettingsSql */ .Cb)(ctx.client), ctx.sessionSql].filter(Boolean).join(';'),
        meta: ctx.run.meta ?? {},
        supabase: ctx.supabase
            ? { entries: ctx.supabase.entries, columns: ctx.supabase.columns, tableExists: ctx.supabase.tableExists, adopted: new Set(ctx.supabase.adopted.map((m) => m.identity)) }
            : undefined,
        isCancelled: ctx.isCancelled,
        runLock: ctx.runLock,
        onRetry: (attempt, delay, reason) => log.warn(`lock timeout (${reason}); retry ${attempt} of ${settings.lockRetries} in ${(delay / 1000).toFixed(1)}s`)
    };
}


/***/ }),

/***/ 8493:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Bc: () => (/* binding */ BACKEND_MOVED_SQLSTATE),
/* harmony export */   Jd: () => (/* binding */ LOCK_LOST_SQLSTATE),
/* harmony export */   Jl: () => (/* binding */ AS_LOGIN_USER),
/* harmony export */   LJ: () => (/* binding */ runGuardSql),
/* harmony export */   MM: () => (/* binding */ makeDurable),
/* harmony export */   Qu: () => (/* binding */ deleteHistorySql),
/* harmony export */   RN: () => (/* binding */ executeHook),
/* harmony export */   WM: () => (/* binding */ executeMigration),
/* harmony export */   ch: () => (/* binding */ executeDown),
/* harmony export */   kY: () => (/* binding */ historyWrite),
/* harmony export */   vA: () => (/* binding */ recordAppliedSql)
/* harmony export */ });
/* unused harmony exports retryDelayMs, RESET_SESSION, insertAppliedSql, setSendChunkChars, sendParts */
/* harmony import */ var pg__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3849);
/* harmony import */ var _db_history_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3966);
/* harmony import */ var _db_connect_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8008);
/* harmony import */ var _db_counting_query_js__WEBPACK_IMPORTED_MODULE_10__ = __webpack_require__(6136);
/* harmony import */ var _db_locks_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(5218);
/* harmony import */ var _db_errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(2551);
/* harmony import */ var _source_script_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(7926);
/* harmony import */ var _db_rollback_log_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(6819);
/* harmony import */ var _source_checksum_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(1882);
/* harmony import */ var _db_supabase_history_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(3895);
/* harmony import */ var _plan_js__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(955);











const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Moves the heartbeat's cursor (when there is one) to statement `s` of `script`. */
function point(ctx, script, s, transaction = false) {
    if (!ctx.cursor || !s)
        return;
    ctx.cursor.file = script.source.file;
    ctx.cursor.line = s.position.line;
    ctx.cursor.statement = transaction ? undefined : s.index + 1;
    ctx.cursor.total = script.statements.length;
    ctx.cursor.transaction = transaction;
}
/** Exponential backoff with jitter for lock-timeout retries: 1 s, 2 s, 4 s ... capped at 30 s. */
function retryDelayMs(attempt) {
    const base = Math.min(1000 * 2 ** (attempt - 1), 30_000);
    return base + Math.floor(Math.random() * base * 0.25);
}
/** The history row of an applied migration; `extra` overrides (progress rows, measured durations). */
function historyWrite(m, ctx, extra) {
    return {
        identity: m.identity,
        version: m.version,
        name: m.name,
        kind: m.kind,
        script: m.up.source.file,
        checksum: m.checksum,
        durationMs: null,
        statements: m.up.statements.filter((s) => !s.strippedWrapper).length,
        status: 'applied',
        ...ctx.meta,
        ...extra
    };
}
/**
 * Every migration starts from a clean session. SET SESSION AUTHORIZATION DEFAULT
 * first: RESET ALL leaves the session user alone (session_authorization and role
 * are GUC_NO_RESET_ALL), so a file's SET SESSION AUTHORIZATION would otherwise own
 * the next file's objects. Any user may go back to the one it logged in as.
 */
const RESET_SESSION = 'SET SESSION AUTHORIZATION DEFAULT;RESET ROLE;RESET ALL';
const resetSql = (ctx) => (ctx.sessionSql ? `${RESET_SESSION};${ctx.sessionSql}` : RESET_SESSION);
/** The run guard's errors (custom SQLSTATEs, raised by runGuardSql). */
const LOCK_LOST_SQLSTATE = 'PGSLK';
const BACKEND_MOVED_SQLSTATE = 'PGSPL';
/**
 * The check that precedes every commit, as one statement run on the migration
 * connection inside the transaction it guards: the run lock is still held by the
 * lock connection's transaction, and this connection is still on the backend it
 * had at connect (a transaction pooler moves it). Either failing raises, so the
 * transaction rolls back before COMMIT: a lost lock (a kill, an idle cut, a NAT)
 * stops the run before another runner's copy could commit alongside ours.
 *
 * The lock is proved by its witness (db/lock.ts): a random key that the lock's
 * transaction took with the run lock and that ends with it. The migration
 * connection tries it; a try that succeeds means that transaction is over (the
 * witness is then held by this transaction, which the exception rolls back). One
 * lock-table probe instead of reading pg_locks, which copies the whole lock table
 * (about 0.6 ms a call against 0.08 ms, measured in a loop of 3,000).
 */
function runGuardSql(ctx) {
    const checks = [];
    const pid = (0,_db_connect_js__WEBPACK_IMPORTED_MODULE_2__/* .backendPid */ .Qf)(ctx.client);
    if (pid !== undefined) {
        checks.push(`IF pg_catalog.pg_backend_pid() <> ${pid} THEN RAISE EXCEPTION USING ERRCODE = '${BACKEND_MOVED_SQLSTATE}', MESSAGE = 'the migration connection is no longer on server backend ${pid}, which only a transaction-mode pooler does'; END IF;`);
    }
    if (ctx.runLock) {
        const { a, b } = ctx.runLock.witness;
        checks.push(`IF pg_catalog.pg_try_advisory_xact_lock(${a}, ${b}) THEN RAISE EXCEPTION USING ERRCODE = '${LOCK_LOST_SQLSTATE}', MESSAGE = 'pgshift no longer holds its run lock (the lock connection, backend ${ctx.runLock.holderPid}, was closed or terminated)'; END IF;`);
    }
    return checks.length ? `DO $pgshift$BEGIN ${checks.join(' ')} END$pgshift$` : 'SELECT 1';
}
function isConnectionError(err) {
    // 08P01 'database removed' is how PgBouncer drops a client whose database left its config.
    if ((0,_db_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .isPgError */ .QO)(err))
        return ['57P01', '57P02', '57P03', '08006', '08003', '08000', '08P01'].includes(err.code);
    return true; // not a server error at all: the socket broke
}
/** The next step when the run guard stopped a migration before its COMMIT. */
function guardNext(code, file) {
    if (code === LOCK_LOST_SQLSTATE) {
        return `The run lock was lost while ${file} ran (its connection was closed or terminated: a kill, an idle-session cut, a NAT or proxy timeout), so ${file} was rolled back before its COMMIT and nothing more ran: another runner may hold the lock now. Migrations listed as applied committed before the lock was lost. Rerun pgshift: it reads history and starts at the first unapplied migration.`;
    }
    if (code === BACKEND_MOVED_SQLSTATE) {
        return `${file} was rolled back before its COMMIT: the connection goes through a transaction-mode pooler, where the run lock and session settings do not hold. Use the session pooler (Supabase: port 5432), connect to Postgres directly, or go through a PgBouncer pool with pool_mode = session, then rerun.`;
    }
    return undefined;
}
/** What the run does when history already holds the row it inserts: another runner committed this migration. */
function duplicateNext(identity, file) {
    return `History already records ${identity}: another runner committed it while this run was running it, so this run's copy of ${file} was rolled back (the history table's primary key guards the commit) and it ran once. Check why two runs ran at once (a lost lock, or a runner without one), then rerun: it applies nothing twice.`;
}
async function tryQuery(client, sql) {
    try {
        await client.query(sql);
    }
    catch {
        // best effort: the caller reports the original error
    }
}
async function executeMigration(ctx, run) {
    const m = run.migration;
    if (m.up.runMode !== 'transaction')
        return runStatements(ctx, run);
    const prior = priorRow(run);
    const record = [...(prior ? [(0,_db_history_js__WEBPACK_IMPORTED_MODULE_1__/* .deletePriorRowSql */ .yB)(ctx.historySchema, m.identity, prior)] : []), insertAppliedSql(ctx, m, {})];
    return runInTransaction(ctx, m.up, record, run.resumeFrom, m.identity);
}
/**
 * The history row a run replaces rather than inserts, handled explicitly: a
 * resumed statement-by-statement file (its 'partial' row) and a changed
 * repeatable (its row with the old checksum). Every other migration inserts.
 */
function priorRow(run) {
    if (run.resumed)
        return { partialDone: run.resumeFrom };
    if (run.migration.kind === 'repeatable')
        return { otherChecksum: run.migration.checksum };
    return undefined;
}
/** The committing history write: a plain INSERT of pgshift's row (and the Supabase CLI's, when kept). */
function insertAppliedSql(ctx, m, extra) {
    const ours = (0,_db_history_js__WEBPACK_IMPORTED_MODULE_1__/* .insertHistorySql */ .AV)(ctx.historySchema, historyWrite(m, ctx, extra));
    const entry = ctx.supabase?.entries.get(m.identity);
    return entry && ctx.supabase ? `WITH supabase_row AS (${(0,_db_supabase_history_js__WEBPACK_IMPORTED_MODULE_8__/* .insertSupabaseRowSql */ ._N)(entry, ctx.supabase.columns)})\n${ours}` : ours;
}
/**
 * The history write of a migration's preview (rolled back, so an upsert; a real
 * run uses insertAppliedSql): pgshift's row and, when the Supabase CLI's history
 * is kept, the CLI's row. One statement (a data-modifying CTE).
 */
function recordAppliedSql(ctx, m, extra) {
    const ours = (0,_db_history_js__WEBPACK_IMPORTED_MODULE_1__/* .upsertHistorySql */ .mL)(ctx.historySchema, historyWrite(m, ctx, extra));
    const entry = ctx.supabase?.entries.get(m.identity);
    return entry && ctx.supabase ? `WITH supabase_row AS (${(0,_db_supabase_history_js__WEBPACK_IMPORTED_MODULE_8__/* .insertSupabaseRowSql */ ._N)(entry, ctx.supabase.columns)})\n${ours}` : ours;
}
/** The history change that commits with a down script: the migration's row goes (and the Supabase CLI's). */
function deleteHistorySql(ctx, identity) {
    const ours = `DELETE FROM ${(0,_db_history_js__WEBPACK_IMPORTED_MODULE_1__/* .historyTableName */ .k2)(ctx.historySchema)} WHERE identity = ${(0,pg__WEBPACK_IMPORTED_MODULE_0__/* .escapeLiteral */ .NO)(identity)}`;
    const entry = ctx.supabase?.entries.get(identity);
    if (entry && ctx.supabase?.adopted.has(identity))
        return (0,_db_supabase_history_js__WEBPACK_IMPORTED_MODULE_8__/* .deleteSupabaseRowSql */ .uc)(entry.version);
    // No table (pgshift applied without it): no CLI row to delete.
    return entry && ctx.supabase?.tableExists ? `WITH supabase_row AS (${(0,_db_supabase_history_js__WEBPACK_IMPORTED_MODULE_8__/* .deleteSupabaseRowSql */ .uc)(entry.version)})\n${ours}` : ours;
}
/** History's record of this rollback (db/rollback-log.ts): which down ran, when, in which run. */
function rollbackRecordSql(ctx, m, down) {
    return (0,_db_rollback_log_js__WEBPACK_IMPORTED_MODULE_6__/* .insertRollbackSql */ .sP)(ctx.historySchema, {
        identity: m.identity,
        version: m.version,
        script: m.file,
        checksum: m.checksum,
        downScript: down.source.file,
        downChecksum: (0,_source_checksum_js__WEBPACK_IMPORTED_MODULE_7__/* .checksum */ .c)(down.source.text),
        ...ctx.meta
    });
}
/**
 * History is written as the user pgshift logged in as, whatever SET ROLE or SET
 * SESSION AUTHORIZATION the file ran: LOCAL, so the file's own setting is back
 * after COMMIT (and RESET then clears it).
 */
const AS_LOGIN_USER = 'SET LOCAL SESSION AUTHORIZATION DEFAULT;SET LOCAL ROLE NONE';
const AS_LOGIN_USER_STATEMENTS = 2;
/** A history write in its own transaction, for statement-by-statement files (outside the file's BEGIN blocks), behind the run guard. */
// READ WRITE: a file that ran SET default_transaction_read_only = on still gets its progress recorded.
const ownTransaction = (ctx, sql) => `BEGIN READ WRITE;${AS_LOGIN_USER};${runGuardSql(ctx)};${sql};COMMIT`;
/**
 * Runs a down script. A transactional down commits with the history delete; a
 * statement-by-statement one (DROP INDEX CONCURRENTLY) deletes the row after its
 * last statement, so a failure midway leaves the migration recorded as applied.
 */
async function executeDown(ctx, m) {
    const down = m.down;
    if (!down)
        throw new Error(`${m.identity} has no down script`);
    const records = [deleteHistorySql(ctx, m.identity), ...(ctx.rollbackLog ? [rollbackRecordSql(ctx, m, down)] : [])];
    const record = records.join(';');
    if (down.runMode === 'transaction')
        return runInTransaction(ctx, down, records, 0, m.identity);
    const started = performance.now();
    let done = 0;
    try {
        for (const s of down.statements) {
            if (ctx.isCancelled())
                throw Object.assign(new Error('cancelled before the next statement'), { code: '57014' });
            point(ctx, down, s);
            await ctx.client.query(`${timeoutsFor(ctx, s)};${runGuardSql(ctx)}`);
            try {
                await ctx.client.query(s.sql);
            }
            catch (error) {
                throw Object.assign(error, { statementIndex: done });
            }
            done++;
        }
        await ctx.client.query(`${ownTransaction(ctx, record)};${resetSql(ctx)}`);
        return { ok: true, durationMs: performance.now() - started, retries: 0 };
    }
    catch (error) {
        const statement = down.statements[error.statementIndex ?? -1];
        const mapped = (0,_db_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .mapRunError */ .w7)(error, { script: down, text: statement?.sql ?? '', fileOffset: statement?.offset ?? down.source.offset, prefixCodePoints: 0 }, statement);
        mapped.next = `This down script runs statement by statement. Statements 1-${done} of ${down.statements.length} ran; the migration is still recorded as applied. Fix the down script (make it idempotent, e.g. IF EXISTS) and rerun the rollback.`;
        await tryQuery(ctx.client, resetSql(ctx));
        return { ok: false, durationMs: performance.now() - started, retries: 0, error: mapped, statementsDone: done };
    }
}
/**
 * Runs a callback file (beforeMigrate.sql ...): like a migration, with the same
 * timeouts and error mapping, but no history row. A file that cannot run in a
 * transaction (VACUUM ANALYZE) runs statement by statement.
 */
async function executeHook(ctx, script) {
    if (script.runMode === 'transaction')
        return runInTransaction(ctx, script, [], 0);
    const started = performance.now();
    let done = 0;
    try {
        for (const s of script.statements) {
            if (s.strippedWrapper)
                continue;
            if (ctx.isCancelled())
                throw Object.assign(new Error('cancelled before the next statement'), { code: '57014', statementIndex: s.index });
            point(ctx, script, s);
            await ctx.client.query(`${timeoutsFor(ctx, s)};${runGuardSql(ctx)}`);
            try {
                await ctx.client.query(s.sql);
            }
            catch (error) {
                throw Object.assign(error, { statementIndex: s.index });
            }
            done++;
        }
        await ctx.client.query(resetSql(ctx));
        return { ok: true, durationMs: performance.now() - started, retries: 0 };
    }
    catch (error) {
        const statement = script.statements[error.statementIndex ?? -1];
        const mapped = (0,_db_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .mapRunError */ .w7)(error, { script, text: statement?.sql ?? '', fileOffset: statement?.offset ?? script.source.offset, prefixCodePoints: 0 }, statement);
        await tryQuery(ctx.client, 'ROLLBACK');
        await tryQuery(ctx.client, resetSql(ctx));
        return { ok: false, durationMs: performance.now() - started, retries: 0, error: mapped, statementsDone: done };
    }
}
/**
 * Session timeouts for one statement of a statement-by-statement file. A
 * CONCURRENTLY statement waits for older transactions, not for a lock that blocks
 * traffic (its SHARE UPDATE EXCLUSIVE lets reads and writes through), so
 * lock_timeout would only make it fail and leave an INVALID index; statement-timeout
 * still bounds it.
 */
function timeoutsFor(ctx, s) {
    const concurrently = s.nonTransactional?.includes('CONCURRENTLY');
    return `SET lock_timeout = ${concurrently ? 0 : ctx.lockTimeoutMs};SET statement_timeout = ${ctx.statementTimeoutMs}`;
}
/**
 * A script's text up to this size (UTF-16 units) goes in one message with its BEGIN,
 * history row and COMMIT. A bigger one is sent in messages of about this size, cut
 * between statements, inside the one transaction: the client never builds one
 * message (a flat copy of the file plus its UTF-8 buffer) the size of the file
 * (issue 17: a 50 MB seed file). Tests lower it (setSendChunkChars).
 */
const DEFAULT_SEND_CHUNK_CHARS = 4 * 1024 * 1024;
let sendChunkChars = DEFAULT_SEND_CHUNK_CHARS;
/** For tests: the message size of the multi-message path (undefined: the default). */
function setSendChunkChars(chars) {
    sendChunkChars = chars ?? DEFAULT_SEND_CHUNK_CHARS;
}
/**
 * Cuts `sendText` into parts of about `chunk` characters, each cut at the first token
 * of a sent statement (what lies between two statements, `;`, blanks and comments,
 * stays with the one before), so every part holds whole statements and positions in a
 * part map back to the file by its start. One part when the text fits.
 */
function sendParts(script, sendText, sent, chunk = sendChunkChars) {
    if (sendText.length <= chunk || sent.length < 2)
        return [{ start: 0, text: sendText, first: 0, count: sent.length }];
    const base = script.source.offset;
    const parts = [];
    let start = 0;
    let first = 0;
    for (let i = 1; i < sent.length; i++) {
        const at = sent[i].offset - base;
        if (at - start < chunk)
            continue;
        parts.push({ start, text: sendText.slice(start, at), first, count: i - first });
        start = at;
        first = i;
    }
    parts.push({ start, text: sendText.slice(start), first, count: sent.length - first });
    return parts;
}
/**
 * One transaction, one round trip: BEGIN, the file, the guard, the history row and
 * COMMIT in one message. A big file goes in several messages (sendParts) inside the
 * same transaction; only the last carries the guard, the history row and COMMIT, so
 * the row still commits with the file or not at all, and an error in any message
 * rolls the whole transaction back. `resumeFrom` > 0 (a file that ran partly
 * statement by statement, now transactional): the statements that already committed
 * are blanked out, keeping every position in the file.
 */
async function runInTransaction(ctx, script, record, resumeFrom, identity) {
    const skipped = script.statements.filter((s) => s.index < resumeFrom && !s.strippedWrapper && !s.stubbed);
    const sendText = skipped.length ? (0,_source_script_js__WEBPACK_IMPORTED_MODULE_5__/* .blankStatements */ .fw)(script, skipped) : script.sendText;
    const sent = script.statements.filter((s) => !s.strippedWrapper && !s.stubbed && s.index >= resumeFrom);
    // synchronous_commit off: no WAL flush per migration; makeDurable() flushes once at the end of the run.
    const prefix = `BEGIN;SET LOCAL lock_timeout = ${ctx.lockTimeoutMs};SET LOCAL statement_timeout = ${ctx.statementTimeoutMs};SET LOCAL synchronous_commit = off;\n`;
    const prefixStatements = 4;
    const lockQuery = ctx.collectLocks ? `${_db_locks_js__WEBPACK_IMPORTED_MODULE_3__/* .HELD_LOCKS_SQL */ .US};` : '';
    // The newline ends a trailing `--` comment; the semicolon ends a last statement written without one.
    // The guard and the history write run as the login user, after the file.
    const suffix = `\n;${lockQuery}${AS_LOGIN_USER};${runGuardSql(ctx)};${record.map((r) => `${r};`).join('')}COMMIT;${resetSql(ctx)}`;
    const guardIndex = sent.length + (lockQuery ? 1 : 0) + AS_LOGIN_USER_STATEMENTS;
    const commitIndex = guardIndex + 1 + record.length;
    const parts = sendParts(script, sendText, sent);
    const last = parts.length - 1;
    /** Part `j` as sent: the first carries our prefix, the last our suffix. */
    const message = (j) => (j === 0 ? prefix : '') + parts[j].text + (j === last ? suffix : '');
    const started = performance.now();
    let retries = 0;
    for (;;) {
        let error;
        let completed = 0;
        let results = [];
        let j = 0;
        for (; j <= last; j++) {
            // The server reports statements as they complete only at the end of a message, so the
            // heartbeat names the message's first statement and says it is one transaction.
            point(ctx, script, sent[parts[j].first] ?? sent[0], true);
            ({ error, completed, results } = await (0,_db_counting_query_js__WEBPACK_IMPORTED_MODULE_10__/* .queryCountingStatements */ .s)(ctx.client, message(j), ctx.whileWaiting));
            if (error)
                break;
        }
        const part = parts[Math.min(j, last)];
        if (!error) {
            const rows = ctx.collectLocks ? (results[(last === 0 ? prefixStatements : 0) + part.count]?.rows ?? []) : [];
            const locks = ctx.collectLocks ? (0,_db_locks_js__WEBPACK_IMPORTED_MODULE_3__/* .locksOn */ .Ot)(ctx.collectLocks, rows) : undefined;
            return { ok: true, durationMs: performance.now() - started, retries, locks };
        }
        // The failing statement's index among `sent` (past them: our suffix).
        const idx = part.first + completed - (j === 0 ? prefixStatements : 0);
        // Past COMMIT: the migration and its history row are committed; only our session reset failed.
        if (idx > commitIndex)
            return { ok: true, durationMs: performance.now() - started, retries };
        const lost = isConnectionError(error);
        if (!lost)
            await tryQuery(ctx.client, 'ROLLBACK');
        const statement = idx >= 0 && idx < sent.length ? sent[idx] : undefined;
        const canRetry = (0,_db_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .isPgError */ .QO)(error) && error.code === '55P03' && retries < ctx.lockRetries && !ctx.isCancelled();
        if (canRetry) {
            retries++;
            const delay = retryDelayMs(retries);
            ctx.onRetry?.(retries, delay, `${error.message} at ${script.source.file}${statement ? `:${statement.position.line}` : ''}`);
            await sleep(delay);
            continue;
        }
        // Postgres counts positions in the message it received: the part's text, after our prefix in the first.
        const origin = { script, text: part.text, fileOffset: script.source.offset + part.start, prefixCodePoints: j === 0 ? prefix.length : 0 };
        // Positions past the file belong to our suffix: they say nothing about the file.
        const mapped = (0,_db_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .mapRunError */ .w7)(idx >= sent.length && (0,_db_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .isPgError */ .QO)(error) ? Object.assign(error, { position: undefined }) : error, origin, statement);
        const guarded = (0,_db_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .isPgError */ .QO)(error) ? guardNext(error.code, script.source.file) : undefined;
        if (guarded) {
            mapped.next = guarded;
        }
        else if (identity && idx > guardIndex && idx < commitIndex && (0,_db_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .isPgError */ .QO)(error) && error.code === '23505') {
            mapped.next = duplicateNext(identity, script.source.file);
        }
        else if (idx >= sent.length && idx < commitIndex) {
            mapped.next = `Every statement of the file ran, but recording it in ${(0,_db_history_js__WEBPACK_IMPORTED_MODULE_1__/* .historyTableName */ .k2)(ctx.historySchema)} failed, so the whole migration was rolled back. Check that the login user can write to the history schema (history-schema input). ${(0,_db_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .nextStepFor */ .Lz)(undefined, script.source.file)}`;
        }
        else if (idx === commitIndex) {
            mapped.next = `The migration failed at COMMIT (a deferred constraint or trigger, or a serialization failure), so all of it was rolled back. ${mapped.next}`;
        }
        if (lost) {
            mapped.next =
                j < last
                    ? `The connection was lost while the migration ran, before its COMMIT was sent: it was not applied. Rerun pgshift: it reads history first and never runs a recorded migration twice.`
                    : `The connection was lost while the migration ran. If it broke during COMMIT, the outcome is unknown until the next run reads history: rerun pgshift, which reads history first and never runs a recorded migration twice.`;
        }
        return { ok: false, durationMs: performance.now() - started, retries, error: mapped, connectionLost: lost };
    }
}
/**
 * Transactional migrations commit with synchronous_commit off, each with its history
 * row, so a crash can only lose whole migrations together with their rows. This one
 * synchronous commit flushes the WAL up to itself, and with it every earlier commit:
 * once it returns, all of them are durable. Postgres flushes at commit only for a
 * transaction that wrote WAL (an xid alone is not enough), so it writes and deletes a
 * row of the history table (or, when that table does not exist, creates a temporary
 * table: catalog rows are WAL-logged). It runs with the session's own
 * synchronous_commit (the server's or role's setting), as the login user, whatever
 * identity the last migration took.
 */
async function makeDurable(client, historySchema) {
    const table = (0,_db_history_js__WEBPACK_IMPORTED_MODULE_1__/* .historyTableName */ .k2)(historySchema);
    const sentinel = "'.pgshift-durable'";
    const exists = await client.query('SELECT to_regclass($1)::text AS t', [table]);
    await client.query(exists.rows[0]?.t
        ? `BEGIN READ WRITE;${AS_LOGIN_USER};INSERT INTO ${table} (identity, version, name, kind, script, checksum, duration_ms, statements) VALUES (${sentinel}, '', '', 'versioned', '', '', 0, 0);DELETE FROM ${table} WHERE identity = ${sentinel};COMMIT`
        : `BEGIN READ WRITE;${AS_LOGIN_USER};CREATE TEMPORARY TABLE pgshift_durable () ON COMMIT DROP;COMMIT`);
}
async function runStatements(ctx, run) {
    const m = run.migration;
    const script = m.up;
    const statements = script.statements;
    const started = performance.now();
    let retries = 0;
    let committed = run.resumeFrom;
    let inBlock = false;
    let bookkeeping = false;
    // Each write replaces exactly the row the previous one left (or, the first time, the
    // row the plan saw), so a second runner on the same file fails on the primary key.
    let prior = priorRow(run);
    const replacing = (sql) => (prior ? `${(0,_db_history_js__WEBPACK_IMPORTED_MODULE_1__/* .deletePriorRowSql */ .yB)(ctx.historySchema, m.identity, prior)};${sql}` : sql);
    const progress = async (n) => {
        bookkeeping = true;
        const row = (0,_db_history_js__WEBPACK_IMPORTED_MODULE_1__/* .insertHistorySql */ .AV)(ctx.historySchema, historyWrite(m, ctx, { status: 'partial', statementsDone: n, doneHash: (0,_plan_js__WEBPACK_IMPORTED_MODULE_9__/* .doneHash */ .$d)(m, n), durationMs: Math.round(performance.now() - started) }));
        await ctx.client.query(ownTransaction(ctx, replacing(row)));
        prior = { partialDone: n };
        bookkeeping = false;
    };
    try {
        // A 'partial' row before the first statement: if the runner dies, the next run knows this file started.
        await progress(committed);
        for (let i = run.resumeFrom; i < statements.length; i++) {
            const s = statements[i];
            if (ctx.isCancelled())
                throw Object.assign(new Error('cancelled before the next statement'), { code: '57014' });
            point(ctx, script, s);
            // The run guard before every statement: each one outside a BEGIN block commits on its own.
            await ctx.client.query(inBlock ? runGuardSql(ctx) : `${timeoutsFor(ctx, s)};${runGuardSql(ctx)}`);
            for (;;) {
                try {
                    // A stubbed CREATE EXTENSION (supabase-shim-extensions: stub) is satisfied by the shim, not sent.
                    if (!s.stubbed)
                        await ctx.client.query(s.sql);
                    break;
                }
                catch (error) {
                    const canRetry = !inBlock && (0,_db_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .isPgError */ .QO)(error) && error.code === '55P03' && retries < ctx.lockRetries && !ctx.isCancelled();
                    if (!canRetry)
                        throw Object.assign(error, { statementIndex: i });
                    retries++;
                    const delay = retryDelayMs(retries);
                    ctx.onRetry?.(retries, delay, `${error.message} at ${script.source.file}:${s.position.line}`);
                    await sleep(delay);
                }
            }
            // CREATE INDEX CONCURRENTLY IF NOT EXISTS succeeds over an INVALID leftover: never record that as done.
            const invalid = await invalidIndexes(ctx.client, s);
            if (invalid.length) {
                throw Object.assign(new Error(`the statement left an INVALID index: ${invalid.join(', ')}`), { statementIndex: i, leftovers: invalid });
            }
            if (s.transactionControl === 'begin')
                inBlock = true;
            else if (s.transactionControl === 'commit')
                inBlock = false;
            if (!inBlock) {
                committed = i + 1;
                await progress(committed);
            }
        }
        bookkeeping = true;
        await ctx.client.query(`${ownTransaction(ctx, replacing(insertAppliedSql(ctx, m, { durationMs: Math.round(performance.now() - started) })))};${resetSql(ctx)}`);
        return { ok: true, durationMs: performance.now() - started, retries };
    }
    catch (error) {
        const lost = isConnectionError(error) && !(error instanceof Error && error.code === '57014') && !error.leftovers;
        const index = error.statementIndex;
        const statement = index !== undefined ? statements[index] : undefined;
        const origin = { script, text: statement?.sql ?? '', fileOffset: statement?.offset ?? script.source.offset, prefixCodePoints: 0 };
        const mapped = (0,_db_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .mapRunError */ .w7)(error, origin, statement);
        let leftovers = error.leftovers;
        if (!lost) {
            // A failed history write leaves its own transaction aborted, like a failed BEGIN block of the file.
            if (inBlock || bookkeeping)
                await tryQuery(ctx.client, 'ROLLBACK');
            await tryQuery(ctx.client, resetSql(ctx));
            leftovers ??= await invalidIndexes(ctx.client, statement);
        }
        const total = statements.length;
        const guarded = (0,_db_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .isPgError */ .QO)(error) ? guardNext(error.code, script.source.file) : undefined;
        if (guarded) {
            mapped.next = `${guarded} Statements 1-${committed} of ${statements.length} committed and are recorded in history as partial.`;
        }
        else if (bookkeeping && (0,_db_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .isPgError */ .QO)(error) && error.code === '23505') {
            mapped.next = `${duplicateNext(m.identity, script.source.file)} Statements 1-${committed} of ${statements.length} committed in this run.`;
        }
        else if (bookkeeping) {
            mapped.next = `Writing progress to ${(0,_db_history_js__WEBPACK_IMPORTED_MODULE_1__/* .historyTableName */ .k2)(ctx.historySchema)} failed; statements 1-${committed} of ${total} committed. Check that the login user can write to the history schema (history-schema input), then rerun: pgshift resumes after the last recorded statement.`;
        }
        else {
            mapped.next =
                committed > 0
                    ? `This file runs statement by statement (outside a transaction). Statements 1-${committed} of ${total} committed and are recorded in history as partial; statement ${committed + 1} failed. Fix it and rerun: pgshift resumes at statement ${committed + 1}.`
                    : `This file runs statement by statement (outside a transaction). No statement of it committed. Fix it and rerun: pgshift starts the file again.`;
            if (run.resumeFrom === index && run.resumed && (0,_db_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .isPgError */ .QO)(error) && ['42P07', '42710'].includes(error.code)) {
                mapped.next = `This statement probably completed in the earlier run just before that run was killed (it was not yet recorded). Check the object; if it is complete and valid, drop and recreate it, or finish the file by hand and delete its row from ${(0,_db_history_js__WEBPACK_IMPORTED_MODULE_1__/* .historyTableName */ .k2)(ctx.historySchema)}. ${mapped.next}`;
            }
        }
        if (leftovers?.length)
            mapped.next += ` Drop the INVALID index first: ${leftovers.map((n) => `DROP INDEX CONCURRENTLY ${n};`).join(' ')}`;
        if (committed === 0 && !lost && !run.resumed)
            await tryQuery(ctx.client, ownTransaction(ctx, `DELETE FROM ${(0,_db_history_js__WEBPACK_IMPORTED_MODULE_1__/* .historyTableName */ .k2)(ctx.historySchema)} WHERE identity = ${(0,pg__WEBPACK_IMPORTED_MODULE_0__/* .escapeLiteral */ .NO)(m.identity)} AND status = 'partial'`));
        return { ok: false, durationMs: performance.now() - started, retries, error: mapped, statementsDone: committed, leftovers };
    }
}
/**
 * INVALID indexes a CREATE/REINDEX ... CONCURRENTLY left behind (T16): by the
 * statement's index name, or else on the statement's table.
 */
async function invalidIndexes(client, statement) {
    if (!statement?.nonTransactional?.includes('CONCURRENTLY') || !['IndexStmt', 'ReindexStmt'].includes(statement.kind))
        return [];
    const rel = statement.node.relation;
    const wanted = typeof statement.node.idxname === 'string' ? statement.node.idxname : typeof statement.node.name === 'string' ? statement.node.name : undefined;
    try {
        const r = await client.query(`SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS qualified, c.relname AS name, t.relname AS tbl FROM pg_index i
         JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT i.indisvalid AND n.nspname NOT IN ('pg_catalog', 'information_schema')`);
        return r.rows
            .filter((x) => (wanted ? x.name === wanted : rel?.relname ? x.tbl === rel.relname : true))
            .map((x) => x.qualified);
    }
    catch {
        return [];
    }
}


/***/ }),

/***/ 3998:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   px: () => (/* binding */ withHeartbeat)
/* harmony export */ });
/* unused harmony exports DEFAULT_HEARTBEAT_MS, heartbeatMs, heartbeatText */
/* harmony import */ var _settings_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8750);
// A migration that runs long says it is alive (issue 19): every interval (10 s by
// default; PGSHIFT_HEARTBEAT, a duration such as 500ms or 30s, or off) one line with
// the time so far and the statement running now, file:line. A file that runs as one
// transaction is sent in one round trip, so there the line names the transaction's
// first statement and says so; statement-by-statement files name the exact statement. The CLI prints it under
// the migration's title; the action logs it inside the migration's log group.

const DEFAULT_HEARTBEAT_MS = 10_000;
function heartbeatMs(env = process.env) {
    const v = (env.PGSHIFT_HEARTBEAT ?? '').trim().toLowerCase();
    if (v === '')
        return DEFAULT_HEARTBEAT_MS;
    if (v === 'off' || v === '0')
        return 0;
    const ms = (0,_settings_js__WEBPACK_IMPORTED_MODULE_0__/* .parseDuration */ .E9)(v);
    return ms === undefined ? DEFAULT_HEARTBEAT_MS : Math.max(100, ms);
}
function heartbeatText(label, elapsedMs, c) {
    const where = c.line ? `${c.file}:${c.line}` : c.file;
    const which = c.transaction
        ? `one transaction of ${c.total ?? '?'} statement${c.total === 1 ? '' : 's'} from `
        : c.statement
            ? `statement ${c.statement}${c.total ? ` of ${c.total}` : ''} at `
            : 'at ';
    return `${label}: still running after ${Math.round(elapsedMs / 1000)} s, ${which}${where}`;
}
/** Runs `fn` with a cursor it can move; every interval, logs where it is. */
async function withHeartbeat(log, label, file, fn) {
    const cursor = { file };
    const every = heartbeatMs();
    if (every === 0)
        return fn(cursor);
    const started = performance.now();
    const timer = setInterval(() => {
        const text = heartbeatText(label, performance.now() - started, cursor);
        if (log.heartbeat)
            log.heartbeat(text);
        else
            log.info(text);
    }, every);
    timer.unref();
    try {
        return await fn(cursor);
    }
    finally {
        clearInterval(timer);
    }
}


/***/ }),

/***/ 9183:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AB: () => (/* binding */ parseWhatMayRun),
/* harmony export */   Fu: () => (/* binding */ parseEverything),
/* harmony export */   e9: () => (/* binding */ settleDownProblems),
/* harmony export */   jC: () => (/* binding */ refusedForSourceProblems),
/* harmony export */   tG: () => (/* binding */ parseDowns)
/* harmony export */ });
/* harmony import */ var _source_lazy_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(427);
/* harmony import */ var _source_parser_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3686);
/* harmony import */ var _source_positions_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2369);
/* harmony import */ var _source_script_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7926);




/**
 * Up to this much pending SQL (UTF-16 units), the parse trees stay in memory for the
 * lint (about 10x the text: 5 MB here); beyond it they are released and parsed again
 * when read, which costs about the first parse's CPU once more (bench/probes/reparse-cost.mjs).
 */
const TREE_BUDGET_CHARS = 512 * 1024;
/**
 * Parses every script of the files not applied with their current checksum; verify also
 * parses every verify script. Their down and verify scripts are parsed to find errors now,
 * not during a rollback, and then dropped from memory unless this run uses them
 * (test-rollback runs the downs; verify the verify scripts): at 10,000 pending files the
 * parse trees are most of the heap (docs/BENCHMARKS.md).
 */
async function parseWhatMayRun(found, history, mode, testRollback = false) {
    const applied = new Map(history.filter((r) => r.status === 'applied').map((r) => [r.identity, r.checksum]));
    const mayRun = found.migrations.filter((m) => applied.get(m.identity) !== m.checksum);
    const verifyScripts = mode === 'verify' ? found.migrations.filter((m) => m.scriptFiles.verify !== undefined) : [];
    // A rollback parses the downs of its range later (parseDowns), once the range is known.
    if (mayRun.length === 0 && verifyScripts.length === 0 && mode !== 'rollback')
        return;
    await (0,_source_parser_js__WEBPACK_IMPORTED_MODULE_1__/* .ensureParser */ ._U)();
    // Many pending files: their statements' trees are released as each file is parsed,
    // and parsed again when the lint reads them (docs/BENCHMARKS.md, issue 17).
    (0,_source_script_js__WEBPACK_IMPORTED_MODULE_2__/* .releaseTreesWhenParsing */ .Bw)(mayRun.reduce((n, m) => n + (m.textLength ?? 0), 0) > TREE_BUDGET_CHARS);
    const keepDowns = mode === 'apply' && testRollback;
    for (const m of mayRun) {
        parseAll(m);
        // A script with problems refuses the run before anything reads it again, so a second parse never repeats them.
        if (!keepDowns && m.down)
            (0,_source_lazy_js__WEBPACK_IMPORTED_MODULE_0__/* .forget */ .y6)(m, 'down');
        if (mode !== 'verify' && m.verify)
            (0,_source_lazy_js__WEBPACK_IMPORTED_MODULE_0__/* .forget */ .y6)(m, 'verify');
    }
    for (const m of verifyScripts)
        void m.verify;
}
/** Parses every script (a run that failed before reading history reports all syntax errors). */
async function parseEverything(found) {
    if (!found.migrations.length)
        return;
    await (0,_source_parser_js__WEBPACK_IMPORTED_MODULE_1__/* .ensureParser */ ._U)();
    (0,_source_script_js__WEBPACK_IMPORTED_MODULE_2__/* .releaseTreesWhenParsing */ .Bw)(found.migrations.reduce((n, m) => n + (m.textLength ?? 0), 0) > TREE_BUDGET_CHARS);
    for (const m of found.migrations)
        parseAll(m);
}
function parseAll(m) {
    void m.up;
    void m.down;
    void m.verify;
}
/** Problems of down scripts reported as warnings, per discovery: a rollback that needs one refuses again. */
const demoted = new WeakMap();
/**
 * A broken down script never blocks the ups: its problems refuse only a run that needs
 * that down (`needsDown`: a rollback's range, test-rollback's migrations). Every other
 * down problem becomes a warning at its file:line:col that says it is in the down part.
 */
function settleDownProblems(report, found, needsDown) {
    const kept = demoted.get(found) ?? [];
    for (const p of kept.filter((p) => p.down && needsDown(p.down.migration))) {
        found.problems.push(p);
        kept.splice(kept.indexOf(p), 1);
    }
    for (const p of [...found.problems]) {
        if (!p.down || needsDown(p.down.migration))
            continue;
        found.problems.splice(found.problems.indexOf(p), 1);
        kept.push(p);
        const at = p.position ? (0,_source_positions_js__WEBPACK_IMPORTED_MODULE_3__/* .formatPosition */ .Ld)(p.file, p.position) : p.file;
        report.warnings.push({
            file: p.file,
            ...(p.position ? { position: p.position } : {}),
            ...(p.excerpt ? { excerpt: p.excerpt } : {}),
            message: `in the down script of ${p.down.migration}, at ${at}: ${p.message}. It does not block this ${report.mode}; a rollback that needs this down is refused until it is fixed`
        });
    }
    demoted.set(found, kept);
}
/** True (and the report says why) when parsing found problems: nothing may run. */
function refusedForSourceProblems(report, found, needsDown = () => false) {
    settleDownProblems(report, found, needsDown);
    if (!found.problems.length)
        return false;
    report.status = 'failed';
    report.nextStep = `Nothing was changed. Fix the ${found.problems.length === 1 ? 'problem' : `${found.problems.length} problems`} above, then rerun.`;
    return true;
}
/** Parses the down scripts of a rollback range (the parser is loaded by parseWhatMayRun). */
function parseDowns(range) {
    for (const m of range)
        void m.down;
}


/***/ }),

/***/ 955:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $d: () => (/* binding */ doneHash),
/* harmony export */   RK: () => (/* binding */ baseResult),
/* harmony export */   et: () => (/* binding */ plan)
/* harmony export */ });
/* harmony import */ var _source_lazy_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(427);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _lint_server_wide_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1520);



/** Hash of the first `n` statements' text: proves a partial file's done part is unchanged. */
function doneHash(m, n) {
    const h = (0,node_crypto__WEBPACK_IMPORTED_MODULE_1__.createHash)('sha256');
    for (const s of m.up.statements.slice(0, n))
        h.update(s.sql).update('\0');
    return h.digest('hex');
}
/**
 * What the files say about `m`. A file discovery has not parsed (an applied one, see
 * discover's lazy parse) is not parsed here: its statement count comes from `row`.
 */
function baseResult(m, row) {
    const base = {
        identity: m.identity,
        file: m.file,
        version: m.version,
        name: m.name,
        kind: m.kind,
        status: 'pending'
    };
    if (!(0,_source_lazy_js__WEBPACK_IMPORTED_MODULE_0__/* .isSettled */ .Is)(m, 'up'))
        return { ...base, statements: row?.statements, hasDown: m.scriptFiles.down !== undefined };
    return {
        ...base,
        statements: m.up.statements.filter((s) => !s.strippedWrapper).length,
        runMode: m.up.runMode,
        nonTransactionalReasons: m.up.nonTransactionalReasons.length
            ? m.up.nonTransactionalReasons.map((r) => `${r.what} (line ${r.position.line})`)
            : undefined,
        hasDown: (0,_source_lazy_js__WEBPACK_IMPORTED_MODULE_0__/* .isSettled */ .Is)(m, 'down') ? Boolean(m.down) : m.scriptFiles.down !== undefined,
        serverWide: serverWideLines(m)
    };
}
/** The up's statements that change the server, with their lines; undefined when none (the kind is checked before any tree is read). */
function serverWideLines(m) {
    const found = m.up.statements.flatMap((s) => (s.strippedWrapper ? [] : (0,_lint_server_wide_js__WEBPACK_IMPORTED_MODULE_2__/* .serverWideChanges */ .sc)(s).map((c) => `${c.what} (line ${s.position.line + (c.lineOffset ?? 0)})`)));
    return found.length ? found : undefined;
}
function plan(migrations, history, opts) {
    const byIdentity = new Map(history.map((r) => [r.identity, r]));
    const files = new Set(migrations.map((m) => m.identity));
    const summary = { pending: [], applied: [], drifted: [], missing: [], outOfOrder: [], changedRepeatables: [], partial: [], refusals: [] };
    const results = [];
    const toRun = [];
    // The newest applied versioned file, by run order: anything pending before it is out of order.
    let lastAppliedIndex = -1;
    migrations.forEach((m, i) => {
        if (m.kind === 'versioned' && byIdentity.has(m.identity))
            lastAppliedIndex = i;
    });
    const missingRows = history.filter((r) => !files.has(r.identity));
    const missingByChecksum = new Map(missingRows.map((r) => [r.checksum, r]));
    const partialRefusals = [];
    migrations.forEach((m, i) => {
        const row = byIdentity.get(m.identity);
        const r = baseResult(m, row);
        if (row?.status === 'partial') {
            const done = row.statementsDone ?? 0;
            r.status = 'partial';
            r.statementsDone = done;
            summary.partial.push(m.identity);
            if (row.doneHash && row.doneHash !== doneHash(m, done)) {
                partialRefusals.push(`${m.identity} stopped after statement ${done} in an earlier run, and the statements before that point have changed since: pgshift cannot tell what to resume. Restore those statements, or finish the file by hand and delete its row from history.`);
            }
            else {
                r.note = done ? `resumes at statement ${done + 1} of ${r.statements} (statements 1-${done} committed in an earlier run)` : `an earlier run started it and stopped before any statement was recorded; it runs again from statement 1`;
                toRun.push({ migration: m, resumeFrom: done, resumed: true });
            }
        }
        else if (row) {
            r.appliedAt = row.appliedAt;
            if (row.checksum === m.checksum) {
                r.status = 'already-applied';
                summary.applied.push(m.identity);
            }
            else if (m.kind === 'repeatable') {
                r.status = 'changed';
                summary.changedRepeatables.push(m.identity);
                toRun.push({ migration: m, resumeFrom: 0 });
            }
            else {
                r.status = 'drifted';
                r.note = `checksum in history ${row.checksum.slice(0, 12)}…, file now ${m.checksum.slice(0, 12)}…`;
                if (opts.allowDrift) {
                    r.accepted = 'allow-drift';
                    r.note += '; accepted by allow-drift, not run again';
                }
                summary.drifted.push(m.identity);
            }
        }
        else {
            const renamedFrom = missingByChecksum.get(m.checksum);
            if (renamedFrom)
                r.note = `same content as ${renamedFrom.identity} in history: renamed?`;
            if (m.kind === 'versioned' && i < lastAppliedIndex) {
                r.status = 'out-of-order';
                summary.outOfOrder.push(m.identity);
                if (opts.allowOutOfOrder) {
                    toRun.push({ migration: m, resumeFrom: 0 });
                    r.accepted = 'allow-out-of-order';
                    const newest = migrations[lastAppliedIndex]?.identity;
                    r.note = [r.note, `sorts before ${newest}, the newest applied migration; accepted by allow-out-of-order`].filter(Boolean).join('; ');
                }
            }
            else {
                summary.pending.push(m.identity);
                toRun.push({ migration: m, resumeFrom: 0 });
            }
        }
        results.push(r);
    });
    for (const row of missingRows) {
        summary.missing.push(row.identity);
        const renamedTo = migrations.find((m) => m.checksum === row.checksum && !byIdentity.has(m.identity));
        results.push({
            identity: row.identity,
            file: row.script,
            version: row.version,
            name: row.name,
            kind: row.kind,
            status: 'missing',
            statements: row.statements,
            runMode: 'transaction',
            hasDown: false,
            appliedAt: row.appliedAt,
            note: renamedTo ? `renamed to ${renamedTo.identity}?` : undefined
        });
    }
    const list = (ids) => ids.join(', ');
    if (summary.drifted.length && !opts.allowDrift) {
        summary.refusals.push(`Applied migrations were edited since they ran: ${list(summary.drifted)}. Revert the edits and put the change in a new migration, or set allow-drift: true to accept them as they are.`);
    }
    if (summary.missing.length && !opts.allowMissing) {
        summary.refusals.push(`History records migrations that have no file: ${list(summary.missing)}. Restore the files (a rename counts as delete + new file), or set allow-missing: true.`);
    }
    if (summary.outOfOrder.length && !opts.allowOutOfOrder) {
        const newest = lastAppliedIndex >= 0 ? migrations[lastAppliedIndex]?.identity : undefined;
        summary.refusals.push(`Pending migrations sort before the newest applied one (${newest}): ${list(summary.outOfOrder)}. Rename them to sort after it, or set allow-out-of-order: true to apply them anyway.`);
    }
    summary.refusals.push(...partialRefusals);
    return { summary, results, toRun: summary.refusals.length ? [] : toRun };
}


/***/ }),

/***/ 6767:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   NQ: () => (/* binding */ splitPr),
/* harmony export */   jq: () => (/* binding */ markOrigins)
/* harmony export */ });
/* unused harmony export suggestName */
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _source_conventions_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9469);
/* harmony import */ var _source_order_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4921);
// The PR's own migrations (issue 15, DESIGN "The PR's own migrations"): the
// workspace's migrations split into the base's (phase 1) and the PR's (phase 2),
// and what a PR can get wrong about history, caught before merge: it edits,
// deletes or renames a base migration, adds one that sorts before the base's
// newest, or reuses a base version. Pure: the base comes in as data, from git
// (source/git-base.ts) or from the PR files API (action/pr-files.ts).



const stat = (s) => (s ? ` (${s.added} line${s.added === 1 ? '' : 's'} added, ${s.removed} removed)` : '');
/** A name for `m` that sorts after `newest`: the next number, or now as a timestamp of the same shape. */
function suggestName(m, newest, now = new Date()) {
    const file = (0,node_path__WEBPACK_IMPORTED_MODULE_0__.basename)(m.file);
    const v = newest.version;
    if (!/^\d+$/.test(v) || !m.version || !file.includes(m.version))
        return undefined;
    let next;
    if (v.length >= 12) {
        // A timestamp (Supabase, dbmate, goose): now, if that sorts after the newest; else newest + 1.
        const stamp = now.toISOString().replace(/\D/g, '').slice(0, v.length);
        next = BigInt(stamp) > BigInt(v) ? stamp : (BigInt(v) + 1n).toString().padStart(v.length, '0');
    }
    else {
        next = (BigInt(v) + 1n).toString().padStart(Math.max(v.length, m.version.length), '0');
    }
    return file.replace(m.version, next);
}
/** Splits `head` (the workspace's migrations) against the base. */
function splitPr(head, base, opts) {
    const problems = [];
    const warnings = [];
    const baseVersions = [];
    const pr = [];
    const baseIds = new Set();
    let phase1;
    /** Base migrations the PR deleted, as identity and file. */
    const deleted = [];
    const edited = [];
    if (base.kind === 'git') {
        const inBase = new Map(base.migrations.map((m) => [m.identity, m]));
        const inHead = new Set(head.map((m) => m.identity));
        phase1 = [];
        for (const m of head) {
            const b = inBase.get(m.identity);
            if (!b)
                pr.push(m);
            else {
                baseIds.add(m.identity);
                // Phase 1 runs the base's own text: what production has (or will have) applied.
                phase1.push(b.checksum === m.checksum ? m : b);
                if (b.checksum !== m.checksum)
                    edited.push({ m, stat: base.numstat.get(m.file) });
            }
        }
        for (const b of base.migrations) {
            baseVersions.push(b);
            if (!inHead.has(b.identity)) {
                baseIds.add(b.identity);
                deleted.push({ identity: b.identity, file: b.file, checksum: b.checksum });
            }
        }
    }
    else {
        const byPath = new Map(base.changed.map((c) => [c.path, c]));
        phase1 = [];
        for (const m of head) {
            const c = byPath.get(m.file);
            if (c && (c.status === 'added' || c.status === 'copied' || (c.status === 'renamed' && c.previousPath === undefined)))
                pr.push(m);
            else if (c?.status === 'renamed') {
                pr.push(m);
                const from = (0,_source_conventions_js__WEBPACK_IMPORTED_MODULE_1__/* .parseFileName */ .Px)((0,node_path__WEBPACK_IMPORTED_MODULE_0__.basename)(c.previousPath)).identity;
                deleted.push({ identity: from, file: c.previousPath, checksum: c.additions === 0 && c.deletions === 0 ? m.checksum : undefined });
            }
            else {
                baseIds.add(m.identity);
                phase1.push(m);
                baseVersions.push(m);
                if (c && (c.status === 'modified' || c.status === 'changed'))
                    edited.push({ m, stat: { added: c.additions, removed: c.deletions } });
            }
        }
        for (const c of base.changed) {
            if (c.status !== 'removed')
                continue;
            const info = (0,_source_conventions_js__WEBPACK_IMPORTED_MODULE_1__/* .parseFileName */ .Px)((0,node_path__WEBPACK_IMPORTED_MODULE_0__.basename)(c.path));
            // Only up files: a deleted down script is the PR's business.
            if (info.role !== 'up' || !info.scheme)
                continue;
            baseIds.add(info.identity);
            deleted.push({ identity: info.identity, file: c.path });
        }
    }
    // 1. Edits of a migration the base has (production has applied it, or will at the next deploy).
    for (const { m, stat: s } of edited) {
        const message = `${m.file} edits ${m.identity}, a migration that already exists on the base branch${stat(s)}: production has applied it (or will at the next deploy), so the edit would never run there and history would disagree with the file.`;
        const hint = `revert the edit and put the change in a new migration; only if the edit changes nothing the database sees (a comment, whitespace), accept it with allow-drift: true`;
        if (opts.allowDrift)
            warnings.push({ file: m.file, message: `${message} Accepted by allow-drift: the PR check applies the base's version.` });
        else
            problems.push({ file: m.file, code: 'pr-edits-base-migration', message, hint });
    }
    // 2. Deletions and renames.
    const prByChecksum = new Map(pr.map((m) => [m.checksum, m]));
    const renamedTo = new Set();
    for (const d of deleted) {
        const to = d.checksum ? prByChecksum.get(d.checksum) : undefined;
        if (to) {
            renamedTo.add(to.identity);
            problems.push({
                file: to.file,
                code: 'pr-renames-base-migration',
                message: `${to.file} renames ${d.file}, a migration that exists on the base branch: history records it as ${d.identity}, so after the merge it counts as missing and ${to.identity} as a new migration that runs it again.`,
                hint: `keep the name ${(0,node_path__WEBPACK_IMPORTED_MODULE_0__.basename)(d.file)}`
            });
        }
        else {
            problems.push({
                file: d.file,
                code: 'pr-deletes-base-migration',
                message: `this PR deletes ${d.file} (${d.identity}), a migration that exists on the base branch: history still records it, so deploys refuse the missing file.`,
                hint: `restore ${d.file}; to undo what it did, add a new migration. If the base branch gained it after this branch was made, merge the base branch into this one (on pull_request, actions/checkout checks out the merge commit, which has it)`
            });
        }
    }
    // 3. Versions the base already uses, and PR migrations that sort before the base's newest.
    const versioned = baseVersions.filter((m) => m.kind === 'versioned');
    const newest = versioned.reduce((a, m) => (!a || (0,_source_order_js__WEBPACK_IMPORTED_MODULE_2__/* .compareMigrationOrder */ .ym)(m, a) > 0 ? m : a), undefined);
    const byVersion = new Map(versioned.filter((m) => m.version !== '').map((m) => [m.version, m]));
    for (const m of pr) {
        if (m.kind !== 'versioned' || renamedTo.has(m.identity))
            continue;
        const same = m.version !== '' ? byVersion.get(m.version) : undefined;
        if (same && same.identity !== m.identity) {
            const name = newest ? suggestName(m, newest) : undefined;
            problems.push({
                file: m.file,
                code: 'pr-version-collision',
                message: `${m.file} has version ${m.version}, which ${same.file} on the base branch already has: history is keyed on the version (the Supabase CLI, Flyway), so one of the two would never run.`,
                hint: `give it a version after the base's newest (${newest?.identity ?? same.identity})${name ? `, e.g. rename it to ${name}` : ''}`
            });
            continue;
        }
        if (newest && (0,_source_order_js__WEBPACK_IMPORTED_MODULE_2__/* .compareMigrationOrder */ .ym)(m, newest) < 0) {
            const name = suggestName(m, newest);
            const message = `${m.file} sorts before ${newest.identity}, the newest migration of the base branch: after the merge it would run out of order, and deploys refuse it unless allow-out-of-order is set.`;
            const hint = `rename it to sort after ${newest.identity}${name ? `, e.g. ${name}` : ''}`;
            if (opts.allowOutOfOrder)
                warnings.push({ file: m.file, message: `${message} Accepted by allow-out-of-order.` });
            else
                problems.push({ file: m.file, code: 'pr-migration-out-of-order', message, hint });
        }
    }
    return { split: { sha: base.sha, how: base.how, base: phase1, pr, baseIds, newestBase: newest?.identity }, problems, warnings };
}
/** Marks each migration of the report with its origin (the plan rebuilds the rows, so a mode marks them again). */
function markOrigins(report, pr) {
    const prIds = new Set(pr.pr.map((m) => m.identity));
    for (const m of report.migrations)
        m.origin = prIds.has(m.identity) ? 'pr' : 'base';
}


/***/ }),

/***/ 594:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   G: () => (/* binding */ conventionLine)
/* harmony export */ });
/* unused harmony export conventionNoteWords */
/**
 * The convention note without the convention said twice: discovery writes
 * `auto: detected dated (8 files named …)` and `numbered (from the convention
 * input; 2 migration files)`, and every report puts the convention's name just
 * before the note. So: `auto: 8 files named …`, `from the convention input; …`.
 */
function conventionNoteWords(convention, note) {
    for (const head of [`auto: detected ${convention} (`, `${convention} (`]) {
        if (!note.startsWith(head))
            continue;
        // The parenthesis that closes the one after the name (file name patterns hold none).
        let depth = 1;
        let i = head.length;
        for (; i < note.length && depth > 0; i++)
            depth += note[i] === '(' ? 1 : note[i] === ')' ? -1 : 0;
        if (depth !== 0)
            return note;
        const inner = note.slice(head.length, i - 1);
        return `${head.startsWith('auto: ') ? 'auto: ' : ''}${inner}${note.slice(i)}`;
    }
    return note;
}
/**
 * `dated, auto: 8 files named …`: the convention and how it was chosen, as the
 * terminal report's `migrations:` line, the summary's Convention line and the
 * engine's discovery log line all say it.
 */
function conventionLine(convention, note) {
    return note ? `${convention}, ${conventionNoteWords(convention, note)}` : convention;
}


/***/ }),

/***/ 1529:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  bQ: () => (/* binding */ newReport),
  l_: () => (/* binding */ progressText),
  runPgshift: () => (/* binding */ runPgshift)
});

// UNUSED EXPORTS: searchPathSql

// EXTERNAL MODULE: ./src/backup/policy.ts
var policy = __webpack_require__(9890);
// EXTERNAL MODULE: ./node_modules/pg/esm/index.mjs
var esm = __webpack_require__(3849);
// EXTERNAL MODULE: ./src/db/connect.ts
var connect = __webpack_require__(8008);
// EXTERNAL MODULE: ./src/db/history.ts
var db_history = __webpack_require__(3966);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./src/db/lock.ts

/** A stable 64-bit key per history schema, so two pgshift setups in one database don't block each other. */
function lockKey(historySchema) {
    const h = (0,external_node_crypto_.createHash)('sha256').update(`pgshift:${historySchema}`).digest();
    return h.readBigInt64BE(0).toString();
}
/** Seconds for messages: 0.3s, 4.5s, 60s (a sub-second lock-wait must not read "0s"). */
function seconds(ms) {
    return `${ms < 10_000 ? Math.round(ms / 100) / 10 : Math.round(ms / 1000)}s`;
}
class LockNotAcquired extends Error {
    waitedMs;
    holders;
    constructor(waitedMs, holders) {
        const who = holders.length
            ? holders.map((h) => `pid ${h.pid} (${h.applicationName || 'no application_name'}${h.clientAddr ? ` from ${h.clientAddr}` : ''}, connected ${h.backendStart})`).join('; ')
            : 'a session that has since gone';
        super(`another runner holds the pgshift lock: ${who}; waited ${seconds(waitedMs)} (lock-wait)`);
        this.waitedMs = waitedMs;
        this.holders = holders;
        this.name = 'LockNotAcquired';
    }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function newWitness() {
    const r = (0,external_node_crypto_.randomBytes)(8);
    return { a: r.readInt32BE(0), b: r.readInt32BE(4) };
}
/**
 * One attempt: a transaction that turns off the timeouts that would end it while
 * it idles (only those the server has), then tries the key and, once the key is
 * ours, the witness (both in one statement: CASE evaluates the second only after
 * the first succeeded). The key is a decimal bigint we computed (lockKey), the
 * witness two integers, so both are inlined: one round trip.
 */
function tryLockSql(key, witness) {
    if (!/^-?\d+$/.test(key))
        throw new Error(`not a lock key: ${key}`);
    if (![witness.a, witness.b].every((x) => Number.isSafeInteger(x) && x >= -(2 ** 31) && x < 2 ** 31))
        throw new Error('not a witness key');
    return ("BEGIN;SELECT pg_catalog.set_config(name, '0', true) FROM pg_catalog.pg_settings WHERE name IN ('idle_in_transaction_session_timeout', 'transaction_timeout');" +
        `SELECT CASE WHEN pg_catalog.pg_try_advisory_xact_lock(${key}::bigint) THEN pg_catalog.pg_try_advisory_xact_lock(${witness.a}, ${witness.b}) ELSE false END AS ok, pg_catalog.pg_backend_pid() AS pid`);
}
/**
 * Polls until the lock is ours or `waitMs` has passed. `onWait` is called once,
 * when the first attempt fails, so long waits are visible in the log. On success
 * the lock connection is left inside the transaction that holds the lock.
 */
async function acquireRunLock(lockClient, key, waitMs, onWait, isCancelled = () => false) {
    const started = Date.now();
    let delay = 50;
    let told = false;
    for (;;) {
        // A new witness each attempt: a key some other session happens to hold fails only that attempt.
        const witness = newWitness();
        const results = (await lockClient.query(tryLockSql(key, witness)));
        const row = results[results.length - 1]?.rows[0];
        if (row?.ok)
            return { key, holderPid: row.pid, witness };
        await lockClient.query('ROLLBACK');
        const waited = Date.now() - started;
        if (isCancelled())
            throw Object.assign(new Error('cancelled while waiting for the pgshift lock'), { next: 'Nothing was changed: the run was cancelled before it got the lock.' });
        if (waited >= waitMs)
            throw new LockNotAcquired(waited, await lockHolders(lockClient, key));
        if (!told && onWait) {
            told = true;
            onWait(await lockHolders(lockClient, key));
        }
        await sleep(Math.min(delay, Math.max(0, waitMs - waited)) + Math.floor(Math.random() * 20));
        delay = Math.min(delay * 2, 1000);
    }
}
/** Ends the lock's transaction, which releases the lock. */
async function releaseRunLock(lockClient) {
    await lockClient.query('ROLLBACK');
}
/** The key as pg_locks shows it: classid (high 32 bits) and objid (low 32 bits), objsubid 1. */
function lockKeyParts(key) {
    const u = BigInt.asUintN(64, BigInt(key));
    return { classid: Number(u >> 32n), objid: Number(u & 0xffffffffn) };
}
/** Who holds the key: pid, application_name and client address from pg_stat_activity. */
async function lockHolders(client, key) {
    const { classid, objid } = lockKeyParts(key);
    const r = await client.query(`SELECT a.pid, a.application_name, host(a.client_addr) AS client_addr, a.backend_start, a.state
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid AND l.objsubid = 1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`, [classid, objid]);
    return r.rows.map((x) => ({
        pid: x.pid,
        applicationName: x.application_name,
        clientAddr: x.client_addr,
        backendStart: new Date(x.backend_start).toISOString(),
        state: x.state
    }));
}

// EXTERNAL MODULE: ./src/db/url.ts
var url = __webpack_require__(879);
;// CONCATENATED MODULE: ./src/db/pooler.ts


async function pidOf(c) {
    return (await c.query('SELECT pg_catalog.pg_backend_pid() AS pid')).rows[0]?.pid;
}
/** Why these two connections look pooled in transaction mode, or undefined when they do not. */
async function transactionPoolerEvidence(client, lockClient) {
    const m0 = (0,connect/* backendPid */.Qf)(client);
    const l0 = (0,connect/* backendPid */.Qf)(lockClient);
    if (m0 === undefined || l0 === undefined)
        return undefined;
    if (m0 === l0)
        return `two connections of this run were served by the same server backend (pid ${m0})`;
    let m1;
    let l1;
    try {
        // BEGIN and the pid in one message (one round trip); the transaction pins the backend either way.
        const begun = (await client.query('BEGIN;SELECT pg_catalog.pg_backend_pid() AS pid'));
        m1 = begun[begun.length - 1]?.rows[0]?.pid;
        l1 = await pidOf(lockClient);
    }
    finally {
        await client.query('COMMIT');
    }
    const m2 = await pidOf(client);
    if (m1 !== m0 || m2 !== m0)
        return `the migration connection moved from server backend ${m0} to ${m1 !== m0 ? m1 : m2} between transactions`;
    if (l1 !== l0)
        return `the lock connection moved from server backend ${l0} to ${l1} between transactions`;
    return undefined;
}
/**
 * After the lock: the lock's transaction runs on the backend the lock connection
 * had at connect. The lock statement returns its backend's pid, so this costs no
 * round trip, and it catches the case the probe above can miss: a transaction
 * pooler hands out the most recently released backend first, so a probe whose
 * connections each get "their" backend back by that rule sees no move, while the
 * lock statement that follows usually lands on the migration connection's.
 */
function lockConnectionMoved(lockClient, holderPid) {
    const l0 = (0,connect/* backendPid */.Qf)(lockClient);
    if (l0 === undefined || l0 === holderPid)
        return undefined;
    return `the lock connection moved from server backend ${l0} to ${holderPid} between transactions`;
}
/** Throws the transaction-pooler refusal (the session-pooler fix) when the connections show one. */
async function refuseTransactionPooler(target, client, lockClient) {
    const evidence = await transactionPoolerEvidence(client, lockClient);
    if (evidence)
        throw (0,url/* transactionPoolerError */.K4)(target, `${evidence}, which only a transaction-mode pooler does`);
}

// EXTERNAL MODULE: ./src/settings.ts
var src_settings = __webpack_require__(8750);
// EXTERNAL MODULE: ./src/source/checksum.ts
var checksum = __webpack_require__(1882);
// EXTERNAL MODULE: ./src/source/conventions.ts
var conventions = __webpack_require__(9469);
// EXTERNAL MODULE: ./src/source/files.ts
var files = __webpack_require__(3206);
// EXTERNAL MODULE: ./src/source/parser.ts + 1 modules
var parser = __webpack_require__(3686);
// EXTERNAL MODULE: ./src/source/lazy.ts
var lazy = __webpack_require__(427);
// EXTERNAL MODULE: ./src/source/positions.ts
var positions = __webpack_require__(2369);
// EXTERNAL MODULE: ./src/source/order.ts
var order = __webpack_require__(4921);
// EXTERNAL MODULE: ./src/source/script.ts + 1 modules
var script = __webpack_require__(7926);
;// CONCATENATED MODULE: ./src/source/sections.ts
// dbmate and goose keep up and down in one file, split by marker comment lines:
//   dbmate: `-- migrate:up [transaction:false]`, `-- migrate:down`, (ours) `-- migrate:verify`
//   goose:  `-- +goose Up`, `-- +goose Down` (`StatementBegin/End` are plain comments to us,
//           since the real parser finds the statement boundaries).
// Both tools find markers line by line, so we do too; this is not SQL splitting.
// A section starts at its marker line (the marker is a comment, so the parser skips it
// and a `transaction:false` on it is seen as a directive) and runs to the next marker.

const MARKER = /^[ \t]*--[ \t]*(?:migrate:(up|down|verify)\b|\+goose[ \t]+(up|down)\b)/gim;
const GOOSE_NO_TX = /^[ \t]*--[ \t]*\+goose[ \t]+no[ \t]+transaction\b/im;
/** Cheap test: does this text hold any section marker? */
const hasSectionMarkers = (text) => new RegExp(MARKER.source, 'im').test(text);
/** Which tool's markers a text holds, if any. */
function markerStyle(text) {
    const m = new RegExp(MARKER.source, 'im').exec(text);
    return m ? (m[1] ? 'dbmate' : 'goose') : undefined;
}
function splitSections(file, fileText) {
    const markers = [];
    for (const m of fileText.matchAll(MARKER)) {
        const style = m[1] ? 'dbmate' : 'goose';
        const direction = (m[1] ?? m[2]).toLowerCase();
        const lead = m[0].length - m[0].trimStart().length;
        markers.push({ style, direction, lineStart: m.index, at: m.index + lead, label: m[0].trim() });
    }
    const problems = [];
    // Built only when a position is needed: most files hold no marker at all.
    let map;
    const lines = { position: (at) => (map ??= (0,positions/* lineMapFor */.mh)(fileText)).position(at) };
    const noTx = GOOSE_NO_TX.exec(fileText);
    const result = { problems };
    if (noTx) {
        const at = noTx.index + (noTx[0].length - noTx[0].trimStart().length);
        result.noTransaction = { what: 'directive -- +goose NO TRANSACTION', position: lines.position(at) };
    }
    if (markers.length === 0)
        return result;
    const styles = new Set(markers.map((m) => m.style));
    result.style = markers[0].style;
    if (styles.size > 1) {
        problems.push({
            file,
            position: lines.position(markers.find((m) => m.style !== markers[0].style).at),
            code: 'mixed-section-markers',
            message: 'the file mixes dbmate (-- migrate:up) and goose (-- +goose Up) section markers',
            hint: 'use one tool’s markers in a file'
        });
    }
    result.preamble = { file, fileText, offset: 0, text: fileText.slice(0, markers[0].lineStart) };
    markers.forEach((m, i) => {
        const end = i + 1 < markers.length ? markers[i + 1].lineStart : fileText.length;
        const source = { file, fileText, offset: m.lineStart, text: fileText.slice(m.lineStart, end), role: m.direction };
        if (result[m.direction]) {
            const first = markers.find((x) => x.direction === m.direction);
            const pos = lines.position(first.at);
            problems.push({
                file,
                position: lines.position(m.at),
                code: 'duplicate-section',
                message: `a second "${m.label}" section; the first is at line ${pos.line}`,
                hint: 'keep one up and one down section per file; split the rest into their own migration files'
            });
            return;
        }
        result[m.direction] = source;
    });
    if (!result.up) {
        const style = result.style;
        problems.push({
            file,
            position: lines.position(markers[0].at),
            code: 'missing-up-section',
            message: `the file has "${markers[0].label}" but no ${style === 'goose' ? '-- +goose Up' : '-- migrate:up'} section`,
            hint: `add the ${style === 'goose' ? '-- +goose Up' : '-- migrate:up'} line above the migration's SQL`
        });
    }
    return result;
}

;// CONCATENATED MODULE: ./src/source/discover.ts
// Discovery: the migrations directory -> Migrations in run order, each with its up
// script (and down/verify when present) parsed and classified. Every refusal is a
// SourceProblem and every remark a SourceWarning: this never throws for user input.









async function discover(opts) {
    const problems = [];
    const warnings = [];
    const auto = opts.convention === 'auto';
    const empty = (dir, d) => ({ dir, convention: d.convention, conventionNote: d.note, migrations: [], warnings, problems });
    const explicitNote = (c, n) => `${c} (from the convention input${n === undefined ? '' : `; ${n} migration file${n === 1 ? '' : 's'}`})`;
    const fallback = (dir) => auto ? (0,conventions/* detectConvention */.FG)(dir, [], { dbmate: 0, goose: 0 }) : { convention: opts.convention, note: explicitNote(opts.convention) };
    try {
        const loc = await (0,files/* locateDir */.Yu)(opts.workspace, opts.dir, problems);
        if (!loc)
            return empty(opts.dir, fallback(opts.dir));
        const listing = await (0,files/* listFiles */.CS)(loc, problems);
        const fileOf = (l) => (loc.dirRel === '.' ? l.rel : `${loc.dirRel}/${l.rel}`);
        for (const x of listing.special) {
            const file = fileOf({ rel: x.rel, abs: '' });
            warnings.push({ file, message: `${file} is ${x.what}, not a regular file: pgshift does not read it` });
        }
        // The plan file, when present, decides which up files run and in what order.
        let plan;
        let planFile;
        if (listing.plan) {
            planFile = fileOf(listing.plan);
            const [buf] = (0,files/* readFiles */.Ul)([listing.plan.abs]);
            const decoded = buf instanceof Error ? undefined : (0,files/* decodeUtf8 */._6)(planFile, buf);
            if (!decoded || !decoded.ok) {
                problems.push(decoded && !decoded.ok ? decoded.problem : { file: planFile, code: 'unreadable-file', message: `cannot read ${planFile}: ${buf.message}` });
            }
            else {
                plan = parsePlan((0,positions/* stripBom */.F8)(decoded.text));
            }
        }
        const candidates = listing.sql.map((listed) => ({ listed, info: (0,conventions/* parseFileName */.Px)(listed.rel), file: fileOf(listed) }));
        const planned = plan ? new Set(plan) : undefined;
        const wanted = (c) => c.info.role !== 'up' || !!c.info.scheme || (!!planned && (planned.has(c.listed.rel) || planned.has(c.info.identity)));
        // Read everything we may use, then check the encoding.
        const toRead = candidates.filter(wanted);
        const texts = (0,files/* readTexts */.Z7)(toRead.map((c) => ({ file: c.file, abs: c.listed.abs })));
        toRead.forEach((c, i) => {
            const decoded = texts[i];
            if (decoded instanceof Error) {
                problems.push({ file: c.file, code: 'unreadable-file', message: `cannot read ${c.file}: ${decoded.message}` });
                return;
            }
            if (decoded.ok)
                c.text = (0,positions/* stripBom */.F8)(decoded.text);
            else
                problems.push(decoded.problem);
        });
        const ups = candidates.filter((c) => c.info.role === 'up');
        const markers = { dbmate: 0, goose: 0 };
        for (const c of ups) {
            const style = c.text !== undefined ? markerStyle(c.text) : undefined;
            if (style)
                markers[style]++;
        }
        const detection = auto
            ? (0,conventions/* detectConvention */.FG)(loc.dirRel, ups.map((c) => c.info), markers)
            : { convention: opts.convention, note: '' };
        const convention = detection.convention;
        // Which up files are migrations.
        let chosen;
        if (plan) {
            chosen = fromPlan(plan, candidates, planFile, problems, warnings);
        }
        else {
            chosen = [];
            for (const c of ups) {
                if ((0,conventions/* fits */.lA)(c.info, convention, auto))
                    chosen.push(c);
                else if (!c.info.scheme) {
                    warnings.push({ file: c.file, message: `${c.file} fits no migration naming scheme (expected ${conventions/* EXPECTED_NAMES */.iJ[convention]}); it is not applied` });
                }
                else {
                    warnings.push({ file: c.file, message: `${c.file} does not fit the ${convention} convention (expected ${conventions/* EXPECTED_NAMES */.iJ[convention]}); it is not applied` });
                }
            }
            mixedShapesWarning(chosen, convention, auto, loc.dirRel, warnings);
        }
        const note = auto ? detection.note : explicitNote(convention, chosen.length);
        const conventionNote = plan ? `${note}; order from ${planFile} (${chosen.length} listed)` : note;
        const eager = opts.parse !== 'lazy';
        if (eager)
            await (0,parser/* ensureParser */._U)();
        const migrations = [];
        const byIdentity = new Map();
        chosen.forEach((c, position) => {
            if (c.text === undefined)
                return; // unreadable: already a problem
            const m = buildMigration(c, convention, problems, warnings, convention === 'dbmate' || convention === 'goose');
            if (eager)
                parseNow(m);
            if (plan)
                m.orderKey = (0,order/* planKey */.vH)(position);
            const dup = byIdentity.get(m.identity.toLowerCase());
            if (dup) {
                problems.push({
                    file: c.file,
                    code: 'duplicate-identity',
                    message: `${c.file} and ${dup.file} are the same migration, ${m.identity}${dup.identity !== m.identity ? ` (names differ only in case: ${dup.identity})` : ''}`,
                    hint: 'keep one of the two files (rename or delete the other)'
                });
                return;
            }
            byIdentity.set(m.identity.toLowerCase(), m);
            migrations.push(m);
        });
        if (!plan)
            duplicateVersions(migrations, convention, candidates, problems, warnings);
        attachRoleFiles(candidates, migrations, convention, problems, warnings, eager);
        if (convention === 'supabase')
            supabaseCliWouldApply(candidates, loc.dirRel, warnings);
        if (!plan)
            migrations.sort(order/* compareMigrationOrder */.ym);
        const hooks = await readHooks(listing.hooks, fileOf, problems);
        return { dir: loc.dirRel, convention, conventionNote, migrations, warnings, problems, ...(planFile ? { planFile } : {}), ...(hooks.length ? { hooks } : {}) };
    }
    catch (err) {
        // File system failures (permissions, I/O) are reported, not thrown.
        problems.push({ file: opts.dir || '.', code: 'io-error', message: `cannot discover the migrations in ${opts.dir || 'the default directories'}: ${err.message}` });
        return empty(opts.dir, fallback(opts.dir));
    }
}
/** Reads and parses the callback files, with the same checks as a migration (syntax, meta-commands, stray COMMIT). */
async function readHooks(listed, fileOf, problems) {
    if (!listed.length)
        return [];
    // Hooks run on every apply, even one with nothing pending: parsed now, whatever the parse mode.
    await (0,parser/* ensureParser */._U)();
    const bufs = (0,files/* readFiles */.Ul)(listed.map((l) => l.abs));
    const hooks = [];
    listed.forEach((l, i) => {
        const file = fileOf(l);
        const buf = bufs[i];
        if (buf instanceof Error || buf === undefined) {
            problems.push({ file, code: 'unreadable-file', message: `cannot read ${file}: ${buf instanceof Error ? buf.message : 'no content'}` });
            return;
        }
        const decoded = (0,files/* decodeUtf8 */._6)(file, buf);
        if (!decoded.ok)
            return void problems.push(decoded.problem);
        const text = (0,positions/* stripBom */.F8)(decoded.text);
        const r = (0,script/* parseScriptSync */.GG)({ file, fileText: text, offset: 0, text, role: 'hook' });
        // An empty hook is allowed: it does nothing.
        problems.push(...r.problems.filter((p) => p.code !== 'empty-migration'));
        if (r.script.statements.length)
            hooks.push({ name: l.rel.replace(/\.sql$/, ''), script: r.script });
    });
    return hooks;
}
/** Plan lines: file names (or identities) in run order; `#` starts a comment. */
function parsePlan(text) {
    return text
        .split(/\r\n|\r|\n/)
        .map((l) => l.replace(/#.*$/, '').trim())
        .filter((l) => l.length > 0);
}
function fromPlan(plan, candidates, planFile, problems, warnings) {
    const chosen = [];
    const seen = new Set();
    const byPath = new Map(candidates.map((c) => [c.listed.rel, c]));
    const byIdentity = new Map(candidates.filter((c) => c.info.role === 'up').map((c) => [c.info.identity, c]));
    for (const entry of plan) {
        const c = byPath.get(entry) ?? byIdentity.get(entry);
        if (!c) {
            problems.push({ file: planFile, code: 'plan-file-missing', message: `${planFile} lists ${entry}, but there is no such file in the directory`, hint: `add the file, or remove the line from ${planFile}` });
        }
        else if (c.info.role !== 'up') {
            problems.push({ file: planFile, code: 'plan-lists-down', message: `${planFile} lists ${entry}, which is a ${c.info.role} script (${c.info.roleMarker}), not a migration`, hint: `remove the line; ${c.info.role} scripts pair with their migration by name` });
        }
        else if (seen.has(c)) {
            problems.push({ file: planFile, code: 'plan-duplicate', message: `${planFile} lists ${entry} twice`, hint: 'keep one line per migration' });
        }
        else {
            seen.add(c);
            chosen.push(c);
        }
    }
    for (const c of candidates) {
        if (c.info.role === 'up' && !seen.has(c)) {
            warnings.push({ file: c.file, message: `${c.file} is not listed in ${planFile}; it is not applied` });
        }
    }
    return chosen;
}
/** The Supabase CLI's migration file pattern: every top-level `<digits>_name.sql` is a migration to it. */
const SUPABASE_CLI_FILE = /^[0-9]+_.*\.sql$/;
/**
 * A down or verify script named like a migration in supabase/migrations: pgshift pairs it
 * with its up, but `supabase db push` (and `migration up`) would apply it as a migration.
 */
function supabaseCliWouldApply(candidates, dir, warnings) {
    for (const c of candidates) {
        if (c.info.role === 'up' || c.listed.rel.includes('/') || !SUPABASE_CLI_FILE.test(c.listed.rel))
            continue;
        warnings.push({
            file: c.file,
            message: `${c.file} is a ${c.info.role} script to pgshift (${c.info.roleMarker}), but its name matches the Supabase CLI's migration pattern (<version>_name.sql): ` +
                `\`supabase db push\` would apply it as a migration. Move it out of ${dir} (for example into ${dir}/down/, which pgshift pairs and the CLI does not read)`
        });
    }
}
function mixedShapesWarning(chosen, convention, auto, dir, warnings) {
    if (!auto && convention !== 'supabase' && convention !== 'dated')
        return;
    if (convention === 'flyway')
        return;
    // A 14-digit number (dbmate's `10000000000000_` first version) has the timestamps' width:
    // it compares with them digit by digit, as its tool compares it, so it mixes nothing.
    const numbered = chosen.filter((c) => c.info.scheme?.shape === 'number' && c.info.scheme.version.length !== 14);
    const dated = chosen.filter((c) => c.info.scheme && conventions/* DATE_SHAPES */._u.has(c.info.scheme.shape));
    if (numbered.length === 0 || dated.length === 0)
        return;
    warnings.push({
        file: dir,
        message: `${dir} mixes numbered (${numbered[0].listed.rel}) and dated (${dated[0].listed.rel}) file names; ` +
            'numbers sort before dates, so the numbered files run first. Rename them to one scheme, or list the order in a pgshift.plan file'
    });
}
const emptyScript = (source) => ({
    source,
    statements: [],
    runMode: 'transaction',
    nonTransactionalReasons: [],
    hasTransactionBlocks: false,
    sendText: source.text
});
function parseOrProblem(source, problems, opts) {
    const r = (0,script/* parseScriptSync */.GG)(source, opts);
    problems.push(...r.problems);
    return r.script;
}
/**
 * A parser for a script that may be empty (an empty down or verify means "none"). Its
 * problems are reported on the first parse only: a down is parsed, dropped from memory
 * (engine/parse-needed.ts) and may be parsed again by a rollback. Problems of a down
 * script say so (`down`), so that only a run that needs the down is refused by them.
 */
function optionalParser(source, problems, opts, down) {
    let reported = false;
    return () => {
        const r = (0,script/* parseScriptSync */.GG)(source, opts);
        const rest = r.problems.filter((p) => p.code !== 'empty-migration');
        if (!reported)
            problems.push(...rest.map((p) => (down ? { ...p, down } : p)));
        reported = true;
        return r.script.statements.length === 0 && rest.length === 0 ? undefined : r.script;
    };
}
/** Reads every lazy script of `m`, so its parse problems are known now. */
function parseNow(m) {
    void m.up;
    void m.down;
    void m.verify;
}
function buildMigration(c, convention, problems, warnings, needsSections) {
    const fileText = c.text;
    const sections = splitSections(c.file, fileText);
    problems.push(...sections.problems);
    const force = sections.noTransaction
        ? { forceNoTransaction: sections.noTransaction.what, forceNoTransactionPosition: sections.noTransaction.position }
        : {};
    const whole = { file: c.file, fileText, offset: 0, text: fileText, role: 'up' };
    if (!sections.style && needsSections) {
        warnings.push({ file: c.file, message: `${c.file} has no ${convention === 'goose' ? '-- +goose Up' : '-- migrate:up'} marker; the whole file runs as its up migration` });
    }
    const s = c.info.scheme;
    const m = {
        identity: c.info.identity,
        version: s?.version ?? '',
        name: s?.name ?? c.info.identity,
        kind: s?.kind ?? 'versioned',
        orderKey: s?.orderKey ?? (0,order/* planKey */.vH)(0),
        checksum: (0,checksum/* checksum */.c)(fileText),
        textLength: fileText.length,
        file: c.file,
        scriptFiles: { ...(sections.down ? { down: c.file } : {}), ...(sections.verify ? { verify: c.file } : {}) },
        convention
    };
    (0,lazy/* defineLazy */.gJ)(m, 'up', () => {
        if (!sections.style)
            return parseOrProblem(whole, problems, force);
        checkPreamble(sections, problems);
        // Without an up section (already a problem), there is nothing to parse.
        if (!sections.up)
            return emptyScript({ ...whole, offset: fileText.length, text: '' });
        // goose and dbmate run an up section with no statements (only comments, or
        // StatementBegin/End around nothing) and record the migration as applied: so do we.
        const r = (0,script/* parseScriptSync */.GG)(sections.up, force);
        problems.push(...r.problems.filter((p) => p.code !== 'empty-migration'));
        return r.script;
    });
    const { down, verify } = sections;
    if (down)
        (0,lazy/* defineLazy */.gJ)(m, 'down', optionalParser(down, problems, force, { migration: m.identity }));
    if (verify)
        (0,lazy/* defineLazy */.gJ)(m, 'verify', optionalParser(verify, problems, undefined));
    return m;
}
/** SQL above the first section marker belongs to no section: dbmate and goose would skip it. */
function checkPreamble(sections, problems) {
    const pre = sections.preamble;
    if (!pre || !/\S/.test(pre.text))
        return;
    const parsed = (0,parser/* parseSql */.eg)(pre.text);
    if (parsed.ok && parsed.statements.length === 0)
        return;
    const index = parsed.ok ? parsed.statements[0].start : parsed.error.index;
    const position = (0,positions/* lineMapFor */.mh)(pre.fileText).position(index);
    problems.push({
        file: pre.file,
        position,
        code: 'sql-outside-section',
        message: `SQL at ${(0,positions/* formatPosition */.Ld)(pre.file, position)} comes before the first ${sections.style === 'goose' ? '-- +goose Up' : '-- migrate:up'} marker, so it belongs to no section`,
        hint: 'move it below the up marker'
    });
}
/**
 * Conventions whose tool keys its history on the version alone: a down file pairs with the
 * up of the same version whatever their titles (golang-migrate reads `30_add_x.up.sql`
 * and `30_drop_x.down.sql` as one migration), and two files may not share a version.
 */
const KEYED_ON_VERSION = new Set(['golang-migrate', 'goose', 'dbmate', 'supabase', 'flyway']);
/**
 * The version as the convention's own tool compares it: golang-migrate and goose parse it
 * as an integer (`007` is `7`), the Supabase CLI and dbmate keep the digits as written
 * (`20240101` and `20240101000000` are two versions), Flyway drops trailing zero parts.
 */
function toolVersion(convention, info) {
    const s = info.scheme;
    if (!s || s.kind !== 'versioned')
        return undefined;
    return convention === 'supabase' || convention === 'dbmate' ? s.version : s.versionKey;
}
/** What the convention's own tool does with two files of one version, and whether pgshift refuses. */
const DUPLICATE_VERSION = {
    flyway: { refuse: true, tool: 'Flyway versions must be unique (Flyway refuses to run)' },
    'golang-migrate': { refuse: true, tool: 'golang-migrate refuses two migration files with one version' },
    goose: { refuse: true, tool: 'goose refuses a version it finds twice' },
    dbmate: { refuse: true, tool: 'dbmate records only the version in schema_migrations, so it would apply one file and count the other as applied' },
    supabase: {
        refuse: true,
        tool: 'the Supabase CLI keys supabase_migrations.schema_migrations on the version: `supabase db push` fails on the second file (duplicate key), and its history can record only one of them'
    },
    numbered: { refuse: false, tool: '' },
    dated: { refuse: false, tool: '' }
};
/**
 * Two migrations with one version. Where the convention's tool keys on the version this
 * refuses the run (its history could not tell them apart, and the Supabase CLI's table
 * would disagree with ours); pgshift's own numbered and dated conventions record each file
 * by its full name and run them in name order, with a warning naming both.
 */
function duplicateVersions(migrations, convention, candidates, problems, warnings) {
    const infoOf = new Map(candidates.map((c) => [c.file, c.info]));
    const seen = new Map();
    for (const m of migrations) {
        const info = infoOf.get(m.file);
        const key = info ? toolVersion(convention, info) : undefined;
        if (key === undefined)
            continue;
        const other = seen.get(key);
        if (!other) {
            seen.set(key, m);
            continue;
        }
        const rule = DUPLICATE_VERSION[convention];
        // The Supabase CLI reads only `<digits>_name.sql`: a YYYY-MM-DD_ file has no version in its table.
        if (rule.refuse && !(convention === 'supabase' && !/^\d+$/.test(m.version))) {
            problems.push({
                file: m.file,
                code: 'duplicate-version',
                message: `${m.file} and ${other.file} share version ${m.version}; ${rule.tool}`,
                hint: 'give one of them the next free version (rename the file that is not applied yet)'
            });
        }
        else {
            const [a, b] = [other, m].sort((x, y) => (0,order/* compareText */.n6)(x.identity, y.identity));
            const why = convention === 'supabase'
                ? 'The Supabase CLI reads only <digits>_name.sql files, so neither is in its history; give each file its own version'
                : 'Tools that key on the version (the Supabase CLI, dbmate, goose, golang-migrate, Flyway) would refuse or skip one of them: give each file its own version';
            warnings.push({
                file: m.file,
                message: `${other.file} and ${m.file} share version ${m.version}; pgshift records each by its full name and runs ${a.identity} before ${b.identity}. ${why}`
            });
        }
    }
}
/** Pairs down and verify files with their up migration; orphans are named (a suffix-named orphan down refuses the run). */
function attachRoleFiles(candidates, migrations, convention, problems, warnings, eager) {
    const byIdentity = new Map(migrations.map((m) => [m.identity, m]));
    // Ups by the version their tool keys on; a version two ups share pairs nothing (already a problem).
    const byVersion = new Map();
    if (KEYED_ON_VERSION.has(convention)) {
        const infoOf = new Map(candidates.map((c) => [c.file, c.info]));
        for (const m of migrations) {
            const info = infoOf.get(m.file);
            const key = info && info.scheme?.shape !== 'flyway-repeatable' ? toolVersion(convention, info) : undefined;
            if (key !== undefined)
                byVersion.set(key, byVersion.has(key) ? null : m);
        }
    }
    const upName = (identity) => (convention === 'golang-migrate' ? `${identity}.up.sql` : `${identity}.sql`);
    const roleFiles = candidates.filter((c) => c.info.role !== 'up').sort((a, b) => (0,order/* compareText */.n6)(a.file, b.file));
    for (const c of roleFiles) {
        const role = c.info.role;
        const version = toolVersion(convention, c.info);
        const m = byIdentity.get(c.info.identity) ?? (version !== undefined ? byVersion.get(version) : undefined) ?? undefined;
        if (!m) {
            // A name suffix (_rollback, .down) on a file with no up may be a forward migration whose name
            // happens to end that way (007_add_rollback.sql): never skip it silently.
            const bySuffix = role === 'down' && c.info.roleMarker !== undefined && !c.info.roleMarker.endsWith('/') && c.info.scheme !== undefined;
            if (bySuffix) {
                problems.push({
                    file: c.file,
                    code: 'orphan-down',
                    message: `${c.file} is named like the down script of ${c.info.identity} (${c.info.roleMarker}), but there is no migration ${c.info.identity}`,
                    hint: `if it is a migration, rename it so it does not end in ${c.info.roleMarker}; if it is a down script, add its up ${upName(c.info.identity)} or delete it`
                });
                continue;
            }
            warnings.push({
                file: c.file,
                message: `${c.file} is a ${role} script (${c.info.roleMarker}) for ${c.info.identity}, but there is no migration ${c.info.identity}; it is not applied`
            });
            continue;
        }
        if (c.text === undefined)
            continue;
        const existing = m.scriptFiles[role];
        if (existing) {
            problems.push({
                file: c.file,
                code: `duplicate-${role}`,
                message: `${m.identity} has two ${role} scripts: ${existing} and ${c.file}`,
                hint: `keep one ${role} script per migration`
            });
            continue;
        }
        const source = { file: c.file, fileText: c.text, offset: 0, text: c.text, role };
        m.scriptFiles[role] = c.file;
        const parse = optionalParser(source, problems, undefined, role === 'down' ? { migration: m.identity } : undefined);
        let warned = false;
        (0,lazy/* defineLazy */.gJ)(m, role, () => {
            const script = parse();
            if (!script && !warned)
                warnings.push({ file: c.file, message: `${c.file} holds no SQL statements; ${m.identity} has no ${role} script` });
            warned = true;
            return script;
        });
        if (eager)
            void m[role];
    }
}

// EXTERNAL MODULE: ./src/source/preludes.ts
var source_preludes = __webpack_require__(8879);
// EXTERNAL MODULE: ./src/version.ts
var version = __webpack_require__(311);
// EXTERNAL MODULE: ./src/engine/exec-context.ts
var exec_context = __webpack_require__(7075);
// EXTERNAL MODULE: ./src/engine/steps/apply-pending.ts + 1 modules
var apply_pending = __webpack_require__(7464);
// EXTERNAL MODULE: ./src/engine/steps/backup.ts
var backup = __webpack_require__(4074);
// EXTERNAL MODULE: ./src/engine/steps/ensure-history.ts
var ensure_history = __webpack_require__(3475);
// EXTERNAL MODULE: ./src/engine/steps/lint-pending.ts + 9 modules
var lint_pending = __webpack_require__(3783);
// EXTERNAL MODULE: ./src/engine/steps/preludes.ts
var steps_preludes = __webpack_require__(8562);
// EXTERNAL MODULE: ./src/engine/steps/make-durable.ts
var make_durable = __webpack_require__(2060);
// EXTERNAL MODULE: ./src/engine/steps/plan.ts
var plan = __webpack_require__(919);
// EXTERNAL MODULE: ./src/engine/steps/run-hooks.ts
var run_hooks = __webpack_require__(2190);
// EXTERNAL MODULE: ./src/engine/steps/supabase-lint.ts + 2 modules
var supabase_lint = __webpack_require__(4599);
// EXTERNAL MODULE: ./src/engine/steps/test-rollback.ts
var test_rollback = __webpack_require__(6633);
;// CONCATENATED MODULE: ./src/engine/modes/apply.ts











async function applyMode(ctx) {
    // With a base (the PR check): the base phase, then the PR's own migrations judged alone.
    // (Loaded only then, as the schema snapshot is only with test-rollback: a deploy does not compile either.)
    if (ctx.pr)
        return (await Promise.all(/* import() */[__webpack_require__.e(24), __webpack_require__.e(418)]).then(__webpack_require__.bind(__webpack_require__, 418))).applyPrCheck(ctx);
    const p = (0,plan/* planPending */.nB)(ctx);
    const preludes = (0,steps_preludes/* planPreludeStep */.j7)(ctx);
    // lint: warn lints each file while the server runs one; every finding is in the report however the run ends.
    const lint = await (0,lint_pending/* lintAlongside */.Cx)(ctx, p);
    try {
        await applySteps(ctx, p, preludes, lint);
    }
    finally {
        lint?.finish();
    }
}
async function applySteps(ctx, p, preludes, lint) {
    // The backup comes first: when it fails, nothing (not even the history table) has changed.
    if (!p.summary.refusals.length && (p.toRun.length || preludes.length) && !(await (0,backup/* backupBeforeChanges */.B)(ctx)))
        return;
    await (0,ensure_history/* ensureHistory */.J0)(ctx);
    if ((0,plan/* blockOnRefusals */.mJ)(ctx.report, p))
        return;
    await (0,ensure_history/* adoptSupabaseHistory */.v7)(ctx);
    const exec = (0,exec_context/* execContext */.n)(ctx);
    // Preludes first: the Supabase lint's baseline and test-rollback's S0 come after them.
    const preludeFailed = await (0,steps_preludes/* runPreludes */.Kk)(ctx, exec, preludes);
    if (preludeFailed) {
        (0,apply_pending/* skipAll */.n)(ctx, p.toRun);
        await (0,make_durable/* makeRunDurable */.L)(ctx, 1, "this run's preludes");
        return (0,steps_preludes/* failOnPrelude */.Vk)(ctx, preludeFailed);
    }
    // The Supabase lint judges only what this run applies: with nothing to run, no baseline is read.
    const sbLint = p.toRun.length ? await (0,supabase_lint/* prepareSupabaseLint */.Zx)(ctx) : undefined;
    // test-rollback compares against the schema before this run's migrations (S0). On such an
    // ephemeral database the report also shows the locks each migration took.
    const s0 = ctx.settings.testRollback ? await (await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 9720))).snapshotBefore(ctx, exec) : undefined;
    const hookFailed = await (0,run_hooks/* runHook */.DB)(ctx, exec, 'beforeMigrate');
    if (hookFailed) {
        (0,apply_pending/* skipAll */.n)(ctx, p.toRun);
        return (0,run_hooks/* failOnHook */.bg)(ctx, hookFailed, 'No migration ran.');
    }
    const out = await (0,apply_pending/* applyPending */.Y)(ctx, lint ? { ...exec, whileWaiting: lint.step } : exec, p.toRun);
    ctx.report.pending = p.toRun.map((r) => r.migration.identity).filter((id) => !ctx.report.applied.includes(id));
    const afterFailed = out.failed || out.afterEachFailed ? undefined : await (0,run_hooks/* runHook */.DB)(ctx, exec, 'afterMigrate');
    // One synchronous commit makes this run's migrations and hooks durable before anything is reported.
    const n = ctx.report.applied.length;
    const durable = await (0,make_durable/* makeRunDurable */.L)(ctx, n + preludes.length, `this run's ${n} migration${n === 1 ? '' : 's'}, preludes and hooks`);
    if (!(await verdict(ctx, p, out, afterFailed, durable, s0)))
        return;
    // Only when this run changed the schema: a no-op deploy has nothing new to lint.
    if (sbLint && !out.failed && ctx.report.applied.length) {
        const ran = new Set(p.toRun.filter((r) => ctx.report.applied.includes(r.migration.identity)).map((r) => r.migration.up.source.file));
        await (0,supabase_lint/* runSupabaseLint */.dg)(ctx, sbLint, ran);
    }
}
/** Status and next step, after the rollback test when one was asked for; false when the run stops here (a hook failed, or durability was not confirmed). */
async function verdict(ctx, p, out, afterFailed, durable, s0) {
    const { report } = ctx;
    const { failed, afterEachFailed } = out;
    const n = report.applied.length;
    const kept = `The ${n} migration${n === 1 ? '' : 's'} applied by this run stay${n === 1 ? 's' : ''} applied and recorded.`;
    if (afterEachFailed) {
        (0,run_hooks/* failOnHook */.bg)(ctx, afterEachFailed, kept);
        return false;
    }
    if (afterFailed) {
        (0,run_hooks/* failOnHook */.bg)(ctx, afterFailed, kept);
        return false;
    }
    if (!durable && !failed)
        return false;
    if (failed) {
        report.status = 'failed';
        const kept = n ? ` ${n === 1 ? 'The 1 migration before it stays' : `The ${n} migrations before it stay`} applied and recorded.` : '';
        report.nextStep = `${failed.error?.next ?? report.error?.next ?? 'Fix the cause and rerun.'}${kept}`;
    }
    else if (s0 && !(await (0,test_rollback/* testRollback */.n)(ctx, p.toRun.map((r) => r.migration).filter((m) => report.applied.includes(m.identity)), s0))) {
        report.status = 'failed';
        report.nextStep = 'The migrations applied, but the rollback test failed: fix the down scripts named above so that up, down, up leaves the same schema.';
    }
    else if (n || report.preludes?.some((x) => x.status === 'ran')) {
        report.status = 'success';
        report.nextStep = `A rerun applies nothing: all migrations${report.preludes?.length ? ' and preludes' : ''} are recorded in ${report.historyTable}.${s0 ? ' The rollback test passed: up, down, up left the same schema.' : ''}`;
    }
    else {
        report.status = 'nothing-to-do';
        report.nextStep = `Nothing to apply: all migrations are recorded in ${report.historyTable}.`;
    }
    return true;
}

;// CONCATENATED MODULE: ./src/engine/modes/context.ts
/** Modes that change the database (or could, like dry-run on a kept database) hold the run lock. */
const LOCKING_MODES = ['apply', 'dry-run', 'rollback'];

// EXTERNAL MODULE: ./src/engine/pr-split.ts
var pr_split = __webpack_require__(6767);
;// CONCATENATED MODULE: ./src/engine/modes/plan.ts
// plan: read-only. Files x history, the resolved order, and what apply would run.




async function planMode(ctx) {
    const { report, found } = ctx;
    const p = (0,plan/* planPending */.nB)(ctx);
    const preludes = (0,steps_preludes/* planPreludeStep */.j7)(ctx).map((r) => r.migration.file);
    if (ctx.pr)
        (0,pr_split/* markOrigins */.jq)(report, ctx.pr);
    await (0,lint_pending/* lintPending */.Di)(ctx, p);
    const runs = p.toRun.map((r) => r.migration.identity);
    const first = preludes.length ? `the prelude${preludes.length === 1 ? '' : 's'} ${preludes.join(', ')}, then ` : '';
    if (p.summary.refusals.length) {
        report.status = 'blocked';
        report.nextStep = 'apply would refuse to run: resolve the refusals above (or set the named allow-* input).';
    }
    else if (runs.length || preludes.length) {
        report.status = 'success';
        report.nextStep = `apply would run ${first}${runs.length} migration${runs.length === 1 ? '' : 's'}${runs.length ? `, in this order: ${runs.join(', ')}` : ''}.`;
    }
    else {
        report.status = 'nothing-to-do';
        report.nextStep = `Nothing to apply: all ${found.migrations.length} migrations are recorded in ${report.historyTable}.`;
    }
}

// EXTERNAL MODULE: ./src/engine/parse-needed.ts
var parse_needed = __webpack_require__(9183);
// EXTERNAL MODULE: ./src/engine/plan.ts
var engine_plan = __webpack_require__(955);
// EXTERNAL MODULE: ./src/db/counting-query.ts
var counting_query = __webpack_require__(6136);
// EXTERNAL MODULE: ./src/supabase/extensions.ts
var extensions = __webpack_require__(2);
;// CONCATENATED MODULE: ./src/supabase/prepare.ts



const MODES_WITH_PENDING = ['plan', 'dry-run', 'apply'];
async function prepareSupabase(client, settings, found, history, serverVersion) {
    const step = {};
    // The plan of every migration is read only where there is a pending set (a rollback or a
    // verify without the shim has none: at 1,000 applied files, ~20 ms of CPU not spent).
    const withPending = MODES_WITH_PENDING.includes(settings.mode);
    // Without the shim only the pending ups matter, and what runs is a subset of the files not
    // applied with their current checksum: when there are none (a deploy with nothing to do),
    // there is no plan to build here (the mode builds its own).
    if (!settings.supabaseShim && !mayRunAny(found, history))
        return step;
    const p = withPending || settings.supabaseShim ? (0,engine_plan/* plan */.et)(found.migrations, history, settings) : undefined;
    // The pending ups are parsed already (engine/parse-needed.ts); applied files are not.
    const pending = withPending && p ? p.toRun.map((r) => r.migration.up) : [];
    const uses = (0,extensions/* createdExtensions */.Fu)(pending);
    // Without the shim and without an extension statement to run there is nothing to do.
    if (!settings.supabaseShim && uses.length === 0)
        return step;
    const extMode = settings.supabaseShim ? settings.supabaseShimExtensions : 'no-shim';
    // Stubbing blanks extension statements in every up and down (a later rollback runs the downs):
    // on the shim's ephemeral databases every file is parsed.
    let mentioned = new Set();
    if (extMode === 'stub') {
        await (0,parser/* ensureParser */._U)();
        const allScripts = found.migrations.flatMap((m) => [m.up, m.down].filter((x) => x !== undefined));
        mentioned = new Set(allScripts.flatMap((s) => s.statements.flatMap(extensions/* extensionOf */.je)));
    }
    // 1. Extensions.
    const available = uses.length || (extMode === 'stub' && mentioned.size) ? await (0,extensions/* availableExtensions */.sM)(client) : new Set();
    const check = (0,extensions/* checkExtensions */.$X)(uses, available, extMode);
    if (check.missing.length) {
        step.refusal = (0,extensions/* missingExtensionsMessage */.gx)(check.missing, extMode, serverVersion);
        return step;
    }
    if (extMode === 'stub') {
        const lacking = new Set([...mentioned].filter((n) => n in extensions/* STUBBED_EXTENSIONS */.Vn && !available.has(n)));
        if (lacking.size)
            (0,extensions/* stubExtensionStatements */.kb)(found.migrations, lacking);
    }
    if (!settings.supabaseShim)
        return step;
    if (!MODES_WITH_PENDING.includes(settings.mode)) {
        // Nothing to plan against this database (it may well be the real Supabase). verify's
        // expected-database-url build is an apply, so the shim does run there.
        step.line = `not run: ${settings.mode} ${settings.mode === 'verify' ? 'is read-only' : 'works on objects that already exist'}`;
        return step;
    }
    // 2. The shim. It decides from the catalogs and from every migration file, applied ones
    // included: on a rerun, the auth.users an applied migration created is still the
    // migrations' own, and the shim must not build auth.identities on top of it.
    await (0,parser/* ensureParser */._U)();
    // The shim's SQL and planner are loaded only by a run that has the shim on.
    const { inspectShim, planShim, SESSION_SEARCH_PATH_SQL, shimLine, shimScript } = await __webpack_require__.e(/* import() */ 257).then(__webpack_require__.bind(__webpack_require__, 2257));
    const shim = planShim(await inspectShim(client), [...(found.preludes ?? []), ...found.migrations].map((m) => m.up), check.stubbed);
    step.shim = shim;
    if (shim.refusal) {
        step.refusal = shim.refusal;
        return step;
    }
    const session = shim.setsSearchPath ? SESSION_SEARCH_PATH_SQL : undefined;
    switch (settings.mode) {
        case 'apply':
            // A refused plan (drift, missing files) changes nothing, the shim included.
            if (p?.summary.refusals.length) {
                step.line = 'not run: the run is refused';
                break;
            }
            step.line = shimLine(shim, 'created');
            if (shim.statements.length)
                step.commitSql = shimScript(shim);
            step.sessionSql = session;
            break;
        case 'dry-run':
            step.line = shimLine(shim, 'created inside the preview (rolled back)');
            if (shim.statements.length)
                step.previewSql = `${shimScript(shim)}${session ? `\n${session};` : ''}`;
            step.sessionSql = session;
            break;
        default:
            step.line = `${shimLine(shim, 'would create')} (plan is read-only: apply and dry-run run the shim)`;
    }
    return step;
}
/** True when some file is not in history as applied with its current checksum (only such a file can run). */
function mayRunAny(found, history) {
    const applied = new Map(history.filter((r) => r.status === 'applied').map((r) => [r.identity, r.checksum]));
    return found.migrations.some((m) => applied.get(m.identity) !== m.checksum);
}

;// CONCATENATED MODULE: ./src/engine/steps/supabase-shim.ts





/** An error of the shim, with where it points (the migration file that made the object it collided with). */
class ShimError extends Error {
    mapped;
    code;
    constructor(mapped, code) {
        super(mapped.message);
        this.mapped = mapped;
        this.code = code;
        this.name = 'ShimError';
    }
    get next() {
        return this.mapped.next;
    }
}
/** The Supabase step; undefined when the run stops here (the report says why). Throws a ShimError when the shim fails. */
async function supabaseStep(client, settings, found, history, report, log) {
    const step = await prepareSupabase(client, settings, found, history, report.serverVersion ?? '');
    if (step.line)
        log.info(`supabase-shim: ${step.line}`);
    if (step.refusal) {
        if (step.line)
            report.supabaseShim = step.line;
        (0,plan/* fillFromPlan */.Nx)(report, (0,engine_plan/* plan */.et)(found.migrations, history, settings));
        report.status = 'blocked';
        report.error = { message: step.refusal.message, next: step.refusal.next };
        report.nextStep = step.refusal.next;
        return undefined;
    }
    if (step.commitSql && step.shim) {
        // The search_path set on the database reaches new sessions only: set it on this one too.
        const r = await (0,counting_query/* queryCountingStatements */.s)(client, `BEGIN;${step.commitSql}\nCOMMIT;${step.sessionSql ?? ''}`);
        if (r.error) {
            await client.query('ROLLBACK').catch(() => { });
            report.supabaseShim = `failed, and its transaction rolled back: created nothing (it was to create ${step.shim.creates.join(', ') || 'grants'})`;
            (0,plan/* fillFromPlan */.Nx)(report, (0,engine_plan/* plan */.et)(found.migrations, history, settings));
            // completed counts BEGIN: the failing shim statement is the next one.
            const failed = step.shim.statements[r.completed - 1];
            throw new ShimError(await shimFailure(client, r.error, failed, found), errorCode(r.error));
        }
    }
    if (step.line)
        report.supabaseShim = step.line;
    return { sessionSql: step.sessionSql, previewSql: step.previewSql };
}
const errorCode = (e) => e?.code;
const SHIM_SCHEMAS = ['auth', 'storage', 'realtime', 'supabase_functions', 'extensions'];
/**
 * What the user needs to know: the server's error, the shim statement, the
 * migration that made the object the shim collided with (file:line:col), and the
 * fix that fits the login role: only a role that is not a superuser is told it
 * lacks the rights.
 */
async function shimFailure(client, e, statement, found) {
    const err = e;
    const superuser = await client
        .query('SELECT rolsuper AS s FROM pg_catalog.pg_roles WHERE rolname = current_user')
        .then((x) => Boolean(x.rows[0]?.s))
        .catch(() => false);
    const schema = statement ? SHIM_SCHEMAS.find((s) => new RegExp(`\\b${s}\\.|SCHEMA (IF NOT EXISTS )?${s}\\b`, 'i').test(statement)) : undefined;
    const maker = schema ? firstStatementIn(found, schema) : undefined;
    const parts = ['Nothing was changed: the supabase-shim transaction rolled back before any migration ran.'];
    if (err.code === '42501' && !superuser) {
        parts.push('The login role is not a superuser, and the shim creates roles, schemas and extensions: run it as a superuser (as on an ephemeral service container).');
    }
    else if (maker) {
        parts.push(`A migration makes ${schema} objects itself (${(0,positions/* formatPosition */.Ld)(maker.file, maker.position)}), with objects the shim's do not match. The shim steps aside for a unit a migration creates without IF NOT EXISTS; here it could not tell. If these migrations bring their own Supabase stand-in, turn supabase-shim off for this directory, or create the whole unit in the migrations (${schema} with all its tables).`);
    }
    else {
        parts.push('An object the shim creates exists in another shape (made by hand, a hook or another tool?): drop it on this ephemeral database, or turn supabase-shim off.');
    }
    return {
        message: `supabase-shim failed: ${err.message ?? String(e)}`,
        ...(err.code ? { sqlstate: err.code } : {}),
        ...(err.detail ? { detail: err.detail } : {}),
        ...(err.hint ? { hint: err.hint } : {}),
        ...(statement ? { statement: statement.length > 300 ? `${statement.slice(0, 300)}…` : statement } : {}),
        ...(maker ? { file: maker.file, position: maker.position } : {}),
        next: parts.join(' ')
    };
}
/** The first statement, in run order, of a migration that creates schema `schema` or a table in it. */
function firstStatementIn(found, schema) {
    for (const m of found.migrations) {
        for (const s of m.up.statements) {
            const rel = s.node.relation;
            const makes = (s.kind === 'CreateSchemaStmt' && s.node.schemaname === schema) || (s.kind === 'CreateStmt' && rel?.schemaname === schema);
            if (makes)
                return { file: m.up.source.file, position: s.position };
        }
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/engine/steps/load-base.ts


/** Modes a base applies to: the PR check's. */
const BASE_MODES = ['apply', 'dry-run', 'plan'];
/** What to add to the workflow when neither git nor the API could give the base. */
const BASE_WORKFLOW_FIX = 'Add `fetch-depth: 0` to the actions/checkout step (or keep the default depth 1 and leave `persist-credentials` on, so pgshift can fetch the one base commit), or give the job `permissions: pull-requests: read` so pgshift can read the PR files API with the default github-token. To check every migration as one set instead, set base: off.';
/** The base ref this run uses, or undefined (no PR check: every migration is one set, as before). */
function baseRef(settings, pr) {
    if (!BASE_MODES.includes(settings.mode) || settings.base === 'off')
        return undefined;
    if (settings.base === 'auto')
        return pr?.baseSha;
    return settings.base;
}
async function loadBase(settings, found, pr, log) {
    const ref = baseRef(settings, pr);
    const out = { problems: [], warnings: [] };
    if (!ref)
        return out;
    // git (node:child_process) is loaded only by a run that has a base to read.
    const git = await __webpack_require__.e(/* import() */ 339).then(__webpack_require__.bind(__webpack_require__, 2339));
    let base;
    let gitFailure;
    try {
        const tree = await git.readGitBase({ workspace: settings.workspace, ref, dir: found.dir });
        try {
            const baseFound = await discover({ workspace: tree.workspace, dir: found.dir, convention: found.convention, parse: 'lazy' });
            const how = tree.fetched ? `git, base commit fetched with \`git fetch --depth=1 origin ${ref}\`` : 'git';
            base = { kind: 'git', sha: tree.sha, how, migrations: baseFound.migrations, numstat: tree.numstat };
            for (const p of baseFound.problems)
                out.warnings.push({ file: p.file, message: `in the base commit ${tree.sha.slice(0, 12)}: ${p.message}` });
        }
        finally {
            tree.cleanup();
        }
    }
    catch (e) {
        if (!(e instanceof git.GitBaseError))
            throw e;
        gitFailure = e;
        // base: auto outside a git checkout (no actions/checkout): no PR check, as before.
        if (settings.base === 'auto' && /is not a git checkout/.test(e.message)) {
            log.info(`base: auto: ${e.message}; every migration is checked as one set (as with base: off)`);
            return out;
        }
    }
    if (!base && gitFailure && pr?.changedFiles) {
        try {
            const dir = found.dir === '.' ? '' : `${found.dir.replace(/\/+$/, '')}/`;
            const changed = (await pr.changedFiles()).filter((c) => c.path.startsWith(dir) || (c.previousPath ?? '').startsWith(dir));
            base = { kind: 'api', sha: ref, how: 'the PR files API (git could not provide the base commit)', changed };
            const message = `git could not provide the base commit ${ref} (${gitFailure.message}; ${gitFailure.tried.join('; ')}), so the PR's files came from the PR files API: the base phase applies the base's migrations as they are in this checkout. For the exact base, add \`fetch-depth: 0\` to the actions/checkout step, or keep its persisted credentials so pgshift can fetch the base commit.`;
            out.warnings.push({ file: '', message });
            log.warn(message, { reported: true });
        }
        catch (e) {
            gitFailure.tried.push(`GET /repos/{owner}/{repo}/pulls/{number}/files: ${e.message}`);
        }
    }
    if (!base) {
        out.problems.push({
            file: found.dir,
            code: 'base-unavailable',
            message: `pgshift could not read the PR's base ${ref}: ${gitFailure?.message ?? 'unknown'}${gitFailure?.tried.length ? ` (tried: ${gitFailure.tried.join('; ')})` : ''}`,
            hint: BASE_WORKFLOW_FIX
        });
        return out;
    }
    const r = (0,pr_split/* splitPr */.NQ)(found.migrations, base, settings);
    out.split = r.split;
    out.problems.push(...r.problems);
    out.warnings.push(...r.warnings);
    log.info(`base ${r.split.sha.slice(0, 12)} (from ${r.split.how}): ${r.split.base.length} base migration${r.split.base.length === 1 ? '' : 's'}, ${r.split.pr.length} in this PR`);
    return out;
}

// EXTERNAL MODULE: ./src/engine/report.ts
var engine_report = __webpack_require__(594);
// EXTERNAL MODULE: ./src/engine/supabase-history.ts
var supabase_history = __webpack_require__(5647);
;// CONCATENATED MODULE: ./src/engine/run.ts
// The engine's entry point, shared by the action and the CLI: settings in, one
// RunReport out. It never throws for a failed run: every failure becomes a status
// and an error in the report (the kysely "never throws" shape), so every renderer
// sees the same facts.
























/** `SET search_path TO "a", "b"` for the search-path input; undefined when it is empty. */
function searchPathSql(schemas) {
    return schemas.length ? `SET search_path TO ${schemas.map((s) => (0,esm/* escapeIdentifier */.F)(s)).join(', ')}` : undefined;
}
/**
 * Each mode fills the report from a prepared session. plan and apply (a deploy with
 * nothing to do is one of them) are in the main chunk; the others are loaded by the run
 * that uses them, so a deploy does not compile them (docs/BENCHMARKS.md, issue 17).
 */
const MODES = {
    plan: planMode,
    apply: applyMode,
    'dry-run': async (ctx) => (await Promise.all(/* import() */[__webpack_require__.e(24), __webpack_require__.e(108)]).then(__webpack_require__.bind(__webpack_require__, 6108))).dryRunMode(ctx),
    verify: async (ctx) => (await __webpack_require__.e(/* import() */ 3).then(__webpack_require__.bind(__webpack_require__, 1003))).verifyMode(ctx),
    rollback: async (ctx) => (await Promise.all(/* import() */[__webpack_require__.e(24), __webpack_require__.e(717)]).then(__webpack_require__.bind(__webpack_require__, 2717))).rollbackMode(ctx)
};
/** `applied in 120 ms (elapsed 4.2 s)`. */
function progressText(p) {
    return `${p.verb} in ${Math.round(p.durationMs)} ms (elapsed ${(p.elapsedMs / 1000).toFixed(1)} s)`;
}
/** An empty report for `settings`; a run (or a refusal before one) fills it. */
function newReport(settings) {
    return {
        tool: 'pgshift',
        version: version/* VERSION */.x,
        mode: settings.mode,
        status: 'failed',
        target: '(not connected)',
        migrationsDir: settings.migrationsDir,
        convention: settings.convention,
        conventionNote: '',
        historyTable: (0,db_history/* historyTableName */.k2)(settings.historySchema),
        startedAt: new Date().toISOString(),
        durationMs: 0,
        migrations: [],
        plan: { pending: [], applied: [], drifted: [], missing: [], outOfOrder: [], changedRepeatables: [], partial: [], refusals: [] },
        applied: [],
        pending: [],
        warnings: [],
        problems: [],
        nextStep: ''
    };
}
/** Any thrown error as a report error; ConnectionError and LockNotAcquired carry their own advice. */
function toMappedError(e) {
    if (e instanceof ShimError)
        return e.mapped;
    if (e instanceof LockNotAcquired) {
        return {
            message: e.message,
            next: 'Nothing was changed. Another pgshift run is migrating this database: let it finish, then rerun; add `concurrency:` to the workflow so deploys queue, or raise lock-wait.'
        };
    }
    const err = e;
    return {
        message: err?.message ?? String(e),
        sqlstate: typeof err?.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code) ? err.code : undefined,
        next: err?.next ?? 'Nothing was changed by this run. Fix the cause above and rerun.'
    };
}
/** Which runs need a down script before the mode starts: test-rollback runs the downs of what it applies (a rollback decides later, for its range). */
const needsDownOf = (settings) => (settings.mode === 'apply' && settings.testRollback ? () => true : () => false);
async function runPgshift(input, ctx) {
    // The fleet modes run in src/fleet/ (which calls this for each target); they never get here.
    const settings = (0,src_settings/* engineSettings */.O3)(input);
    const t0 = performance.now();
    const report = newReport(settings);
    const log = ctx.logger;
    const opened = [];
    let client;
    let lockClient;
    let earlyLock;
    let holdingLock = false;
    let lockLost = false;
    let runLock;
    const key = lockKey(settings.historySchema);
    let cancelled = false;
    let found;
    let parsed = false;
    let modeCtx;
    const onAbort = () => {
        cancelled = true;
        log.warn('Cancel requested: cancelling the running statement on the server; the current migration rolls back.');
        // The backend pid read at connect: behind a pooler, the protocol's process id is the pooler's.
        // A mode may have replaced the migration connection (after a lost one): cancel on the current one.
        const current = modeCtx?.client ?? client;
        const pid = current ? (0,connect/* backendPid */.Qf)(current) : undefined;
        if (lockClient && pid !== undefined)
            void (0,connect/* cancelBackend */.hU)(lockClient, pid).catch(() => { });
    };
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    try {
        // 1. Source: names, encodings, duplicates and pairing are checked before connecting.
        // Files are read and hashed here; they are parsed once history says which may run (step 4).
        found = await discover({ workspace: settings.workspace, dir: settings.migrationsDir, convention: settings.convention, parse: 'lazy' });
        report.migrationsDir = found.dir;
        report.convention = found.convention;
        report.conventionNote = found.conventionNote;
        // The same array as discovery's: parsing adds to it later (e.g. an empty down file).
        report.warnings = found.warnings;
        report.warnings.push(...(0,connect/* tlsEnvironmentWarnings */.IG)().map((message) => ({ file: '', message })));
        report.problems = found.problems;
        // Preludes (DESIGN 5): read and hashed now; their problems refuse the run like a migration's.
        const preludes = await (0,source_preludes/* discoverPreludes */.sl)(settings.workspace, settings.preludeDirs, found.problems);
        if (settings.preludeDirs.length)
            found.preludes = preludes.preludes;
        found.warnings.push(...preludes.warnings);
        // Worded as the report's `migrations:` line, not discovery's raw note (`auto: detected …`).
        log.info(`migrations: ${found.dir} (${(0,engine_report/* conventionLine */.G)(found.convention, found.conventionNote)}): ${found.migrations.length} migration${found.migrations.length === 1 ? '' : 's'}`);
        // What the files say, before anything can fail: a connection or lock failure still lists them.
        report.migrations = found.migrations.map((m) => (0,engine_plan/* baseResult */.RK)(m));
        report.pending = found.migrations.map((m) => m.identity);
        if (found.problems.length) {
            // All source problems in one pass: the syntax errors of every file join the naming,
            // pairing and duplicate problems, so fixing these reveals no new batch.
            await (0,parse_needed/* parseEverything */.Fu)(found);
            (0,parse_needed/* settleDownProblems */.e9)(report, found, needsDownOf(settings));
        }
        if (found.problems.length) {
            report.nextStep = `Nothing was sent to the database. Fix the ${found.problems.length === 1 ? 'problem' : `${found.problems.length} problems`} above, then rerun.`;
            return report;
        }
        // 1b. The PR check's base (issue 15): the base's migrations and the PR's own, and
        // what the PR gets wrong about history, before connecting.
        const base = await loadBase(settings, found, ctx.pr, log);
        report.warnings.push(...base.warnings);
        const pr = base.split;
        if (pr) {
            (0,pr_split/* markOrigins */.jq)(report, pr);
            report.prCheck = {
                base: pr.sha,
                from: pr.how,
                database: 'ephemeral',
                prMigrations: pr.pr.map((m) => m.identity),
                basePhase: { total: pr.base.length, ran: 0, alreadyApplied: 0, durationMs: 0 }
            };
        }
        if (base.problems.length) {
            report.problems.push(...base.problems);
            report.nextStep = `Nothing was sent to the database. Fix the ${base.problems.length === 1 ? 'problem' : `${base.problems.length} problems`} above, then rerun.`;
            return report;
        }
        // 2. Connection.
        const target = (0,url/* parseDatabaseUrl */.mx)(settings.databaseUrl);
        report.target = target.display;
        const ephemeral = (0,policy/* ephemeralReason */.yu)(settings, target);
        report.database = ephemeral ? { kind: 'ephemeral', reason: ephemeral } : { kind: 'kept' };
        for (const message of (0,url/* supabaseNetworkWarnings */.s8)(target)) {
            report.warnings.push({ file: '', message });
            log.warn(message, { reported: true });
        }
        const pathSql = searchPathSql(settings.searchPath);
        const open = async (t = target) => {
            const c = await (0,connect/* connect */.Ng)(t, {
                connectTimeoutMs: settings.connectTimeoutMs,
                signal: ctx.signal,
                onRetry: (attempt, reason) => log.info(`waiting for ${t.display} (attempt ${attempt}): ${reason}`)
            });
            opened.push(c);
            // A tenant schema's run (src/fleet/schemas.ts): its objects resolve in that schema.
            if (pathSql)
                await c.query(pathSql);
            return c;
        };
        // A mode that takes the run lock needs a second connection: it is opened alongside the
        // first (one connect's latency instead of two: startup, TLS, SCRAM are several round
        // trips each). One attempt, no retry messages; if it fails, it is opened again below
        // once the first connection is up (which did the waiting and reports any failure).
        if (LOCKING_MODES.includes(settings.mode)) {
            earlyLock = (0,connect/* connect */.Ng)(target, { connectTimeoutMs: 0, signal: ctx.signal }).then(async (c) => {
                if (!pathSql)
                    return c;
                try {
                    await c.query(pathSql);
                    return c;
                }
                catch {
                    await c.end().catch(() => { });
                    return undefined;
                }
            }, () => undefined);
        }
        client = await open();
        report.serverVersion = (await (0,connect/* serverVersion */.qh)(client)).text;
        // 3. The lock, then history.
        if (LOCKING_MODES.includes(settings.mode)) {
            const early = await earlyLock;
            if (early)
                opened.push(early);
            const readOnly = await (0,connect/* readOnlyReason */.Lw)(client);
            if (readOnly)
                throw readOnly;
            lockClient = early ?? (await open());
            lockClient.on('error', () => (lockLost = true));
            lockClient.on('end', () => (lockLost = true));
            // Before the lock: a transaction pooler on any port or URL is refused (db/pooler.ts).
            await refuseTransactionPooler(target, client, lockClient);
            runLock = await acquireRunLock(lockClient, key, settings.lockWaitMs, (holders) => log.info(`waiting up to ${seconds(settings.lockWaitMs)} for another runner (pid ${holders.map((h) => h.pid).join(', ') || '?'}) to finish`), () => cancelled);
            holdingLock = true;
            // The lock statement's backend must be the lock connection's own (db/pooler.ts).
            const moved = lockConnectionMoved(lockClient, runLock.holderPid);
            if (moved)
                throw (0,url/* transactionPoolerError */.K4)(target, `${moved}, which only a transaction-mode pooler does`);
        }
        // Prelude rows are kept apart: no mode ever counts them as migrations (pending, missing, rolled back).
        const rows = (0,source_preludes/* splitPreludeRows */.PF)(await (0,ensure_history/* historyStep */.RA)(() => (0,db_history/* readHistory */.Lu)(client, settings.historySchema), settings.historySchema));
        let history = rows.migrations;
        // The PR check's heading names the database: one whose history was empty before this run is a throwaway.
        if (report.prCheck && history.length)
            report.prCheck.database = 'kept';
        // The Supabase CLI's history (DESIGN 8): its versions count as applied.
        let supabase;
        const reason = await (0,supabase_history/* supabaseHistoryReason */.rL)(settings, found, client);
        if (reason) {
            // Adopting the CLI's rows compares statements: the files it names are parsed.
            await (0,parser/* ensureParser */._U)();
            supabase = await (0,supabase_history/* loadSupabaseHistory */.tI)(reason, client, found, history);
            history = (0,supabase_history/* mergedHistory */.Xy)(history, supabase);
            report.warnings.push(...supabase.warnings);
            report.supabaseHistory = { reason, table: 'supabase_migrations.schema_migrations', adopted: supabase.adopted.map((m) => m.identity), backfilled: supabase.backfill.map((m) => m.identity) };
            log.info(`Supabase CLI history kept (${reason}): ${supabase.rows.length} rows, ${supabase.adopted.length} adopted`);
        }
        // 4. Parse what may run; a syntax error refuses the run before anything changes.
        await (0,parse_needed/* parseWhatMayRun */.AB)(found, history, settings.mode, settings.testRollback);
        await (0,steps_preludes/* parsePendingPreludes */.RW)(found, rows.preludes, settings.mode);
        parsed = true;
        if ((0,parse_needed/* refusedForSourceProblems */.jC)(report, found, needsDownOf(settings)))
            return report;
        // 5. Supabase: extensions the server lacks, and supabase-shim (steps/supabase-shim.ts).
        const shim = await supabaseStep(client, settings, found, history, report, log);
        if (!shim)
            return report;
        // 6. The mode.
        modeCtx = {
            settings,
            run: ctx,
            log,
            report,
            found,
            target,
            client,
            history,
            preludeHistory: rows.preludes,
            historyTableExists: rows.migrations.length + rows.preludes.length > 0,
            supabase,
            connect: open,
            isCancelled: () => cancelled,
            isLockLost: () => lockLost,
            runLock,
            // Re-run after each migration's RESET ALL; the search-path input comes last, so it wins.
            sessionSql: [shim.sessionSql, pathSql].filter(Boolean).join(';') || undefined,
            previewSetupSql: shim.previewSql,
            pr
        };
        await MODES[settings.mode](modeCtx);
        return report;
    }
    catch (e) {
        // Failed before history said what may run (no connection, no lock): parse every file,
        // so the report still names the syntax errors the fix will have to deal with too.
        if (found && !parsed) {
            await (0,parse_needed/* parseEverything */.Fu)(found).catch(() => { });
            (0,parse_needed/* settleDownProblems */.e9)(report, found, needsDownOf(settings));
        }
        report.error = toMappedError(e);
        report.status = e instanceof LockNotAcquired ? 'blocked' : 'failed';
        report.nextStep = report.error.next;
        return report;
    }
    finally {
        ctx.signal?.removeEventListener('abort', onAbort);
        if (holdingLock && lockClient)
            await releaseRunLock(lockClient).catch(() => { });
        // The early lock connection of a run that failed before using it.
        const early = await earlyLock;
        if (early && !opened.includes(early))
            opened.push(early);
        for (const c of opened.reverse())
            await c.end().catch(() => { });
        report.durationMs = Math.round(performance.now() - t0);
    }
}


/***/ }),

/***/ 7464:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Y: () => (/* binding */ applyPending),
  n: () => (/* binding */ skipAll)
});

// EXTERNAL MODULE: ./src/engine/executor.ts
var executor = __webpack_require__(8493);
// EXTERNAL MODULE: ./src/engine/heartbeat.ts
var heartbeat = __webpack_require__(3998);
// EXTERNAL MODULE: ./src/engine/steps/backup.ts
var backup = __webpack_require__(4074);
// EXTERNAL MODULE: ./src/engine/steps/reconcile-lost-connection.ts
var reconcile_lost_connection = __webpack_require__(4318);
// EXTERNAL MODULE: ./src/db/rollback-log.ts
var rollback_log = __webpack_require__(6819);
// EXTERNAL MODULE: ./src/source/checksum.ts
var checksum = __webpack_require__(1882);
;// CONCATENATED MODULE: ./src/engine/steps/rollback-advice.ts
// rollback advice: a migration that fails on "already exists" after a rollback of
// it was recorded (db/rollback-log.ts) is not a case of an object made by hand:
// the down that ran left the object behind. The advice names that down, when it
// ran and in which run, and whether the down in this commit is still that one
// (the record's checksum), instead of guessing.


/** duplicate_table, duplicate_object, duplicate_function. */
const ALREADY_EXISTS = new Set(['42P07', '42710', '42723']);
/** `relation "audit_log"` out of `relation "audit_log" already exists`; undefined when the message has another form. */
function objectInMessage(message) {
    const m = /^(.*?) already exists\b/.exec(message);
    return m?.[1]?.trim() || undefined;
}
/** Replaces error.next when history records a rollback of `m`. */
async function adviseAfterRollback(ctx, m, error) {
    if (!error?.sqlstate || !ALREADY_EXISTS.has(error.sqlstate))
        return;
    const record = await (0,rollback_log/* lastRollback */.Hp)(ctx.client, ctx.settings.historySchema, m.identity);
    if (!record)
        return;
    const object = objectInMessage(error.message) ?? 'the object named above';
    const run = record.runUrl ? ` (${record.runUrl})` : record.actor ? ` (by ${record.actor})` : '';
    const down = downNow(m, record.downChecksum);
    const fix = down.state === 'unchanged'
        ? `${down.file} is unchanged since that rollback (its checksum is the one recorded), so it still does not drop ${object}. Drop ${object} (or fix ${down.file} so that it drops it, and drop it once by hand), then rerun.`
        : down.state === 'changed'
            ? `${down.file} has changed since that rollback (its checksum is not the one recorded): the down that ran is not the one in this commit, so check that this one drops ${object}. Drop ${object} once by hand, then rerun.`
            : `${m.identity} has no down script in this commit any more, so nothing will drop ${object} on a rollback. Drop ${object} once by hand, then rerun.`;
    error.next =
        `History records that ${m.identity} was rolled back at ${record.rolledBackAt}${run} by ${record.downScript}, and that down did not drop ${object}, so it is incomplete (recorded in ${(0,rollback_log/* rollbackLogName */.SN)(ctx.settings.historySchema)}). ` +
            `${fix} Nothing of ${error.file ?? m.file} was kept, so a rerun starts again at this file.`;
}
/**
 * The down script in this commit against the one the rollback ran: the record holds
 * its checksum (computed as the executor does, over the down's own text: a file, or
 * a dbmate/goose section). Read on this failure only; the parser is loaded (the up ran).
 */
function downNow(m, recorded) {
    let down;
    try {
        down = m.down;
    }
    catch {
        down = undefined;
    }
    if (!down)
        return { state: 'none' };
    return { state: (0,checksum/* checksum */.c)(down.source.text) === recorded ? 'unchanged' : 'changed', file: down.source.file };
}

// EXTERNAL MODULE: ./src/engine/steps/run-hooks.ts
var run_hooks = __webpack_require__(2190);
;// CONCATENATED MODULE: ./src/engine/steps/apply-pending.ts
// apply pending: the planned migrations in order, each in its own log group and
// transaction (or statement by statement), stopping at the first failure. A safety
// copy precedes each script that destroys rows; afterEachMigrate runs after each
// one that applied. What did not run is marked skipped.






/** Marks every run as skipped (a hook failed before the first one). */
function skipAll(ctx, runs) {
    const byIdentity = new Map(ctx.report.migrations.map((r) => [r.identity, r]));
    for (const run of runs)
        byIdentity.get(run.migration.identity).status = 'skipped';
}
/** quiet: no log group and no progress line per migration (the PR check's base phase is one line). */
async function applyPending(ctx, exec, runs, opts = {}) {
    const { report, log } = ctx;
    const byIdentity = new Map(report.migrations.map((r) => [r.identity, r]));
    const total = runs.length;
    let failed;
    let afterEachFailed;
    const started = performance.now();
    for (const [k, run] of runs.entries()) {
        const result = byIdentity.get(run.migration.identity);
        if (failed || afterEachFailed || ctx.isCancelled()) {
            result.status = 'skipped';
            continue;
        }
        if (ctx.isLockLost()) {
            failed = result;
            result.status = 'skipped';
            report.error = { message: 'lost the lock connection: another runner may now start', next: 'Nothing more was run after the lock was lost. Rerun pgshift: it resumes at the first unapplied migration.' };
            continue;
        }
        const identity = run.migration.identity;
        const one = async () => {
            let o = (await (0,backup/* safetyCopiesBefore */.z)(ctx, identity, run.migration.up, identity)) ??
                (await (0,heartbeat/* withHeartbeat */.px)(log, identity, run.migration.up.source.file, (cursor) => (0,executor/* executeMigration */.WM)({ ...exec, cursor }, run)));
            if (o.connectionLost && !ctx.isCancelled())
                o = await (0,reconcile_lost_connection/* reconcileLostConnection */.F)(ctx, exec, run.migration, o, 'up');
            const verb = `${o.ok ? 'applied' : 'FAILED'}${o.retries ? ` after ${o.retries} lock-timeout retries` : ''}`;
            if (!opts.quiet || !o.ok)
                log.progress({ index: k + 1, total, title: identity, ok: o.ok, verb, durationMs: o.durationMs, elapsedMs: performance.now() - started });
            return o;
        };
        const outcome = opts.quiet ? await one() : await log.group(`[${k + 1}/${total}] ${identity}`, one);
        result.durationMs = Math.round(outcome.durationMs);
        if (outcome.retries)
            result.retries = outcome.retries;
        if (outcome.locks)
            result.locks = outcome.locks;
        if (outcome.ok) {
            result.status = 'applied';
            result.statementsDone = undefined;
            report.applied.push(run.migration.identity);
            afterEachFailed = await (0,run_hooks/* runHook */.DB)(ctx, exec, 'afterEachMigrate', identity);
        }
        else {
            failed = result;
            result.status = outcome.statementsDone ? 'partial' : 'failed';
            result.statementsDone = outcome.statementsDone;
            result.leftovers = outcome.leftovers;
            result.error = outcome.error;
            await adviseAfterRollback(ctx, run.migration, result.error);
            if (ctx.isCancelled() && result.error)
                result.error.next = `The run was cancelled; ${result.error.next}`;
        }
    }
    return { failed, afterEachFailed };
}


/***/ }),

/***/ 4074:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   B: () => (/* binding */ backupBeforeChanges),
/* harmony export */   z: () => (/* binding */ safetyCopiesBefore)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _backup_policy_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9890);
// backup: the backup step of apply and rollback (issue 9): decide the level, find a
// pg_dump that can dump this server, dump before the first script runs, and
// record it in the report. A failed backup stops the run before anything
// changed, unless backup-required is false. Safety copies go to the same folder.




/** The folder for this run's backup: under backup-dir, else RUNNER_TEMP, else the OS temp directory. */
function backupFolder(ctx, env) {
    const base = ctx.settings.backupDir ? (0,node_path__WEBPACK_IMPORTED_MODULE_2__.resolve)(ctx.settings.workspace, ctx.settings.backupDir) : env.RUNNER_TEMP || (0,node_os__WEBPACK_IMPORTED_MODULE_1__.tmpdir)();
    (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync)(base, { recursive: true });
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
    // Backups hold the schema and maybe data: readable by this user only.
    return (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdtempSync)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(base, `pgshift-backup-${stamp}-`));
}
const kb = (bytes) => (bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`);
/**
 * Takes the backup the settings ask for. Returns false when the run must stop
 * (the report then says why); true to go on, with or without a backup.
 */
async function backupBeforeChanges(ctx, env = process.env) {
    const { report, settings, log } = ctx;
    const decision = (0,_backup_policy_js__WEBPACK_IMPORTED_MODULE_3__/* .decideBackup */ .hZ)(settings, ctx.target, env);
    report.backup = { level: decision.level, reason: decision.reason };
    if (decision.level === 'off')
        return true;
    // pg_dump's runner is loaded only by a run that takes a backup.
    const { BackupError, findPgDump, runPgDump } = await __webpack_require__.e(/* import() */ 540).then(__webpack_require__.bind(__webpack_require__, 540));
    const started = performance.now();
    try {
        // The folder first: safety copies need no pg_dump, and still go there when backup-required is false.
        const dir = backupFolder(ctx, env);
        report.backup.dir = dir;
        const r = await ctx.client.query("SELECT current_setting('server_version_num') AS v");
        const major = Math.floor(Number(r.rows[0]?.v) / 10000);
        const binary = await findPgDump(major, env);
        report.backup.pgDump = `pg_dump ${binary.version} (${binary.path})`;
        const file = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(dir, decision.level === 'schema' ? 'schema.sql' : 'database.dump');
        log.info(`backup (${decision.level}) with pg_dump ${binary.version} to ${file}`);
        await runPgDump({ binary, target: ctx.target, level: decision.level, file, lockWaitMs: settings.lockWaitMs, env });
        report.backup.file = file;
        report.backup.bytes = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.statSync)(file).size;
        report.backup.durationMs = Math.round(performance.now() - started);
        log.info(`backup done: ${kb(report.backup.bytes)} in ${report.backup.durationMs} ms`);
        return true;
    }
    catch (e) {
        const err = e instanceof BackupError ? e : new BackupError(`the backup failed: ${e.message}`, 'Nothing was changed. Fix the cause above and rerun, or set backup-required: false.');
        report.backup.error = err.message;
        report.backup.durationMs = Math.round(performance.now() - started);
        if (!settings.backupRequired) {
            const message = `The backup failed and backup-required is false, so the run went on without it: ${err.message}`;
            report.warnings.push({ file: '', message });
            log.warn(message, { reported: true });
            return true;
        }
        report.status = 'failed';
        report.error = { message: err.message, next: err.next };
        report.nextStep = err.next;
        return false;
    }
}
/**
 * Copies the rows `script` destroys into the backup folder (when there is one).
 * A failed copy is the script's failed outcome: the script must not run then.
 */
async function safetyCopiesBefore(ctx, identity, script, label) {
    const dir = ctx.report.backup?.dir;
    if (!dir || ctx.report.backup?.level === 'off')
        return undefined;
    try {
        const { takeSafetyCopies } = await __webpack_require__.e(/* import() */ 694).then(__webpack_require__.bind(__webpack_require__, 2694));
        const copies = await takeSafetyCopies(ctx.client, dir, identity, script, label);
        for (const c of copies)
            ctx.log.info(`safety copy: ${c.rows} row${c.rows === 1 ? '' : 's'} of ${c.what} (${c.statement}) to ${c.file}`);
        if (copies.length)
            (ctx.report.safetyCopies ??= []).push(...copies);
        return undefined;
    }
    catch (e) {
        const message = `the safety copy of the rows it destroys failed: ${e.message}`;
        const next = 'Nothing of this script ran. Fix the cause (disk space, permissions on the backup folder) and rerun, or set backup: off.';
        return { ok: false, durationMs: 0, retries: 0, error: { file: script.source.file, message, next } };
    }
}


/***/ }),

/***/ 3475:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   J0: () => (/* binding */ ensureHistory),
/* harmony export */   RA: () => (/* binding */ historyStep),
/* harmony export */   v7: () => (/* binding */ adoptSupabaseHistory)
/* harmony export */ });
/* harmony import */ var pg__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3849);
/* harmony import */ var _db_history_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3966);
/* harmony import */ var _db_supabase_history_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3895);
/* harmony import */ var _db_url_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(879);
/* harmony import */ var _executor_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(8493);
/* harmony import */ var _supabase_history_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(5647);
// ensure history: only apply creates pgshift's history table, under the lock (so
// concurrent first runs never race) and after its backup (so a failed backup
// changes nothing); a preview or a rollback leaves no trace of pgshift. Where the
// Supabase CLI's history is kept, its rows and ours are then reconciled.






/** History-table failures (privileges, a foreign object with that name) get advice naming the input. */
async function historyStep(fn, schema) {
    try {
        return await fn();
    }
    catch (e) {
        const err = e;
        if (err.code === '42501' && err.historyState)
            throw Object.assign(err, privilegeAdvice(err, schema, err.historyState));
        const access = err.code === '42501' ? err.historyAccess : undefined;
        if (access && (!access.usage || access.missing?.includes('SELECT')))
            throw Object.assign(err, accessAdvice(err, schema, access));
        const table = (0,_db_history_js__WEBPACK_IMPORTED_MODULE_1__/* .historyTableName */ .k2)(schema);
        throw Object.assign(err, {
            next: `Nothing was changed. pgshift keeps its history in ${table}: the login user needs CREATE on the database (or an existing schema ${schema} it can write to), or choose another schema with the history-schema input.`
        });
    }
}
/**
 * The privilege the missing piece needs, and the one-time fix: an existing schema
 * is never created again, so a role without CREATE on the database works once the
 * schema is there (DESIGN 8: our metadata in our own schema).
 */
function privilegeAdvice(err, schema, state) {
    const s = (0,pg__WEBPACK_IMPORTED_MODULE_0__/* .escapeIdentifier */ .F)(schema);
    const role = state.user ? (0,pg__WEBPACK_IMPORTED_MODULE_0__/* .escapeIdentifier */ .F)(state.user) : '<login role>';
    const db = state.database ? (0,pg__WEBPACK_IMPORTED_MODULE_0__/* .escapeIdentifier */ .F)(state.database) : '<database>';
    if (!state.schema) {
        return {
            message: `${err.message}: the history schema ${s} does not exist, and creating it needs the CREATE privilege on the database, which the login role ${role} lacks`,
            next: `Nothing was changed. Create the schema once, as the database owner or a superuser: \`CREATE SCHEMA ${s} AUTHORIZATION ${role};\` (pgshift never creates a schema that exists, so the role needs no CREATE on the database), or \`GRANT CREATE ON DATABASE ${db} TO ${role};\`, or set history-schema to a schema the role owns.`
        };
    }
    return {
        message: `${err.message}: the history table ${(0,_db_history_js__WEBPACK_IMPORTED_MODULE_1__/* .historyTableName */ .k2)(schema)} does not exist, and creating it needs the CREATE privilege on schema ${s}, which the login role ${role} lacks`,
        next: `Nothing was changed. Let the login role create tables there, as the schema's owner: \`GRANT USAGE, CREATE ON SCHEMA ${s} TO ${role};\` (or \`ALTER SCHEMA ${s} OWNER TO ${role};\`), or set history-schema to a schema the role owns.`
    };
}
/**
 * A history that exists but that the login role may not read: the schema without
 * USAGE, or the table without SELECT. Names the schema, the role and the GRANTs
 * that let it read and write history (apply, rollback and the dry-run's preview write it).
 */
function accessAdvice(err, schema, access) {
    const s = (0,pg__WEBPACK_IMPORTED_MODULE_0__/* .escapeIdentifier */ .F)(schema);
    const table = (0,_db_history_js__WEBPACK_IMPORTED_MODULE_1__/* .historyTableName */ .k2)(schema);
    const role = access.user ? (0,pg__WEBPACK_IMPORTED_MODULE_0__/* .escapeIdentifier */ .F)(access.user) : '<login role>';
    const grants = [];
    // No table yet: apply creates it, which needs CREATE on the schema too.
    if (!access.usage)
        grants.push(`\`GRANT USAGE${access.missing ? '' : ', CREATE'} ON SCHEMA ${s} TO ${role};\``);
    if (access.missing?.length)
        grants.push(`\`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${role};\``);
    const why = !access.usage
        ? `the login role ${role} may not use the history schema ${s} (no USAGE privilege)`
        : `the login role ${role} may not read the history table ${table} (no SELECT privilege)`;
    return {
        message: `${err.message}: ${why}, so pgshift cannot read which migrations were applied`,
        next: `Nothing was changed. As the owner of schema ${s} or a superuser, grant the login role what reading and writing history needs: ${grants.join(' and ')}; or set history-schema to a schema the role owns.`
    };
}
async function ensureHistory(ctx) {
    // Rows were read from it under the lock: the table is there (a no-op deploy saves a round trip).
    if (ctx.historyTableExists)
        return;
    const schema = ctx.settings.historySchema;
    // The first commit of a run is guarded like every migration's: a transaction pooler
    // the connect-time probe missed leaves no history table behind (db/pooler.ts).
    await historyStep(() => (0,_db_history_js__WEBPACK_IMPORTED_MODULE_1__/* .ensureHistoryTable */ .r0)(ctx.client, schema, { guardSql: (0,_executor_js__WEBPACK_IMPORTED_MODULE_4__/* .runGuardSql */ .LJ)(ctx) }), schema).catch((e) => {
        throw guardStop(ctx, e) ?? e;
    });
}
/** The run guard's stop before the history table's COMMIT, as the error the user reads. */
function guardStop(ctx, e) {
    const code = e.code;
    if (code === _executor_js__WEBPACK_IMPORTED_MODULE_4__/* .BACKEND_MOVED_SQLSTATE */ .Bc)
        return (0,_db_url_js__WEBPACK_IMPORTED_MODULE_3__/* .transactionPoolerError */ .K4)(ctx.target, `${e.message}, seen before the history table was created`);
    if (code === _executor_js__WEBPACK_IMPORTED_MODULE_4__/* .LOCK_LOST_SQLSTATE */ .Jd) {
        return Object.assign(new Error(e.message), {
            code,
            next: 'Nothing was changed: the run lock was lost (its connection was closed or terminated) before the history table was created. Rerun pgshift.'
        });
    }
    return undefined;
}
/** The Supabase CLI's rows and ours agree before the first migration runs (DESIGN 8). */
async function adoptSupabaseHistory(ctx) {
    if (!ctx.supabase)
        return;
    await (0,_supabase_history_js__WEBPACK_IMPORTED_MODULE_5__/* .reconcileSupabaseHistory */ .jg)(ctx.client, ctx.settings.historySchema, ctx.supabase, ctx.run.meta ?? {});
    ctx.supabase.columns = await (0,_db_supabase_history_js__WEBPACK_IMPORTED_MODULE_2__/* .supabaseColumns */ .S$)(ctx.client);
}


/***/ }),

/***/ 3783:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Cx: () => (/* binding */ lintAlongside),
  Di: () => (/* binding */ lintPending),
  Pu: () => (/* binding */ lintThese)
});

// EXTERNAL MODULE: ./src/backup/policy.ts
var policy = __webpack_require__(9890);
// EXTERNAL MODULE: ./src/lint/tree.ts
var tree = __webpack_require__(9637);
;// CONCATENATED MODULE: ./src/lint/column-types.ts
// Column types as the lint compares them: the parse tree's TypeName and the catalog's
// (pg_type.typname + the modifiers format_type prints) in one shape, and the
// ALTER COLUMN ... TYPE changes Postgres makes without rewriting the table.

// The parser spells SQL-standard names as the catalog does (pg_catalog.int4, varchar,
// bpchar, timestamptz...); serial types are the shorthands it leaves bare. (A quoted
// "char" is the one-byte internal type, not char(n): it is left as it is.)
const ALIASES = {
    serial: 'int4',
    serial4: 'int4',
    bigserial: 'int8',
    serial8: 'int8',
    smallserial: 'int2',
    serial2: 'int2'
};
/** The type a TypeName node names; undefined for a type the lint cannot read (a %TYPE reference). */
function parsedType(typeName) {
    if (!(0,tree/* isNode */.Ll)(typeName) || typeName.pct_type)
        return undefined;
    const parts = (0,tree/* names */.Dy)(typeName.names);
    if (parts.length === 0)
        return undefined;
    const last = parts[parts.length - 1].toLowerCase();
    const typname = parts.length === 1 ? (ALIASES[last] ?? last) : parts[0] === 'pg_catalog' ? last : `${parts.slice(0, -1).join('.')}.${last}`;
    const mods = [];
    for (const m of (0,tree/* list */.p_)(typeName, 'typmods')) {
        const c = (0,tree/* unwrap */.oA)(m, 'A_Const');
        const ival = c && (0,tree/* isNode */.Ll)(c.ival) ? c.ival.ival : undefined;
        mods.push(typeof ival === 'number' ? ival : 0);
    }
    // bpchar without a length is char(1); a bare numeric has no modifier.
    if (typname === 'bpchar' && mods.length === 0 && parts[0] === 'pg_catalog')
        mods.push(1);
    if (typname === 'numeric' && mods.length === 1)
        mods.push(0);
    return { typname, mods, array: (0,tree/* list */.p_)(typeName, 'arrayBounds').length > 0 };
}
/** format_type output -> its modifiers: 'character varying(20)' -> [20], 'numeric(12,2)[]' -> [12, 2]. */
function modsOf(formatted) {
    const m = /\(([\d, ]+)\)/.exec(formatted);
    return m ? m[1].split(',').map((x) => Number(x.trim())) : [];
}
// Types whose length or precision limit can grow (or go) without a rewrite (PostgreSQL 9.2+):
// the value's stored form does not depend on the limit.
const GROWABLE = new Set(['varchar', 'varbit', 'numeric', 'timestamp', 'timestamptz', 'interval']);
/**
 * Whether ALTER COLUMN ... TYPE from `from` to `to` (without USING) leaves the table
 * as it is: no rewrite and no scan. Postgres skips both when the new type is
 * binary-coercible and no stored value can fail the new limit.
 */
function changeWithoutRewrite(from, to) {
    if (from.array !== to.array)
        return false;
    const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
    if (from.typname === to.typname) {
        if (same(from.mods, to.mods))
            return true;
        if (!GROWABLE.has(from.typname))
            return false;
        if (to.mods.length === 0)
            return true; // dropping the limit
        if (from.mods.length === 0)
            return false; // adding one: every value is checked (or rounded)
        if (from.typname === 'numeric')
            return to.mods[1] === from.mods[1] && to.mods[0] >= from.mods[0];
        return to.mods[0] >= from.mods[0];
    }
    // varchar and text are binary-coercible both ways; only an unlimited varchar takes any text.
    if (from.typname === 'varchar' && to.typname === 'text')
        return true;
    if (from.typname === 'text' && to.typname === 'varchar')
        return to.mods.length === 0;
    if (from.typname === 'cidr' && to.typname === 'inet')
        return true;
    return false;
}
/** A readable type name for messages: varchar(20), numeric(12,2), int4[]. */
function typeText(t) {
    return `${t.typname}${t.mods.length ? `(${t.mods.join(',')})` : ''}${t.array ? '[]' : ''}`;
}

;// CONCATENATED MODULE: ./src/db/lint-facts.ts

const USER_TABLES = `c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'`;
const KEY = `lower(n.nspname || '.' || c.relname)`;
async function readLintFacts(client, wanted, opts) {
    const tables = new Map();
    const r = await client.query(`SELECT ${KEY} AS t, c.relkind::text AS relkind, c.reltuples::float8 AS reltuples, c.relpages::int AS relpages,
            pg_stat_get_live_tuples(c.oid)::float8 AS live
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_TABLES}`);
    for (const row of r.rows)
        tables.set(row.t, opts.rows ? { rows: rowEstimate(row) } : {});
    const facts = { tables, functions: new Map(), indexes: new Map() };
    const altered = wanted.tables.filter((t) => tables.has(t));
    if (altered.length) {
        const cols = await client.query(`SELECT ${KEY} AS t, a.attname, COALESCE(et.typname, ty.typname)::text AS typname, et.oid IS NOT NULL AS arr,
              format_type(a.atttypid, a.atttypmod) AS fmt, a.attnotnull
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_type ty ON ty.oid = a.atttypid LEFT JOIN pg_type et ON et.oid = ty.typelem AND ty.typcategory = 'A'
        WHERE a.attnum > 0 AND NOT a.attisdropped AND ${KEY} = ANY($1::text[])`, [altered]);
        const checks = await client.query(`SELECT ${KEY} AS t, co.conname, co.convalidated, pg_get_expr(co.conbin, co.conrelid) AS expr
         FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE co.contype = 'c' AND ${KEY} = ANY($1::text[])`, [altered]);
        for (const t of altered) {
            const f = tables.get(t);
            f.columns = new Map();
            f.notNullChecks = new Map();
        }
        for (const c of cols.rows) {
            tables.get(c.t).columns.set(c.attname, { typname: c.typname, mods: modsOf(c.fmt), array: c.arr, notNull: c.attnotnull });
        }
        for (const c of checks.rows) {
            const column = notNullColumn(c.expr);
            if (column)
                tables.get(c.t).notNullChecks.set(c.conname, { column, validated: c.convalidated });
        }
    }
    if (wanted.functions.length) {
        const fns = await client.query(`SELECT proname::text AS proname, string_agg(DISTINCT provolatile::text, '') AS v FROM pg_proc WHERE proname = ANY($1::text[]) GROUP BY proname`, [wanted.functions]);
        for (const f of fns.rows)
            facts.functions.set(f.proname.toLowerCase(), f.v.includes('v') ? 'v' : f.v.includes('s') ? 's' : 'i');
    }
    if (wanted.indexes.length) {
        const idx = await client.query(`SELECT lower(ns.nspname || '.' || ic.relname) AS idx, lower(n.nspname || '.' || c.relname) AS tbl
         FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace ns ON ns.oid = ic.relnamespace
         JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE lower(ns.nspname || '.' || ic.relname) = ANY($1::text[])`, [wanted.indexes]);
        for (const x of idx.rows)
            facts.indexes.set(x.idx, x.tbl);
    }
    return { existingTables: new Set(tables.keys()), facts };
}
/**
 * The planner's estimate (reltuples, set by VACUUM, ANALYZE and CREATE INDEX), else the
 * statistics' live tuples; 0 only when all three say the table is empty; undefined when
 * it has pages but no estimate. Partitioned tables hold no rows themselves: unknown.
 */
function rowEstimate(row) {
    if (row.relkind !== 'r')
        return undefined;
    if (row.reltuples > 0)
        return row.reltuples;
    if (row.live > 0)
        return row.live;
    return row.relpages === 0 ? 0 : undefined;
}
/** pg_get_expr of a CHECK: `(status IS NOT NULL)` -> 'status'; `("Mixed Case" IS NOT NULL)` -> 'Mixed Case'. */
function notNullColumn(expr) {
    const m = /^\(*\s*(?:"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*))\s+IS\s+NOT\s+NULL\s*\)*$/.exec(expr.trim());
    if (!m)
        return undefined;
    return m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2];
}

// EXTERNAL MODULE: ./src/source/positions.ts
var positions = __webpack_require__(2369);
;// CONCATENATED MODULE: ./src/lint/builtin-functions.ts
// Generated by scripts/gen-lint-builtins.mjs from PostgreSQL 17.10: do not edit.
// Built-in functions whose every overload is IMMUTABLE or STABLE (1496 names).
const NON_VOLATILE_BUILTINS = new Set([
    'abbrev abs aclcontains acldefault aclexplode aclinsert aclitemeq aclremove acos acosd acosh age',
    'any_value_transfn anyarray_send anycompatiblearray_send anytextcat area array_append array_cat array_dims',
    'array_eq array_fill array_ge array_gt array_larger array_le array_length array_lower array_lt array_ndims',
    'array_ne array_position array_positions array_prepend array_remove array_replace array_send array_smaller',
    'array_to_json array_to_string array_to_tsvector array_upper arraycontained arraycontains arrayoverlap ascii',
    'asin asind asinh atan atan2 atan2d atand atanh bit bit_count bit_length bit_send bitand bitcat bitcmp biteq',
    'bitge bitgt bitle bitlt bitne bitnot bitor bitshiftleft bitshiftright bittypmodin bitxor bool',
    'booland_statefunc booleq boolge boolgt boolle boollt boolne boolor_statefunc boolsend bound_box box box_above',
    'box_above_eq box_add box_below box_below_eq box_center box_contain box_contain_pt box_contained box_distance',
    'box_div box_eq box_ge box_gt box_intersect box_le box_left box_lt box_mul box_overabove box_overbelow',
    'box_overlap box_overleft box_overright box_right box_same box_send box_sub bpchar bpchar_larger',
    'bpchar_pattern_ge bpchar_pattern_gt bpchar_pattern_le bpchar_pattern_lt bpchar_smaller bpcharcmp bpchareq',
    'bpcharge bpchargt bpchariclike bpcharicnlike bpcharicregexeq bpcharicregexne bpcharle bpcharlike bpcharlt',
    'bpcharne bpcharnlike bpcharregexeq bpcharregexne bpcharsend bpchartypmodin brin_bloom_summary_send',
    'brin_minmax_multi_summary_send broadcast btarraycmp btboolcmp btbpchar_pattern_cmp btcharcmp btequalimage',
    'btfloat48cmp btfloat4cmp btfloat84cmp btfloat8cmp btint24cmp btint28cmp btint2cmp btint42cmp btint48cmp',
    'btint4cmp btint82cmp btint84cmp btint8cmp btnamecmp btnametextcmp btoidcmp btoidvectorcmp btrecordcmp',
    'btrecordimagecmp btrim bttext_pattern_cmp bttextcmp bttextnamecmp bttidcmp btvarstrequalimage byteacat',
    'byteacmp byteaeq byteage byteagt byteale bytealike bytealt byteane byteanlike byteasend cardinality cash_cmp',
    'cash_div_cash cash_div_flt4 cash_div_flt8 cash_div_int2 cash_div_int4 cash_div_int8 cash_eq cash_ge cash_gt',
    'cash_le cash_lt cash_mi cash_mul_flt4 cash_mul_flt8 cash_mul_int2 cash_mul_int4 cash_mul_int8 cash_ne cash_pl',
    'cash_send cash_words cashlarger cashsmaller cbrt ceil ceiling center char char_length character_length chareq',
    'charge chargt charle charlt charne charsend chr cideq cidr cidr_send cidsend circle circle_above circle_add_pt',
    'circle_below circle_center circle_contain circle_contain_pt circle_contained circle_distance circle_div_pt',
    'circle_eq circle_ge circle_gt circle_le circle_left circle_lt circle_mul_pt circle_ne circle_overabove',
    'circle_overbelow circle_overlap circle_overleft circle_overright circle_right circle_same circle_send',
    'circle_sub_pt close_ls close_lseg close_pb close_pl close_ps close_sb col_description concat concat_ws convert',
    'convert_from convert_to cos cosd cosh cot cotd current_database current_schema current_schemas current_setting',
    'current_user database_to_xml database_to_xml_and_xmlschema database_to_xmlschema date date_add date_bin',
    'date_cmp date_cmp_timestamp date_cmp_timestamptz date_eq date_eq_timestamp date_eq_timestamptz date_ge',
    'date_ge_timestamp date_ge_timestamptz date_gt date_gt_timestamp date_gt_timestamptz date_larger date_le',
    'date_le_timestamp date_le_timestamptz date_lt date_lt_timestamp date_lt_timestamptz date_mi date_mi_interval',
    'date_mii date_ne date_ne_timestamp date_ne_timestamptz date_part date_pl_interval date_pli date_send',
    'date_smaller date_subtract date_trunc datemultirange daterange daterange_canonical daterange_subdiff',
    'datetime_pl datetimetz_pl dcbrt decode degrees dexp diagonal diameter dist_bp dist_bs dist_cpoint dist_cpoly',
    'dist_lp dist_ls dist_pathp dist_pb dist_pc dist_pl dist_polyc dist_polyp dist_ppath dist_ppoly dist_ps dist_sb',
    'dist_sl dist_sp div dlog1 dlog10 dpow dround dsqrt dtrunc elem_contained_by_multirange elem_contained_by_range',
    'encode enum_cmp enum_eq enum_first enum_ge enum_gt enum_larger enum_last enum_le enum_lt enum_ne enum_range',
    'enum_send enum_smaller erf erfc exp extract factorial family float4 float48div float48eq float48ge float48gt',
    'float48le float48lt float48mi float48mul float48ne float48pl float4_accum float4abs float4div float4eq',
    'float4ge float4gt float4larger float4le float4lt float4mi float4mul float4ne float4pl float4send float4smaller',
    'float4um float4up float8 float84div float84eq float84ge float84gt float84le float84lt float84mi float84mul',
    'float84ne float84pl float8_accum float8_avg float8_combine float8_corr float8_covar_pop float8_covar_samp',
    'float8_regr_accum float8_regr_avgx float8_regr_avgy float8_regr_combine float8_regr_intercept float8_regr_r2',
    'float8_regr_slope float8_regr_sxx float8_regr_sxy float8_regr_syy float8_stddev_pop float8_stddev_samp',
    'float8_var_pop float8_var_samp float8abs float8div float8eq float8ge float8gt float8larger float8le float8lt',
    'float8mi float8mul float8ne float8pl float8send float8smaller float8um float8up floor flt4_mul_cash',
    'flt8_mul_cash fmgr_c_validator fmgr_internal_validator fmgr_sql_validator format format_type gcd',
    'generate_series generate_subscripts get_bit get_byte get_current_ts_config getdatabaseencoding getpgusername',
    'gin_cmp_tslexeme gin_compare_jsonb has_any_column_privilege has_column_privilege has_database_privilege',
    'has_foreign_data_wrapper_privilege has_function_privilege has_language_privilege has_parameter_privilege',
    'has_schema_privilege has_sequence_privilege has_server_privilege has_table_privilege has_tablespace_privilege',
    'has_type_privilege hash_aclitem hash_aclitem_extended hash_array hash_array_extended hash_multirange',
    'hash_multirange_extended hash_numeric hash_numeric_extended hash_range hash_range_extended hash_record',
    'hash_record_extended hashbpchar hashbpcharextended hashchar hashcharextended hashenum hashenumextended',
    'hashfloat4 hashfloat4extended hashfloat8 hashfloat8extended hashinet hashinetextended hashint2',
    'hashint2extended hashint4 hashint4extended hashint8 hashint8extended hashmacaddr hashmacaddr8',
    'hashmacaddr8extended hashmacaddrextended hashname hashnameextended hashoid hashoidextended hashoidvector',
    'hashoidvectorextended hashtext hashtextextended hashtid hashtidextended height host hostmask',
    'icu_unicode_version in_range inet_client_addr inet_client_port inet_merge inet_same_family inet_send',
    'inet_server_addr inet_server_port inetand inetmi inetmi_int8 inetnot inetor inetpl initcap int2 int24div',
    'int24eq int24ge int24gt int24le int24lt int24mi int24mul int24ne int24pl int28div int28eq int28ge int28gt',
    'int28le int28lt int28mi int28mul int28ne int28pl int2_avg_accum int2_avg_accum_inv int2_mul_cash int2_sum',
    'int2abs int2and int2div int2eq int2ge int2gt int2int4_sum int2larger int2le int2lt int2mi int2mod int2mul',
    'int2ne int2not int2or int2pl int2send int2shl int2shr int2smaller int2um int2up int2vectorsend int2xor int4',
    'int42div int42eq int42ge int42gt int42le int42lt int42mi int42mul int42ne int42pl int48div int48eq int48ge',
    'int48gt int48le int48lt int48mi int48mul int48ne int48pl int4_avg_accum int4_avg_accum_inv int4_avg_combine',
    'int4_mul_cash int4_sum int4abs int4and int4div int4eq int4ge int4gt int4inc int4larger int4le int4lt int4mi',
    'int4mod int4mul int4multirange int4ne int4not int4or int4pl int4range int4range_canonical int4range_subdiff',
    'int4send int4shl int4shr int4smaller int4um int4up int4xor int8 int82div int82eq int82ge int82gt int82le',
    'int82lt int82mi int82mul int82ne int82pl int84div int84eq int84ge int84gt int84le int84lt int84mi int84mul',
    'int84ne int84pl int8_avg int8_mul_cash int8_sum int8abs int8and int8dec int8dec_any int8div int8eq int8ge',
    'int8gt int8inc int8inc_any int8inc_float8_float8 int8larger int8le int8lt int8mi int8mod int8mul',
    'int8multirange int8ne int8not int8or int8pl int8pl_inet int8range int8range_canonical int8range_subdiff',
    'int8send int8shl int8shr int8smaller int8um int8up int8xor integer_pl_date inter_lb inter_sb inter_sl interval',
    'interval_cmp interval_div interval_eq interval_ge interval_gt interval_hash interval_hash_extended',
    'interval_larger interval_le interval_lt interval_mi interval_mul interval_ne interval_pl interval_pl_date',
    'interval_pl_time interval_pl_timestamp interval_pl_timestamptz interval_pl_timetz interval_send',
    'interval_smaller interval_um intervaltypmodin is_normalized isclosed isempty isfinite ishorizontal isopen',
    'isparallel isperp isvertical json_array_element json_array_element_text json_array_elements',
    'json_array_elements_text json_array_length json_build_array json_build_object json_each json_each_text',
    'json_extract_path json_extract_path_text json_object json_object_field json_object_field_text json_object_keys',
    'json_populate_record json_populate_recordset json_send json_strip_nulls json_to_record json_to_recordset',
    'json_to_tsvector json_typeof jsonb_array_element jsonb_array_element_text jsonb_array_elements',
    'jsonb_array_elements_text jsonb_array_length jsonb_build_array jsonb_build_object jsonb_cmp jsonb_concat',
    'jsonb_contained jsonb_contains jsonb_delete jsonb_delete_path jsonb_each jsonb_each_text jsonb_eq jsonb_exists',
    'jsonb_exists_all jsonb_exists_any jsonb_extract_path jsonb_extract_path_text jsonb_ge jsonb_gt jsonb_hash',
    'jsonb_hash_extended jsonb_insert jsonb_le jsonb_lt jsonb_ne jsonb_object jsonb_object_field',
    'jsonb_object_field_text jsonb_object_keys jsonb_path_exists jsonb_path_exists_opr jsonb_path_exists_tz',
    'jsonb_path_match jsonb_path_match_opr jsonb_path_match_tz jsonb_path_query jsonb_path_query_array',
    'jsonb_path_query_array_tz jsonb_path_query_first jsonb_path_query_first_tz jsonb_path_query_tz',
    'jsonb_populate_record jsonb_populate_record_valid jsonb_populate_recordset jsonb_pretty jsonb_send jsonb_set',
    'jsonb_set_lax jsonb_strip_nulls jsonb_to_record jsonb_to_recordset jsonb_to_tsvector jsonb_typeof',
    'jsonpath_send justify_days justify_hours justify_interval lcm left length like like_escape line line_distance',
    'line_eq line_horizontal line_interpt line_intersect line_parallel line_perp line_send line_vertical ln log',
    'log10 lower lower_inc lower_inf lpad lseg lseg_center lseg_distance lseg_eq lseg_ge lseg_gt lseg_horizontal',
    'lseg_interpt lseg_intersect lseg_le lseg_length lseg_lt lseg_ne lseg_parallel lseg_perp lseg_send',
    'lseg_vertical ltrim macaddr macaddr8 macaddr8_and macaddr8_cmp macaddr8_eq macaddr8_ge macaddr8_gt macaddr8_le',
    'macaddr8_lt macaddr8_ne macaddr8_not macaddr8_or macaddr8_send macaddr8_set7bit macaddr_and macaddr_cmp',
    'macaddr_eq macaddr_ge macaddr_gt macaddr_le macaddr_lt macaddr_ne macaddr_not macaddr_or macaddr_send',
    'make_date make_interval make_time make_timestamp make_timestamptz makeaclitem masklen md5 min_scale mod money',
    'mul_d_interval multirange multirange_adjacent_multirange multirange_adjacent_range multirange_after_multirange',
    'multirange_after_range multirange_before_multirange multirange_before_range multirange_cmp',
    'multirange_contained_by_multirange multirange_contained_by_range multirange_contains_elem',
    'multirange_contains_multirange multirange_contains_range multirange_eq multirange_ge multirange_gt',
    'multirange_intersect multirange_intersect_agg_transfn multirange_le multirange_lt multirange_minus',
    'multirange_ne multirange_overlaps_multirange multirange_overlaps_range multirange_overleft_multirange',
    'multirange_overleft_range multirange_overright_multirange multirange_overright_range multirange_send',
    'multirange_union mxid_age name nameconcatoid nameeq nameeqtext namege namegetext namegt namegttext nameiclike',
    'nameicnlike nameicregexeq nameicregexne namele nameletext namelike namelt namelttext namene namenetext',
    'namenlike nameregexeq nameregexne namesend netmask network network_cmp network_eq network_ge network_gt',
    'network_larger network_le network_lt network_ne network_overlap network_smaller network_sub network_subeq',
    'network_sup network_supeq normalize notlike now npoints num_nonnulls num_nulls numeric numeric_abs numeric_add',
    'numeric_cmp numeric_div numeric_div_trunc numeric_eq numeric_exp numeric_ge numeric_gt numeric_inc',
    'numeric_larger numeric_le numeric_ln numeric_log numeric_lt numeric_mod numeric_mul numeric_ne',
    'numeric_pl_pg_lsn numeric_power numeric_send numeric_smaller numeric_sqrt numeric_sub numeric_uminus',
    'numeric_uplus numerictypmodin nummultirange numnode numrange numrange_subdiff obj_description octet_length oid',
    'oideq oidge oidgt oidlarger oidle oidlt oidne oidsend oidsmaller oidvectoreq oidvectorge oidvectorgt',
    'oidvectorle oidvectorlt oidvectorne oidvectorsend oidvectortypes on_pb on_pl on_ppath on_ps on_sb on_sl',
    'overlaps overlay parse_ident path path_add path_add_pt path_contain_pt path_distance path_div_pt path_inter',
    'path_length path_mul_pt path_n_eq path_n_ge path_n_gt path_n_le path_n_lt path_npoints path_send path_sub_pt',
    'pclose phraseto_tsquery pi plainto_tsquery point point_above point_add point_below point_distance point_div',
    'point_eq point_horiz point_left point_mul point_ne point_right point_send point_sub point_vert poly_above',
    'poly_below poly_center poly_contain poly_contain_pt poly_contained poly_distance poly_left poly_npoints',
    'poly_overabove poly_overbelow poly_overlap poly_overleft poly_overright poly_right poly_same poly_send polygon',
    'popen position postgresql_fdw_validator pow power pt_contained_circle pt_contained_poly querytree quote_ident',
    'quote_literal quote_nullable radians radius range_adjacent range_adjacent_multirange range_after',
    'range_after_multirange range_before range_before_multirange range_cmp range_contained_by',
    'range_contained_by_multirange range_contains range_contains_elem range_contains_multirange range_eq range_ge',
    'range_gt range_intersect range_intersect_agg_transfn range_le range_lt range_merge range_minus range_ne',
    'range_overlaps range_overlaps_multirange range_overleft range_overleft_multirange range_overright',
    'range_overright_multirange range_send range_union record_eq record_ge record_gt record_image_eq',
    'record_image_ge record_image_gt record_image_le record_image_lt record_image_ne record_le record_lt record_ne',
    'record_send regclass regclasssend regcollationsend regconfigsend regdictionarysend regexp_count regexp_instr',
    'regexp_like regexp_match regexp_matches regexp_replace regexp_split_to_array regexp_split_to_table',
    'regexp_substr regnamespacesend regoperatorsend regopersend regproceduresend regprocsend regrolesend',
    'regtypesend repeat replace reverse right round row_security_active row_to_json rpad rtrim',
    'satisfies_hash_partition scale schema_to_xml schema_to_xml_and_xmlschema schema_to_xmlschema session_user',
    'set_bit set_byte set_masklen setweight sha224 sha256 sha384 sha512 shobj_description sign similar_escape',
    'similar_to_escape sin sind sinh slope spg_poly_quad_compress split_part sqrt starts_with statement_timestamp',
    'string_to_array string_to_table strip strpos substr substring system_user table_to_xml',
    'table_to_xml_and_xmlschema table_to_xmlschema tan tand tanh text text_ge text_gt text_larger text_le text_lt',
    'text_pattern_ge text_pattern_gt text_pattern_le text_pattern_lt text_smaller textanycat textcat texteq',
    'texteqname textgename textgtname texticlike texticnlike texticregexeq texticregexne textlen textlename',
    'textlike textltname textne textnename textnlike textregexeq textregexne textsend tideq tidge tidgt tidlarger',
    'tidle tidlt tidne tidsend tidsmaller time time_cmp time_eq time_ge time_gt time_hash time_hash_extended',
    'time_larger time_le time_lt time_mi_interval time_mi_time time_ne time_pl_interval time_send time_smaller',
    'timedate_pl timestamp timestamp_cmp timestamp_cmp_date timestamp_cmp_timestamptz timestamp_eq',
    'timestamp_eq_date timestamp_eq_timestamptz timestamp_ge timestamp_ge_date timestamp_ge_timestamptz',
    'timestamp_gt timestamp_gt_date timestamp_gt_timestamptz timestamp_hash timestamp_hash_extended',
    'timestamp_larger timestamp_le timestamp_le_date timestamp_le_timestamptz timestamp_lt timestamp_lt_date',
    'timestamp_lt_timestamptz timestamp_mi timestamp_mi_interval timestamp_ne timestamp_ne_date',
    'timestamp_ne_timestamptz timestamp_pl_interval timestamp_send timestamp_smaller timestamptypmodin timestamptz',
    'timestamptz_cmp timestamptz_cmp_date timestamptz_cmp_timestamp timestamptz_eq timestamptz_eq_date',
    'timestamptz_eq_timestamp timestamptz_ge timestamptz_ge_date timestamptz_ge_timestamp timestamptz_gt',
    'timestamptz_gt_date timestamptz_gt_timestamp timestamptz_larger timestamptz_le timestamptz_le_date',
    'timestamptz_le_timestamp timestamptz_lt timestamptz_lt_date timestamptz_lt_timestamp timestamptz_mi',
    'timestamptz_mi_interval timestamptz_ne timestamptz_ne_date timestamptz_ne_timestamp timestamptz_pl_interval',
    'timestamptz_send timestamptz_smaller timestamptztypmodin timetypmodin timetz timetz_cmp timetz_eq timetz_ge',
    'timetz_gt timetz_hash timetz_hash_extended timetz_larger timetz_le timetz_lt timetz_mi_interval timetz_ne',
    'timetz_pl_interval timetz_send timetz_smaller timetzdate_pl timetztypmodin timezone to_ascii to_bin to_char',
    'to_date to_hex to_json to_jsonb to_number to_oct to_regclass to_regcollation to_regnamespace to_regoper',
    'to_regoperator to_regproc to_regprocedure to_regrole to_regtype to_regtypemod to_timestamp to_tsquery',
    'to_tsvector transaction_timestamp translate trim_array trim_scale trunc ts_debug ts_delete ts_filter',
    'ts_headline ts_lexize ts_match_qv ts_match_tq ts_match_tt ts_match_vq ts_parse ts_rank ts_rank_cd',
    'ts_token_type tsmultirange tsq_mcontained tsq_mcontains tsquery_and tsquery_cmp tsquery_eq tsquery_ge',
    'tsquery_gt tsquery_le tsquery_lt tsquery_ne tsquery_not tsquery_or tsquery_phrase tsquerysend tsrange',
    'tsrange_subdiff tstzmultirange tstzrange tstzrange_subdiff tsvector_cmp tsvector_concat tsvector_eq',
    'tsvector_ge tsvector_gt tsvector_le tsvector_lt tsvector_ne tsvector_to_array tsvectorsend txid_current',
    'txid_current_if_assigned txid_current_snapshot txid_snapshot_send txid_snapshot_xip txid_snapshot_xmax',
    'txid_snapshot_xmin txid_visible_in_snapshot unicode_assigned unicode_version unistr unknownsend unnest upper',
    'upper_inc upper_inf uuid_cmp uuid_eq uuid_extract_timestamp uuid_extract_version uuid_ge uuid_gt uuid_hash',
    'uuid_hash_extended uuid_le uuid_lt uuid_ne uuid_send varbit varbit_send varbitcmp varbiteq varbitge varbitgt',
    'varbitle varbitlt varbitne varbittypmodin varchar varcharsend varchartypmodin version void_send',
    'websearch_to_tsquery width width_bucket xid xid8_larger xid8_smaller xid8cmp xid8eq xid8ge xid8gt xid8le',
    'xid8lt xid8ne xid8send xideq xideqint4 xidneq xidneqint4 xidsend xml xml_is_well_formed',
    'xml_is_well_formed_content xml_is_well_formed_document xml_send xmlcomment xmlconcat2 xmlexists xmltext',
    'xmlvalidate xpath xpath_exists'
]
    .join(' ')
    .split(' '));

;// CONCATENATED MODULE: ./src/lint/rules.ts
const LOCK_TIMEOUT_NOTE = "pgshift's lock-timeout input (SET LOCAL lock_timeout, default 5s) bounds how long the statement waits for the lock, and so how long traffic queues behind it; it does not bound how long the lock is held once granted.";
const RULES = [
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
];
const RULE_BY_ID = new Map(RULES.map((r) => [r.id, r]));
/** Rules a `-- pgshift-ignore` comment may name (the suppression rules themselves cannot be ignored). */
const IGNORABLE = new Set(RULES.filter((r) => !r.id.startsWith('ignore-')).map((r) => r.id));

// EXTERNAL MODULE: ./src/lint/server-wide.ts
var server_wide = __webpack_require__(1520);
// EXTERNAL MODULE: ./src/source/parser.ts + 1 modules
var parser = __webpack_require__(3686);
;// CONCATENATED MODULE: ./src/lint/suppress.ts
// Inline suppression: `-- pgshift-ignore <rule-id>[, <rule-id>...]: <reason>`.
// Comments come from the real lexer (scanSql), so the same text inside a string or a
// dollar-quoted body is not a comment and suppresses nothing.
//
// Which statement a comment applies to:
// - inside a statement's text (between two of its lines): that statement;
// - after code on the same line (`CREATE INDEX ...; -- pgshift-ignore ...`): the
//   statement that code belongs to;
// - on a line of its own: the next statement.


const IGNORE_RE = /^--[ \t]*pgshift-ignore(?![\w-])(.*)$/is;
function findIgnores(script) {
    const ignores = [];
    const problems = [];
    const text = script.source.text;
    if (!/pgshift-ignore/i.test(text))
        return { ignores, problems };
    const base = script.source.offset;
    const spans = script.statements.map((s) => ({ start: s.offset - base, end: s.offset - base + s.sql.length }));
    for (const token of (0,parser/* scanSql */.C4)(text)) {
        if (token.tokenName !== 'SQL_COMMENT')
            continue;
        const m = IGNORE_RE.exec(token.text.trimEnd());
        if (!m)
            continue;
        const rest = m[1];
        const colon = rest.indexOf(':');
        const idsPart = colon >= 0 ? rest.slice(0, colon) : rest;
        const reason = colon >= 0 ? rest.slice(colon + 1).trim() : '';
        const ids = idsPart
            .split(/[\s,]+/)
            .map((s) => s.trim().toLowerCase())
            .filter(Boolean);
        const known = ids.filter((id) => IGNORABLE.has(id));
        const unknown = ids.filter((id) => !IGNORABLE.has(id));
        if (ids.length === 0) {
            problems.push({ rule: 'ignore-unknown-rule', index: token.start, message: 'this -- pgshift-ignore comment names no rule id, so it suppresses nothing' });
        }
        for (const id of unknown) {
            problems.push({ rule: 'ignore-unknown-rule', index: token.start, message: `-- pgshift-ignore names "${id}", which is not a pgshift lint rule, so it suppresses nothing` });
        }
        if (known.length > 0 && !reason) {
            problems.push({
                rule: 'ignore-without-reason',
                index: token.start,
                message: `-- pgshift-ignore ${known.join(', ')} gives no reason, so it suppresses nothing: write the reason after a colon`
            });
        }
        ignores.push({ statement: target(text, spans, token.start), rules: known, reason });
    }
    return { ignores, problems };
}
function target(text, spans, at) {
    let before = -1;
    for (let i = 0; i < spans.length; i++) {
        if (spans[i].start < at)
            before = i;
        else
            break;
    }
    if (before >= 0 && at < spans[before].end)
        return before;
    const lineStart = Math.max(text.lastIndexOf('\n', at - 1), text.lastIndexOf('\r', at - 1)) + 1;
    if (before >= 0 && /\S/.test(text.slice(lineStart, at)))
        return before;
    return before + 1 < spans.length ? before + 1 : undefined;
}

;// CONCATENATED MODULE: ./src/lint/transaction.ts
// pg_locks modes, numbered as Postgres numbers them (LockStmt.mode uses the same numbers).
const SHARE_UPDATE_EXCLUSIVE = 4;
const SHARE = 5;
const SHARE_ROW_EXCLUSIVE = 6;
const ACCESS_EXCLUSIVE = 8;
const NAMES = ['', 'ACCESS SHARE', 'ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'];
const lockName = (mode) => NAMES[mode] ?? `mode ${mode}`;
class Transaction {
    whole;
    open;
    /** Locks that block writes (SHARE and stronger), strongest per table. */
    held = new Map();
    /** Constraints added NOT VALID in this transaction: `table\0name` -> where, the lock, the tables locked. */
    notValidAdds = new Map();
    /** `whole`: the file runs in one transaction. */
    constructor(whole) {
        this.whole = whole;
        this.open = whole;
    }
    /** Before a statement: BEGIN opens a transaction in a statement-by-statement file. */
    enter(s) {
        if (!this.whole && s.transactionControl === 'begin') {
            this.reset();
            this.open = true;
        }
    }
    /** After a statement: COMMIT / ROLLBACK ends it; in autocommit every statement ends its own. */
    leave(s) {
        if (this.whole)
            return;
        if (!this.open || s.transactionControl === 'commit' || s.transactionControl === 'rollback') {
            this.reset();
            this.open = false;
        }
    }
    /** Write-blocking locks taken before `statement` and still held. */
    heldBy(statement) {
        return [...this.held.values()].filter((h) => h.statement !== statement);
    }
    took(statement, line, locks, flagged) {
        if (!this.open)
            return;
        for (const l of locks) {
            if (l.mode < SHARE)
                continue;
            const h = this.held.get(l.table);
            if (!h || h.mode < l.mode)
                this.held.set(l.table, { ...l, statement, line, flagged });
        }
    }
    addedNotValid(table, name, line, mode, tables) {
        if (this.open)
            this.notValidAdds.set(`${table}\u0000${name.toLowerCase()}`, { line, mode, tables });
    }
    /** The NOT VALID add of `name` on `table` earlier in this transaction, if any. */
    notValid(table, name) {
        return this.notValidAdds.get(`${table}\u0000${name.toLowerCase()}`);
    }
    reset() {
        this.held.clear();
        this.notValidAdds.clear();
    }
}

// EXTERNAL MODULE: ./src/report/thousands.ts
var thousands = __webpack_require__(4153);
;// CONCATENATED MODULE: ./src/lint/linter.ts
// The static lint (issue 6 item 1, issue 16): rules over the real parse tree, never
// over the text, so comments, strings and dollar-quoted bodies cannot fire a rule.
//
// "Existing table" means: in LintContext.existingTables (the snapshot before the PR's
// migrations), or any table not created in the set when `unknownTablesExist` is on;
// a table created (or renamed into place from a new table) earlier in the linted set
// is new, whatever the snapshot says. Only the up scripts are linted, in list order.
//
// Lock and rewrite rules judge impact: a table the facts say is empty is quiet, one
// with rows is named with its estimate. Statements that share a transaction (a whole
// file that runs in one, or a BEGIN ... COMMIT block) are judged together: a lock
// taken early is held until COMMIT, through every later statement (./transaction.ts).









/** The statement kinds a rule reads (Linter.statement's cases). */
const TREE_KINDS = new Set([
    'IndexStmt',
    'AlterTableStmt',
    'RenameStmt',
    'AlterEnumStmt',
    'AlterObjectSchemaStmt',
    'DropStmt',
    'DropdbStmt',
    'TruncateStmt',
    'DeleteStmt',
    'UpdateStmt',
    'InsertStmt',
    'CreateStmt',
    'CreateTableAsStmt',
    'CreateFunctionStmt',
    'CreateEnumStmt',
    'CreateSchemaStmt',
    'CreateTrigStmt',
    'CreatePolicyStmt',
    'AlterPolicyStmt',
    'LockStmt',
    'VariableSetStmt',
    'VacuumStmt',
    'ClusterStmt',
    'ReindexStmt',
    ...server_wide/* SERVER_WIDE_KINDS */.uk
]);
/** The name uuidCalls looks for, quoted or not, in any case. */
const UUID_V4 = /uuid_generate_v4/i;
/** An INSERT reads other tables only through a SELECT (rules: INSERT ... SELECT scans). */
const SELECT = /select/i;
// Functions whose every call gives a new value, named as such in messages. Any function
// that is neither a non-volatile built-in nor known from the database or the set counts
// as volatile too (CREATE FUNCTION makes a function VOLATILE unless it says otherwise).
const KNOWN_VOLATILE = new Set([
    'random',
    'random_normal',
    'gen_random_uuid',
    'gen_random_bytes',
    'gen_salt',
    'uuidv4',
    'uuidv7',
    'uuid_generate_v1',
    'uuid_generate_v1mc',
    'uuid_generate_v4',
    'clock_timestamp',
    'timeofday',
    'nextval',
    'setval'
]);
const SERIAL_TYPES = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);
const SMALL_KEY_TYPES = new Set(['int2', 'int4']);
// ALTER TABLE subcommands that take less than ACCESS EXCLUSIVE (PostgreSQL's AlterTableGetLockLevel).
const WEAK_ALTERS = {
    AT_ValidateConstraint: SHARE_UPDATE_EXCLUSIVE,
    AT_SetStatistics: SHARE_UPDATE_EXCLUSIVE,
    AT_ClusterOn: SHARE_UPDATE_EXCLUSIVE,
    AT_DropCluster: SHARE_UPDATE_EXCLUSIVE,
    AT_SetRelOptions: SHARE_UPDATE_EXCLUSIVE,
    AT_ResetRelOptions: SHARE_UPDATE_EXCLUSIVE,
    AT_AttachPartition: SHARE_UPDATE_EXCLUSIVE,
    AT_DetachPartitionFinalize: SHARE_UPDATE_EXCLUSIVE
};
class Linter {
    ctx;
    raws = [];
    status = new Map();
    /** Tables created in the set without a primary key, until one is added or the table dropped. */
    noPk = new Map();
    /** Per table: columns a validated CHECK (col IS NOT NULL) proves. */
    notNullProof = new Map();
    /** Per table: NOT VALID CHECK (col IS NOT NULL) constraints by name. */
    pendingChecks = new Map();
    /** Per table: constraints validated in the set that neither the set nor the facts define. */
    unknownValidated = new Map();
    /** Per table and column: the type, when the set sets it (ADD COLUMN, ALTER TYPE). */
    columnTypes = new Map();
    /** Indexes created in the set (REINDEX or DROP of those is harmless). */
    newIndexes = new Set();
    /** Functions created in the set: name -> provolatile. */
    newFunctions = new Map();
    /** Enum types and schemas created in the set (renaming those breaks no client). */
    newTypes = new Set();
    newSchemas = new Set();
    mig = 0;
    stmt = 0;
    script;
    tx;
    /** The statement being linted: the locks it takes and whether it scans or rewrites an existing table. */
    locks = [];
    long;
    rawsBefore = 0;
    constructor(ctx) {
        this.ctx = ctx;
    }
    existing(key) {
        if (!key)
            return false;
        const s = this.status.get(key);
        if (s)
            return s === 'existing';
        return this.ctx.existingTables.has(key) || !!this.ctx.unknownTablesExist;
    }
    knownExisting(key) {
        const s = this.status.get(key);
        return s ? s === 'existing' : this.ctx.existingTables.has(key);
    }
    /** The database's facts about a table still as it was (not re-created in the set). */
    facts(key) {
        const s = this.status.get(key);
        if (s && s !== 'existing')
            return undefined;
        return this.ctx.facts?.tables?.get(key);
    }
    /** Existing and not known to be empty: where a lock or a rewrite costs something. */
    hurts(key) {
        return !!key && this.existing(key) && this.facts(key)?.rows !== 0;
    }
    /** `orders`, or `orders (~12,000 rows)` when the facts give an estimate. */
    named(key) {
        const rows = this.facts(key)?.rows;
        return rows !== undefined && rows > 0 ? `${key} (~${(0,thousands/* thousands */.o)(Math.round(rows))} rows)` : key;
    }
    add(rule, message, at, extra = {}) {
        this.raws.push({ rule, migration: this.mig, statement: this.stmt, at, message, ...extra });
    }
    lock(table, mode) {
        if (this.hurts(table))
            this.locks.push({ table, mode });
    }
    /** Marks the current statement as one that scans or rewrites `table` (when it hurts). */
    scans(table, what, validates) {
        if (!this.long && this.hurts(table))
            this.long = { what, table, validates };
    }
    lintScript(migration, script) {
        this.mig = migration;
        this.script = script;
        this.tx = new Transaction(script.runMode === 'transaction');
        for (const s of script.statements) {
            if (s.strippedWrapper)
                continue;
            this.stmt = s.index;
            this.locks = [];
            this.long = undefined;
            this.rawsBefore = this.raws.length;
            this.statement(s);
            this.sameTransaction(s);
        }
        this.mixedConcurrently(script);
    }
    /** Findings that wait for the whole set (a later ALTER TABLE may add the primary key). */
    finish() {
        this.raws.push(...this.noPk.values());
    }
    statement(s) {
        // A statement's tree is parsed again when read (source/script.ts releases it): read it
        // only when a rule can fire. Every rule below needs its kind, except the uuid check,
        // which needs the function's name in the text; an INSERT matters only with a SELECT.
        const uuid = UUID_V4.test(s.sql);
        if (!uuid && (!TREE_KINDS.has(s.kind) || (s.kind === 'InsertStmt' && !SELECT.test(s.sql))))
            return;
        const n = s.node;
        if (uuid)
            this.uuidCalls(n);
        for (const c of (0,server_wide/* serverWideChanges */.sc)(s))
            this.add('server-wide-change', (0,server_wide/* serverWideMessage */.A7)(c));
        switch (s.kind) {
            case 'IndexStmt':
                return this.createIndex(n);
            case 'AlterTableStmt':
                if (n.objtype === 'OBJECT_TABLE')
                    this.alterTable(n);
                return;
            case 'RenameStmt':
                return this.rename(n);
            case 'AlterEnumStmt':
                return this.alterEnum(n);
            case 'AlterObjectSchemaStmt':
                if (n.objectType === 'OBJECT_TABLE')
                    this.move((0,tree/* rangeVarKey */.jI)(n.relation), typeof n.newschema === 'string' ? n.newschema : undefined);
                return;
            case 'DropStmt':
                return this.drop(n);
            case 'DropdbStmt':
                return this.add('drop-database', `DROP DATABASE ${String(n.dbname)}${n.missing_ok ? ' (IF EXISTS)' : ''}: the whole database and its data are deleted, and DROP DATABASE cannot run in a transaction, so pgshift runs this file statement by statement with nothing to roll back`);
            case 'TruncateStmt':
                return this.truncate(n);
            case 'DeleteStmt':
            case 'UpdateStmt':
                return this.dml(s.kind, n);
            case 'InsertStmt':
                return this.insert(n);
            case 'CreateStmt':
                return this.createTable(n);
            case 'CreateTableAsStmt':
                if (n.objtype === 'OBJECT_TABLE' || n.objtype === 'OBJECT_MATVIEW') {
                    const into = n.into;
                    this.created((0,tree/* rangeVarKey */.jI)(into?.rel), !!n.if_not_exists);
                }
                return;
            case 'CreateFunctionStmt': {
                const parts = (0,tree/* names */.Dy)(n.funcname);
                const v = (0,tree/* str */.gx)((0,tree/* defElem */.pH)(n.options, 'volatility')?.arg);
                if (parts.length)
                    this.newFunctions.set(parts[parts.length - 1].toLowerCase(), v === 'immutable' ? 'i' : v === 'stable' ? 's' : 'v');
                return;
            }
            case 'CreateEnumStmt':
                this.newTypes.add((0,tree/* namesKey */.a7)((0,tree/* names */.Dy)(n.typeName)) ?? '');
                return;
            case 'CreateSchemaStmt':
                if (typeof n.schemaname === 'string')
                    this.newSchemas.add(n.schemaname.toLowerCase());
                return;
            case 'CreateTrigStmt':
                return this.lock((0,tree/* rangeVarKey */.jI)(n.relation), SHARE_ROW_EXCLUSIVE);
            case 'CreatePolicyStmt':
            case 'AlterPolicyStmt':
                return this.lock((0,tree/* rangeVarKey */.jI)(n.table), ACCESS_EXCLUSIVE);
            case 'LockStmt':
                return this.lockTable(n);
            case 'VariableSetStmt':
                return this.setVariable(n);
            case 'VacuumStmt':
            case 'ClusterStmt':
            case 'ReindexStmt':
                return this.maintenance(s.kind, n);
        }
    }
    // ---- the same transaction ------------------------------------------------
    /** Judges the statement against the locks earlier statements of its transaction still hold. */
    sameTransaction(s) {
        const tx = this.tx;
        tx.enter(s);
        // A held lock adds harm only where it blocks more than this statement's own lock on
        // that table does (a second index build on the same table blocks its writes anyway).
        const blocks = (mode) => (mode >= ACCESS_EXCLUSIVE ? 2 : mode >= SHARE ? 1 : 0);
        const own = (table) => Math.max(0, ...this.locks.filter((l) => l.table === table).map((l) => blocks(l.mode)));
        // When both statements already have findings of their own, fixing those releases the lock.
        const flagged = this.raws.length > this.rawsBefore;
        const held = tx.heldBy(this.stmt).filter((h) => blocks(h.mode) > own(h.table) && !(h.flagged && flagged));
        if (this.long && held.length > 0) {
            const long = this.long;
            const add = long.validates ? tx.notValid(long.table, long.validates) : undefined;
            if (add) {
                const blocked = add.mode >= ACCESS_EXCLUSIVE ? 'reads and writes' : 'writes';
                this.add('validate-in-same-transaction', `VALIDATE CONSTRAINT ${long.validates} on ${this.named(long.table)} runs in the same transaction as the ADD CONSTRAINT ... NOT VALID at line ${add.line}: the ADD's ${lockName(add.mode)} lock on ${add.tables.join(' and ')} is held until COMMIT, so the validating scan blocks ${blocked} there as if NOT VALID had not been written`);
            }
            else {
                const list = held.slice(0, 3).map((h) => `${lockName(h.mode)} on ${h.table} (line ${h.line}, blocking ${h.mode >= ACCESS_EXCLUSIVE ? 'reads and writes' : 'writes'})`);
                this.add('lock-held-until-commit', `${long.what} scans or rewrites ${this.named(long.table)} while this transaction still holds ${list.join(', ')}${held.length > 3 ? ` and ${held.length - 3} more` : ''}: those locks are held until COMMIT, so the traffic they block waits for this statement too`);
            }
        }
        tx.took(this.stmt, s.position.line, this.locks, flagged);
        tx.leave(s);
    }
    // ---- table bookkeeping -------------------------------------------------
    created(key, ifNotExists) {
        if (!key)
            return false;
        // IF NOT EXISTS on a table known to exist is a no-op: the old table stays. (A table
        // only assumed to exist by unknownTablesExist is taken as created here.)
        if (ifNotExists && this.knownExisting(key))
            return false;
        this.status.set(key, 'new');
        this.notNullProof.delete(key);
        this.pendingChecks.delete(key);
        this.unknownValidated.delete(key);
        for (const k of [...this.columnTypes.keys()])
            if (k.startsWith(`${key}\u0000`))
                this.columnTypes.delete(k);
        return true;
    }
    move(from, newSchema, newName) {
        if (!from)
            return;
        const [schema, name] = splitKey(from);
        const to = (0,tree/* tableKey */.ih)(newSchema ?? schema, newName ?? name);
        if (to === from)
            return;
        this.status.set(to, this.existing(from) ? 'existing' : (this.status.get(from) ?? 'gone'));
        this.status.set(from, 'gone');
        const pending = this.noPk.get(from);
        if (pending) {
            this.noPk.delete(from);
            this.noPk.set(to, pending);
        }
    }
    // ---- rules ---------------------------------------------------------------
    createIndex(n) {
        const key = (0,tree/* rangeVarKey */.jI)(n.relation);
        if (typeof n.idxname === 'string')
            this.newIndexes.add((0,tree/* tableKey */.ih)(rangeVar(n.relation)?.schemaname, n.idxname));
        const name = typeof n.idxname === 'string' ? `${n.idxname} ` : '';
        const cols = (0,tree/* list */.p_)(n, 'indexParams').length;
        if (!n.unique && cols > 3) {
            this.add('too-many-index-columns', `CREATE INDEX ${name}on ${key ?? '?'} has ${cols} key columns: a non-unique B-tree index rarely helps past its first three columns, and each extra one makes it larger and every write slower`);
        }
        if (n.concurrent)
            return;
        if (!this.hurts(key))
            return;
        this.lock(key, SHARE);
        this.scans(key, `CREATE INDEX ${name}on ${key}`);
        const unique = n.unique ? 'UNIQUE ' : '';
        this.add('require-concurrent-index', `CREATE ${unique}INDEX ${name}on existing table ${this.named(key)} without CONCURRENTLY: writes to ${key} are blocked until the index is built`);
    }
    mixedConcurrently(script) {
        const sent = script.statements.filter((s) => !s.strippedWrapper);
        const concurrent = sent.filter((s) => s.nonTransactional?.includes('CONCURRENTLY'));
        if (concurrent.length === 0)
            return;
        const others = sent.filter((s) => !s.nonTransactional && !s.transactionControl && s.kind !== 'VariableSetStmt');
        if (others.length === 0)
            return;
        const first = others[0];
        for (const s of concurrent) {
            this.stmt = s.index;
            const what = s.nonTransactional ?? 'CONCURRENTLY';
            this.add('concurrently-mixed-file', `${what} shares its file with ${others.length} other statement${others.length === 1 ? '' : 's'} (the first at line ${first.position.line}): the whole file runs statement by statement in autocommit, so ${others.length === 1 ? 'that statement is' : 'those statements are'} not atomic`);
        }
    }
    alterTable(n) {
        const key = (0,tree/* rangeVarKey */.jI)(n.relation);
        if (!key)
            return;
        const ex = this.existing(key);
        for (const c of (0,tree/* list */.p_)(n, 'cmds')) {
            const cmd = (0,tree/* unwrap */.oA)(c, 'AlterTableCmd');
            if (!cmd)
                continue;
            const col = typeof cmd.name === 'string' ? cmd.name : undefined;
            const subtype = String(cmd.subtype);
            const fk = (0,tree/* unwrap */.oA)(cmd.def, 'Constraint')?.contype === 'CONSTR_FOREIGN';
            const weak = subtype.startsWith('AT_EnableTrig') || subtype.startsWith('AT_DisableTrig') || subtype.startsWith('AT_EnableAlwaysTrig') || subtype.startsWith('AT_EnableReplicaTrig') || fk;
            const concurrentDetach = subtype === 'AT_DetachPartition' && !!(0,tree/* unwrap */.oA)(cmd.def, 'PartitionCmd')?.concurrent;
            this.lock(key, concurrentDetach ? SHARE_UPDATE_EXCLUSIVE : (WEAK_ALTERS[subtype] ?? (weak ? SHARE_ROW_EXCLUSIVE : ACCESS_EXCLUSIVE)));
            switch (subtype) {
                case 'AT_AddColumn': {
                    const def = (0,tree/* unwrap */.oA)(cmd.def, 'ColumnDef');
                    if (def)
                        this.addColumn(key, ex, def);
                    break;
                }
                case 'AT_AlterColumnType': {
                    const def = (0,tree/* unwrap */.oA)(cmd.def, 'ColumnDef');
                    if (def && col)
                        this.alterColumnType(key, col, def);
                    break;
                }
                case 'AT_AddConstraint': {
                    const con = (0,tree/* unwrap */.oA)(cmd.def, 'Constraint');
                    if (con)
                        this.addConstraint(key, ex, con);
                    break;
                }
                case 'AT_ValidateConstraint': {
                    if (!col)
                        break;
                    const column = this.pendingChecks.get(key)?.get(col) ?? this.facts(key)?.notNullChecks?.get(col)?.column;
                    if (column)
                        this.prove(key, column);
                    else if (!this.facts(key)?.notNullChecks)
                        this.unknownValidated.set(key, [...(this.unknownValidated.get(key) ?? []), col.toLowerCase()]);
                    this.scans(key, `VALIDATE CONSTRAINT ${col}`, col);
                    break;
                }
                case 'AT_SetNotNull':
                    if (col && this.hurts(key) && !this.proven(key, col)) {
                        this.scans(key, `ALTER COLUMN ${col} SET NOT NULL`);
                        this.add('set-not-null', `ALTER COLUMN ${col} SET NOT NULL on existing table ${this.named(key)}: the whole table is scanned under an ACCESS EXCLUSIVE lock`);
                    }
                    break;
                case 'AT_DropNotNull':
                    if (col && ex) {
                        this.add('drop-not-null', `ALTER COLUMN ${col} DROP NOT NULL on existing table ${key}: code and functions that rely on ${col} never being NULL start receiving NULLs`);
                    }
                    break;
                case 'AT_DropColumn':
                    if (ex) {
                        this.add('destructive', `DROP COLUMN ${col} on existing table ${key}: the column's data is lost and code still reading ${col} fails`);
                    }
                    break;
                case 'AT_DetachPartition': {
                    const part = (0,tree/* unwrap */.oA)(cmd.def, 'PartitionCmd');
                    if (part?.concurrent || !this.hurts(key))
                        break;
                    this.add('require-concurrent-detach-partition', `DETACH PARTITION ${(0,tree/* rangeVarKey */.jI)(part?.name) ?? '?'} from existing table ${this.named(key)} without CONCURRENTLY: ACCESS EXCLUSIVE on ${key} blocks every read and write of the whole partitioned table until the migration commits`);
                    break;
                }
            }
        }
    }
    alterColumnType(key, col, def) {
        const to = parsedType(def.typeName);
        const using = !!def.raw_default;
        const typeKey = `${key}\u0000${col}`;
        const factsCol = this.facts(key)?.columns?.get(col);
        const from = this.columnTypes.get(typeKey) ?? factsCol;
        if (to) {
            this.columnTypes.set(typeKey, to);
            this.typeChoice(to, col, key, (0,tree/* location */.C5)(def));
        }
        if (!using && from && to && changeWithoutRewrite(from, to))
            return;
        if (!this.hurts(key))
            return;
        this.scans(key, `ALTER COLUMN ${col} TYPE ${(0,tree/* typeLabel */.Dd)(def.typeName)}`);
        const fromText = from ? ` (from ${typeText(from)})` : '';
        this.add('changing-column-type', from
            ? `ALTER COLUMN ${col} TYPE ${(0,tree/* typeLabel */.Dd)(def.typeName)}${fromText}${using ? ' with USING' : ''} on existing table ${this.named(key)}: not a binary-compatible change, so ${key} is rewritten (or every row checked) under an ACCESS EXCLUSIVE lock`
            : `ALTER COLUMN ${col} TYPE ${(0,tree/* typeLabel */.Dd)(def.typeName)}${using ? ' (with USING)' : ''} on existing table ${this.named(key)}: unless the change is binary-compatible, ${key} is rewritten under an ACCESS EXCLUSIVE lock`, (0,tree/* location */.C5)(def));
    }
    addColumn(key, ex, def) {
        const col = String(def.colname ?? '?');
        const cons = (0,tree/* list */.p_)(def, 'constraints')
            .map((c) => (0,tree/* unwrap */.oA)(c, 'Constraint'))
            .filter((c) => !!c);
        const of = (t) => cons.find((c) => c.contype === t);
        const dflt = of('CONSTR_DEFAULT');
        const hasDefault = !!dflt && !isNullConst(dflt.raw_expr);
        const typeParts = (0,tree/* names */.Dy)(def.typeName?.names);
        const serial = typeParts.length === 1 && SERIAL_TYPES.has(typeParts[0].toLowerCase());
        const identity = of('CONSTR_IDENTITY');
        const generated = of('CONSTR_GENERATED');
        const stored = generated && generated.generated_kind !== 'v';
        const pk = of('CONSTR_PRIMARY');
        if (pk)
            this.noPk.delete(key);
        this.columnDesign(def, key, !!pk);
        const type = parsedType(def.typeName);
        if (type && ex)
            this.columnTypes.set(`${key}\u0000${col}`, type);
        if (!ex)
            return;
        const at = (0,tree/* location */.C5)(def);
        const notNull = of('CONSTR_NOTNULL') ?? pk;
        if (notNull && !hasDefault && !serial && !identity && !generated) {
            this.add('adding-not-null-column', `ADD COLUMN ${col} ${pk && !of('CONSTR_NOTNULL') ? 'PRIMARY KEY (so NOT NULL)' : 'NOT NULL'} without a DEFAULT on existing table ${key}: the ALTER fails as soon as ${key} holds a row`, at);
        }
        if (!this.hurts(key))
            return;
        if (dflt && hasDefault) {
            const known = [];
            const unknown = [];
            (0,tree/* findAll */.JW)(dflt.raw_expr, 'FuncCall', (f) => {
                const name = (0,tree/* funcName */.aA)(f);
                const v = this.volatility(name);
                if (v === 'v' && !known.includes(name))
                    known.push(name);
                if (v === undefined && !unknown.includes(name))
                    unknown.push(name);
            });
            if (known.length + unknown.length > 0) {
                this.scans(key, `ADD COLUMN ${col} with a volatile default`);
                const calls = (l) => l.map((v) => `${v}()`).join(', ');
                const what = [
                    known.length ? `the volatile default ${calls(known)}` : '',
                    unknown.length
                        ? `${known.length ? 'and ' : 'the default '}${calls(unknown)}, ${unknown.length > 1 ? 'functions' : 'a function'} pgshift cannot prove non-volatile (a function is VOLATILE unless its CREATE FUNCTION says IMMUTABLE or STABLE), so counted as volatile`
                        : ''
                ]
                    .filter(Boolean)
                    .join(' ');
                this.add('volatile-default', `ADD COLUMN ${col} with ${what} on existing table ${this.named(key)}: every row gets its own value, so ${key} is rewritten under an ACCESS EXCLUSIVE lock`, (0,tree/* location */.C5)(dflt));
            }
        }
        const generatedWhat = serial ? `${typeParts[0]} column (default nextval())` : identity ? 'identity column' : stored ? 'stored generated column' : undefined;
        if (generatedWhat) {
            this.scans(key, `ADD COLUMN ${col} as a ${generatedWhat}`);
            this.add('volatile-default', `ADD COLUMN ${col} as a ${generatedWhat} on existing table ${this.named(key)}: a value is computed for every existing row, so ${key} is rewritten under an ACCESS EXCLUSIVE lock`, (0,tree/* location */.C5)(identity ?? generated) ?? at, {
                fix: serial || identity
                    ? 'Add a plain nullable column, create the sequence and SET DEFAULT nextval(...) (instant, new rows only), backfill the existing rows in batches, then add NOT NULL through a CHECK validated in a later migration.'
                    : 'Add a plain nullable column kept up to date by a trigger, backfill it in batches (or use a VIRTUAL generated column on PG18+, which is not stored).'
            });
        }
        for (const c of cons) {
            if (c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_UNIQUE') {
                const what = c.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'UNIQUE';
                this.scans(key, `ADD COLUMN ${col} ... ${what}`);
                this.add('add-pk-or-unique-without-index', `ADD COLUMN ${col} ... ${what} on existing table ${this.named(key)}: its unique index is built under an ACCESS EXCLUSIVE lock`, (0,tree/* location */.C5)(c), {
                    fix: `Add the column without ${what}, fill it, CREATE UNIQUE INDEX CONCURRENTLY on it in its own file, then ADD CONSTRAINT ... ${what} USING INDEX (instant).`
                });
            }
            else if (c.contype === 'CONSTR_FOREIGN' || c.contype === 'CONSTR_CHECK') {
                const what = c.contype === 'CONSTR_FOREIGN' ? `REFERENCES ${(0,tree/* rangeVarKey */.jI)(c.pktable) ?? '?'}` : 'CHECK';
                if (c.contype === 'CONSTR_FOREIGN')
                    this.lock((0,tree/* rangeVarKey */.jI)(c.pktable), SHARE_ROW_EXCLUSIVE);
                this.scans(key, `ADD COLUMN ${col} ... ${what}`);
                this.add('constraint-missing-not-valid', `ADD COLUMN ${col} ... ${what} on existing table ${this.named(key)}: the new constraint is validated by scanning every row of ${key} under the ALTER TABLE lock (a column constraint cannot be NOT VALID)`, (0,tree/* location */.C5)(c), {
                    fix: `Add the column without the constraint, then ALTER TABLE ${key} ADD CONSTRAINT ... ${c.contype === 'CONSTR_FOREIGN' ? 'FOREIGN KEY' : 'CHECK'} ... NOT VALID, then VALIDATE CONSTRAINT in a later migration (in the same file, the ADD's lock is held through the scan).`
                });
            }
        }
    }
    /** The function's volatility: from the set, the database, the built-in list; undefined when unknown. */
    volatility(name) {
        const v = this.newFunctions.get(name) ?? this.ctx.facts?.functions?.get(name);
        if (v)
            return v;
        if (KNOWN_VOLATILE.has(name))
            return 'v';
        return NON_VOLATILE_BUILTINS.has(name) ? 's' : undefined;
    }
    addConstraint(key, ex, con) {
        const name = typeof con.conname === 'string' ? con.conname : undefined;
        const label = name ? `${name} ` : '';
        switch (con.contype) {
            case 'CONSTR_CHECK':
            case 'CONSTR_FOREIGN': {
                const fk = con.contype === 'CONSTR_FOREIGN';
                const target = fk ? (0,tree/* rangeVarKey */.jI)(con.pktable) : undefined;
                if (fk)
                    this.lock(target, SHARE_ROW_EXCLUSIVE);
                const column = con.contype === 'CONSTR_CHECK' ? notNullCheckColumn(con.raw_expr) : undefined;
                if (column) {
                    if (!con.skip_validation)
                        this.prove(key, column);
                    else if (name) {
                        const m = this.pendingChecks.get(key) ?? new Map();
                        m.set(name, column);
                        this.pendingChecks.set(key, m);
                    }
                }
                if (con.skip_validation && name && this.hurts(key)) {
                    this.tx.addedNotValid(key, name, this.script.statements[this.stmt].position.line, fk ? SHARE_ROW_EXCLUSIVE : ACCESS_EXCLUSIVE, fk && target && this.hurts(target) ? [key, target] : [key]);
                }
                if (!ex || con.skip_validation || !this.hurts(key))
                    return;
                this.scans(key, `ADD CONSTRAINT ${label}${fk ? 'FOREIGN KEY' : 'CHECK'}`);
                this.add('constraint-missing-not-valid', fk
                    ? `ADD CONSTRAINT ${label}FOREIGN KEY on existing table ${this.named(key)} without NOT VALID: every row of ${key} is checked against ${target} while writes to both tables are blocked`
                    : `ADD CONSTRAINT ${label}CHECK on existing table ${this.named(key)} without NOT VALID: every row is checked under an ACCESS EXCLUSIVE lock`, (0,tree/* location */.C5)(con));
                return;
            }
            case 'CONSTR_PRIMARY':
            case 'CONSTR_UNIQUE': {
                if (con.contype === 'CONSTR_PRIMARY')
                    this.noPk.delete(key);
                if (!ex || con.indexname || !this.hurts(key))
                    return;
                const what = con.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'UNIQUE';
                const cols = (0,tree/* names */.Dy)(con.keys).join(', ');
                this.scans(key, `ADD ${what}`);
                this.add('add-pk-or-unique-without-index', `ADD ${name ? `CONSTRAINT ${name} ` : ''}${what}${cols ? ` (${cols})` : ''} on existing table ${this.named(key)} without USING INDEX: the unique index is built under an ACCESS EXCLUSIVE lock`, (0,tree/* location */.C5)(con));
                return;
            }
            case 'CONSTR_EXCLUSION': {
                if (!this.hurts(key))
                    return;
                this.scans(key, `ADD CONSTRAINT ${label}EXCLUDE`);
                this.add('adding-exclusion-constraint', `ADD CONSTRAINT ${label}EXCLUDE on existing table ${this.named(key)}: its index is built and every row checked under an ACCESS EXCLUSIVE lock, and an exclusion constraint can be neither NOT VALID nor built CONCURRENTLY`, (0,tree/* location */.C5)(con));
                return;
            }
            case 'CONSTR_NOTNULL': {
                // PG18: ADD CONSTRAINT name NOT NULL col
                if (!ex || con.skip_validation || !this.hurts(key))
                    return;
                for (const col of (0,tree/* names */.Dy)(con.keys)) {
                    if (this.proven(key, col))
                        continue;
                    this.scans(key, `ADD CONSTRAINT ${label}NOT NULL ${col}`);
                    this.add('set-not-null', `ADD CONSTRAINT ${label}NOT NULL ${col} on existing table ${this.named(key)}: the whole table is scanned under an ACCESS EXCLUSIVE lock`, (0,tree/* location */.C5)(con));
                }
                return;
            }
        }
    }
    prove(key, column) {
        const s = this.notNullProof.get(key) ?? new Set();
        s.add(column);
        this.notNullProof.set(key, s);
    }
    /**
     * Whether Postgres can skip SET NOT NULL's scan: the column is already NOT NULL, or a
     * validated CHECK (col IS NOT NULL) proves it (validated in the set, or in the database
     * per the facts). Without facts, a constraint validated in the set but added before it
     * (the second deploy of the two-step recipe) counts when its name holds the column's.
     */
    proven(key, col) {
        if (this.notNullProof.get(key)?.has(col))
            return true;
        const f = this.facts(key);
        if (f?.columns?.get(col)?.notNull)
            return true;
        for (const c of f?.notNullChecks?.values() ?? [])
            if (c.validated && c.column === col)
                return true;
        return (this.unknownValidated.get(key) ?? []).some((name) => name.includes(col.toLowerCase()));
    }
    rename(n) {
        const key = (0,tree/* rangeVarKey */.jI)(n.relation);
        const newname = typeof n.newname === 'string' ? n.newname : '?';
        if (n.renameType === 'OBJECT_TABLE') {
            this.lock(key, ACCESS_EXCLUSIVE);
            if (this.existing(key)) {
                this.add('renaming', `RENAME of existing table ${key} to ${newname}: clients still using ${key} fail at once`);
            }
            this.move(key, undefined, newname);
        }
        else if (n.renameType === 'OBJECT_COLUMN' && n.relationType === 'OBJECT_TABLE') {
            this.lock(key, ACCESS_EXCLUSIVE);
            if (this.existing(key))
                this.add('renaming', `RENAME COLUMN ${String(n.subname)} to ${newname} on existing table ${key}: clients still using ${String(n.subname)} fail at once`);
        }
        else if (n.renameType === 'OBJECT_SCHEMA' && typeof n.subname === 'string') {
            const from = n.subname.toLowerCase();
            const tables = [...new Set([...this.ctx.existingTables, ...this.status.keys()])].filter((k) => k.startsWith(`${from}.`));
            if (!this.newSchemas.has(from) && (tables.some((k) => this.existing(k)) || this.ctx.unknownTablesExist || this.ctx.existingTables.size > 0)) {
                this.add('renaming', `ALTER SCHEMA ${n.subname} RENAME TO ${newname}: every client query, view-less reference and search_path naming ${n.subname} fails at once`);
            }
            for (const k of tables)
                this.move(k, newname);
            if (this.newSchemas.has(from))
                this.newSchemas.add(newname.toLowerCase());
        }
    }
    alterEnum(n) {
        if (typeof n.oldVal !== 'string' || typeof n.newVal !== 'string')
            return;
        const type = (0,tree/* namesKey */.a7)((0,tree/* names */.Dy)(n.typeName));
        if (!type || this.newTypes.has(type))
            return;
        this.add('renaming', `ALTER TYPE ${(0,tree/* names */.Dy)(n.typeName).join('.')} RENAME VALUE '${n.oldVal}' TO '${n.newVal}': stored rows change at once, and every client writing or comparing '${n.oldVal}' fails (invalid input value for enum)`);
    }
    drop(n) {
        if (n.removeType === 'OBJECT_INDEX')
            return this.dropIndex(n);
        if (n.removeType !== 'OBJECT_TABLE')
            return;
        const keys = (0,tree/* list */.p_)(n, 'objects')
            .map((o) => (0,tree/* namesKey */.a7)((0,tree/* names */.Dy)((0,tree/* unwrap */.oA)(o, 'List')?.items)))
            .filter((k) => !!k);
        const hit = keys.filter((k) => this.existing(k));
        if (hit.length > 0) {
            const cascade = n.behavior === 'DROP_CASCADE' ? ' CASCADE (also dropping the views and foreign keys that depend on it)' : '';
            this.add('destructive', `DROP TABLE ${hit.join(', ')}${cascade}: the table${hit.length > 1 ? 's and their' : ' and its'} data are lost`);
        }
        for (const k of keys) {
            this.status.set(k, 'gone');
            this.noPk.delete(k);
        }
    }
    dropIndex(n) {
        if (n.concurrent)
            return;
        const known = this.ctx.facts?.indexes;
        // Without the catalog an index the set did not build is on a table that predates it,
        // unless the snapshot says no table did.
        if (!known && this.ctx.existingTables.size === 0 && !this.ctx.unknownTablesExist)
            return;
        for (const o of (0,tree/* list */.p_)(n, 'objects')) {
            const key = (0,tree/* namesKey */.a7)((0,tree/* names */.Dy)((0,tree/* unwrap */.oA)(o, 'List')?.items));
            if (!key || this.newIndexes.has(key))
                continue;
            // With the catalog at hand: the index's table; an index it lacks does not exist (IF EXISTS).
            const table = known ? known.get(key) : undefined;
            if (known && (!table || !this.hurts(table)))
                continue;
            if (table)
                this.lock(table, ACCESS_EXCLUSIVE);
            this.add('require-concurrent-index-drop', `DROP INDEX ${key} without CONCURRENTLY${table ? ` on existing table ${this.named(table)}` : ''}: it takes an ACCESS EXCLUSIVE lock on ${table ?? 'its table'}, so every read and write of ${table ?? 'the table'} waits from the moment it queues until the migration commits`);
        }
    }
    truncate(n) {
        const keys = (0,tree/* list */.p_)(n, 'relations').map(tree/* rangeVarKey */.jI);
        for (const k of keys)
            this.lock(k, ACCESS_EXCLUSIVE);
        const hit = keys.filter((k) => this.existing(k));
        if (hit.length === 0)
            return;
        const cascade = n.behavior === 'DROP_CASCADE' ? ' CASCADE, which also empties every table with a foreign key to it,' : '';
        this.add('destructive', `TRUNCATE ${hit.join(', ')}${cascade} deletes every row of existing data`);
    }
    dml(kind, n) {
        const key = (0,tree/* rangeVarKey */.jI)(n.relation);
        const verb = kind === 'DeleteStmt' ? 'DELETE' : 'UPDATE';
        if (key && !pointLookup(n.whereClause))
            this.scans(key, `${verb} of ${key}`);
        if (n.whereClause)
            return;
        if (!this.existing(key))
            return;
        this.add('destructive', `${verb} on existing table ${key} without WHERE: it ${verb === 'DELETE' ? 'deletes' : 'rewrites'} every row`);
    }
    /** INSERT ... SELECT reading an existing table is a long data change. */
    insert(n) {
        const select = (0,tree/* unwrap */.oA)(n.selectStmt, 'SelectStmt');
        if (!select)
            return;
        (0,tree/* findAll */.JW)(select.fromClause, 'RangeVar', (rv) => {
            const key = (0,tree/* rangeVarKey */.jI)(rv);
            if (key)
                this.scans(key, `INSERT ... SELECT from ${key}`);
        });
    }
    createTable(n) {
        const rel = rangeVar(n.relation);
        const key = (0,tree/* rangeVarKey */.jI)(rel);
        // A foreign key to an existing table locks it (SHARE ROW EXCLUSIVE) until COMMIT.
        (0,tree/* findAll */.JW)(n.tableElts, 'Constraint', (c) => {
            if (c.contype === 'CONSTR_FOREIGN')
                this.lock((0,tree/* rangeVarKey */.jI)(c.pktable), SHARE_ROW_EXCLUSIVE);
        });
        if (!this.created(key, !!n.if_not_exists) || !key)
            return;
        const elts = (0,tree/* list */.p_)(n, 'tableElts');
        if (rel?.relpersistence !== 't') {
            const pkCols = new Set();
            for (const e of elts) {
                const con = (0,tree/* unwrap */.oA)(e, 'Constraint');
                if (con?.contype === 'CONSTR_PRIMARY')
                    for (const k of (0,tree/* names */.Dy)(con.keys))
                        pkCols.add(k);
            }
            for (const e of elts) {
                const col = (0,tree/* unwrap */.oA)(e, 'ColumnDef');
                if (!col)
                    continue;
                const inlinePk = (0,tree/* list */.p_)(col, 'constraints').some((c) => (0,tree/* unwrap */.oA)(c, 'Constraint')?.contype === 'CONSTR_PRIMARY');
                this.columnDesign(col, key, inlinePk || pkCols.has(String(col.colname)));
            }
        }
        if (rel?.relpersistence === 't' || n.partbound || n.ofTypename)
            return;
        if (elts.some((e) => (0,tree/* unwrap */.oA)(e, 'TableLikeClause')))
            return; // LIKE may copy the key
        const hasPk = elts.some((e) => {
            const con = (0,tree/* unwrap */.oA)(e, 'Constraint');
            if (con?.contype === 'CONSTR_PRIMARY')
                return true;
            const col = (0,tree/* unwrap */.oA)(e, 'ColumnDef');
            return (0,tree/* list */.p_)(col, 'constraints').some((c) => (0,tree/* unwrap */.oA)(c, 'Constraint')?.contype === 'CONSTR_PRIMARY');
        });
        if (hasPk)
            return;
        this.noPk.set(key, {
            rule: 'table-without-primary-key',
            migration: this.mig,
            statement: this.stmt,
            message: `CREATE TABLE ${key} has no PRIMARY KEY (and none is added later in these migrations)`
        });
    }
    /** Type choices a new column should not make, on new and existing tables alike. */
    columnDesign(def, key, primaryKey) {
        const col = String(def.colname ?? '?');
        const typeName = def.typeName;
        const parts = (0,tree/* names */.Dy)(typeName?.names);
        const written = parts.length === 1 ? parts[0].toLowerCase() : undefined;
        const at = (0,tree/* location */.C5)(typeName) ?? (0,tree/* location */.C5)(def);
        if (written && SERIAL_TYPES.has(written)) {
            this.add('prefer-identity', `${key}.${col} is declared ${written}: a serial column's sequence has its own owner and grants, and a manual INSERT of an id does not move it`, at);
        }
        const t = parsedType(typeName);
        if (!t)
            return;
        if (primaryKey && !t.array && SMALL_KEY_TYPES.has(t.typname)) {
            const shown = written && SERIAL_TYPES.has(written) ? written : t.typname === 'int4' ? 'integer' : 'smallint';
            this.add('prefer-bigint-key', `primary key ${key}.${col} is ${shown}: ${t.typname === 'int4' ? 'it runs out at 2,147,483,647' : 'it runs out at 32,767'}, and changing the type of a key later rewrites the table and every table referencing it`, at);
        }
        this.typeChoice(t, col, key, at);
    }
    typeChoice(t, col, key, at) {
        const builtin = !t.typname.includes('.');
        if (!builtin)
            return;
        if (t.typname === 'json') {
            this.add('prefer-jsonb', `${key}.${col} is json: it keeps the text as written, so it cannot be indexed or compared, and every read parses it again`, at);
        }
        else if (t.typname === 'bpchar' && t.mods.length > 0) {
            this.add('prefer-text-over-char', `${key}.${col} is char(${t.mods[0]}): values are padded with spaces to the length, which comparisons and clients handle inconsistently, and it is no faster than text`, at);
        }
        else if (t.typname === 'timestamp') {
            this.add('prefer-timestamptz', `${key}.${col} is timestamp without time zone: it stores the wall-clock reading without its zone, so the same instant reads differently for each session's TimeZone`, at);
        }
    }
    lockTable(n) {
        const mode = typeof n.mode === 'number' ? n.mode : ACCESS_EXCLUSIVE;
        const keys = (0,tree/* list */.p_)(n, 'relations').map(tree/* rangeVarKey */.jI);
        for (const k of keys)
            this.lock(k, mode);
        if (mode !== ACCESS_EXCLUSIVE)
            return;
        const hit = keys.filter((k) => this.hurts(k));
        if (hit.length === 0)
            return;
        this.add('lock-without-timeout', `LOCK TABLE ${hit.map((k) => this.named(k)).join(', ')} in ACCESS EXCLUSIVE mode: every read and write of ${hit.length > 1 ? 'these tables' : hit[0]} is blocked from here until the migration commits`);
    }
    setVariable(n) {
        // Statement-by-statement files get pgshift's lock_timeout again before each statement.
        if (this.script.runMode !== 'transaction')
            return;
        let off = false;
        if (n.kind === 'VAR_RESET_ALL')
            off = true;
        else if (String(n.name).toLowerCase() === 'lock_timeout') {
            if (n.kind === 'VAR_RESET' || n.kind === 'VAR_SET_DEFAULT')
                off = true;
            else if (n.kind === 'VAR_SET_VALUE')
                off = isZeroSetting((0,tree/* list */.p_)(n, 'args')[0]);
        }
        if (!off)
            return;
        const what = n.kind === 'VAR_RESET_ALL' ? 'RESET ALL' : n.kind === 'VAR_SET_VALUE' ? 'SET lock_timeout = 0' : `${n.kind === 'VAR_RESET' ? 'RESET lock_timeout' : 'SET lock_timeout TO DEFAULT'}`;
        this.add('lock-without-timeout', `${what} switches off the lock_timeout pgshift set for this migration (unless the server default sets one): the statements after it may queue for a lock for as long as it takes, and every query on the table queues behind them`);
    }
    maintenance(kind, n) {
        if (kind === 'VacuumStmt') {
            const full = (0,tree/* defElem */.pH)(n.options, 'full');
            if (!n.is_vacuumcmd || !full || !(0,tree/* optionOn */.J_)(full))
                return;
            const rels = (0,tree/* list */.p_)(n, 'rels').map((r) => (0,tree/* rangeVarKey */.jI)((0,tree/* unwrap */.oA)(r, 'VacuumRelation')?.relation));
            const hit = rels.filter((k) => this.hurts(k));
            if (rels.length > 0 && hit.length === 0)
                return;
            this.add('blocking-maintenance', `VACUUM FULL ${hit.length ? hit.map((k) => this.named(k)).join(', ') : '(every table of the database)'} rewrites ${hit.length ? 'the table' : 'each table'} under an ACCESS EXCLUSIVE lock`);
        }
        else if (kind === 'ClusterStmt') {
            const key = (0,tree/* rangeVarKey */.jI)(n.relation);
            if (key && !this.hurts(key))
                return;
            if (key) {
                this.lock(key, ACCESS_EXCLUSIVE);
                this.scans(key, `CLUSTER ${key}`);
            }
            this.add('blocking-maintenance', `CLUSTER ${key ? this.named(key) : '(every previously clustered table)'} rewrites the table under an ACCESS EXCLUSIVE lock`);
        }
        else {
            const conc = (0,tree/* defElem */.pH)(n.params, 'concurrently');
            if (conc && (0,tree/* optionOn */.J_)(conc))
                return;
            // System catalogs cannot be reindexed concurrently; their indexes are small.
            if (n.kind === 'REINDEX_OBJECT_SYSTEM')
                return;
            const rel = rangeVar(n.relation);
            if (typeof rel?.schemaname === 'string' && rel.schemaname.toLowerCase() === 'pg_catalog')
                return;
            const key = (0,tree/* rangeVarKey */.jI)(rel);
            const target = typeof n.name === 'string' ? n.name : key;
            switch (n.kind) {
                case 'REINDEX_OBJECT_TABLE':
                    if (!this.hurts(key))
                        return;
                    this.lock(key, SHARE);
                    this.scans(key, `REINDEX TABLE ${key}`);
                    break;
                case 'REINDEX_OBJECT_INDEX': {
                    if (!key || this.newIndexes.has(key))
                        return;
                    const table = this.ctx.facts?.indexes?.get(key);
                    if (this.ctx.facts?.indexes && (!table || !this.hurts(table)))
                        return;
                    break;
                }
            }
            const what = String(n.kind ?? '').replace('REINDEX_OBJECT_', '');
            this.add('blocking-maintenance', `REINDEX ${what} ${target ?? ''} without CONCURRENTLY blocks writes (and queries using the index) until the rebuild ends`.replace(/ {2,}/g, ' '));
        }
    }
    uuidCalls(n) {
        (0,tree/* findAll */.JW)(n, 'FuncCall', (f) => {
            if ((0,tree/* funcName */.aA)(f) !== 'uuid_generate_v4')
                return;
            this.add('prefer-gen-random-uuid', 'uuid_generate_v4() needs the uuid-ossp extension; the built-in gen_random_uuid() gives the same random UUIDs', (0,tree/* location */.C5)(f));
        });
    }
}
function rangeVar(v) {
    return (0,tree/* unwrap */.oA)(v, 'RangeVar') ?? ((0,tree/* isNode */.Ll)(v) ? v : undefined);
}
function splitKey(key) {
    const dot = key.indexOf('.');
    return [key.slice(0, dot), key.slice(dot + 1)];
}
function isNullConst(v) {
    const c = (0,tree/* unwrap */.oA)(v, 'A_Const');
    return !!c && c.isnull === true;
}
/**
 * A WHERE that picks rows by equality with constants (`id = 42`, `version IN ('a', 'b')`,
 * or such a test ANDed with anything): an index lookup, not a pass over the table.
 */
function pointLookup(where) {
    const b = (0,tree/* unwrap */.oA)(where, 'BoolExpr');
    if (b)
        return b.boolop === 'AND_EXPR' && (0,tree/* list */.p_)(b, 'args').some(pointLookup);
    const e = (0,tree/* unwrap */.oA)(where, 'A_Expr');
    if (!e)
        return false;
    const constant = (v) => !!(0,tree/* unwrap */.oA)(v, 'A_Const') || !!(0,tree/* unwrap */.oA)(v, 'ParamRef') || (!!(0,tree/* unwrap */.oA)(v, 'TypeCast') && !!(0,tree/* unwrap */.oA)((0,tree/* unwrap */.oA)(v, 'TypeCast')?.arg, 'A_Const'));
    const column = (v) => !!(0,tree/* unwrap */.oA)(v, 'ColumnRef');
    if (e.kind === 'AEXPR_OP' && (0,tree/* names */.Dy)(e.name).join('') === '=')
        return (column(e.lexpr) && constant(e.rexpr)) || (constant(e.lexpr) && column(e.rexpr));
    if (e.kind === 'AEXPR_IN' && (0,tree/* names */.Dy)(e.name).join('') === '=') {
        const items = (0,tree/* list */.p_)((0,tree/* unwrap */.oA)(e.rexpr, 'List'), 'items');
        return column(e.lexpr) && items.length > 0 && items.every(constant);
    }
    return false;
}
/** `col IS NOT NULL` -> 'col'. */
function notNullCheckColumn(expr) {
    const t = (0,tree/* unwrap */.oA)(expr, 'NullTest');
    if (!t || t.nulltesttype !== 'IS_NOT_NULL')
        return undefined;
    const fields = (0,tree/* names */.Dy)((0,tree/* unwrap */.oA)(t.arg, 'ColumnRef')?.fields);
    return fields.length === 1 ? fields[0] : undefined;
}
/** lock_timeout = 0 / '0' / '0s' ... */
function isZeroSetting(arg) {
    const c = (0,tree/* unwrap */.oA)(arg, 'A_Const');
    if (!c)
        return false;
    if ((0,tree/* isNode */.Ll)(c.ival))
        return !c.ival.ival;
    if ((0,tree/* isNode */.Ll)(c.fval))
        return Number(c.fval.fval) === 0;
    const s = (0,tree/* isNode */.Ll)(c.sval) ? c.sval.sval : undefined;
    return typeof s === 'string' && /^\s*0+(\.0*)?\s*(us|ms|s|min|h|d)?\s*$/i.test(s);
}
/** Lints the up scripts of `migrations`, in order. Pure and synchronous: the parser must be loaded (ensureParser). */
function lintMigrations(migrations, ctx) {
    const run = lintInSteps(migrations, ctx);
    while (run.step())
        ;
    return run.finish();
}
function lintInSteps(migrations, ctx) {
    const linter = new Linter(ctx);
    let next = 0;
    const step = () => {
        if (next >= migrations.length)
            return false;
        linter.lintScript(next, migrations[next].up);
        next++;
        return true;
    };
    return {
        step,
        finish: () => {
            while (step())
                ;
            return findingsOf(linter, migrations);
        }
    };
}
function findingsOf(linter, migrations) {
    linter.finish();
    const byMigration = new Map();
    for (const r of linter.raws) {
        const arr = byMigration.get(r.migration) ?? [];
        arr.push(r);
        byMigration.set(r.migration, arr);
    }
    const out = [];
    migrations.forEach((m, mi) => {
        const script = m.up;
        const { ignores, problems } = findIgnores(script);
        const raws = byMigration.get(mi) ?? [];
        for (const p of problems)
            raws.push({ rule: p.rule, migration: mi, statement: -1, index: p.index, message: p.message });
        if (raws.length === 0)
            return;
        const lines = new positions/* LineMap */.HU(script.source.fileText);
        const bytes = new positions/* ByteCursor */.TV(script.source.text);
        for (const r of raws.sort((a, b) => (a.at ?? -1) - (b.at ?? -1))) {
            const rule = RULE_BY_ID.get(r.rule);
            const s = script.statements[r.statement];
            let pos = s?.position ?? { line: 1, col: 1 };
            if (r.index !== undefined)
                pos = lines.position(script.source.offset + r.index);
            else if (r.at !== undefined)
                pos = lines.position(script.source.offset + bytes.toIndex(r.at));
            const finding = {
                rule: r.rule,
                severity: rule.severity,
                identity: m.identity,
                file: script.source.file,
                line: pos.line,
                col: pos.col,
                message: r.message,
                why: r.why ?? rule.why,
                fix: r.fix ?? rule.fix
            };
            const reason = r.statement >= 0 ? suppression(ignores, r.statement, r.rule) : undefined;
            if (reason)
                finding.suppressed = reason;
            out.push({ order: mi, finding });
        }
    });
    const ruleOrder = new Map(RULES.map((r, i) => [r.id, i]));
    const rank = (f) => ruleOrder.get(f.rule) ?? 0;
    out.sort((a, b) => a.order - b.order || a.finding.line - b.finding.line || a.finding.col - b.finding.col || rank(a.finding) - rank(b.finding));
    return out.map((o) => o.finding);
}
function suppression(ignores, statement, rule) {
    for (const ig of ignores) {
        if (ig.statement === statement && ig.reason && ig.rules.includes(rule))
            return ig.reason;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/lint/wanted.ts

function factsWanted(migrations) {
    const tables = new Set();
    const functions = new Set();
    const indexes = new Set();
    for (const m of migrations) {
        for (const s of m.up.statements) {
            if (s.kind === 'AlterTableStmt') {
                const key = (0,tree/* rangeVarKey */.jI)(s.node.relation);
                if (key)
                    tables.add(key);
                (0,tree/* findAll */.JW)(s.node.cmds, 'FuncCall', (f) => {
                    const name = (0,tree/* funcName */.aA)(f);
                    if (name)
                        functions.add(name);
                });
            }
            else if (s.kind === 'DropStmt' && s.node.removeType === 'OBJECT_INDEX') {
                for (const o of (0,tree/* list */.p_)(s.node, 'objects')) {
                    const key = (0,tree/* namesKey */.a7)((0,tree/* names */.Dy)((0,tree/* unwrap */.oA)(o, 'List')?.items));
                    if (key)
                        indexes.add(key);
                }
            }
            else if (s.kind === 'ReindexStmt' && s.node.kind === 'REINDEX_OBJECT_INDEX') {
                const key = (0,tree/* rangeVarKey */.jI)(s.node.relation);
                if (key)
                    indexes.add(key);
            }
        }
    }
    return { tables: [...tables], functions: [...functions], indexes: [...indexes] };
}

;// CONCATENATED MODULE: ./src/lint/index.ts
// Static migration lint (issue 6 item 1): see docs/lint.md.




;// CONCATENATED MODULE: ./src/engine/steps/lint-pending.ts
// Lints what a run would apply. "Existing" tables are the ones in the database
// before this run's migrations: only there does a lock or a rewrite hurt live
// traffic. With lint: error, an unsuppressed finding refuses the run before
// anything changes.



async function lintPending(ctx, p) {
    if (ctx.settings.lint === 'off')
        return;
    const refusal = await lintThese(ctx, pendingOf(ctx, p));
    if (refusal)
        p.summary.refusals.push(refusal);
}
/** Everything not yet applied, including what a refusal holds back. */
function pendingOf(ctx, p) {
    const ids = new Set([...p.summary.pending, ...p.summary.outOfOrder, ...p.summary.changedRepeatables, ...p.summary.partial]);
    return ctx.found.migrations.filter((m) => ids.has(m.identity));
}
/**
 * With lint: warn, findings never change what runs, so an apply reads the catalog's
 * facts now (before any migration changes it) and lints each file while the server
 * runs one (ExecContext.whileWaiting): on 2 cores the lint's CPU, re-parsing released
 * trees included, overlaps the server's work instead of adding to it (issue 17). With
 * lint: error it runs before anything, as lintPending does, and returns undefined.
 */
async function lintAlongside(ctx, p) {
    if (ctx.settings.lint !== 'warn') {
        await lintPending(ctx, p);
        return undefined;
    }
    const pending = pendingOf(ctx, p);
    if (!pending.length)
        return undefined;
    const at = await readLintFacts(ctx.client, factsWanted(pending), { rows: !(0,policy/* ephemeralReason */.yu)(ctx.settings, ctx.target) });
    const steps = lintInSteps(pending, at);
    let failure;
    return {
        step: () => {
            if (failure === undefined) {
                try {
                    steps.step();
                }
                catch (error) {
                    failure = error ?? new Error('lint failed');
                }
            }
        },
        finish: () => {
            if (failure !== undefined)
                throw failure;
            ctx.report.lint = steps.finish();
        }
    };
}
/**
 * Lints `migrations` against the database as it is now: the PR check calls this at
 * S0, after the base phase, so "existing" means the base's tables. With lint: error,
 * an unsuppressed finding returns the refusal.
 */
async function lintThese(ctx, migrations) {
    if (ctx.settings.lint === 'off' || !migrations.length)
        return undefined;
    // The catalog's facts (issue 16). Row estimates judge impact only where this database is
    // the one the migrations will change: an ephemeral one (a PR check's service container)
    // is empty whatever production holds, so there a table's rows stay unknown.
    const at = await readLintFacts(ctx.client, factsWanted(migrations), { rows: !(0,policy/* ephemeralReason */.yu)(ctx.settings, ctx.target) });
    const findings = lintMigrations(migrations, at);
    ctx.report.lint = findings;
    const open = findings.filter((f) => !f.suppressed);
    if (ctx.settings.lint === 'error' && open.length) {
        return `Lint found ${open.length} unsafe change${open.length === 1 ? '' : 's'} (lint: error): ${[...new Set(open.map((f) => `${f.rule} at ${f.file}:${f.line}`))].slice(0, 10).join(', ')}. Apply the safe rewrite shown for each, suppress one with \`-- pgshift-ignore <rule>: <reason>\`, or set lint: warn.`;
    }
    return undefined;
}


/***/ }),

/***/ 2060:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   L: () => (/* binding */ makeRunDurable)
/* harmony export */ });
/* unused harmony export confirmDurable */
/* harmony import */ var _db_connect_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8008);
/* harmony import */ var _db_history_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3966);
/* harmony import */ var _executor_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8493);
// make durable: one synchronous commit that flushes the run's asynchronous commits
// (see makeDurable in ../executor.ts) before anything is reported as done.



/**
 * When the server cannot confirm, the run fails: what is recorded is still
 * consistent, and the next run reads history to see what survived. The report
 * then lists as applied only what history holds on a new connection: a crash
 * can lose the last asynchronous commits, and a migration the server lost must
 * never appear in the `applied` output. A connection that the server closed (a
 * restart or shutdown, 57P01) is reported as that, not as a durability failure.
 */
async function confirmDurable(ctx, report, what) {
    try {
        await (0,_executor_js__WEBPACK_IMPORTED_MODULE_2__/* .makeDurable */ .MM)(ctx.client, ctx.settings.historySchema);
        return true;
    }
    catch (e) {
        report.status = 'failed';
        const lost = (0,_db_connect_js__WEBPACK_IMPORTED_MODULE_0__/* .connectionLost */ .Bx)(ctx.client);
        const survived = await historyOnNewConnection(ctx);
        const claimed = report.applied;
        report.applied = survived ? claimed.filter((id) => survived.has(id)) : [];
        const gone = claimed.filter((id) => !report.applied.includes(id));
        for (const r of report.migrations) {
            if (!gone.includes(r.identity))
                continue;
            r.status = 'pending';
            r.note = survived
                ? 'it committed, but the server lost it before it reached disk (asynchronous commit, then a crash): history, read on a new connection, does not record it, so a rerun applies it'
                : 'it committed, but whether it reached disk is unknown: the server could not be reached again to read history';
        }
        if (report.mode === 'apply')
            report.pending = [...new Set([...gone, ...report.pending])];
        // A rollback: a down counts as done only when history, read again, no longer records it.
        if (report.rolledBack)
            report.rolledBack = survived ? report.rolledBack.filter((id) => !survived.has(id)) : [];
        const kept = survived
            ? `History, read on a new connection, records ${report.applied.length ? report.applied.join(', ') : 'none of this run\'s migrations'}${gone.length ? `; lost by the server: ${gone.join(', ')}` : ''}.`
            : `The server could not be reached again, so whether ${claimed.join(', ')} reached disk is unknown.`;
        const next = `Each migration committed together with its history row, so history and schema agree whatever survived. ${kept} Rerun pgshift: it reads history and applies only what is not recorded.`;
        const cause = serverEnded(report);
        if (cause) {
            // A restart or shutdown (57P01), a pooler dropping the database (08P01): the cause, not its consequence.
            report.error ??= { message: `the server ended the connection: ${cause.message} (SQLSTATE ${cause.sqlstate}): ${ENDED[cause.sqlstate] ?? ''}`, sqlstate: cause.sqlstate, next };
        }
        else if (lost) {
            report.error ??= { message: `${lost.message} ${lost.next}`, sqlstate: lost.sqlstate, next };
        }
        else {
            report.error ??= { message: `the server did not confirm that ${what} reached disk: ${e.message}`, next };
        }
        report.nextStep = report.error.next ?? report.nextStep;
        return false;
    }
}
const ENDED = {
    '57P01': 'the server was restarted or shut down, or an administrator ended the session (pg_terminate_backend)',
    '57P02': 'the server crashed (another backend failed) and restarted',
    '57P03': 'the server is starting up or shutting down',
    '08P01': "the pooler dropped the connection (PgBouncer's 'database removed')"
};
/** The error a migration or hook of this run got when the server ended its connection, if one did. */
function serverEnded(report) {
    const errors = [...report.migrations.map((m) => m.error), ...(report.hooks ?? []).map((h) => h.error)];
    for (const e of errors)
        if (e?.sqlstate && e.sqlstate in ENDED)
            return { message: e.message, sqlstate: e.sqlstate };
    return undefined;
}
/** The identities history holds, read on a new connection; undefined when the server cannot be reached. */
async function historyOnNewConnection(ctx) {
    let fresh;
    try {
        fresh = await ctx.connect();
        return new Set((await (0,_db_history_js__WEBPACK_IMPORTED_MODULE_1__/* .readHistory */ .Lu)(fresh, ctx.settings.historySchema)).filter((r) => r.status === 'applied').map((r) => r.identity));
    }
    catch {
        return undefined;
    }
    finally {
        await fresh?.end().catch(() => { });
    }
}
/** The durability step of a run that changed `count` things (or ran hooks); true when there was nothing to flush. */
async function makeRunDurable(ctx, count, what) {
    return count || ctx.report.hooks?.length ? confirmDurable(ctx, ctx.report, what) : true;
}


/***/ }),

/***/ 919:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Nx: () => (/* binding */ fillFromPlan),
/* harmony export */   mJ: () => (/* binding */ blockOnRefusals),
/* harmony export */   nB: () => (/* binding */ planPending)
/* harmony export */ });
/* harmony import */ var _plan_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(955);

/** The plan of this run, already in the report. */
function planPending(ctx) {
    const p = (0,_plan_js__WEBPACK_IMPORTED_MODULE_0__/* .plan */ .et)(ctx.found.migrations, ctx.history, ctx.settings);
    fillFromPlan(ctx.report, p);
    return p;
}
function fillFromPlan(report, p) {
    report.plan = p.summary;
    report.migrations = p.results;
    report.pending = p.toRun.map((r) => r.migration.identity);
}
/** Refused before anything ran. */
function blockOnRefusals(report, p) {
    if (!p.summary.refusals.length)
        return false;
    report.status = 'blocked';
    report.nextStep = 'Nothing was changed. Resolve the refusals above (or set the named allow-* input), then rerun.';
    return true;
}


/***/ }),

/***/ 8562:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Aq: () => (/* binding */ preludePreviewItems),
/* harmony export */   Kk: () => (/* binding */ runPreludes),
/* harmony export */   OP: () => (/* binding */ notePreludePreview),
/* harmony export */   RW: () => (/* binding */ parsePendingPreludes),
/* harmony export */   Vk: () => (/* binding */ failOnPrelude),
/* harmony export */   j7: () => (/* binding */ planPreludeStep)
/* harmony export */ });
/* harmony import */ var _executor_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8493);
/* harmony import */ var _exec_context_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7075);
/* harmony import */ var _source_preludes_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8879);
/* harmony import */ var _source_parser_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3686);
/* harmony import */ var _plan_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(955);
// preludes (DESIGN 5, the prelude-dirs input): one-time scripts that run before the
// first migration, each in its own transaction with its history row (a `prelude:`
// identity), in the order of prelude-dirs and then of file names. apply runs those
// history lacks; dry-run previews them in its rolled-back transaction; plan lists
// them. They are never pending, missing or rolled back: rollback and verify never
// see their rows (engine/run.ts keeps them apart from the migrations' history).





/** Parses the preludes that may run, so a syntax error refuses the run before anything changes. */
async function parsePendingPreludes(found, rows, mode) {
    if (!found.preludes?.length || !['plan', 'dry-run', 'apply'].includes(mode))
        return;
    const { toRun } = (0,_source_preludes_js__WEBPACK_IMPORTED_MODULE_2__/* .planPreludes */ .aS)(found.preludes, rows);
    if (!toRun.length)
        return;
    await (0,_source_parser_js__WEBPACK_IMPORTED_MODULE_3__/* .ensureParser */ ._U)();
    for (const r of toRun)
        void r.migration.up;
}
/** The preludes this run would run, and the report's list of every prelude with what happens to it. */
function planPreludeStep(ctx) {
    const preludes = ctx.found.preludes;
    if (!preludes?.length)
        return [];
    const { toRun, changed } = (0,_source_preludes_js__WEBPACK_IMPORTED_MODULE_2__/* .planPreludes */ .aS)(preludes, ctx.preludeHistory);
    const pending = new Set(toRun.map((r) => r.migration.identity));
    ctx.report.preludes = preludes.map((p) => ({ file: p.file, status: pending.has(p.identity) ? 'will run' : 'already ran' }));
    for (const p of changed) {
        ctx.report.warnings.push({ file: p.file, message: `the prelude ${p.file} changed since it ran: a prelude runs once, so the change does not run. Put it in a new prelude file (on a new database) or in a migration.` });
    }
    return toRun;
}
const resultOf = (ctx, file) => ctx.report.preludes?.find((p) => p.file === file);
/** apply: runs the preludes history lacks, stopping at the first failure (its error, file:line, is returned). */
async function runPreludes(ctx, exec, runs) {
    let failed;
    for (const [k, run] of runs.entries()) {
        const result = resultOf(ctx, run.migration.file);
        if (failed || ctx.isCancelled()) {
            result.status = 'not run';
            continue;
        }
        const o = await ctx.log.group(`prelude [${k + 1}/${runs.length}] ${run.migration.file}`, async () => {
            const r = await (0,_executor_js__WEBPACK_IMPORTED_MODULE_0__/* .executeMigration */ .WM)(exec, run);
            ctx.log.info(`${r.ok ? 'ran' : 'FAILED'} in ${Math.round(r.durationMs)} ms`);
            return r;
        });
        result.durationMs = Math.round(o.durationMs);
        if (o.ok)
            result.status = 'ran';
        else {
            result.status = 'failed';
            failed = o.error ?? { message: `${run.migration.file} failed`, next: '' };
            failed.file ??= run.migration.file;
            result.error = failed;
            const where = `${failed.file}${failed.position ? `:${failed.position.line}` : ''}`;
            failed.next = `The prelude ${where} failed and its own changes were rolled back${o.statementsDone ? ` (statements 1-${o.statementsDone} committed: it runs statement by statement, and a rerun resumes after them)` : ''}; no migration ran. Fix it and rerun: preludes that ran stay recorded and do not run again.`;
        }
    }
    return failed;
}
/** Marks the run failed by a prelude: nothing after it ran. */
function failOnPrelude(ctx, error) {
    ctx.report.status = 'failed';
    ctx.report.error = error;
    ctx.report.nextStep = error.next;
}
/** dry-run: the preludes as preview items, run first inside the preview transaction (rolled back with it). */
function preludePreviewItems(ctx, runs) {
    const exec = (0,_exec_context_js__WEBPACK_IMPORTED_MODULE_1__/* .execContext */ .n)(ctx);
    return runs.map(({ migration: m }) => ({ migration: m, script: m.up, result: { ...(0,_plan_js__WEBPACK_IMPORTED_MODULE_4__/* .baseResult */ .RK)(m), file: m.file }, recordSql: (0,_executor_js__WEBPACK_IMPORTED_MODULE_0__/* .recordAppliedSql */ .vA)(exec, m, {}) }));
}
/** After the preview: each prelude item's outcome in the report's prelude list. */
function notePreludePreview(ctx, items) {
    for (const item of items) {
        const result = resultOf(ctx, item.migration.file);
        result.durationMs = item.result.durationMs;
        result.status = item.result.status === 'previewed' ? 'previewed' : item.result.status === 'failed' ? 'failed' : 'not run';
        if (item.result.error)
            result.error = item.result.error;
    }
}


/***/ }),

/***/ 4318:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   F: () => (/* binding */ reconcileLostConnection)
/* harmony export */ });
/* harmony import */ var _db_history_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3966);
// A transactional migration or down whose connection broke (T12, T13). If it broke
// after the server ran COMMIT, the change and its history write are committed
// although the client saw an error. A new connection reads history to know. Never
// rerun blindly, and never count a committed change as failed: a rollback told
// "failed" would be rerun and roll back one migration too many.

/**
 * `direction` 'up': committed when history records the migration with its checksum.
 * 'down': committed when history no longer records it. When committed, the run goes
 * on with the new connection (the lock, on its own connection, was never lost).
 */
async function reconcileLostConnection(ctx, exec, m, outcome, direction) {
    let fresh;
    try {
        fresh = await ctx.connect();
        const row = (await (0,_db_history_js__WEBPACK_IMPORTED_MODULE_0__/* .readHistory */ .Lu)(fresh, ctx.settings.historySchema)).find((r) => r.identity === m.identity);
        const committed = direction === 'up' ? row?.status === 'applied' && row.checksum === m.checksum : row === undefined;
        const what = direction === 'up' ? 'applied' : 'rolled back';
        if (committed) {
            exec.client = fresh;
            ctx.client = fresh;
            ctx.report.warnings.push({
                file: (direction === 'up' ? m.up : (m.down ?? m.up)).source.file,
                message: `the connection broke at the COMMIT of ${m.identity} (its acknowledgement was lost); history, read on a new connection, shows it committed, so it counts as ${what} and is not run again`
            });
            ctx.log.warn(`connection lost at the COMMIT of ${m.identity}: history shows it committed; going on with a new connection`);
            return { ...outcome, ok: true, error: undefined };
        }
        await fresh.end().catch(() => { });
        if (outcome.error) {
            outcome.error.next =
                direction === 'up'
                    ? `The connection was lost while the migration ran. History, read on a new connection, does not record ${m.identity}, so the server rolled it back and nothing of it remains. Rerun pgshift: it starts at ${m.identity}.`
                    : `The connection was lost while the down script ran. History, read on a new connection, still records ${m.identity}, so the server rolled the down back and ${m.identity} is intact.`;
        }
    }
    catch {
        if (fresh)
            await fresh.end().catch(() => { });
    }
    return outcome;
}


/***/ }),

/***/ 2190:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DB: () => (/* binding */ runHook),
/* harmony export */   bg: () => (/* binding */ failOnHook),
/* harmony export */   pd: () => (/* binding */ hookOf)
/* harmony export */ });
/* harmony import */ var _executor_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8493);

function hookOf(ctx, name) {
    return ctx.found.hooks?.find((h) => h.name === name);
}
/** Runs hook `name` when the directory has it; the mapped error when it failed. */
async function runHook(ctx, exec, name, after) {
    const hook = hookOf(ctx, name);
    if (!hook)
        return undefined;
    const file = hook.script.source.file;
    const o = await ctx.log.group(`hook ${file}${after ? ` after ${after}` : ''}`, async () => {
        const r = await (0,_executor_js__WEBPACK_IMPORTED_MODULE_0__/* .executeHook */ .RN)(exec, hook.script);
        ctx.log.info(`${r.ok ? 'ran' : 'FAILED'} in ${Math.round(r.durationMs)} ms`);
        return r;
    });
    (ctx.report.hooks ??= []).push({ hook: name, file, status: o.ok ? 'ran' : 'failed', ...(after ? { after } : {}), durationMs: Math.round(o.durationMs), ...(o.error ? { error: o.error } : {}) });
    if (o.ok)
        return undefined;
    const error = o.error ?? { message: `${file} failed`, next: '' };
    error.file ??= file;
    return error;
}
/** Marks the run failed by a hook; `kept` says what stays applied. */
function failOnHook(ctx, error, kept) {
    const { report } = ctx;
    const where = `${error.file}${error.position ? `:${error.position.line}` : ''}`;
    error.next = `The hook ${where} failed and its own changes were rolled back. ${kept} Fix the hook and rerun.`;
    report.status = 'failed';
    report.error = error;
    report.nextStep = error.next;
}


/***/ }),

/***/ 9720:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   bookkeepingOf: () => (/* binding */ bookkeepingOf),
/* harmony export */   schemaChangesSince: () => (/* binding */ schemaChangesSince),
/* harmony export */   snapshotBefore: () => (/* binding */ snapshotBefore),
/* harmony export */   snapshotOf: () => (/* binding */ snapshotOf)
/* harmony export */ });
/* harmony import */ var _db_history_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3966);
/* harmony import */ var _db_locks_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5218);
/* harmony import */ var _db_rollback_log_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6819);
/* harmony import */ var _db_supabase_history_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3895);
/* harmony import */ var _inspect_diff_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9113);
/* harmony import */ var _inspect_snapshot_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(634);
// snapshot: the schema as the catalogs describe it, without pgshift's and the
// Supabase CLI's bookkeeping. S0 before a run's migrations, S1 after them.






/**
 * What a snapshot leaves out: the Supabase CLI's schema, and pgshift's own tables in the
 * history schema (the schema too while nothing else lives in it: `history-schema: public`
 * must not hide the application's tables).
 */
function bookkeepingOf(historySchema) {
    return { excludeSchemas: [_db_supabase_history_js__WEBPACK_IMPORTED_MODULE_3__/* .SUPABASE_SCHEMA */ .X8], bookkeeping: { schema: historySchema, tables: [_db_history_js__WEBPACK_IMPORTED_MODULE_0__/* .HISTORY_TABLE */ .GQ, _db_rollback_log_js__WEBPACK_IMPORTED_MODULE_2__/* .ROLLBACK_LOG_TABLE */ .ZH] } };
}
async function snapshotOf(ctx) {
    return (0,_inspect_snapshot_js__WEBPACK_IMPORTED_MODULE_5__/* .takeSnapshot */ .W9)(ctx.client, bookkeepingOf(ctx.settings.historySchema));
}
/**
 * S0, before the run's migrations, on an ephemeral database (test-rollback). The
 * executor then also reads the locks each migration takes on the relations that
 * exist now: those are the ones live traffic would wait on.
 */
async function snapshotBefore(ctx, exec) {
    const s0 = await snapshotOf(ctx);
    exec.collectLocks = await (0,_db_locks_js__WEBPACK_IMPORTED_MODULE_1__/* .existingRelations */ .jp)(ctx.client, ctx.settings.historySchema);
    return s0;
}
/** S0 -> S1: what the run's migrations changed, for the reviewer (report.schemaChanges). */
async function schemaChangesSince(ctx, s0) {
    ctx.report.schemaChanges = (0,_inspect_diff_js__WEBPACK_IMPORTED_MODULE_4__/* .diffSnapshots */ .V)(s0, await snapshotOf(ctx));
}


/***/ }),

/***/ 4599:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Zx: () => (/* binding */ prepareSupabaseLint),
  dg: () => (/* binding */ runSupabaseLint),
  Jb: () => (/* binding */ supabaseLintFailed)
});

;// CONCATENATED MODULE: ./src/lint/supabase/rules.ts
// The Supabase lint rules: one catalog query each, read on the applied schema.
// The ids follow Supabase's database linter (supabase/splinter) where it has the
// same check, so the link explains the reason in Supabase's own words.
const LINTER = 'https://supabase.com/docs/guides/database/database-linter?lint=';
const SUPABASE_RULES = [
    { id: 'supabase/rls-disabled-in-public', supabaseLint: '0013_rls_disabled_in_public', url: `${LINTER}0013_rls_disabled_in_public`, summary: 'A table in an exposed schema without row level security: anyone with the anon key can read and write it through the API.' },
    { id: 'supabase/rls-enabled-no-policy', supabaseLint: '0008_rls_enabled_no_policy', url: `${LINTER}0008_rls_enabled_no_policy`, summary: 'Row level security is on but the table has no policy: the API returns no rows to anyone.' },
    { id: 'supabase/auth-rls-initplan', supabaseLint: '0003_auth_rls_initplan', url: `${LINTER}0003_auth_rls_initplan`, summary: 'A policy calls auth.uid() or auth.jwt() per row: wrap it as (select auth.uid()) so it runs once per query.' },
    { id: 'supabase/function-search-path-mutable', supabaseLint: '0011_function_search_path_mutable', url: `${LINTER}0011_function_search_path_mutable`, summary: 'A SECURITY DEFINER function without a pinned search_path: a caller can make it resolve names to their own objects. Add SET search_path = \'\'.' },
    { id: 'supabase/security-definer-view', supabaseLint: '0010_security_definer_view', url: `${LINTER}0010_security_definer_view`, summary: "A view in an exposed schema without security_invoker: it runs with its owner's rights and bypasses the caller's RLS. Use WITH (security_invoker = true)." },
    { id: 'supabase/new-anon-grant', supabaseLint: '', url: 'https://supabase.com/docs/guides/database/postgres/roles#anon', summary: 'This run granted a privilege to anon, the role of every unauthenticated API request.' },
    { id: 'supabase/uuid-generate-v4', supabaseLint: '', url: 'https://www.postgresql.org/docs/current/functions-uuid.html', summary: 'uuid_generate_v4() needs the uuid-ossp extension; the built-in gen_random_uuid() does the same.' }
];
const RULE_BY_ID = new Map(SUPABASE_RULES.map((r) => [r.id, r]));
/** Schemas Supabase and pgshift manage: never linted. */
const MANAGED_SCHEMAS = [
    'pg_catalog', 'information_schema', 'pg_toast', 'auth', 'storage', 'extensions', 'realtime', '_realtime', 'graphql', 'graphql_public',
    'vault', 'pgsodium', 'pgsodium_masks', 'net', 'cron', 'supabase_functions', 'supabase_migrations', 'pgbouncer', '_analytics', 'pgmq', 'pgtle'
];
/** Objects an extension owns are the extension's business. */
const NOT_EXTENSION = (classid, oid) => `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${classid}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;
/** Each query takes $1 = exposed schemas, $2 = schemas never linted; returns (kind, schema, name, detail). */
const RULE_QUERIES = {
    'supabase/rls-disabled-in-public': `
    SELECT 'table' AS kind, n.nspname AS schema, c.relname AS name, '' AS detail FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND NOT c.relrowsecurity AND n.nspname = ANY($1) AND NOT n.nspname = ANY($2) AND ${NOT_EXTENSION('pg_class', 'c.oid')}`,
    'supabase/rls-enabled-no-policy': `
    SELECT 'table' AS kind, n.nspname AS schema, c.relname AS name, '' AS detail FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND c.relrowsecurity AND n.nspname = ANY($1) AND NOT n.nspname = ANY($2)
       AND NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid)`,
    // As splinter: a call to auth.<fn>() that no "select" precedes, in USING or WITH CHECK.
    'supabase/auth-rls-initplan': `
    SELECT 'policy' AS kind, p.schemaname AS schema, p.tablename AS name, p.policyname AS detail FROM pg_policies p
     WHERE NOT p.schemaname = ANY($2) AND $1::text[] IS NOT NULL AND (
       (p.qual ~ 'auth\\.(uid|jwt)\\(\\)' AND lower(p.qual) !~ 'select\\s+auth\\.(uid|jwt)\\(\\)')
       OR (p.with_check ~ 'auth\\.(uid|jwt)\\(\\)' AND lower(p.with_check) !~ 'select\\s+auth\\.(uid|jwt)\\(\\)'))`,
    'supabase/function-search-path-mutable': `
    SELECT 'function' AS kind, n.nspname AS schema, p.proname AS name, pg_get_function_identity_arguments(p.oid) AS detail FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE p.prosecdef AND NOT n.nspname = ANY($2) AND $1::text[] IS NOT NULL AND ${NOT_EXTENSION('pg_proc', 'p.oid')}
       AND NOT EXISTS (SELECT 1 FROM unnest(coalesce(p.proconfig, '{}')) s WHERE s LIKE 'search_path=%')`,
    'supabase/security-definer-view': `
    SELECT 'view' AS kind, n.nspname AS schema, c.relname AS name, '' AS detail FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'v' AND n.nspname = ANY($1) AND NOT n.nspname = ANY($2) AND ${NOT_EXTENSION('pg_class', 'c.oid')}
       AND NOT EXISTS (SELECT 1 FROM unnest(coalesce(c.reloptions, '{}')) o WHERE lower(o) IN ('security_invoker=true', 'security_invoker=on', 'security_invoker=1', 'security_invoker=yes'))`,
    'supabase/uuid-generate-v4': `
    SELECT 'column' AS kind, n.nspname AS schema, c.relname AS name, a.attname AS detail FROM pg_attrdef d
      JOIN pg_class c ON c.oid = d.adrelid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
     WHERE pg_get_expr(d.adbin, d.adrelid) ~ 'uuid_generate_v4\\(' AND NOT n.nspname = ANY($2) AND $1::text[] IS NOT NULL
       AND current_setting('server_version_num')::int >= 130000`
};
/**
 * What anon may do, as 'kind schema.name privilege' strings: table, view and
 * sequence privileges, and EXECUTE on functions, explicit grants and PUBLIC's
 * aside. A privilege the schema's default privileges give anon (Supabase grants
 * anon on every new public table that way) is not a new grant of this run's.
 */
const ANON_GRANTS_SQL = `
  SELECT 'relation' AS kind, n.nspname AS schema, c.relname AS name, a.privilege_type AS privilege,
         EXISTS (SELECT 1 FROM pg_default_acl da, aclexplode(da.defaclacl) x
                  WHERE da.defaclobjtype IN ('r', 'S') AND da.defaclrole = c.relowner AND da.defaclnamespace IN (0, n.oid)
                    AND x.grantee = 'anon'::regrole AND x.privilege_type = a.privilege_type) AS by_default
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
   WHERE a.grantee = 'anon'::regrole AND NOT n.nspname = ANY($1)
  UNION ALL
  SELECT 'function', n.nspname, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', a.privilege_type,
         EXISTS (SELECT 1 FROM pg_default_acl da, aclexplode(da.defaclacl) x
                  WHERE da.defaclobjtype = 'f' AND da.defaclrole = p.proowner AND da.defaclnamespace IN (0, n.oid)
                    AND x.grantee = 'anon'::regrole AND x.privilege_type = a.privilege_type)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace, aclexplode(p.proacl) a
   WHERE a.grantee = 'anon'::regrole AND NOT n.nspname = ANY($1)`;

;// CONCATENATED MODULE: ./src/lint/supabase/index.ts


/**
 * The database looks like Supabase (or the shim ran on it): the API roles anon and
 * authenticated exist, and so does the schema auth. Roles belong to the whole
 * server, the schema to this database: both, so a neighbour database does not count.
 */
async function looksLikeSupabase(client) {
    const r = await client.query(`SELECT (SELECT count(*) FROM pg_roles WHERE rolname IN ('anon', 'authenticated')) = 2 AND to_regnamespace('auth') IS NOT NULL AS ok`);
    return r.rows[0]?.ok === true;
}
/** anon's privileges that no default privilege explains, as 'kind schema.name PRIVILEGE'. */
async function anonGrants(client, skipSchemas = []) {
    const r = await client.query(ANON_GRANTS_SQL, [[...MANAGED_SCHEMAS, ...skipSchemas]]);
    return new Set(r.rows.filter((x) => !x.by_default).map((x) => `${x.kind} ${x.schema}.${x.name} ${x.privilege}`));
}
/** Statement kinds that make (or change) each kind of object, to find the file and line. */
const MAKERS = {
    table: ['CreateStmt', 'CreateTableAsStmt', 'AlterTableStmt'],
    column: ['CreateStmt', 'AlterTableStmt'],
    policy: ['CreatePolicyStmt', 'AlterPolicyStmt'],
    function: ['CreateFunctionStmt', 'AlterFunctionStmt'],
    view: ['ViewStmt'],
    relation: ['GrantStmt'],
    grant: ['GrantStmt']
};
/** The latest statement of the files that makes this object: its kind matches and its tree names it. */
function locate(migrations, kind, names) {
    const kinds = MAKERS[kind] ?? [];
    const needles = names.filter(Boolean).map((n) => JSON.stringify(n));
    for (let i = migrations.length - 1; i >= 0; i--) {
        const m = migrations[i];
        for (let j = m.up.statements.length - 1; j >= 0; j--) {
            const s = m.up.statements[j];
            if (!s || !kinds.includes(s.kind))
                continue;
            const tree = JSON.stringify(s.node);
            if (needles.every((n) => tree.includes(n)))
                return { file: m.up.source.file, line: s.position.line };
        }
    }
    return undefined;
}
async function lintAppliedSchema(client, opts) {
    const exposed = opts.exposedSchemas ?? ['public'];
    const skip = [...MANAGED_SCHEMAS, ...(opts.skipSchemas ?? [])];
    const findings = [];
    const add = (ruleId, object, message, where) => {
        const rule = RULE_BY_ID.get(ruleId);
        if (!rule)
            return;
        findings.push({ rule: rule.id, supabaseLint: rule.supabaseLint, url: rule.url, object, message, file: where?.file, line: where?.line, level: opts.level });
    };
    for (const rule of SUPABASE_RULES) {
        const sql = RULE_QUERIES[rule.id];
        if (!sql)
            continue;
        const r = await client.query(`${sql} ORDER BY 2, 3, 4`, [exposed, skip]);
        for (const x of r.rows) {
            const q = `${x.schema}.${x.name}`;
            switch (rule.id) {
                case 'supabase/rls-disabled-in-public':
                    add(rule.id, `table ${q}`, `Table ${q} is in an exposed schema without row level security: ALTER TABLE ${q} ENABLE ROW LEVEL SECURITY, then add policies.`, locate(opts.migrations, 'table', [x.name]));
                    break;
                case 'supabase/rls-enabled-no-policy':
                    add(rule.id, `table ${q}`, `Table ${q} has row level security on and no policy, so the API returns nothing from it: add a policy, or say why in a comment if only the service role uses it.`, locate(opts.migrations, 'table', [x.name]));
                    break;
                case 'supabase/auth-rls-initplan':
                    add(rule.id, `policy ${x.detail} on ${q}`, `Policy "${x.detail}" on ${q} calls auth.uid() or auth.jwt() for every row: write (select auth.uid()) instead, which runs once per query.`, locate(opts.migrations, 'policy', [x.detail]));
                    break;
                case 'supabase/function-search-path-mutable':
                    add(rule.id, `function ${q}(${x.detail})`, `SECURITY DEFINER function ${q}(${x.detail}) has no pinned search_path: add SET search_path = '' (and schema-qualify the names it uses).`, locate(opts.migrations, 'function', [x.name]));
                    break;
                case 'supabase/security-definer-view':
                    add(rule.id, `view ${q}`, `View ${q} is in an exposed schema without security_invoker, so it bypasses the caller's row level security: CREATE VIEW ... WITH (security_invoker = true) (Postgres 15+).`, locate(opts.migrations, 'view', [x.name]));
                    break;
                case 'supabase/uuid-generate-v4':
                    add(rule.id, `column ${q}.${x.detail}`, `Column ${q}.${x.detail} defaults to uuid_generate_v4(): use the built-in gen_random_uuid(), which needs no extension.`, locate(opts.migrations, 'column', [x.name, x.detail]));
                    break;
            }
        }
    }
    if (opts.anonBefore) {
        const before = opts.anonBefore;
        for (const g of await anonGrants(client, opts.skipSchemas)) {
            if (before.has(g))
                continue;
            const [kind, qualified, privilege] = g.split(' ');
            const bare = qualified.slice(qualified.indexOf('.') + 1).replace(/\(.*$/, '');
            add('supabase/new-anon-grant', `${kind} ${qualified}`, `This run granted ${privilege} on ${qualified} to anon, the role of every unauthenticated API request: grant to authenticated instead, or make sure row level security covers it.`, locate(opts.migrations, 'grant', [bare, 'anon']));
        }
    }
    return findings;
}

;// CONCATENATED MODULE: ./src/engine/steps/supabase-lint.ts
// When and how the Supabase lint runs (src/lint/supabase): only where Supabase's
// API roles exist, never with lint: off, on the schema as the run left it. With
// lint: error a finding fails the run (a PR check goes red); with warn it is
// reported and annotated.

/** Before the run's migrations: is there anything to lint, and what anon may already do. */
async function prepareSupabaseLint(ctx) {
    if (ctx.settings.lint === 'off')
        return undefined;
    if (!(await looksLikeSupabase(ctx.client)))
        return undefined;
    return { anonBefore: await anonGrants(ctx.client, [ctx.settings.historySchema]) };
}
/**
 * After the migrations (inside dry-run's transaction): findings into the report.
 * `ranFiles` are the files this run applied or previewed (the PR check: the PR's
 * own). Only findings on objects one of them made or changed are reported (issue
 * 15): an object shipped long ago was judged by the run that made it, so a deploy
 * never reports it again. With lint: error each is an error (the run fails).
 */
async function runSupabaseLint(ctx, state, ranFiles) {
    const { report, settings } = ctx;
    try {
        const found = await lintAppliedSchema(ctx.client, { migrations: ctx.found.migrations, anonBefore: state.anonBefore, skipSchemas: [settings.historySchema], level: 'warning' });
        // A new grant to anon is this run's by definition.
        const ours = found.filter((f) => f.rule === 'supabase/new-anon-grant' || (f.file !== undefined && ranFiles.has(f.file)));
        if (settings.lint === 'error')
            for (const f of ours)
                f.level = 'error';
        report.supabaseLint = ours;
    }
    catch (e) {
        report.warnings.push({ file: '', message: `the Supabase lint could not read the catalog: ${e.message}` });
        return;
    }
    const n = report.supabaseLint.length;
    if (n)
        ctx.log.warn(`Supabase lint: ${n} finding${n === 1 ? '' : 's'} on the applied schema`);
    const errors = report.supabaseLint.filter((f) => f.level === 'error').length;
    if (errors) {
        report.status = 'failed';
        report.nextStep = `Supabase lint found ${errors} problem${errors === 1 ? '' : 's'} in what this run's migrations made (lint: error): fix each as its message says (the link gives the reason), or set lint: warn. ${report.nextStep}`;
    }
}
/** True when the Supabase lint failed the run (lint: error and a finding on this run's objects). */
const supabaseLintFailed = (ctx) => (ctx.report.supabaseLint ?? []).some((f) => f.level === 'error');


/***/ }),

/***/ 6633:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   F: () => (/* binding */ downAdvice),
/* harmony export */   n: () => (/* binding */ testRollback)
/* harmony export */ });
/* harmony import */ var _inspect_diff_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9113);
/* harmony import */ var _executor_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8493);
/* harmony import */ var _exec_context_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7075);
/* harmony import */ var _snapshot_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9720);
// test-rollback, for PR checks on an ephemeral database: after apply, roll the
// same migrations back and compare the schema with the one before (S0), then
// apply them again and compare with the one after (S1). Every difference means a
// down script is not the inverse of its up.




/**
 * Runs after apply applied `applied` (in order) starting from snapshot `s0`.
 * Fills report.checks and report.schemaDiff; returns false when the test failed.
 */
async function testRollback(ctx, applied, s0) {
    const { report, log } = ctx;
    const checks = (report.checks ??= []);
    if (!applied.length)
        return true;
    const s1 = await (0,_snapshot_js__WEBPACK_IMPORTED_MODULE_3__.snapshotOf)(ctx);
    // What the run's migrations change, for the reviewer: S0 -> S1.
    ctx.report.schemaChanges = (0,_inspect_diff_js__WEBPACK_IMPORTED_MODULE_0__/* .diffSnapshots */ .V)(s0, s1);
    const noDown = applied.filter((m) => !m.down);
    if (noDown.length) {
        for (const m of noDown)
            checks.push({ subject: m.identity, file: m.up.source.file, ok: false, message: `no down script, so its rollback cannot be tested: ${downAdvice(m)}` });
        return false;
    }
    const exec = (0,_exec_context_js__WEBPACK_IMPORTED_MODULE_2__/* .execContext */ .n)(ctx);
    const downs = [...applied].reverse();
    for (const m of downs) {
        const o = await log.group(`test-rollback: down ${m.identity}`, () => (0,_executor_js__WEBPACK_IMPORTED_MODULE_1__/* .executeDown */ .ch)(exec, m));
        if (!o.ok) {
            checks.push({ subject: m.identity, file: m.down?.source.file, line: o.error?.position?.line, ok: false, message: `the down script failed: ${o.error?.message ?? 'unknown error'}`, error: o.error });
            return false;
        }
    }
    const afterDown = (0,_inspect_diff_js__WEBPACK_IMPORTED_MODULE_0__/* .diffSnapshots */ .V)(s0, await (0,_snapshot_js__WEBPACK_IMPORTED_MODULE_3__.snapshotOf)(ctx));
    record(ctx, checks, 'schema after down vs before up', afterDown, downs);
    for (const m of applied) {
        const o = await log.group(`test-rollback: up again ${m.identity}`, () => (0,_executor_js__WEBPACK_IMPORTED_MODULE_1__/* .executeMigration */ .WM)(exec, { migration: m, resumeFrom: 0 }));
        if (!o.ok) {
            checks.push({ subject: m.identity, file: m.up.source.file, line: o.error?.position?.line, ok: false, message: `applying again after the down failed: ${o.error?.message ?? 'unknown error'}`, error: o.error });
            return false;
        }
    }
    const afterUp = (0,_inspect_diff_js__WEBPACK_IMPORTED_MODULE_0__/* .diffSnapshots */ .V)(s1, await (0,_snapshot_js__WEBPACK_IMPORTED_MODULE_3__.snapshotOf)(ctx));
    record(ctx, checks, 'schema after up-down-up vs after up', afterUp, applied);
    return afterDown.length === 0 && afterUp.length === 0;
}
/** Where a down script goes in `m`'s convention, so the tool that owns the directory never runs it as a migration. */
function downAdvice(m) {
    const dir = m.file.includes('/') ? m.file.slice(0, m.file.lastIndexOf('/')) : '.';
    switch (m.convention) {
        case 'supabase':
            return `add ${dir}/down/${m.identity}.sql (the Supabase CLI applies every ${dir}/<version>_<name>.sql, a ${m.identity}.down.sql there included, but not files in a subfolder)`;
        case 'dbmate':
            return 'add a -- migrate:down section to the file';
        case 'goose':
            return 'add a -- +goose Down section to the file';
        case 'golang-migrate':
            return `add ${dir}/${m.identity}.down.sql next to its .up.sql`;
        case 'flyway':
            return `add ${dir}/U${m.version}__${m.name}.sql (Flyway's undo naming)`;
        default:
            return `add ${dir}/${m.identity}.down.sql (or a down section)`;
    }
}
function record(ctx, checks, title, differences, scope) {
    const names = scope.map((m) => m.identity).join(', ');
    if (!differences.length) {
        checks.push({ subject: 'test-rollback', ok: true, message: `${title}: identical (${names})` });
        return;
    }
    ;
    (ctx.report.schemaDiff ??= []).push({ title: `test-rollback: ${title}`, differences });
    checks.push({
        subject: 'test-rollback',
        ok: false,
        message: `down is not the inverse of up (${names}): ${differences.length} difference${differences.length === 1 ? '' : 's'}: ${differences
            .slice(0, 5)
            .map((d) => `${d.object} ${d.change}${d.detail ? ` (${d.detail})` : ''}`)
            .join('; ')}${differences.length > 5 ? '; …' : ''}`
    });
}


/***/ }),

/***/ 5647:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Xy: () => (/* binding */ mergedHistory),
/* harmony export */   jg: () => (/* binding */ reconcileSupabaseHistory),
/* harmony export */   rL: () => (/* binding */ supabaseHistoryReason),
/* harmony export */   tI: () => (/* binding */ loadSupabaseHistory)
/* harmony export */ });
/* harmony import */ var _db_history_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3966);
/* harmony import */ var _executor_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8493);
/* harmony import */ var _db_supabase_history_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3895);



/** Whether the Supabase history is kept: the input, else the table or the directory decide. */
async function supabaseHistoryReason(settings, found, client) {
    if (settings.history === 'native')
        return undefined;
    if (settings.history === 'supabase')
        return 'history: supabase';
    if (await (0,_db_supabase_history_js__WEBPACK_IMPORTED_MODULE_2__/* .supabaseHistoryExists */ .Zq)(client))
        return `history: auto (${_db_supabase_history_js__WEBPACK_IMPORTED_MODULE_2__/* .SUPABASE_TABLE */ .W_} exists)`;
    if (/(^|\/)supabase\/migrations\/?$/.test(found.dir))
        return 'history: auto (the directory is supabase/migrations)';
    return undefined;
}
const sameStatements = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
async function loadSupabaseHistory(reason, client, found, history) {
    const tableExists = await (0,_db_supabase_history_js__WEBPACK_IMPORTED_MODULE_2__/* .supabaseHistoryExists */ .Zq)(client);
    const schemaExists = tableExists || (await (0,_db_supabase_history_js__WEBPACK_IMPORTED_MODULE_2__/* .supabaseSchemaExists */ .Wm)(client));
    const columns = tableExists ? await (0,_db_supabase_history_js__WEBPACK_IMPORTED_MODULE_2__/* .supabaseColumns */ .S$)(client) : new Set(['version', 'statements', 'name']);
    const rows = await (0,_db_supabase_history_js__WEBPACK_IMPORTED_MODULE_2__/* .readSupabaseHistory */ .Pl)(client);
    const byVersion = new Map(rows.map((r) => [r.version, r]));
    const recorded = new Map(history.map((r) => [r.identity, r]));
    const entries = new Map();
    const owner = new Map();
    const warnings = [];
    const adopted = [];
    const backfill = [];
    for (const m of found.migrations) {
        const file = m.file;
        const e = (0,_db_supabase_history_js__WEBPACK_IMPORTED_MODULE_2__/* .supabaseEntryFor */ .AR)(m);
        if (!e) {
            if (m.kind === 'versioned') {
                warnings.push({ file, message: `the Supabase CLI skips ${file} (its name does not match <digits>_<name>.sql): pgshift applies it and records it in its own history only, so \`supabase migration list\` does not show it. Rename it to <digits>_<name>.sql to make both tools see it.` });
            }
            continue;
        }
        const first = owner.get(e.version);
        if (first) {
            warnings.push({ file, message: `${file} has the same Supabase version ${e.version} as ${first.file}: the CLI's history holds one row per version, so pgshift records only the first there. Give it its own version prefix.` });
            continue;
        }
        owner.set(e.version, m);
        entries.set(m.identity, e);
        const row = byVersion.get(e.version);
        const ours = recorded.get(m.identity);
        if (row && !ours) {
            adopted.push(m);
            if (row.statements.length && !sameStatements(row.statements, e.statements)) {
                warnings.push({ file, message: `${file} was applied by the Supabase CLI (version ${e.version}), and the statements it recorded differ from the file now: was the file edited after \`supabase db push\`? pgshift adopts it with the file's current checksum.` });
            }
        }
        else if (!row && ours?.status === 'applied') {
            backfill.push(m);
        }
    }
    return { reason, tableExists, schemaExists, columns, rows, entries, adopted, backfill, warnings };
}
/**
 * pgshift's history with the CLI's view added: an adopted file counts as applied
 * (with the file's checksum: there is no other), and a CLI row that no file and
 * no pgshift row explains counts as a missing migration.
 */
function mergedHistory(history, sb) {
    const owned = new Set([...sb.entries.values()].map((e) => e.version));
    const known = new Set(history.map((r) => r.identity));
    const extra = sb.adopted.map((m) => ({
        identity: m.identity,
        version: m.version,
        name: m.name,
        kind: m.kind,
        script: m.up.source.file,
        checksum: m.checksum,
        appliedAt: '',
        durationMs: 0,
        statements: m.up.statements.length,
        status: 'applied',
        statementsDone: null,
        doneHash: null
    }));
    for (const r of sb.rows) {
        const identity = r.name ? `${r.version}_${r.name}` : r.version;
        if (owned.has(r.version) || known.has(identity))
            continue;
        extra.push({ identity, version: r.version, name: r.name, kind: 'versioned', script: `${_db_supabase_history_js__WEBPACK_IMPORTED_MODULE_2__/* .SUPABASE_TABLE */ .W_} (version ${r.version})`, checksum: '', appliedAt: '', durationMs: 0, statements: r.statements.length, status: 'applied', statementsDone: null, doneHash: null });
    }
    return [...history, ...extra];
}
/**
 * apply, under the lock and before any migration: create the CLI's table when it
 * is absent, baseline the adopted files in pgshift's history, and give the CLI
 * the rows of files pgshift applied without it. One transaction: all or nothing.
 */
async function reconcileSupabaseHistory(client, historySchema, sb, meta) {
    const sql = [];
    if (!sb.tableExists)
        sql.push((0,_db_supabase_history_js__WEBPACK_IMPORTED_MODULE_2__/* .createSupabaseHistorySql */ .Vt)(sb.schemaExists));
    // The baseline is the row apply would have written, without a duration of its own.
    for (const m of sb.adopted)
        sql.push((0,_db_history_js__WEBPACK_IMPORTED_MODULE_0__/* .upsertHistorySql */ .mL)(historySchema, (0,_executor_js__WEBPACK_IMPORTED_MODULE_1__/* .historyWrite */ .kY)(m, { meta }, { durationMs: 0 })));
    for (const m of sb.backfill)
        sql.push((0,_db_supabase_history_js__WEBPACK_IMPORTED_MODULE_2__/* .insertSupabaseRowSql */ ._N)(sb.entries.get(m.identity), sb.columns));
    if (!sql.length)
        return;
    // The CLI's own lock_timeout for its history table.
    await client.query(`BEGIN;SET LOCAL lock_timeout = '4s';${sql.join(';\n')};COMMIT`).catch(async (e) => {
        await client.query('ROLLBACK').catch(() => { });
        throw e;
    });
    sb.tableExists = true;
    sb.schemaExists = true;
    // Baselined: from now on they are in pgshift's history like any other.
    sb.adopted = [];
    sb.backfill = [];
}


/***/ }),

/***/ 9113:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   V: () => (/* binding */ diffSnapshots)
/* harmony export */ });
/* unused harmony export describeChange */
/* harmony import */ var _snapshot_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(634);

/** Values longer than this are not quoted in a detail; the field is said to have changed. */
const SHORT = 60;
/** Fields that are only ever reported as changed (a hash, or text too long to be useful inline). */
const OPAQUE = new Set(['body']);
function diffSnapshots(before, after) {
    const a = before.objects;
    const b = after.objects;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    const out = [];
    for (const object of [...keys].sort(_snapshot_js__WEBPACK_IMPORTED_MODULE_0__/* .byCodeUnit */ .X)) {
        const inA = Object.hasOwn(a, object);
        const inB = Object.hasOwn(b, object);
        if (inA && !inB)
            out.push({ object, change: 'removed' });
        else if (!inA && inB)
            out.push({ object, change: 'added' });
        else if (a[object] !== b[object])
            out.push({ object, change: 'changed', detail: describeChange(a[object], b[object]) });
    }
    return out;
}
/** What differs between two definitions of one object. */
function describeChange(before, after) {
    const x = (0,_snapshot_js__WEBPACK_IMPORTED_MODULE_0__/* .parseDefinition */ .JA)(before);
    const y = (0,_snapshot_js__WEBPACK_IMPORTED_MODULE_0__/* .parseDefinition */ .JA)(after);
    if (!x && !y)
        return isShort(before) && isShort(after) ? `${before} -> ${after}` : 'definition changed';
    if (!x || !y)
        return 'definition changed';
    const parts = [];
    for (const field of fieldsOf(x, y)) {
        const part = describeField(field, x[field], y[field]);
        if (part)
            parts.push(part);
    }
    // Same fields, same values, different text: only the layout differs.
    return parts.length > 0 ? parts.join('; ') : 'definition changed';
}
function fieldsOf(x, y) {
    const seen = new Set();
    const fields = [];
    for (const f of [...Object.keys(x), ...Object.keys(y)]) {
        if (!seen.has(f)) {
            seen.add(f);
            fields.push(f);
        }
    }
    return fields;
}
function describeField(field, x, y) {
    const name = field.replace(/_/g, ' ');
    if (Array.isArray(x) || Array.isArray(y)) {
        const xs = toList(x);
        const ys = toList(y);
        if (xs.length === ys.length && xs.every((v, i) => v === ys[i]))
            return undefined;
        const added = ys.filter((v) => !xs.includes(v));
        const removed = xs.filter((v) => !ys.includes(v));
        if (added.length === 0 && removed.length === 0)
            return `${name}: order changed`;
        return `${name}: ${[...added.map((v) => `+${v}`), ...removed.map((v) => `-${v}`)].join(', ')}`;
    }
    if (x === y)
        return undefined;
    if (OPAQUE.has(field))
        return `${name} changed`;
    const from = x ?? '(none)';
    const to = y ?? '(none)';
    return isShort(from) && isShort(to) ? `${name}: ${from} -> ${to}` : `${name} changed`;
}
function toList(v) {
    if (v === undefined)
        return [];
    return Array.isArray(v) ? v : [v];
}
function isShort(v) {
    return v.length <= SHORT && !v.includes('\n');
}


/***/ }),

/***/ 634:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  X: () => (/* binding */ byCodeUnit),
  JA: () => (/* binding */ parseDefinition),
  W9: () => (/* binding */ takeSnapshot)
});

// UNUSED EXPORTS: formatDefinition, objectKind

// EXTERNAL MODULE: ./node_modules/pg/esm/index.mjs
var esm = __webpack_require__(3849);
;// CONCATENATED MODULE: ./src/inspect/catalog-sql.ts
// The one catalog query behind a snapshot. Every object kind is a branch of a
// single UNION ALL over shared CTEs, so a snapshot costs one round trip however
// many objects the database holds. Each branch yields (key, def): the key names
// the object ('column public.users.email'), def is a jsonb object of its
// normalised properties (nulls are dropped by the caller).
//
// The query must run with search_path = '' (see snapshot.ts): pg_get_*def,
// pg_get_expr, format_type and regclass::text then qualify every name outside
// pg_catalog, so the text does not depend on the session's search_path.
//
// `excluded` is a SQL expression of type text[]: the schemas to leave out
// (besides the system ones).
/** A schema-qualified, quoted name: quote_ident(schema) || '.' || quote_ident(name). */
const q = (schema, name) => `quote_ident(${schema}) || '.' || quote_ident(${name})`;
/** A grantee oid as a role name; 0 is PUBLIC. */
const grantee = (oid) => `CASE WHEN ${oid} = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(${oid})) END`;
/** aclexplode rows as one sorted, de-duplicated json array of privileges. */
const privileges = `to_jsonb(array_agg(DISTINCT x.privilege_type || CASE WHEN x.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END
    ORDER BY x.privilege_type || CASE WHEN x.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END))`;
/** Not a member of an extension (pg_depend deptype 'e'). */
const notExt = (catalog, oid) => `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;
/**
 * Relation `c` (in pgshift's schema) is one of pgshift's tables, or a sequence one of them
 * owns (an identity column's, deptype 'i'; a serial's, 'a'): the rollback log's id.
 */
const ownRelation = (c, own) => `(${c}.relname = ANY (${own.tables}) OR EXISTS (SELECT 1 FROM pg_depend d JOIN pg_class o ON o.oid = d.refobjid
      WHERE d.classid = 'pg_class'::regclass AND d.objid = ${c}.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
        AND o.relnamespace = ${c}.relnamespace AND o.relname = ANY (${own.tables})))`;
function snapshotSql(serverVersion, excluded = 'ARRAY[]::text[]', own) {
    const pg13 = serverVersion >= 130000;
    const pg14 = serverVersion >= 140000;
    const pg15 = serverVersion >= 150000;
    const ns = `ns AS (
  SELECT n.oid, n.nspname, n.nspowner, n.nspacl FROM pg_namespace n
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
    AND n.nspname <> ALL (${excluded})
    AND ${notExt('pg_namespace', 'n.oid')}${own
        ? `
    -- pgshift's schema is left out while it holds nothing but pgshift's tables (and their row and array types).
    AND NOT (n.nspname = ${own.schema}
      AND NOT EXISTS (SELECT 1 FROM pg_class c2 WHERE c2.relnamespace = n.oid AND c2.relkind IN ('r', 'p', 'f', 'v', 'm', 'S', 'c') AND NOT ${ownRelation('c2', own)})
      AND NOT EXISTS (SELECT 1 FROM pg_proc p2 WHERE p2.pronamespace = n.oid)
      AND NOT EXISTS (SELECT 1 FROM pg_type t2 WHERE t2.typnamespace = n.oid AND t2.typrelid = 0 AND t2.typelem = 0))`
        : ''}
)`;
    const rel = `rel AS (
  SELECT c.oid, c.relname, c.relkind, c.relowner, c.relacl, c.relpersistence, c.reloptions,
         c.relrowsecurity, c.relforcerowsecurity, c.relispartition, c.relpartbound, ns.nspname,
         ${q('ns.nspname', 'c.relname')} AS qname
  FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
    AND ${notExt('pg_class', 'c.oid')}${own ? `
    AND NOT (ns.nspname = ${own.schema} AND ${ownRelation('c', own)})` : ''}
)`;
    const fn = `fn AS (
  SELECT p.*, ns.nspname,
         CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END AS kind,
         ${q('ns.nspname', 'p.proname')} || '(' || array_to_string(ARRAY(
           SELECT format_type(u.t, NULL) FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS u(t, i) ORDER BY u.i
         ), ', ') || ')' AS signature
  FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
  WHERE ${notExt('pg_proc', 'p.oid')}
)`;
    const body = pg14 ? `coalesce(pg_get_function_sqlbody(p.oid), p.prosrc)` : `p.prosrc`;
    const branches = [
        // schemas
        `SELECT 'schema ' || quote_ident(ns.nspname), '{}'::jsonb FROM ns`,
        // tables (plain, partitioned, foreign)
        `SELECT 'table ' || r.qname, jsonb_build_object(
      'kind', CASE r.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' ELSE 'foreign table' END,
      'persistence', CASE WHEN r.relpersistence = 'u' THEN 'unlogged' END,
      'partition_key', CASE WHEN r.relkind = 'p' THEN pg_get_partkeydef(r.oid) END,
      'partition_of', CASE WHEN r.relispartition THEN (
        SELECT i.inhparent::regclass::text || ' ' || pg_get_expr(r.relpartbound, r.oid)
        FROM pg_inherits i WHERE i.inhrelid = r.oid LIMIT 1) END,
      'inherits', CASE WHEN NOT r.relispartition THEN to_jsonb(ARRAY(
        SELECT i.inhparent::regclass::text FROM pg_inherits i WHERE i.inhrelid = r.oid ORDER BY i.inhseqno)) END,
      'options', to_jsonb(ARRAY(SELECT o FROM unnest(r.reloptions) o ORDER BY o)))
    FROM rel r WHERE r.relkind IN ('r', 'p', 'f')`,
        // views and materialized views: the definition with its whitespace collapsed
        `SELECT CASE r.relkind WHEN 'v' THEN 'view ' ELSE 'matview ' END || r.qname, jsonb_build_object(
      'definition', regexp_replace(btrim(pg_get_viewdef(r.oid, true)), '\\s+', ' ', 'g'),
      'options', to_jsonb(ARRAY(SELECT o FROM unnest(r.reloptions) o ORDER BY o)))
    FROM rel r WHERE r.relkind IN ('v', 'm')`,
        // columns of tables
        `SELECT 'column ' || r.qname || '.' || quote_ident(a.attname), jsonb_build_object(
      'type', format_type(a.atttypid, a.atttypmod),
      'nullable', CASE WHEN a.attnotnull THEN 'no' ELSE 'yes' END,
      'default', CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, ad.adrelid) END,
      'generated', CASE a.attgenerated
        WHEN 's' THEN pg_get_expr(ad.adbin, ad.adrelid) || ' stored'
        WHEN 'v' THEN pg_get_expr(ad.adbin, ad.adrelid) || ' virtual' END,
      'identity', CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END,
      'collation', CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN (
        SELECT ${q('cn.nspname', 'co.collname')} FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace
        WHERE co.oid = a.attcollation) END)
    FROM rel r
    JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
    WHERE r.relkind IN ('r', 'p', 'f')`,
        // table constraints (NOT NULL is a column property; PG 18 also lists it here as 'n')
        `SELECT 'constraint ' || r.qname || '.' || quote_ident(con.conname), jsonb_build_object(
      'type', CASE con.contype WHEN 'p' THEN 'primary key' WHEN 'f' THEN 'foreign key' WHEN 'u' THEN 'unique'
        WHEN 'c' THEN 'check' WHEN 'x' THEN 'exclusion' WHEN 't' THEN 'trigger' ELSE con.contype::text END,
      'definition', pg_get_constraintdef(con.oid))
    FROM pg_constraint con JOIN rel r ON r.oid = con.conrelid
    WHERE con.contype <> 'n'`,
        // indexes (including those behind constraints), with validity
        `SELECT 'index ' || ${q('r.nspname', 'ic.relname')}, jsonb_build_object(
      'definition', pg_get_indexdef(i.indexrelid),
      'valid', CASE WHEN i.indisvalid THEN 'yes' ELSE 'no' END)
    FROM pg_index i JOIN rel r ON r.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid`,
        // sequences (identity sequences belong to their column)
        `SELECT 'sequence ' || r.qname, jsonb_build_object(
      'type', format_type(s.seqtypid, NULL),
      'start', s.seqstart::text, 'increment', s.seqincrement::text,
      'min', s.seqmin::text, 'max', s.seqmax::text, 'cache', s.seqcache::text,
      'cycle', CASE WHEN s.seqcycle THEN 'yes' ELSE 'no' END,
      'owned_by', (SELECT d.refobjid::regclass::text || '.' || quote_ident(a.attname)
        FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE d.classid = 'pg_class'::regclass AND d.objid = r.oid AND d.deptype = 'a'
          AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 LIMIT 1))
    FROM rel r JOIN pg_sequence s ON s.seqrelid = r.oid
    WHERE r.relkind = 'S' AND NOT EXISTS (
      SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = r.oid AND d.deptype = 'i')`,
        // row level security flags, only where one is set
        `SELECT 'rls ' || r.qname, jsonb_build_object(
      'enabled', CASE WHEN r.relrowsecurity THEN 'yes' ELSE 'no' END,
      'forced', CASE WHEN r.relforcerowsecurity THEN 'yes' ELSE 'no' END)
    FROM rel r WHERE r.relkind IN ('r', 'p') AND (r.relrowsecurity OR r.relforcerowsecurity)`,
        // policies
        `SELECT 'policy ' || r.qname || '.' || quote_ident(pol.polname), jsonb_build_object(
      'command', CASE pol.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
        WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
      'as', CASE WHEN pol.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END,
      'roles', to_jsonb(ARRAY(SELECT ${grantee('ro')} FROM unnest(pol.polroles) ro ORDER BY 1)),
      'using', pg_get_expr(pol.polqual, pol.polrelid),
      'with_check', pg_get_expr(pol.polwithcheck, pol.polrelid))
    FROM pg_policy pol JOIN rel r ON r.oid = pol.polrelid`,
        // triggers (not the internal ones behind foreign keys)
        `SELECT 'trigger ' || r.qname || '.' || quote_ident(tg.tgname), jsonb_build_object(
      'definition', pg_get_triggerdef(tg.oid),
      'enabled', CASE tg.tgenabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' END)
    FROM pg_trigger tg JOIN rel r ON r.oid = tg.tgrelid
    WHERE NOT tg.tgisinternal`,
        // functions, procedures and aggregates: the body as a hash
        `SELECT p.kind || ' ' || p.signature, jsonb_build_object(
      'arguments', pg_get_function_arguments(p.oid),
      'returns', pg_get_function_result(p.oid),
      'language', l.lanname,
      'volatility', CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END,
      'security', CASE WHEN p.prosecdef THEN 'definer' ELSE 'invoker' END,
      'strict', CASE WHEN p.proisstrict THEN 'yes' ELSE 'no' END,
      'parallel', CASE p.proparallel WHEN 's' THEN 'safe' WHEN 'r' THEN 'restricted' ELSE 'unsafe' END,
      'leakproof', CASE WHEN p.proleakproof THEN 'yes' END,
      'config', to_jsonb(ARRAY(SELECT cfg FROM unnest(p.proconfig) cfg ORDER BY cfg)),
      'body', md5(coalesce(${body}, '')))
    FROM fn p JOIN pg_language l ON l.oid = p.prolang`,
        // enums, with their labels in order
        `SELECT 'enum ' || ${q('ns.nspname', 't.typname')}, jsonb_build_object(
      'labels', to_jsonb(ARRAY(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)))
    FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
    WHERE t.typtype = 'e' AND ${notExt('pg_type', 't.oid')}`,
        // domains
        `SELECT 'domain ' || ${q('ns.nspname', 't.typname')}, jsonb_build_object(
      'type', format_type(t.typbasetype, t.typtypmod),
      'nullable', CASE WHEN t.typnotnull THEN 'no' ELSE 'yes' END,
      'default', pg_get_expr(t.typdefaultbin, 0),
      'constraints', to_jsonb(ARRAY(
        SELECT quote_ident(con.conname) || ' ' || pg_get_constraintdef(con.oid)
        FROM pg_constraint con WHERE con.contypid = t.oid AND con.contype <> 'n' ORDER BY con.conname)))
    FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
    WHERE t.typtype = 'd' AND ${notExt('pg_type', 't.oid')}`,
        // composite types (not the row types of tables)
        `SELECT 'type ' || ${q('ns.nspname', 't.typname')}, jsonb_build_object(
      'attributes', to_jsonb(ARRAY(
        SELECT quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
        FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)))
    FROM pg_type t JOIN ns ON ns.oid = t.typnamespace JOIN pg_class c ON c.oid = t.typrelid
    WHERE t.typtype = 'c' AND c.relkind = 'c' AND ${notExt('pg_type', 't.oid')}`,
        // extensions: name and schema, not the version
        `SELECT 'extension ' || quote_ident(e.extname), jsonb_build_object('schema', n.nspname)
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace`,
        // publications and their member tables (and, from PG 15, schemas)
        `SELECT 'publication ' || quote_ident(pb.pubname), jsonb_build_object(
      'all_tables', CASE WHEN pb.puballtables THEN 'yes' ELSE 'no' END,
      'operations', to_jsonb(ARRAY(SELECT op FROM (VALUES
        (1, 'insert', pb.pubinsert), (2, 'update', pb.pubupdate), (3, 'delete', pb.pubdelete), (4, 'truncate', pb.pubtruncate)
      ) v(i, op, on_) WHERE v.on_ ORDER BY v.i)),
      'via_root', ${pg13 ? `CASE WHEN pb.pubviaroot THEN 'yes' END` : 'NULL::text'})
    FROM pg_publication pb`,
        `SELECT 'publication-member ' || quote_ident(pb.pubname) || ' ' || r.qname, jsonb_build_object(
      'row_filter', ${pg15 ? 'pg_get_expr(pr.prqual, pr.prrelid)' : 'NULL::text'},
      'columns', ${pg15
            ? `CASE WHEN pr.prattrs IS NOT NULL THEN to_jsonb(ARRAY(
        SELECT quote_ident(a.attname) FROM pg_attribute a
        WHERE a.attrelid = pr.prrelid AND a.attnum = ANY (pr.prattrs::int2[]) ORDER BY a.attnum)) END`
            : 'NULL::jsonb'})
    FROM pg_publication_rel pr JOIN pg_publication pb ON pb.oid = pr.prpubid JOIN rel r ON r.oid = pr.prrelid`,
        ...(pg15
            ? [
                `SELECT 'publication-schema ' || quote_ident(pb.pubname) || ' ' || quote_ident(ns.nspname), '{}'::jsonb
    FROM pg_publication_namespace pn JOIN pg_publication pb ON pb.oid = pn.pnpubid JOIN ns ON ns.oid = pn.pnnspid`
            ]
            : []),
        // grants on tables, views, materialized views, sequences and foreign tables,
        // per grantee; the owner's own privileges and the grantor are left out
        `SELECT 'grant ' || r.qname || ' ' || ${grantee('x.grantee')}, jsonb_build_object('privileges', ${privileges})
    FROM rel r CROSS JOIN LATERAL aclexplode(r.relacl) x
    WHERE x.grantee <> r.relowner
    GROUP BY r.qname, x.grantee`,
        // column grants
        `SELECT 'grant column ' || r.qname || '.' || quote_ident(a.attname) || ' ' || ${grantee('x.grantee')},
      jsonb_build_object('privileges', ${privileges})
    FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attacl IS NOT NULL
    CROSS JOIN LATERAL aclexplode(a.attacl) x
    WHERE x.grantee <> r.relowner
    GROUP BY r.qname, a.attname, x.grantee`,
        // EXECUTE on functions: a function with no ACL is executable by PUBLIC, so
        // the default is spelled out and REVOKE ... FROM PUBLIC shows
        `SELECT 'grant ' || p.kind || ' ' || p.signature || ' ' || ${grantee('x.grantee')},
      jsonb_build_object('privileges', ${privileges})
    FROM fn p CROSS JOIN LATERAL aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) x
    WHERE x.grantee <> p.proowner AND p.prokind <> 'a'
    GROUP BY p.kind, p.signature, x.grantee`,
        // USAGE / CREATE on schemas
        `SELECT 'grant schema ' || quote_ident(ns.nspname) || ' ' || ${grantee('x.grantee')},
      jsonb_build_object('privileges', ${privileges})
    FROM ns CROSS JOIN LATERAL aclexplode(ns.nspacl) x
    WHERE x.grantee <> ns.nspowner
    GROUP BY ns.nspname, x.grantee`,
        // ALTER DEFAULT PRIVILEGES entries (grants to roles other than the one whose objects they cover)
        `SELECT 'default-privileges ' || quote_ident(pg_get_userbyid(da.defaclrole)) || ' '
        || coalesce(quote_ident(dn.nspname), '*') || ' '
        || CASE da.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
             WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' ELSE da.defaclobjtype::text END || ' '
        || ${grantee('x.grantee')},
      jsonb_build_object('privileges', ${privileges})
    FROM pg_default_acl da LEFT JOIN pg_namespace dn ON dn.oid = da.defaclnamespace
    CROSS JOIN LATERAL aclexplode(da.defaclacl) x
    WHERE x.grantee <> da.defaclrole
      AND (da.defaclnamespace = 0 OR EXISTS (SELECT 1 FROM ns WHERE ns.oid = da.defaclnamespace))
    GROUP BY da.defaclrole, dn.nspname, da.defaclobjtype, x.grantee`
    ];
    return `WITH ${ns},
${rel},
${fn}
SELECT s.key, s.def FROM (
${branches.map((b) => `  ${b}`).join('\n  UNION ALL\n')}
) AS s(key, def)`;
}

;// CONCATENATED MODULE: ./src/inspect/snapshot.ts


/** The order fields are written in; others follow alphabetically. */
const FIELD_ORDER = [
    'kind',
    'type',
    'nullable',
    'default',
    'generated',
    'identity',
    'collation',
    'definition',
    'valid',
    'enabled',
    'forced',
    'command',
    'as',
    'roles',
    'using',
    'with_check',
    'arguments',
    'returns',
    'language',
    'volatility',
    'security',
    'strict',
    'parallel',
    'leakproof',
    'config',
    'body',
    'labels',
    'constraints',
    'attributes',
    'start',
    'increment',
    'min',
    'max',
    'cache',
    'cycle',
    'owned_by',
    'schema',
    'all_tables',
    'operations',
    'via_root',
    'row_filter',
    'columns',
    'privileges'
];
const RANK = new Map(FIELD_ORDER.map((f, i) => [f, i]));
/** Drop empty fields and write the rest in a fixed order, as compact JSON. */
function formatDefinition(def) {
    const fields = Object.keys(def)
        .filter((k) => {
        const v = def[k];
        return v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0);
    })
        .sort((a, b) => (RANK.get(a) ?? Infinity) - (RANK.get(b) ?? Infinity) || (a < b ? -1 : a > b ? 1 : 0));
    const out = {};
    for (const k of fields) {
        const v = def[k];
        out[k] = Array.isArray(v) ? v.map(String) : String(v);
    }
    return JSON.stringify(out);
}
/** A snapshot value as fields, or undefined when it is not a JSON object (hand-made snapshots may hold plain text). */
function parseDefinition(value) {
    if (!value.startsWith('{'))
        return undefined;
    try {
        const parsed = JSON.parse(value);
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
            return undefined;
        const out = {};
        for (const [k, v] of Object.entries(parsed)) {
            out[k] = Array.isArray(v) ? v.map(String) : String(v);
        }
        return out;
    }
    catch {
        return undefined;
    }
}
/** The kind of object a key names: 'table', 'column', 'grant', 'publication-member'... */
function objectKind(key) {
    const i = key.indexOf(' ');
    return i < 0 ? key : key.slice(0, i);
}
/**
 * Read the schema from the catalogs, in two round trips: the session's
 * search_path and the server version, then one simple-protocol batch that sets
 * search_path to '' with SET LOCAL, runs the catalog query and puts the caller's
 * search_path back, again LOCAL. With search_path = '' every name outside
 * pg_catalog comes out schema-qualified, so the text does not depend on the
 * caller's search_path. Outside a transaction the batch is one implicit
 * transaction; inside the caller's, the setting is the caller's again for the
 * rest of it and reverts with it. A failure leaves nothing behind either way.
 * It writes nothing, so it runs in a read-only transaction too.
 */
async function takeSnapshot(client, opts = {}) {
    const excluded = [...new Set(opts.excludeSchemas ?? [])];
    const setup = await client.query(`SELECT current_setting('search_path') AS search_path, current_setting('server_version_num') AS version`);
    const { search_path: searchPath, version } = setup.rows[0];
    const list = `ARRAY[${excluded.map((s) => (0,esm/* escapeLiteral */.NO)(s)).join(', ')}]::text[]`;
    const own = opts.bookkeeping;
    const ownSql = own ? { schema: (0,esm/* escapeLiteral */.NO)(own.schema), tables: `ARRAY[${own.tables.map((t) => (0,esm/* escapeLiteral */.NO)(t)).join(', ')}]::text[]` } : undefined;
    const batch = `SET LOCAL search_path = '';
${snapshotSql(Number(version), list, ownSql)};
SELECT set_config('search_path', ${(0,esm/* escapeLiteral */.NO)(searchPath)}, true)`;
    // A multi-statement simple query answers with one result per statement.
    const results = (await client.query(batch));
    const rows = results[1].rows;
    const grouped = new Map();
    for (const row of rows) {
        const def = formatDefinition(row.def);
        const list = grouped.get(row.key);
        if (list)
            list.push(def);
        else
            grouped.set(row.key, [def]);
    }
    const objects = {};
    for (const key of [...grouped.keys()].sort(byCodeUnit)) {
        // A key is unique by construction; should two objects ever share one, keep both, in a stable order.
        const defs = grouped.get(key).sort(byCodeUnit);
        objects[key] = defs.length === 1 ? defs[0] : JSON.stringify({ duplicates: defs });
    }
    return { objects };
}
function byCodeUnit(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}


/***/ }),

/***/ 1520:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   A7: () => (/* binding */ serverWideMessage),
/* harmony export */   sc: () => (/* binding */ serverWideChanges),
/* harmony export */   uk: () => (/* binding */ SERVER_WIDE_KINDS)
/* harmony export */ });
/* unused harmony export serverWideChange */
/* harmony import */ var _source_parser_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3686);
/* harmony import */ var _tree_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9637);
// Statements that change the server rather than the database being migrated
// (issue 14 item 10): roles and their memberships and settings, ALTER SYSTEM,
// tablespaces, other databases and the database's own entry. They live in the
// cluster's shared catalogs (pg_authid, pg_auth_members, pg_db_role_setting,
// pg_tablespace, pg_database) or in postgresql.auto.conf, so they outlive a
// dropped or restored database and reach every other database on the server.
// Read from the parse tree's node types; shared by the lint rule
// `server-wide-change` and plan's per-migration note.


/** The statement kinds that can change the server (RenameStmt and AlterOwnerStmt only for some objects). */
const SERVER_WIDE_KINDS = new Set([
    'CreateRoleStmt',
    'AlterRoleStmt',
    'AlterRoleSetStmt',
    'DropRoleStmt',
    'GrantRoleStmt',
    'AlterSystemStmt',
    'AlterDatabaseStmt',
    'AlterDatabaseSetStmt',
    'AlterDatabaseRefreshCollStmt',
    'AlterOwnerStmt',
    'RenameStmt',
    'CreatedbStmt',
    'CreateTableSpaceStmt',
    'DropTableSpaceStmt',
    'AlterTableSpaceOptionsStmt',
    // The usual idempotent form: DO $$ BEGIN IF NOT EXISTS (...) THEN CREATE ROLE ... END IF; END $$.
    'DoStmt'
]);
const ROLE_OPTIONS = {
    superuser: ['SUPERUSER', 'NOSUPERUSER'],
    canlogin: ['LOGIN', 'NOLOGIN'],
    createdb: ['CREATEDB', 'NOCREATEDB'],
    createrole: ['CREATEROLE', 'NOCREATEROLE'],
    inherit: ['INHERIT', 'NOINHERIT'],
    isreplication: ['REPLICATION', 'NOREPLICATION'],
    bypassrls: ['BYPASSRLS', 'NOBYPASSRLS']
};
const OTHER_OPTIONS = { password: 'PASSWORD', validUntil: 'VALID UNTIL', connectionlimit: 'CONNECTION LIMIT', sysid: 'SYSID' };
/** Options whose change can keep a role from logging in or from doing what it did. */
const LOCKING = new Set(['NOSUPERUSER', 'NOLOGIN', 'NOINHERIT', 'NOCREATEROLE', 'NOBYPASSRLS', 'PASSWORD', 'VALID UNTIL', 'CONNECTION LIMIT']);
/** `app`, `CURRENT_USER`, `PUBLIC` from a RoleSpec node (wrapped or not). */
function role(n) {
    const r = ((0,_tree_js__WEBPACK_IMPORTED_MODULE_1__/* .unwrap */ .oA)(n, 'RoleSpec') ?? n);
    if (!r)
        return '?';
    if (r.roletype === 'ROLESPEC_CSTRING')
        return String(r.rolename);
    return String(r.roletype ?? '?').replace(/^ROLESPEC_/, '');
}
function roleOptions(options) {
    return (0,_tree_js__WEBPACK_IMPORTED_MODULE_1__/* .list */ .p_)({ options }, 'options').flatMap((o) => {
        const d = (0,_tree_js__WEBPACK_IMPORTED_MODULE_1__/* .unwrap */ .oA)(o, 'DefElem');
        const name = typeof d?.defname === 'string' ? d.defname : '';
        const pair = ROLE_OPTIONS[name];
        if (pair && d)
            return [(0,_tree_js__WEBPACK_IMPORTED_MODULE_1__/* .optionOn */ .J_)(d) ? pair[0] : pair[1]];
        return OTHER_OPTIONS[name] ? [OTHER_OPTIONS[name]] : [];
    });
}
const setName = (n) => {
    const s = n;
    return s?.kind === 'VAR_RESET_ALL' ? 'RESET ALL' : `${s?.kind === 'VAR_RESET' ? 'RESET' : 'SET'} ${String(s?.name ?? '')}`.trim();
};
/** What `s` changes on the server, when it does; undefined for everything else (read without parsing when the kind rules it out). */
function serverWideChange(s) {
    if (!SERVER_WIDE_KINDS.has(s.kind))
        return undefined;
    const n = s.node;
    const at = (what, lockout = false, database = false) => ({ what, lockout, database });
    switch (s.kind) {
        case 'CreateRoleStmt': {
            const kind = n.stmt_type === 'ROLESTMT_USER' ? 'USER' : n.stmt_type === 'ROLESTMT_GROUP' ? 'GROUP' : 'ROLE';
            return at(`CREATE ${kind} ${String(n.role)}`);
        }
        case 'AlterRoleStmt': {
            const opts = roleOptions(n.options);
            // ALTER GROUP g ADD USER u / DROP USER u (action -1 takes a membership away).
            const members = (0,_tree_js__WEBPACK_IMPORTED_MODULE_1__/* .defElem */ .pH)(n.options, 'rolemembers');
            if (members) {
                const who = (0,_tree_js__WEBPACK_IMPORTED_MODULE_1__/* .list */ .p_)((0,_tree_js__WEBPACK_IMPORTED_MODULE_1__/* .unwrap */ .oA)(members.arg, 'List'), 'items').map(role).join(', ');
                return at(`ALTER GROUP ${role(n.role)} ${n.action === -1 ? 'DROP' : 'ADD'} USER ${who}`, n.action === -1);
            }
            return at(`ALTER ROLE ${role(n.role)}${opts.length ? ` ${opts.join(' ')}` : ''}`, opts.some((o) => LOCKING.has(o)));
        }
        case 'AlterRoleSetStmt': {
            // ALTER ROLE ... IN DATABASE d SET: a setting for one database; still the role's, for every session it opens there.
            const who = n.role ? role(n.role) : 'ALL';
            return at(`ALTER ROLE ${who}${typeof n.database === 'string' ? ` IN DATABASE ${n.database}` : ''} ${setName(n.setstmt)}`);
        }
        case 'DropRoleStmt':
            return at(`DROP ROLE ${(0,_tree_js__WEBPACK_IMPORTED_MODULE_1__/* .list */ .p_)(n, 'roles').map(role).join(', ')}`, true);
        case 'GrantRoleStmt': {
            const granted = (0,_tree_js__WEBPACK_IMPORTED_MODULE_1__/* .list */ .p_)(n, 'granted_roles').map((g) => String((0,_tree_js__WEBPACK_IMPORTED_MODULE_1__/* .unwrap */ .oA)(g, 'AccessPriv')?.priv_name ?? '?'));
            const to = (0,_tree_js__WEBPACK_IMPORTED_MODULE_1__/* .list */ .p_)(n, 'grantee_roles').map(role);
            return n.is_grant ? at(`GRANT ${granted.join(', ')} TO ${to.join(', ')}`) : at(`REVOKE ${granted.join(', ')} FROM ${to.join(', ')}`, true);
        }
        case 'AlterSystemStmt':
            return at(`ALTER SYSTEM ${setName(n.setstmt)}`);
        case 'AlterDatabaseStmt':
        case 'AlterDatabaseRefreshCollStmt':
            return at(`ALTER DATABASE ${String(n.dbname)}`, false, true);
        case 'AlterDatabaseSetStmt':
            return at(`ALTER DATABASE ${String(n.dbname)} ${setName(n.setstmt)}`, false, true);
        case 'AlterOwnerStmt':
            if (n.objectType === 'OBJECT_DATABASE')
                return at(`ALTER DATABASE ${(0,_tree_js__WEBPACK_IMPORTED_MODULE_1__/* .str */ .gx)(n.object) ?? '?'} OWNER TO ${role(n.newowner)}`, true, true);
            if (n.objectType === 'OBJECT_TABLESPACE')
                return at(`ALTER TABLESPACE ${(0,_tree_js__WEBPACK_IMPORTED_MODULE_1__/* .str */ .gx)(n.object) ?? '?'} OWNER TO ${role(n.newowner)}`);
            return undefined;
        case 'RenameStmt':
            // Renaming a role clears its MD5 password (the name is its salt).
            if (n.renameType === 'OBJECT_ROLE')
                return at(`ALTER ROLE ${String(n.subname)} RENAME TO ${String(n.newname)}`, true);
            if (n.renameType === 'OBJECT_DATABASE')
                return at(`ALTER DATABASE ${String(n.subname)} RENAME TO ${String(n.newname)}`, true, true);
            if (n.renameType === 'OBJECT_TABLESPACE')
                return at(`ALTER TABLESPACE ${String(n.subname)} RENAME TO ${String(n.newname)}`);
            return undefined;
        case 'CreatedbStmt':
            return at(`CREATE DATABASE ${String(n.dbname)}`);
        case 'CreateTableSpaceStmt':
            return at(`CREATE TABLESPACE ${String(n.tablespacename)}`);
        case 'DropTableSpaceStmt':
            return at(`DROP TABLESPACE ${String(n.tablespacename)}`);
        case 'AlterTableSpaceOptionsStmt':
            return at(`ALTER TABLESPACE ${String(n.tablespacename)}`);
    }
    return undefined;
}
/**
 * Every server-wide change of a statement: itself, or the static statements of a
 * PL/pgSQL DO block (what EXECUTE builds at run time is not seen).
 */
function serverWideChanges(s) {
    if (!SERVER_WIDE_KINDS.has(s.kind))
        return [];
    switch (s.kind) {
        case 'DoStmt':
            return doBlockChanges(s);
        default: {
            const c = serverWideChange(s);
            return c ? [c] : [];
        }
    }
}
function doBlockChanges(s) {
    const language = (0,_tree_js__WEBPACK_IMPORTED_MODULE_1__/* .str */ .gx)((0,_tree_js__WEBPACK_IMPORTED_MODULE_1__/* .defElem */ .pH)(s.node.args, 'language')?.arg);
    const body = (0,_tree_js__WEBPACK_IMPORTED_MODULE_1__/* .str */ .gx)((0,_tree_js__WEBPACK_IMPORTED_MODULE_1__/* .defElem */ .pH)(s.node.args, 'as')?.arg);
    if (body === undefined || (language !== undefined && language.toLowerCase() !== 'plpgsql'))
        return [];
    const at = s.sql.indexOf(body);
    const bodyLine = at < 0 ? 0 : s.sql.slice(0, at).split('\n').length - 1;
    return ((0,_source_parser_js__WEBPACK_IMPORTED_MODULE_0__/* .plpgsqlStatements */ .UW)(body) ?? []).flatMap((inner) => {
        let c;
        try {
            c = serverWideChange((0,_source_parser_js__WEBPACK_IMPORTED_MODULE_0__/* .parseStatementTree */ .f1)(inner.query, 0));
        }
        catch {
            return [];
        }
        return c ? [{ ...c, what: `${c.what} (in a DO block)`, lineOffset: at < 0 ? 0 : bodyLine + inner.line - 1 }] : [];
    });
}
/** A rule message: the change, and why it matters beyond this database. */
function serverWideMessage(c) {
    const where = c.database
        ? `changes the database's own entry in the server's shared catalog (pg_database), not a schema object: a down script does not restore it, and a dump of the schema (pg_dump without --create) does not carry it`
        : 'changes the whole server, not this database: it outlives a dropped or restored database, every other database on the server (a staging copy, a PR check on the same server) sees it, and a down script of this database does not restore it';
    const lockout = c.lockout ? `; if it touches the role pgshift logs in as (or one that role relies on), the next run may not log in or may lack the rights it needs` : '';
    return `${c.what} ${where}${lockout}`;
}


/***/ }),

/***/ 9637:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   C5: () => (/* binding */ location),
/* harmony export */   Dd: () => (/* binding */ typeLabel),
/* harmony export */   Dy: () => (/* binding */ names),
/* harmony export */   JW: () => (/* binding */ findAll),
/* harmony export */   J_: () => (/* binding */ optionOn),
/* harmony export */   Ll: () => (/* binding */ isNode),
/* harmony export */   a7: () => (/* binding */ namesKey),
/* harmony export */   aA: () => (/* binding */ funcName),
/* harmony export */   gx: () => (/* binding */ str),
/* harmony export */   ih: () => (/* binding */ tableKey),
/* harmony export */   jI: () => (/* binding */ rangeVarKey),
/* harmony export */   oA: () => (/* binding */ unwrap),
/* harmony export */   pH: () => (/* binding */ defElem),
/* harmony export */   p_: () => (/* binding */ list)
/* harmony export */ });
const isNode = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
/** The list under `key`, or []. */
const list = (node, key) => {
    const v = node?.[key];
    return Array.isArray(v) ? v : [];
};
/** The inner node of a wrapped node `{ Type: inner }` when its type is `type`. */
function unwrap(v, type) {
    if (!isNode(v))
        return undefined;
    const inner = v[type];
    return isNode(inner) ? inner : undefined;
}
/** The `sval` of a `{ String: { sval } }` node. */
const str = (v) => {
    const s = unwrap(v, 'String')?.sval;
    return typeof s === 'string' ? s : undefined;
};
/** Names of a qualified-name list: [{String},{String}] -> ['s', 'b']. */
const names = (v) => (Array.isArray(v) ? v.map(str).filter((s) => s !== undefined) : []);
/** A node's `location` (a UTF-8 byte offset in the parsed text), when it has one. */
const location = (node) => {
    const l = node?.location;
    return typeof l === 'number' && l >= 0 ? l : undefined;
};
/** `schema.name`, lower-case, 'public' when unqualified: the key of `LintContext.existingTables`. */
function tableKey(schema, name) {
    return `${(schema || 'public').toLowerCase()}.${name.toLowerCase()}`;
}
/** The key of a RangeVar (bare or wrapped). */
function rangeVarKey(v) {
    const rv = unwrap(v, 'RangeVar') ?? (isNode(v) ? v : undefined);
    if (!rv || typeof rv.relname !== 'string')
        return undefined;
    return tableKey(typeof rv.schemaname === 'string' ? rv.schemaname : undefined, rv.relname);
}
/** The key of a qualified-name list from DROP: ['s','t'] -> 's.t'; ['t'] -> 'public.t'. */
function namesKey(parts) {
    if (parts.length === 0)
        return undefined;
    const name = parts[parts.length - 1];
    const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
    return tableKey(schema, name);
}
/** Calls `visit` on every node of type `type` anywhere under `root` (strings are never parsed). */
function findAll(root, type, visit) {
    const stack = [root];
    while (stack.length > 0) {
        const v = stack.pop();
        if (Array.isArray(v)) {
            for (let i = v.length - 1; i >= 0; i--)
                stack.push(v[i]);
        }
        else if (isNode(v)) {
            for (const key of Object.keys(v).reverse()) {
                const child = v[key];
                if (key === type && isNode(child))
                    visit(child);
                if (typeof child === 'object' && child !== null)
                    stack.push(child);
            }
        }
    }
}
/** The last part of a FuncCall's name, lower-case: pg_catalog.random -> 'random'. */
function funcName(call) {
    const parts = names(call.funcname);
    return (parts[parts.length - 1] ?? '').toLowerCase();
}
/** A type name as written, roughly: 'bigint', 'varchar(20)', 'my_schema.my_type'. */
function typeLabel(typeName) {
    if (!isNode(typeName))
        return '?';
    let parts = names(typeName.names);
    if (parts.length === 2 && parts[0] === 'pg_catalog')
        parts = [parts[1]];
    const base = parts.join('.');
    const pretty = { int2: 'smallint', int4: 'integer', int8: 'bigint', float4: 'real', float8: 'double precision', bool: 'boolean', bpchar: 'char', timestamptz: 'timestamptz' };
    const mods = list(typeName, 'typmods')
        .map((m) => {
        const c = unwrap(m, 'A_Const');
        if (c && isNode(c.ival))
            return String(c.ival.ival ?? 0);
        const col = unwrap(m, 'ColumnRef');
        return col ? names(col.fields).join('.') : '?';
    })
        .join(',');
    const arr = list(typeName, 'arrayBounds').length > 0 ? '[]' : '';
    return `${pretty[base] ?? base}${mods ? `(${mods})` : ''}${arr}`;
}
/** A DefElem list's entry named `name`. */
function defElem(listValue, name) {
    if (!Array.isArray(listValue))
        return undefined;
    for (const d of listValue) {
        const def = unwrap(d, 'DefElem');
        if (def?.defname === name)
            return def;
    }
    return undefined;
}
/** The boolean value of an option written `name`, `name true`, `name = off`... */
function optionOn(def) {
    const arg = def.arg;
    if (!isNode(arg))
        return true;
    if ('Boolean' in arg)
        return !!arg.Boolean.boolval;
    if ('Integer' in arg)
        return !!arg.Integer.ival;
    if ('String' in arg)
        return !['false', 'off', 'no', '0'].includes(String(arg.String.sval).toLowerCase());
    return true;
}


/***/ }),

/***/ 4031:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Fy: () => (/* binding */ escapeWorkflowCommands),
/* harmony export */   Qg: () => (/* binding */ codeOrText),
/* harmony export */   VV: () => (/* binding */ escapeInline),
/* harmony export */   aL: () => (/* binding */ escapeTableCell),
/* harmony export */   jZ: () => (/* binding */ sanitizeText),
/* harmony export */   wb: () => (/* binding */ neutraliseHtmlComments)
/* harmony export */ });
/* unused harmony exports escapeHtml, escapeHtmlText, inlineCode, fencedBlock, clip, safeUrl, encodePath */
// Escaping for untrusted text: file names, SQL, and server messages all come
// from the repository or the database, and a PR author controls the first two.
// Everything here is pure; secret redaction is the caller's job (redact()).
//
// Contexts:
// - escapeInline / escapeTableCell: markdown text in a paragraph, list item,
//   heading, link text or table cell. The result is one line of inert text: no
//   HTML, no emphasis, no links, no table breaks, no @mentions.
// - inlineCode: a markdown code span that backticks inside cannot close.
// - fencedBlock: a fenced code block that backticks inside cannot close.
// - escapeWorkflowCommands: log output, so that no line is read as a
//   `::workflow-command::` (or legacy `##[command]`) by the Actions runner.
// - sanitizeText: control and bidi characters made visible, for every context
//   (terminal escapes in the CLI, "Trojan Source" reordering in a review).
const ZWSP = '\u200B';
/**
 * `<!--` inside code (a code span or a fenced block, where entities do not
 * work) becomes `<!\--`: visible, and no line of a comment can carry another
 * job's hidden `<!-- pgshift:comment-key=… -->` marker (issue 13).
 */
function neutraliseHtmlComments(text) {
    return text.replace(/<!--/g, '<!\\--');
}
/**
 * Makes control characters visible: C0 controls except tab and newline, DEL,
 * C1 controls, and the bidi embedding/override/isolate characters become `\xNN`
 * or `\u{NNNN}`. Carriage returns are kept only as part of CRLF, then turned into LF.
 */
function sanitizeText(text) {
    return text.replace(/\r\n?/g, '\n').replace(/[\x00-\x08\x0B-\x1F\x7F-\x9F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, (ch) => {
        const code = ch.codePointAt(0) ?? 0;
        return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
    });
}
/** HTML text and attribute escaping. */
function escapeHtml(text) {
    return text.replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch] ?? ch);
}
const HTML_ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/**
 * One line of inert text inside an HTML block, e.g. a `<summary>`: markdown is
 * not read there, so backslash escapes would show; HTML entities are used
 * instead, and `@name` gets a zero-width space (no mention notifications).
 */
function escapeHtmlText(text) {
    return escapeHtml(oneLine(sanitizeText(text))).replace(/@(?=[A-Za-z0-9_-])/g, `@${ZWSP}`);
}
/** Collapses every line break (and the tab) into one space: the text must stay on one line. */
function oneLine(text) {
    return text.replace(/[\t\n\u2028\u2029]+/g, ' ');
}
/**
 * Markdown-inert inline text: safe in a paragraph, list item, heading, link
 * text or table cell (it never starts a block, since line breaks are collapsed,
 * and a leading `#`, `>`, `-`, `+`, `=` or `1.` is escaped).
 * - `&`, `<`, `>` become entities: no HTML, no autolinks;
 * - `\` and the markdown punctuation `` ` * _ [ ] | ~ `` get a backslash (`_` only
 *   where it could open or close emphasis, not inside a word): no code
 *   spans, emphasis, links, images, strikethrough or table breaks;
 * - `@name` gets a zero-width space after the `@`: no mention notifications.
 */
function escapeInline(text) {
    let s = oneLine(sanitizeText(text));
    s = s.replace(/[&<>]/g, (ch) => HTML_ENTITIES[ch] ?? ch);
    s = s.replace(/[\\`*[\]|~]/g, (ch) => `\\${ch}`);
    // An underscore between two letters or digits can neither open nor close emphasis
    // in GFM, so identities like 004_learning_privacy stay readable in the raw text.
    s = s.replace(/_/g, (ch, i, all) => (/[\p{L}\p{N}]/u.test(all[i - 1] ?? '') && /[\p{L}\p{N}]/u.test(all[i + 1] ?? '') ? ch : `\\${ch}`));
    s = s.replace(/@(?=[A-Za-z0-9_-])/g, `@${ZWSP}`);
    // Block starts only matter at the beginning of a line; callers may put this there.
    s = s.replace(/^(\s*)(?:([#+=-])|(\d+)([.)]))/, (_m, sp, mark, num, dot) => mark !== undefined ? `${sp}\\${mark}` : `${sp}${num}\\${dot}`);
    return s;
}
/**
 * Text for a GFM table cell: everything escapeInline does (pipes included, as
 * `\|`, which GFM reads as a literal pipe inside a cell, even within code).
 * An empty value becomes one space, so the row keeps its shape.
 */
function escapeTableCell(text) {
    const s = escapeInline(text);
    return s.trim() === '' ? ' ' : s;
}
/** The longest run of `ch` in `text`. */
function longestRun(text, ch) {
    let best = 0;
    let run = 0;
    for (const c of text) {
        run = c === ch ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best;
}
/**
 * A markdown code span holding `text` verbatim (on one line). The delimiter is
 * one backtick longer than any run of backticks inside, so nothing inside can
 * close it; content that starts or ends with a backtick or a space is padded,
 * as CommonMark strips one space on each side. Not for table cells (use
 * escapeTableCell there: a backslash before a pipe would break the row).
 */
function inlineCode(text) {
    const s = neutraliseHtmlComments(oneLine(sanitizeText(text)));
    if (s === '')
        return '` `';
    const ticks = '`'.repeat(longestRun(s, '`') + 1);
    const pad = /^[` ]|[` ]$/.test(s) ? ' ' : '';
    return `${ticks}${pad}${s}${pad}${ticks}`;
}
/**
 * A code span when the text is plain (letters, digits and `._-/:@+,=` and
 * spaces: a file name, a target, an identity), otherwise escapeInline text. The
 * raw markdown then never holds `<`, `&`, backticks or pipes from untrusted
 * text, even inside a code span.
 */
function codeOrText(text) {
    return /^[\p{L}\p{N}._\-/:@+,= ]+$/u.test(text) ? inlineCode(text) : escapeInline(text);
}
/**
 * A fenced code block holding `code` verbatim. The fence is a run of backticks
 * longer than any run inside the code (at least three), so a line of backticks
 * inside cannot close it. `lang` is ours (e.g. 'sql'), never untrusted.
 */
function fencedBlock(code, lang = '') {
    const body = neutraliseHtmlComments(sanitizeText(code)).replace(/\s+$/, '');
    const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
    const info = lang.replace(/[^A-Za-z0-9_+-]/g, '');
    return `${fence}${info}\n${body}\n${fence}`;
}
/**
 * Neutralises GitHub Actions workflow commands in text bound for a log.
 * The runner reads a line as a command when, after leading whitespace, it
 * starts with `::` (e.g. `::error::`, `::add-mask::`, `::stop-commands::`), or
 * when it contains `##[` anywhere (the legacy form). A zero-width space is put
 * inside each such marker; the line reads the same. The runner splits lines on
 * CR as well as LF, so both count as line starts here.
 */
function escapeWorkflowCommands(text) {
    return text
        .split(/(\r\n|\r|\n)/)
        .map((part, i) => {
        if (i % 2 === 1)
            return part; // a line separator
        return part.replace(/^([\s\u0085]*):(?=:)/, `$1:${ZWSP}`).replaceAll('##[', `##${ZWSP}[`);
    })
        .join('');
}
/** Shortens `text` to at most `max` characters, saying how much was left out. */
function clip(text, max) {
    if (text.length <= max)
        return text;
    const keep = Math.max(0, max - 40);
    // Do not split a surrogate pair.
    let cut = keep;
    const code = text.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff)
        cut--;
    return `${text.slice(0, cut)}… (${text.length - cut} more characters)`;
}
/**
 * A URL safe as a markdown link destination: characters that end or confuse a
 * destination (whitespace, parentheses, angle brackets, quotes, backslash) are
 * percent-encoded. Only http(s) URLs are accepted; anything else gives undefined.
 */
function safeUrl(url) {
    if (!/^https?:\/\/[^\s]+$/i.test(url))
        return undefined;
    return url.replace(/[()<>"'\\`\s]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
/** A repository-relative path as URL path segments (each segment percent-encoded). */
function encodePath(path) {
    return path
        .replace(/\\/g, '/')
        .replace(/^\.?\//, '')
        .split('/')
        .map((seg) => encodeURIComponent(seg).replace(/[()!'*~]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`))
        .join('/');
}


/***/ }),

/***/ 649:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   C5: () => (/* binding */ registerDatabaseUrl),
/* harmony export */   E$: () => (/* binding */ redact),
/* harmony export */   KL: () => (/* binding */ redactDeep),
/* harmony export */   cl: () => (/* binding */ registerSecret)
/* harmony export */ });
/* unused harmony exports secretsFor, clearSecretsForTesting */
// The one redaction function. Every string that leaves pgshift (log lines,
// annotations, the job summary, the PR comment, outputs, the JSON report, error
// messages) goes through `redact()` or `redactDeep()`.
//
// Two layers:
// 1. A registry of known secrets (the database URL and its password). Each is
//    registered in every form it may take in text: raw, URL-encoded (upper- and
//    lower-case hex, and with '+' for spaces), URL-decoded, JSON-escaped and
//    base64 (whole, and the three byte alignments it can have inside a longer
//    base64 string). Longer forms are replaced first.
// 2. Generic patterns that need no registration: the password part of any
//    `scheme://user:password@host` URL, `password=...` in key/value connection
//    strings and query strings, and `"password": "..."` in JSON-looking text.
//
// The runner's own masking (core.setSecret) only covers the job log. The PR
// comment goes through the API and gets no masking at all, so this is the only
// line of defence there.
const MASK = '***';
/**
 * Public, well-known default passwords. They protect nothing, and masking them
 * as free text would mangle every report (`postgres` is also the scheme, the
 * default user and the default database). They are still masked where they
 * stand as a password: inside URLs and `password=` pairs.
 */
const TRIVIAL = new Set(['postgres', 'password', 'secret', 'admin', 'root', 'test', 'changeme', 'pass', 'supabase']);
const registry = new Set();
let compiled = null;
function isTrivial(value) {
    const v = value.trim();
    return v.length < 3 || /^\*+$/.test(v) || TRIVIAL.has(v.toLowerCase());
}
function base64Forms(value) {
    const bytes = Buffer.from(value, 'utf8');
    const out = [bytes.toString('base64'), bytes.toString('base64url')];
    // Inside a longer base64 string (e.g. `user:password` in a Basic auth header)
    // the value starts at one of three byte alignments. The characters that
    // depend only on the value's own bits are the same whatever surrounds it.
    if (bytes.length >= 6) {
        for (let k = 0; k < 3; k++) {
            const b64 = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
            const from = Math.ceil((8 * k) / 6);
            const to = Math.floor((8 * (k + bytes.length)) / 6);
            const core = b64.slice(from, to);
            if (core.length >= 6)
                out.push(core);
        }
    }
    return out;
}
/** Every form of `value` that may show up in text. */
function formsOf(value) {
    const forms = new Set([value]);
    const encoded = encodeURIComponent(value);
    forms.add(encoded);
    forms.add(encoded.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
    forms.add(encoded.replace(/%20/g, '+'));
    // What `new URL()` keeps in `.password`: only some characters are encoded.
    forms.add(value.replace(/[\u0000-\u0020"#<>?`{}/:;=@[\\\]^|\u007f-\u{10ffff}]/gu, (c) => encodeURIComponent(c)));
    try {
        const decoded = decodeURIComponent(value);
        forms.add(decoded);
        forms.add(decodeURIComponent(value.replace(/\+/g, ' ')));
    }
    catch {
        // not percent-encoded text: nothing to decode
    }
    forms.add(JSON.stringify(value).slice(1, -1));
    for (const f of [...forms])
        for (const b of base64Forms(f))
            forms.add(b);
    return [...forms].filter((f) => !isTrivial(f));
}
/**
 * Registers a secret in all its forms. Empty, very short (under 3 characters)
 * and well-known default values are ignored (see TRIVIAL).
 */
function registerSecret(value) {
    if (typeof value !== 'string' || isTrivial(value))
        return;
    for (const f of formsOf(value)) {
        if (!registry.has(f)) {
            registry.add(f);
            compiled = null;
        }
    }
}
/** The password as written in a database URL, found leniently (also in malformed URLs). */
function passwordsInUrl(url) {
    const out = [];
    const m = /^[a-z][a-z0-9+.-]*:\/\/(.*)$/is.exec(url.trim());
    if (m) {
        const rest = m[1];
        // Strict: the authority ends at the first '/', '?' or '#'.
        const authority = rest.split(/[/?#]/, 1)[0];
        const at = authority.lastIndexOf('@');
        if (at >= 0) {
            const userinfo = authority.slice(0, at);
            const colon = userinfo.indexOf(':');
            if (colon >= 0)
                out.push(userinfo.slice(colon + 1));
        }
        // Lenient: a password with raw '/', '?', '#' or '@' in it runs up to the last '@'.
        const lastAt = rest.lastIndexOf('@');
        if (lastAt >= 0) {
            const userinfo = rest.slice(0, lastAt);
            const colon = userinfo.indexOf(':');
            if (colon >= 0)
                out.push(userinfo.slice(colon + 1));
        }
    }
    // `?password=...` in the query string, and `password=...` in a key/value DSN.
    for (const q of url.matchAll(/(?:^|[?&\s])password=('(?:[^'\\]|\\.)*'|[^&\s]*)/gi)) {
        let v = q[1];
        if (v.startsWith("'"))
            v = v.slice(1, -1).replace(/\\(.)/g, '$1');
        out.push(v);
    }
    return out.filter((p) => p.length > 0);
}
/**
 * Everything to mask for a database URL: the whole URL and its password, each
 * in every form. The action passes each to `core.setSecret`. Longest first.
 */
function secretsFor(url) {
    const all = new Set();
    if (typeof url !== 'string' || url.trim() === '')
        return [];
    for (const v of [url, url.trim(), ...passwordsInUrl(url)]) {
        if (isTrivial(v))
            continue;
        for (const f of formsOf(v))
            all.add(f);
    }
    return [...all].sort((a, b) => b.length - a.length);
}
/** Registers the whole URL and its password (all forms). Safe on malformed URLs. */
function registerDatabaseUrl(url) {
    for (const s of secretsFor(url)) {
        if (!registry.has(s)) {
            registry.add(s);
            compiled = null;
        }
    }
}
/** For tests only: forget every registered secret. */
function clearSecretsForTesting() {
    registry.clear();
    compiled = null;
}
function secretsLongestFirst() {
    if (!compiled) {
        compiled = [...registry].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
        anySecret = compiled.length ? new RegExp(compiled.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')) : undefined;
    }
    return compiled;
}
// One native regex scan says whether a string holds any registered secret at all, so the
// common case (a file name, an identity, a status) costs one test, not one `includes` per
// secret form in a loop: redactDeep of a 1,000-migration report ran 40 such loops per
// string, 20-60 ms of a no-op (docs/BENCHMARKS.md, issue 17). A match runs the loop as before.
let anySecret;
// What any generic pattern below needs in the text; masking a secret (`***`) never creates one.
const MAYBE_GENERIC = /:\/\/|"|password[=\s]/i;
// `scheme://user:password@host`: the password runs to the last '@' of the
// token that is followed by a host, so passwords with raw '/', ':', '?' or '@'
// are masked whole. (An '@' later in the query over-masks; that is the safe side.)
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/?#'"<>]*:)([^\s'"<>`]*)(@[^\s@/?#'"<>`]*(?=[/?#\s'"<>`),\]}]|$))/gi;
// `password=value` (key/value DSN, query string, env assignment), value quoted or not.
const KV_PASSWORD = /(password=)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s&;,'")\]}]+)/gi;
// SQL password literals in statement excerpts: CREATE/ALTER ROLE ... PASSWORD '...',
// CREATE USER MAPPING ... OPTIONS (password '...'), with '' escapes inside. A literal
// with no closing quote (an excerpt cut inside it, a syntax error's window) is masked to
// the end of the text: the safe side.
const SQL_PASSWORD = /(\bpassword\s+)(?:E?'(?:[^']|'')*(?:'|$)|\$([A-Za-z_]*)\$[\s\S]*?(?:\$\2\$|$))/gi;
// `"password": "value"` in JSON-looking text.
const JSON_PASSWORD = /("[A-Za-z_]*(?:password|passwd|secret|token)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;
/** Replaces every known secret and every credential-looking part of `text` with `***`. */
function redact(text) {
    if (typeof text !== 'string' || text.length === 0)
        return text;
    let out = text;
    const secrets = secretsLongestFirst();
    if (anySecret?.test(out)) {
        for (const s of secrets) {
            // split/join is a native linear scan; `includes` skips the copy when absent.
            if (out.includes(s))
                out = out.split(s).join(MASK);
        }
    }
    else if (!MAYBE_GENERIC.test(out))
        return out;
    if (out.includes('://')) {
        out = out.replace(URL_CREDENTIALS, (_m, head, pw, tail) => (pw.length > 0 ? `${head}${MASK}${tail}` : `${head}${tail}`));
    }
    if (/password=/i.test(out))
        out = out.replace(KV_PASSWORD, `$1${MASK}`);
    if (out.includes('"'))
        out = out.replace(JSON_PASSWORD, `$1"${MASK}"`);
    if (/password\s/i.test(out))
        out = out.replace(SQL_PASSWORD, `$1'${MASK}'`);
    return out;
}
const SECRET_KEY = /(password|passwd|pwd|secret|token)$/i;
/**
 * Redacts every string inside a value (objects, arrays, errors), for JSON
 * reports and outputs. Values under keys named like a password, secret or
 * token are masked whole. Returns a copy; cycles become '[Circular]'.
 */
function redactDeep(value) {
    return walk(value, new WeakSet());
}
function walk(value, seen) {
    if (typeof value === 'string')
        return redact(value);
    if (value === null || typeof value !== 'object')
        return value;
    if (seen.has(value))
        return '[Circular]';
    // Most of a report is plain objects (a row per migration): no class checks for them.
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
        seen.add(value);
        try {
            const out = {};
            for (const k of Object.keys(value)) {
                const v = value[k];
                out[k] = SECRET_KEY.test(k) && typeof v === 'string' && v.length > 0 ? MASK : walk(v, seen);
            }
            return out;
        }
        finally {
            seen.delete(value);
        }
    }
    if (value instanceof Date || value instanceof RegExp)
        return value;
    if (Buffer.isBuffer(value) || ArrayBuffer.isView(value))
        return value;
    seen.add(value);
    try {
        if (Array.isArray(value))
            return value.map((v) => walk(v, seen));
        if (value instanceof Map)
            return new Map([...value].map(([k, v]) => [k, walk(v, seen)]));
        if (value instanceof Set)
            return new Set([...value].map((v) => walk(v, seen)));
        const out = {};
        if (value instanceof Error) {
            out.name = value.name;
            out.message = redact(value.message);
            if (value.stack)
                out.stack = redact(value.stack);
        }
        for (const [k, v] of Object.entries(value)) {
            out[k] = SECRET_KEY.test(k) && typeof v === 'string' && v.length > 0 ? MASK : walk(v, seen);
        }
        return out;
    }
    finally {
        seen.delete(value);
    }
}


/***/ }),

/***/ 6781:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  a3: () => (/* binding */ formatDuration),
  S5: () => (/* binding */ renderText),
  xZ: () => (/* binding */ shortenStatement)
});

// UNUSED EXPORTS: PREVIEW_BANNER, STATUS_ORDER, blocksWords, checksInOrder, checksSummary, compactLocks, conventionNoteWords, countSummary, formatLocation, isPreview, lockModeWords, lockSentence, migrationLocks, modeTitle, nextStepSays, preludesLine, resultWords, runModeWords, runStatusWords, sortLocks, statusWords, successWords, twinNote, twinNotes

// EXTERNAL MODULE: ./src/report/thousands.ts
var thousands = __webpack_require__(4153);
;// CONCATENATED MODULE: ./src/report/pr-check.ts


const plural = (n, one, many = `${one}s`) => `${(0,thousands/* thousands */.o)(n)} ${n === 1 ? one : many}`;
/** Problems that are the PR's history mistakes (or a base that could not be read). */
const isHistoryProblem = (code) => code.startsWith('pr-') || code === 'base-unavailable';
/** The PR's own rows, in run order. */
function prRows(r) {
    return r.migrations.filter((m) => m.origin === 'pr');
}
/** `pgshift PR check (ephemeral database): 2 migrations in this PR ✅ apply ✅ rollback ⚠️ 1 lint warning`. */
function prCheckHeading(r) {
    const info = r.prCheck;
    if (!info)
        return '';
    const n = info.prMigrations.length;
    const parts = [`${plural(n, 'migration')} in this PR`];
    const history = r.problems.filter((p) => isHistoryProblem(p.code)).length;
    const verb = r.mode === 'dry-run' ? 'dry-run' : r.mode;
    const rows = prRows(r);
    if (history)
        parts.push(`❌ ${plural(history, 'history problem')}`);
    else if (r.problems.length)
        parts.push(`❌ ${plural(r.problems.length, 'problem')}`);
    else if (info.basePhase.failed)
        parts.push('❌ base phase');
    else if (r.mode !== 'plan') {
        if (rows.some((m) => m.status === 'failed' || m.status === 'partial') || (r.status === 'failed' && r.error && !rows.length))
            parts.push(`❌ ${verb}`);
        else if (r.status === 'blocked')
            parts.push('⛔ blocked');
        else if (r.partialPreview)
            parts.push(`⚠️ previewed ${(0,thousands/* thousands */.o)(r.partialPreview.previewed)} of ${plural(r.partialPreview.total, 'migration')}`);
        else if (n && rows.every((m) => ['applied', 'previewed', 'already-applied'].includes(m.status)))
            parts.push(`✅ ${verb}`);
        else if (!n && r.status !== 'failed')
            parts.push(`✅ base ${verb}`);
    }
    if (info.rollback === 'passed')
        parts.push('✅ rollback');
    else if (info.rollback === 'failed')
        parts.push('❌ rollback');
    const open = (r.lint ?? []).filter((f) => !f.suppressed);
    const sb = r.supabaseLint ?? [];
    const errors = open.filter((f) => f.severity === 'error').length + sb.filter((f) => f.level === 'error').length;
    const warnings = open.length + sb.length - errors;
    if (errors)
        parts.push(`❌ ${plural(errors, 'lint error')}`);
    if (warnings)
        parts.push(`⚠️ ${plural(warnings, 'lint warning')}`);
    if (!errors && !warnings && r.lint !== undefined)
        parts.push('✅ lint');
    return `pgshift PR check (${info.database} database): ${parts.join(' ')}`;
}
/** The base phase in one line: `12 migrations of base 1a2b3c4d5e6f applied in 1.2 s (from git)`. */
function basePhaseLine(r) {
    const info = r.prCheck;
    if (!info)
        return '';
    const b = info.basePhase;
    const base = `base ${info.base.slice(0, 12)}`;
    const preview = r.mode === 'dry-run';
    const verb = preview ? 'previewed' : 'applied';
    const already = b.alreadyApplied && r.mode !== 'plan' ? `; ${(0,thousands/* thousands */.o)(b.alreadyApplied)} already recorded in history` : '';
    let what;
    if (r.mode === 'plan')
        what = `${plural(b.total, 'migration')} of ${base}`;
    else if (b.failed)
        what = `${plural(b.ran, 'migration')} of ${base}: ${b.failed} FAILED, so the base itself does not apply here`;
    else if (b.ran)
        what = `${plural(b.ran, 'migration')} of ${base} ${verb} in ${formatDuration(b.durationMs) || '0 ms'}`;
    else
        what = `nothing to ${preview ? 'preview' : 'apply'} from ${base}`;
    return `${what}${already} (files from ${info.from})`;
}
/** The rollback verdict in words, or undefined when the test did not run. */
function rollbackLine(r) {
    const v = r.prCheck?.rollback;
    if (v === 'passed')
        return "✅ passed: up, down, up over the PR's migrations left the same schema (the base's migrations are not tested)";
    if (v === 'failed')
        return "❌ failed: see the checks below (only the PR's migrations are tested)";
    return undefined;
}

// EXTERNAL MODULE: ./src/engine/report.ts
var engine_report = __webpack_require__(594);
// EXTERNAL MODULE: ./src/report/escape.ts
var report_escape = __webpack_require__(4031);
;// CONCATENATED MODULE: ./src/report/text.ts
// The CLI rendering of a RunReport: compiler-style, one line per migration,
// errors as `file:line:col: error: message [SQLSTATE]`. It reads only the
// report, so the CLI and the action say the same things.
//
// Untrusted text (file names, SQL, server messages) has its control characters
// made visible, and the whole output has workflow commands neutralised, since
// the CLI often runs inside a GitHub Actions step whose log the runner parses.


// Kept where the renderers import it from; the engine's discovery log line says it too.



/** `12 ms`, `1.2 s`, `2 min 05 s`. */
function formatDuration(ms) {
    if (ms === undefined || !Number.isFinite(ms) || ms < 0)
        return '';
    if (ms < 1000)
        return `${Math.round(ms)} ms`;
    if (ms < 60_000)
        return `${(ms / 1000).toFixed(1)} s`;
    const totalSeconds = Math.round(ms / 1000);
    const minutes = Math.floor(totalSeconds / 60);
    const seconds = totalSeconds % 60;
    return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}
/** `file:line:col`, `file:line`, or `file` (empty when there is no file). */
function formatLocation(file, position) {
    if (!file)
        return '';
    if (!position)
        return file;
    return position.col > 0 ? `${file}:${position.line}:${position.col}` : `${file}:${position.line}`;
}
/** Statuses in the order a summary lists them. */
const STATUS_ORDER = [
    'applied',
    'previewed',
    'rolled-back',
    'failed',
    'partial',
    'skipped',
    'pending',
    'out-of-order',
    'changed',
    'drifted',
    'missing',
    'already-applied'
];
/** Words for a status, as a reader says them. */
function statusWords(status) {
    return status.replace(/-/g, ' ');
}
/** `2 applied, 1 failed, 5 skipped` (only the statuses present). */
function countSummary(migrations) {
    const counts = new Map();
    for (const m of migrations)
        counts.set(m.status, (counts.get(m.status) ?? 0) + 1);
    const parts = [];
    for (const s of STATUS_ORDER) {
        const n = counts.get(s);
        if (n)
            parts.push(`${n} ${statusWords(s)}`);
    }
    // A status this renderer does not know yet still counts.
    for (const [s, n] of counts)
        if (!STATUS_ORDER.includes(s))
            parts.push(`${n} ${statusWords(s)}`);
    return parts.join(', ');
}
/** The banner of every preview: a dry-run, or a rollback with dry-run. */
const PREVIEW_BANNER = 'Preview: everything was rolled back; nothing was kept';
/** True when the report is a preview (mode dry-run, or a previewed rollback). */
function isPreview(report) {
    return report.preview === true || report.mode === 'dry-run';
}
/** The mode as the header says it: `apply`, `dry-run`, `rollback (dry-run)`. */
function modeTitle(report) {
    return report.preview && report.mode !== 'dry-run' ? `${report.mode} (dry-run)` : report.mode;
}
/** What success is called in each mode. */
const SUCCESS_WORDS = {
    plan: 'ready to apply',
    'dry-run': 'previewed',
    apply: 'applied',
    verify: 'verified',
    rollback: 'rolled back'
};
function successWords(report) {
    // A preview that stopped early says how much of the run it covered.
    const part = report.partialPreview;
    if (isPreview(report) && part)
        return `previewed ${(0,thousands/* thousands */.o)(part.previewed)} of ${(0,thousands/* thousands */.o)(part.total)}`;
    if (isPreview(report))
        return 'previewed';
    return SUCCESS_WORDS[report.mode] ?? 'success';
}
/** The run's result in words: the mode's own word for success, else the status. */
function resultWords(report) {
    return report.status === 'success' ? successWords(report) : runStatusWords(report.status);
}
// --- locks, timings, checks ---------------------------------------------------
/** `AccessExclusiveLock` -> `ACCESS EXCLUSIVE`, as the SQL LOCK statement names it; other text unchanged. */
function lockModeWords(mode) {
    const m = /^([A-Z][A-Za-z]*?)Lock$/.exec(mode.trim());
    if (!m)
        return mode.trim();
    return m[1]
        .split(/(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/)
        .join(' ')
        .toUpperCase();
}
/** Strongest first, as in the conflict table of the Postgres docs. */
const LOCK_STRENGTH = {
    'ACCESS EXCLUSIVE': 8,
    EXCLUSIVE: 7,
    'SHARE ROW EXCLUSIVE': 6,
    SHARE: 5,
    'SHARE UPDATE EXCLUSIVE': 4,
    'ROW EXCLUSIVE': 3,
    'ROW SHARE': 2,
    'ACCESS SHARE': 1
};
function lockStrength(mode) {
    return LOCK_STRENGTH[lockModeWords(mode).toUpperCase()] ?? 0;
}
/** The locks, strongest first (stable otherwise). */
function sortLocks(locks) {
    return locks
        .map((l, i) => ({ l, i }))
        .sort((a, b) => lockStrength(b.l.mode) - lockStrength(a.l.mode) || a.i - b.i)
        .map((x) => x.l);
}
/** `blocks reads and writes` from the report's `blocks` text (which may or may not start with the verb). */
function blocksWords(blocks) {
    const b = blocks.trim();
    if (b === '')
        return '';
    return /^(blocks?|does|doesn't|no|nothing|only|allows?)\b/i.test(b) ? b : `blocks ${b}`;
}
const unquote = (s) => s.replace(/"/g, '');
/**
 * The locks a migration took, without pgshift's own bookkeeping (its history table,
 * the Supabase CLI's): the engine leaves those out (db/locks.ts); a report written
 * by an older pgshift may still hold them.
 */
function migrationLocks(report, m) {
    const own = new Set([unquote(report.historyTable), 'supabase_migrations.schema_migrations']);
    return (m.locks ?? []).filter((lk) => !own.has(unquote(lk.relation)));
}
/** `ACCESS EXCLUSIVE on public.orders: blocks reads and writes`. */
function lockSentence(lock) {
    const what = blocksWords(lock.blocks);
    return `${lockModeWords(lock.mode)} on ${lock.relation}${what ? `: ${what}` : ''}`;
}
/** `ACCESS EXCLUSIVE: public.orders, public.users; ROW EXCLUSIVE: public.audit` (strongest first). */
function compactLocks(locks) {
    if (locks.length === 0)
        return 'none';
    const byMode = new Map();
    for (const l of sortLocks(locks)) {
        const mode = lockModeWords(l.mode);
        const rels = byMode.get(mode) ?? [];
        if (!rels.includes(l.relation))
            rels.push(l.relation);
        byMode.set(mode, rels);
    }
    return [...byMode].map(([mode, rels]) => `${mode}: ${rels.join(', ')}`).join('; ');
}
/** `CREATE INDEX CONCURRENTLY ran as CREATE INDEX`, for a statement that ran as its transactional twin. */
function twinNote(t) {
    if (!t.twin || t.twin.trim() === '')
        return '';
    const twin = t.twin.trim();
    return /^ran as\b/i.test(twin) ? `${t.label} ${twin}` : `${t.label} (${twin})`;
}
/** The distinct twin notes of a migration. */
function twinNotes(m) {
    return [...new Set((m.statementTimings ?? []).map(twinNote).filter(Boolean))];
}
/** The checks, failures first (stable otherwise). */
function checksInOrder(checks) {
    return [...checks.filter((c) => !c.ok), ...checks.filter((c) => c.ok)];
}
/** `3 checks: 1 failed, 2 passed`. */
function checksSummary(checks) {
    const failed = checks.filter((c) => !c.ok).length;
    const parts = [failed ? `${failed} failed` : '', checks.length - failed ? `${checks.length - failed} passed` : ''].filter(Boolean);
    return `${checks.length} check${checks.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
/** How a migration runs, in words. */
function runModeWords(m) {
    if (m.runMode === undefined)
        return '—';
    return m.runMode === 'transaction' ? 'transaction' : 'statement by statement';
}
/**
 * A statement shortened to `maxLines` lines and `maxChars` characters, with a
 * SQL comment saying how much was left out.
 */
function shortenStatement(sql, maxLines = 20, maxChars = 4000) {
    let lines = sql.replace(/\r\n?/g, '\n').replace(/^\s*\n|\s+$/g, '').split('\n');
    let tail = '';
    if (lines.length > maxLines) {
        tail = `-- … ${lines.length - maxLines} more line${lines.length - maxLines === 1 ? '' : 's'}`;
        lines = lines.slice(0, maxLines);
    }
    let text = lines.join('\n');
    if (text.length > maxChars) {
        const more = text.length - maxChars;
        text = text.slice(0, maxChars);
        tail = `-- … ${more} more characters${tail ? `; ${tail.slice(5)}` : ''}`;
    }
    return tail ? `${text}\n${tail}` : text;
}
/**
 * True when the report's last line (Next) already says an error's next step, as it
 * does for a run-level error, a failed hook or backup, and the failed migration of
 * an apply: the error then shows no "What to do" of its own (issue 19 item 8).
 */
function nextStepSays(report, next) {
    const n = (next ?? '').trim();
    return n === '' || report.nextStep.includes(n);
}
/** One-word run results for the last line. */
const RUN_STATUS_WORDS = {
    success: 'success',
    failed: 'failed',
    'nothing-to-do': 'nothing to do',
    blocked: 'blocked'
};
function runStatusWords(status) {
    return RUN_STATUS_WORDS[status] ?? status;
}
const sgr = (open, close) => (t) => `\u001b[${open}m${t}\u001b[${close}m`;
const COLORS = { red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), dim: sgr(2, 22), bold: sgr(1, 22) };
const NO_COLORS = { red: (t) => t, green: (t) => t, yellow: (t) => t, dim: (t) => t, bold: (t) => t };
function statusPaint(p, status) {
    switch (status) {
        case 'applied':
        case 'previewed':
        case 'rolled-back':
            return p.green;
        case 'failed':
            return p.red;
        case 'partial':
        case 'drifted':
        case 'missing':
        case 'out-of-order':
            return p.yellow;
        case 'already-applied':
        case 'skipped':
            return p.dim;
        default:
            return (t) => t;
    }
}
/** Untrusted text for a terminal: visible control characters, lines indented under a label. */
function clean(text) {
    return (0,report_escape/* sanitizeText */.jZ)(text);
}
function indentBlock(text, indent) {
    return clean(text)
        .split('\n')
        .map((l) => (l === '' ? '' : indent + l))
        .join('\n');
}
/** `label: value`, with continuation lines of a multi-line value indented under it. */
function field(label, value, indent) {
    if (value === undefined || value.trim() === '')
        return [];
    const lines = clean(value).replace(/\s+$/, '').split('\n');
    const pad = indent + ' '.repeat(label.length + 2);
    return [`${indent}${label}: ${lines[0]}`, ...lines.slice(1).map((l) => (l === '' ? '' : pad + l))];
}
function renderError(p, report, e, m, at) {
    const where = formatLocation(e.file ?? m?.file ?? at?.file, e.position ?? (at?.line ? { line: at.line, col: 0 } : undefined));
    const code = e.sqlstate ? ` [${clean(e.sqlstate)}]` : '';
    const message = clean(e.message).split('\n');
    const out = [`${where ? `${clean(where)}: ` : ''}${p.red(p.bold('error:'))} ${message[0]}${code}`];
    for (const l of message.slice(1))
        out.push(`    ${l}`);
    out.push(...field('detail', e.detail, '    '));
    out.push(...field('hint', e.hint, '    '));
    out.push(...field('where', e.where, '    '));
    if (m?.status === 'partial' && m.statementsDone !== undefined) {
        out.push(`    done: ${m.statementsDone} of ${m.statements} statements committed before the failure`);
    }
    for (const l of m?.leftovers ?? [])
        out.push(...field('left behind', l, '    '));
    if (e.statement && e.statement.trim() !== '') {
        out.push('    statement:');
        out.push(indentBlock(shortenStatement(e.statement), '      '));
    }
    // The last line says it when it is the run's next step too: once, not twice.
    if (!nextStepSays(report, e.next))
        out.push(...field('next', e.next, '    '));
    return out;
}
function migrationLine(p, r, m, statusWidth, idWidth) {
    const status = statusPaint(p, m.status)(m.status.padEnd(statusWidth));
    const extras = [];
    const d = formatDuration(m.durationMs);
    if (d)
        extras.push(d);
    if (m.runMode === 'statements' && (m.status === 'applied' || m.status === 'pending' || m.status === 'failed' || m.status === 'partial')) {
        const why = m.nonTransactionalReasons?.length ? `: ${m.nonTransactionalReasons.join(', ')}` : '';
        extras.push(`statement by statement${why}`);
    }
    if (m.serverWide?.length && m.status !== 'rolled-back')
        extras.push(`changes the whole server: ${m.serverWide.join(', ')}`);
    if (m.retries)
        extras.push(`${m.retries} lock-timeout ${m.retries === 1 ? 'retry' : 'retries'}`);
    if (m.status === 'partial' && m.statementsDone !== undefined)
        extras.push(`${m.statementsDone}/${m.statements} statements done`);
    if (r.mode === 'rollback' && m.kind === 'versioned' && !m.hasDown)
        extras.push('no down');
    if (m.notDryRunnable !== undefined)
        extras.push('not dry-runnable');
    if (m.note)
        extras.push(m.note);
    const identity = clean(m.identity);
    const tail = extras.length ? `   ${p.dim(`(${clean(extras.join(', '))})`)}` : '';
    return `  ${status}   ${tail ? identity.padEnd(idWidth) : identity}${tail}`.replace(/\s+$/, '');
}
/** Under a migration line: the locks it took and each statement's time (dry-run). */
function migrationDetails(p, r, m) {
    const out = [];
    const pad = '      ';
    for (const l of sortLocks(migrationLocks(r, m)))
        out.push(`${pad}${p.dim('lock')}  ${clean(lockSentence(l))}`);
    const timings = m.statementTimings ?? [];
    if (timings.length) {
        const lineWidth = Math.max(...timings.map((t) => String(t.line).length));
        const msWidth = Math.max(...timings.map((t) => (formatDuration(t.ms) || '?').length));
        for (const t of timings) {
            const what = t.twin && t.twin.trim() !== '' ? twinNote(t) : t.label;
            out.push(`${pad}${p.dim(`line ${String(t.line).padEnd(lineWidth)}`)}  ${(formatDuration(t.ms) || '?').padStart(msWidth)}  ${clean(what)}`);
        }
    }
    return out.map((l) => l.replace(/\s+$/, ''));
}
/**
 * The report as terminal text:
 *
 *     pgshift apply: failed
 *       target: db.example.com:5432/postgres  migrations: supabase/migrations (supabase)
 *
 *       applied   20260101000000_roles_and_auth   (12 ms)
 *       failed    20260102000000_tables           (3 ms)
 *
 *     supabase/migrations/20260102000000_tables.sql:12:5: error: relation "x" does not exist [42P01]
 *         hint: ...
 *         next: ...
 *
 *     failed in 1.2 s: 1 applied, 1 failed
 *     next: ...
 */
function renderText(report, opts = {}) {
    const p = opts.color ? COLORS : NO_COLORS;
    const out = [];
    const preview = isPreview(report);
    const resultPaint = report.status === 'failed' || report.status === 'blocked' ? p.red : report.partialPreview ? p.yellow : p.green;
    if (report.prCheck)
        out.push(resultPaint(p.bold(clean(prCheckHeading(report)))));
    else
        out.push(`${p.bold(`pgshift ${clean(modeTitle(report))}`)}: ${resultPaint(resultWords(report))}`);
    const convention = (0,engine_report/* conventionLine */.G)(report.convention, report.conventionNote);
    const facts = [
        `target: ${report.target}`,
        `migrations: ${report.migrationsDir} (${convention})`,
        report.commit ? `commit: ${report.commit.slice(0, 12)}` : ''
    ].filter(Boolean);
    out.push(`  ${clean(facts.join('  '))}`);
    if (report.supabaseShim)
        out.push(`  ${clean(`supabase-shim: ${report.supabaseShim}`)}`);
    if (report.preludes?.length)
        out.push(`  ${clean(`preludes: ${preludesLine(report.preludes)}`)}`);
    if (report.prCheck)
        out.push(`  ${clean(`base phase: ${basePhaseLine(report)}`)}`);
    if (preview)
        out.push(`  ${p.yellow(p.bold(`${PREVIEW_BANNER.toLowerCase()}`))}`);
    // Refusals and source problems: found before anything ran.
    if (report.plan.refusals.length || report.problems.length)
        out.push('');
    for (const r of report.plan.refusals) {
        const lines = clean(r).split('\n');
        out.push(`${p.red(p.bold('refused:'))} ${lines[0]}`, ...lines.slice(1).map((l) => `    ${l}`));
    }
    for (const pr of report.problems) {
        const where = formatLocation(pr.file, pr.position);
        const inScript = pr.script ? ` (in the ${pr.script === 'hook' || pr.script === 'prelude' ? pr.script : `${pr.script} script`})` : '';
        out.push(`${clean(where)}: ${p.red(p.bold('error:'))} ${clean(pr.message).split('\n').join('\n    ')} [${clean(pr.code)}]${inScript}`);
        // A syntax error shows the lines around it, the caret under the column.
        if (pr.excerpt)
            out.push(indentBlock(pr.excerpt, '    '));
        out.push(...field('hint', pr.hint, '    '));
    }
    // One line per migration of this run (the PR check: the PR's own; the base phase is the line above);
    // the applied history is one line, whatever its length.
    const rows = report.prCheck ? prRows(report) : report.migrations.filter((m) => m.status !== 'already-applied');
    const history = report.prCheck ? [] : report.migrations.filter((m) => m.status === 'already-applied');
    if (rows.length || history.length) {
        out.push('');
        if (report.prCheck)
            out.push("this PR's migrations:");
        const statusWidth = Math.max(0, ...rows.map((m) => m.status.length));
        const idWidth = Math.max(0, ...rows.map((m) => clean(m.identity).length));
        for (const m of rows)
            out.push(migrationLine(p, report, m, statusWidth, idWidth), ...migrationDetails(p, report, m));
        if (history.length) {
            const label = report.mode === 'rollback' ? 'still applied' : 'already applied';
            const newest = history[history.length - 1];
            out.push(p.dim(`  ${label}: ${(0,thousands/* thousands */.o)(history.length)} migration${history.length === 1 ? '' : 's'}, newest ${clean(newest.identity)}`));
        }
    }
    else if (report.prCheck) {
        out.push('', '  this PR adds no migration under the migrations directory');
    }
    else {
        out.push('', `  no migrations found in ${clean(report.migrationsDir)}`);
    }
    // Rollback: what was rolled back, in the order it ran.
    if (report.rolledBack?.length) {
        out.push('', `${preview ? 'rolled back in the preview' : 'rolled back'}, newest first:`);
        report.rolledBack.forEach((id, i) => out.push(`  ${i + 1}. ${clean(id)}`));
    }
    // The backup, safety copies of destroyed rows, hooks.
    const b = report.backup;
    if (b && b.level !== 'off') {
        const size = b.bytes !== undefined ? ` (${b.bytes} bytes, ${formatDuration(b.durationMs) || '0 ms'})` : '';
        // A failed backup that stopped the run is the run's error, printed below: once, not twice.
        const why = b.error === report.error?.message ? 'see the error below' : clean(b.error ?? '');
        out.push('', b.error ? `backup (${b.level}) ${p.red('failed')}: ${why}` : `backup (${b.level}): ${clean(b.file ?? '')}${size}`);
    }
    for (const c of report.safetyCopies ?? [])
        out.push(`safety copy: ${c.rows} row${c.rows === 1 ? '' : 's'} of ${clean(c.what)} (${clean(c.statement)}): ${clean(c.file)}`);
    for (const h of report.hooks ?? []) {
        const where = h.error ? formatLocation(h.error.file ?? h.file, h.error.position) : h.file;
        out.push(`hook ${h.hook} ${clean(where)}${h.after ? ` after ${clean(h.after)}` : ''}: ${h.status === 'failed' ? p.red('failed') : h.status}`);
    }
    // Dry-run: the files the preview could not run.
    const notRunnable = report.migrations.filter((m) => m.notDryRunnable !== undefined);
    if (notRunnable.length) {
        out.push('', 'not dry-runnable (listed, not run):');
        for (const m of notRunnable)
            out.push(`  ${clean(m.file || m.identity)}: ${clean(m.notDryRunnable ?? '').split('\n').join(' ')}`);
    }
    // Verify: every check, failures first.
    const checks = checksInOrder(report.checks ?? []);
    if (checks.length) {
        const failedChecks = checks.filter((c) => !c.ok).length;
        out.push('', (failedChecks ? p.red : p.green)(`${checksSummary(checks)}`));
        for (const c of checks) {
            const where = formatLocation(c.file, c.line ? { line: c.line, col: 0 } : undefined);
            const mark = c.ok ? p.green('ok  ') : p.red('FAIL');
            out.push(`  ${mark}  ${clean(c.subject)}${where ? ` (${clean(where)})` : ''}: ${clean(c.message).split('\n').join(' ')}`);
        }
    }
    // Schema differences: an indented list per comparison.
    for (const d of report.schemaDiff ?? []) {
        const n = d.differences.length;
        out.push('', `schema: ${clean(d.title)} (${n === 0 ? 'no differences' : `${n} difference${n === 1 ? '' : 's'}`})`);
        const width = Math.max(0, ...d.differences.map((x) => x.change.length));
        for (const x of d.differences) {
            const detail = x.detail && x.detail.trim() !== '' ? `: ${clean(x.detail).split('\n').join(' ')}` : '';
            out.push(`    ${(x.change === 'removed' ? p.red : x.change === 'added' ? p.green : p.yellow)(clean(x.change).padEnd(width))}  ${clean(x.object)}${detail}`);
        }
    }
    // What the run's migrations changed (ephemeral databases).
    if (report.schemaChanges?.length) {
        out.push('', `schema changes in this run (${report.schemaChanges.length}):`);
        for (const x of report.schemaChanges)
            out.push(`    ${x.change === 'removed' ? 'dropped' : x.change}  ${clean(x.object)}${x.detail ? `: ${clean(x.detail)}` : ''}`);
    }
    // Lint findings, compiler-style, suppressed ones last.
    const lint = [...(report.lint ?? []).filter((f) => !f.suppressed), ...(report.lint ?? []).filter((f) => f.suppressed)];
    // An error only when it refused the run (lint: error); on a run that went ahead (an apply that
    // succeeded) a finding is a warning, as its annotation is.
    const refusedByLint = report.plan.refusals.some((r) => r.startsWith('Lint found'));
    for (const f of lint) {
        const level = f.suppressed ? 'note' : refusedByLint ? f.severity : 'warning';
        out.push('', `${clean(f.file)}:${f.line}:${f.col}: ${(f.suppressed ? p.dim : level === 'error' ? p.red : p.yellow)(`${level}:`)} ${clean(f.message)} [${clean(f.rule)}]${f.suppressed ? ` (suppressed: ${clean(f.suppressed)})` : ''}`);
        out.push(`      why: ${clean(f.why)}`, `      fix: ${clean(f.fix)}`);
    }
    // Supabase lint of the applied schema, compiler-style where the file is known.
    for (const f of report.supabaseLint ?? []) {
        const where = f.file ? `${clean(f.file)}:${f.line ?? 1}: ` : '';
        out.push('', `${where}${(f.level === 'error' ? p.red : p.yellow)(`${f.level}:`)} ${clean(f.message)} [${clean(f.rule)}]`, `      why: ${clean(f.url)}`);
    }
    // Errors, compiler-style: migrations, then failing checks, then the run.
    const failed = report.migrations.filter((m) => m.error);
    for (const m of failed)
        out.push('', ...renderError(p, report, m.error, m));
    for (const c of checks)
        if (!c.ok && c.error)
            out.push('', ...renderError(p, report, c.error, undefined, { file: c.file, line: c.line }));
    if (report.error)
        out.push('', ...renderError(p, report, report.error));
    if (report.warnings.length)
        out.push('');
    for (const w of report.warnings) {
        out.push(`${w.file ? `${clean(w.file)}: ` : ''}${p.yellow(p.bold('warning:'))} ${clean(w.message)}`);
        if (w.excerpt)
            out.push(indentBlock(w.excerpt, '    '));
    }
    // Summary and next step.
    const counts = countSummary(report.migrations);
    const took = formatDuration(report.durationMs);
    out.push('');
    out.push(p.bold(`${resultWords(report)}${took ? ` in ${took}` : ''}${counts ? `: ${counts}` : ''}`));
    out.push(...field('next', report.nextStep, ''));
    return (0,report_escape/* escapeWorkflowCommands */.Fy)(out.join('\n')) + '\n';
}
/** `ran supabase/initdb/001_roles.sql; already ran supabase/initdb/000_ext.sql`: the preludes grouped by status. */
function preludesLine(preludes) {
    const groups = new Map();
    for (const p of preludes)
        groups.set(p.status, [...(groups.get(p.status) ?? []), p.file]);
    return [...groups].map(([status, files]) => `${status} ${files.join(', ')}`).join('; ');
}


/***/ }),

/***/ 4153:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   o: () => (/* binding */ thousands)
/* harmony export */ });
// `1,000`: a count with thousands separators, as `n.toLocaleString('en-US')` writes it,
// without loading ICU. The first toLocaleString (or localeCompare) of a process
// initialises ICU's locale data: 45-64 ms of CPU on Node 24, a tenth of a no-op run
// (docs/BENCHMARKS.md, issue 17). Counts are integers; anything else (a fraction, NaN,
// a number past 2^53, -0) still goes to toLocaleString, so the text is the same either way.
function thousands(n) {
    if (!Number.isSafeInteger(n) || Object.is(n, -0))
        return n.toLocaleString('en-US');
    const digits = String(Math.abs(n));
    let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
    for (let i = out.length; i < digits.length; i += 3)
        out += `,${digits.slice(i, i + 3)}`;
    return n < 0 ? `-${out}` : out;
}


/***/ }),

/***/ 8750:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $p: () => (/* binding */ BOOLEAN_INPUTS),
/* harmony export */   E9: () => (/* binding */ parseDuration),
/* harmony export */   FN: () => (/* binding */ MODES),
/* harmony export */   GN: () => (/* binding */ SettingsError),
/* harmony export */   O3: () => (/* binding */ engineSettings),
/* harmony export */   P$: () => (/* binding */ parseSettings),
/* harmony export */   Qh: () => (/* binding */ INPUT_NAMES),
/* harmony export */   kZ: () => (/* binding */ isEngineMode),
/* harmony export */   nc: () => (/* binding */ DEFAULT_DIRS)
/* harmony export */ });
/* unused harmony exports ENGINE_MODES, FLEET_MODES, HISTORY_MODES, CONVENTIONS, LINT_LEVELS, BACKUP_LEVELS, SHIM_EXTENSION_MODES, MAX_DURATION_MS, DEFAULTS, GITHUB_INPUT_NAMES, settingsSchema, ACTION_INPUT_NAMES, resolveDefaultDir */
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9691);
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8532);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
// One schema for every input, whether it comes from action.yml or CLI flags.
// Raw values are strings (as GitHub gives them); the schema turns them into a
// typed, frozen Settings object, and its errors name the input, the value and
// the expected form.



/** The engine's modes (src/engine/modes/): each runs against one database. */
const ENGINE_MODES = ['plan', 'dry-run', 'apply', 'verify', 'rollback'];
/** The fleet's modes (src/fleet/): the per-wave matrices from the targets file, and the merged report of the legs. */
const FLEET_MODES = ['fleet-plan', 'fleet-report'];
const MODES = [...ENGINE_MODES, ...FLEET_MODES];
const isEngineMode = (mode) => ENGINE_MODES.includes(mode);
const HISTORY_MODES = ['auto', 'native', 'supabase'];
const CONVENTIONS = ['auto', 'supabase', 'numbered', 'dated', 'flyway', 'golang-migrate', 'dbmate', 'goose'];
const LINT_LEVELS = ['off', 'warn', 'error'];
/** `auto`: schema for apply and rollback against a kept database, off on an ephemeral one (src/backup/policy.ts). */
const BACKUP_LEVELS = ['auto', 'off', 'schema', 'full'];
const SHIM_EXTENSION_MODES = ['error', 'stub'];
const DEFAULT_DIRS = ['supabase/migrations', 'migrations', 'db/migrations'];
/** Parses `5s`, `500ms`, `2m`, `1h` or a bare number of milliseconds. */
function parseDuration(value) {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
    if (!m)
        return undefined;
    const n = Number(m[1]);
    const unit = m[2] ?? 'ms';
    const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000;
    return Math.round(n * factor);
}
/** lock_timeout and statement_timeout are int milliseconds on the server (INT_MAX); setTimeout has the same limit. */
const MAX_DURATION_MS = 2_147_483_647;
const duration = (input) => zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `${input}: '${v}' is not a duration; expected a number with a unit, e.g. 5s, 500ms or 2m` });
        return zod__WEBPACK_IMPORTED_MODULE_3__/* .NEVER */ .tm;
    }
    if (ms > MAX_DURATION_MS) {
        ctx.addIssue({ code: 'custom', message: `${input}: '${v}' is longer than Postgres (and Node's timers) accept; expected at most ${MAX_DURATION_MS}ms (about 24 days), e.g. 5s, 10m or 2h` });
        return zod__WEBPACK_IMPORTED_MODULE_3__/* .NEVER */ .tm;
    }
    return ms;
});
const bool = (input) => zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().transform((v, ctx) => {
    const s = v.trim().toLowerCase();
    if (['true', 'yes', '1', 'on'].includes(s))
        return true;
    if (['false', 'no', '0', 'off', ''].includes(s))
        return false;
    ctx.addIssue({ code: 'custom', message: `${input}: '${v}' is not a boolean; expected true or false` });
    return zod__WEBPACK_IMPORTED_MODULE_3__/* .NEVER */ .tm;
});
const count = (input, max) => zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().transform((v, ctx) => {
    if (!/^\s*\d+\s*$/.test(v) || Number(v) > max) {
        ctx.addIssue({ code: 'custom', message: `${input}: '${v}' is not a whole number from 0 to ${max}` });
        return zod__WEBPACK_IMPORTED_MODULE_3__/* .NEVER */ .tm;
    }
    return Number(v);
});
const oneOf = (input, values) => zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().transform((v, ctx) => {
    const s = v.trim();
    if (values.includes(s))
        return s;
    ctx.addIssue({ code: 'custom', message: `${input}: '${v}' is not one of ${values.join(' | ')}` });
    return zod__WEBPACK_IMPORTED_MODULE_3__/* .NEVER */ .tm;
});
const identifier = (input) => zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().transform((v, ctx) => {
    // Any name Postgres accepts as a quoted identifier; it is always quoted when used.
    if (v.length === 0 || v.length > 63 || v.includes('\0')) {
        ctx.addIssue({ code: 'custom', message: `${input}: '${v}' is not a schema name; expected 1 to 63 characters` });
        return zod__WEBPACK_IMPORTED_MODULE_3__/* .NEVER */ .tm;
    }
    return v;
});
/** `auto` (comment on pull_request and pull_request_target events), or a boolean. */
const commentSwitch = (input) => zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().transform((v, ctx) => {
    const s = v.trim().toLowerCase();
    if (s === 'auto')
        return 'auto';
    if (['true', 'yes', '1', 'on'].includes(s))
        return true;
    if (['false', 'no', '0', 'off'].includes(s))
        return false;
    ctx.addIssue({ code: 'custom', message: `${input}: '${v}' is not one of auto | true | false` });
    return zod__WEBPACK_IMPORTED_MODULE_3__/* .NEVER */ .tm;
});
/** A free-form key (it is escaped into the comment's hidden marker); empty means the workflow plus the job. */
const commentKey = (input) => zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().transform((v, ctx) => {
    if (v.length > 200 || /[\x00-\x1f\x7f]/.test(v)) {
        ctx.addIssue({ code: 'custom', message: `${input}: '${v.slice(0, 60).replace(/[\x00-\x1f\x7f]/g, '?')}' is not a comment key; expected up to 200 characters on one line, e.g. migrations/pr-check` });
        return zod__WEBPACK_IMPORTED_MODULE_3__/* .NEVER */ .tm;
    }
    return v;
});
/**
 * `base`: auto (the event's base commit on pull_request and merge_group events, else off),
 * off, or a git ref or SHA (`origin/main`, `a1b2c3d`). Refs are handed to git as one argv
 * element, so only the characters git allows in ref names (and `^`, `~` for revisions) pass.
 */
const baseRef = (input) => zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().transform((v, ctx) => {
    const s = v.trim();
    if (s === 'auto' || s === 'off')
        return s;
    if (s.length > 200 || s.startsWith('-') || !/^[A-Za-z0-9._/@^~{}+-]+$/.test(s) || s.includes('..')) {
        ctx.addIssue({ code: 'custom', message: `${input}: '${s.slice(0, 60).replace(/[\x00-\x1f\x7f]/g, '?')}' is not one of auto | off | a git ref or commit SHA (e.g. origin/main)` });
        return zod__WEBPACK_IMPORTED_MODULE_3__/* .NEVER */ .tm;
    }
    return s;
});
/** Directories relative to the workspace, one per line or comma-separated, in order. */
const dirList = (input) => zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().transform((v, ctx) => {
    const dirs = v
        .split(/[\n,]/)
        .map((d) => d.trim().replace(/\/+$/, ''))
        .filter(Boolean);
    const bad = dirs.find((d) => d.length > 500 || /[\0\r]/.test(d) || d.startsWith('/') || d.split('/').includes('..'));
    if (bad !== undefined) {
        ctx.addIssue({ code: 'custom', message: `${input}: '${bad.slice(0, 80).replace(/[\x00-\x1f\x7f]/g, '?')}' is not a directory inside the workspace; expected relative paths, one per line or comma-separated, e.g. supabase/initdb, supabase/seed` });
        return zod__WEBPACK_IMPORTED_MODULE_3__/* .NEVER */ .tm;
    }
    if (new Set(dirs).size !== dirs.length) {
        ctx.addIssue({ code: 'custom', message: `${input}: '${v.trim().slice(0, 80)}' names a directory twice; expected each directory once, in the order they run` });
        return zod__WEBPACK_IMPORTED_MODULE_3__/* .NEVER */ .tm;
    }
    return dirs;
});
/** `a, "b c"`: schema names, comma-separated; each is quoted when used. Empty: the server's search_path. */
const searchPath = (input) => zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().transform((v, ctx) => {
    if (v.trim() === '')
        return [];
    const names = v.split(',').map((n) => n.trim().replace(/^"(.*)"$/, '$1'));
    const bad = names.find((n) => n.length === 0 || n.length > 63 || n.includes('\0'));
    if (bad !== undefined) {
        ctx.addIssue({ code: 'custom', message: `${input}: '${v}' is not a list of schema names; expected names of 1 to 63 characters separated by commas, e.g. tenant_42, public` });
        return zod__WEBPACK_IMPORTED_MODULE_3__/* .NEVER */ .tm;
    }
    return names;
});
/** A target of the targets file (src/fleet/targets.ts has the same rule). */
const fleetTargetName = (input) => zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().transform((v, ctx) => {
    if (v !== '' && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(v)) {
        ctx.addIssue({ code: 'custom', message: `${input}: '${v.slice(0, 100)}' is not a target name; expected letters, digits, '.', '_' or '-', e.g. \${{ matrix.target }}` });
        return zod__WEBPACK_IMPORTED_MODULE_3__/* .NEVER */ .tm;
    }
    return v;
});
/** The raw inputs, keyed by their kebab-case names, with the defaults action.yml documents. */
const DEFAULTS = {
    mode: 'plan',
    'migrations-dir': '',
    'prelude-dirs': '',
    convention: 'auto',
    'history-schema': 'pgshift',
    history: 'auto',
    'lock-timeout': '5s',
    'lock-retries': '3',
    'statement-timeout': '0',
    'lock-wait': '60s',
    'connect-timeout': '30s',
    'allow-out-of-order': 'false',
    'allow-drift': 'false',
    'allow-missing': 'false',
    steps: '',
    'to-version': '',
    'allow-data-loss': 'false',
    'dry-run': 'false',
    'test-rollback': 'false',
    'expected-database-url': '',
    lint: 'warn',
    backup: 'auto',
    'backup-required': 'true',
    'backup-dir': '',
    'supabase-shim': 'false',
    'supabase-shim-extensions': 'error',
    comment: 'auto',
    'github-token': '',
    'comment-key': '',
    'allow-untrusted': 'false',
    base: 'auto',
    'search-path': '',
    'targets-file': 'pgshift.targets.yml',
    'fleet-target': '',
    'fleet-reports-dir': '',
    'fleet-wave': ''
};
/** The inputs that are booleans (true/false defaults): the CLI takes them bare (`--test-rollback`) or as `--test-rollback=false`. */
const BOOLEAN_INPUTS = Object.entries(DEFAULTS)
    .filter(([, v]) => v === 'true' || v === 'false')
    .map(([k]) => k);
/** Inputs that only the action reads (the PR comment and the trigger guard); the CLI has no flags for them. */
const GITHUB_INPUT_NAMES = ['comment', 'github-token', 'comment-key', 'allow-untrusted'];
const settingsSchema = zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({
    // Never echo the URL itself in an error: it is a secret.
    'database-url': zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    mode: oneOf('mode', MODES),
    'migrations-dir': zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    'prelude-dirs': dirList('prelude-dirs'),
    convention: oneOf('convention', CONVENTIONS),
    'history-schema': identifier('history-schema'),
    history: oneOf('history', HISTORY_MODES),
    'lock-timeout': duration('lock-timeout'),
    'lock-retries': count('lock-retries', 100),
    'statement-timeout': duration('statement-timeout'),
    'lock-wait': duration('lock-wait'),
    'connect-timeout': duration('connect-timeout'),
    'allow-out-of-order': bool('allow-out-of-order'),
    'allow-drift': bool('allow-drift'),
    'allow-missing': bool('allow-missing'),
    steps: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    'to-version': zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    'allow-data-loss': bool('allow-data-loss'),
    'dry-run': bool('dry-run'),
    'test-rollback': bool('test-rollback'),
    // A secret like database-url: never echoed.
    'expected-database-url': zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    lint: oneOf('lint', LINT_LEVELS),
    backup: oneOf('backup', BACKUP_LEVELS),
    'backup-required': bool('backup-required'),
    'backup-dir': zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    'supabase-shim': bool('supabase-shim'),
    'supabase-shim-extensions': oneOf('supabase-shim-extensions', SHIM_EXTENSION_MODES),
    // The action only (GITHUB_INPUT_NAMES).
    comment: commentSwitch('comment'),
    // A secret: never echoed.
    'github-token': zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    'comment-key': commentKey('comment-key'),
    'allow-untrusted': bool('allow-untrusted'),
    base: baseRef('base'),
    // Fleets (src/fleet/, docs/fleet.md).
    'search-path': searchPath('search-path'),
    'targets-file': zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    'fleet-target': fleetTargetName('fleet-target'),
    'fleet-reports-dir': zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    'fleet-wave': zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().transform((v, ctx) => {
        if (v === '')
            return undefined;
        if (!/^\d{1,3}$/.test(v)) {
            ctx.addIssue({ code: 'custom', message: `fleet-wave: '${v}' is not a wave number; expected a whole number such as 0 (the canaries), or empty for every wave` });
            return zod__WEBPACK_IMPORTED_MODULE_3__/* .NEVER */ .tm;
        }
        return Number(v);
    })
});
/** Every input action.yml declares. */
const ACTION_INPUT_NAMES = Object.keys(settingsSchema.shape);
/** The inputs the CLI takes as flags: all but the GitHub-only ones. */
const INPUT_NAMES = ACTION_INPUT_NAMES.filter((n) => !GITHUB_INPUT_NAMES.includes(n));
/** Narrows settings to an engine run; a fleet mode here is a programming error. */
function engineSettings(settings) {
    if (!isEngineMode(settings.mode))
        throw new Error(`mode ${settings.mode} is a fleet mode: src/fleet runs it, not the engine`);
    return settings;
}
class SettingsError extends Error {
    problems;
    constructor(problems) {
        super(problems.length === 1 ? problems[0] : `invalid inputs:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
        this.problems = problems;
        this.name = 'SettingsError';
    }
}
/**
 * Validates raw inputs. `raw` holds strings keyed by input name; a missing or empty
 * value takes the default. Throws SettingsError naming every bad input.
 */
function parseSettings(raw, workspace) {
    const merged = {};
    for (const name of ACTION_INPUT_NAMES) {
        const v = raw[name];
        merged[name] = v === undefined || v.trim() === '' ? (DEFAULTS[name] ?? '') : v.trim();
    }
    const parsed = settingsSchema.safeParse(merged);
    // Every problem at once (issue 19): the schema's, then the combinations, checked on
    // the raw strings so that they are reported even when a field is itself invalid.
    const problems = parsed.success ? [] : parsed.error.issues.map((i) => (i.message.includes(':') ? i.message : `${String(i.path[0])}: ${i.message}`));
    problems.push(...combinationProblems(merged));
    if (!parsed.success || problems.length)
        throw new SettingsError(problems);
    const s = parsed.data;
    const stepsRaw = merged.steps ?? '';
    return Object.freeze({
        databaseUrl: s['database-url'],
        mode: s.mode,
        migrationsDir: s['migrations-dir'] || resolveDefaultDir(workspace),
        preludeDirs: s['prelude-dirs'],
        convention: s.convention,
        historySchema: s['history-schema'],
        history: s.history,
        lockTimeoutMs: s['lock-timeout'],
        lockRetries: s['lock-retries'],
        statementTimeoutMs: s['statement-timeout'],
        lockWaitMs: s['lock-wait'],
        connectTimeoutMs: s['connect-timeout'],
        allowOutOfOrder: s['allow-out-of-order'],
        allowDrift: s['allow-drift'],
        allowMissing: s['allow-missing'],
        steps: stepsRaw === '' ? 1 : Number(stepsRaw),
        toVersion: s['to-version'] || undefined,
        allowDataLoss: s['allow-data-loss'],
        dryRun: s['dry-run'],
        testRollback: s['test-rollback'],
        expectedDatabaseUrl: s['expected-database-url'] || undefined,
        lint: s.lint,
        backup: s.backup,
        backupRequired: s['backup-required'],
        backupDir: s['backup-dir'] || undefined,
        supabaseShim: s['supabase-shim'],
        supabaseShimExtensions: s['supabase-shim-extensions'],
        base: s.base,
        workspace,
        searchPath: s['search-path'],
        targetsFile: s['targets-file'],
        fleetTarget: s['fleet-target'] || undefined,
        fleetReportsDir: s['fleet-reports-dir'] || undefined,
        fleetWave: s['fleet-wave'],
        github: Object.freeze({
            comment: s.comment,
            token: s['github-token'],
            commentKey: s['comment-key'] || undefined,
            allowUntrusted: s['allow-untrusted']
        })
    });
}
/** Inputs that are valid alone and not together; on the raw strings (a bad value of one field does not hide these). */
function combinationProblems(merged) {
    const on = (name) => ['true', 'yes', '1', 'on'].includes((merged[name] ?? '').toLowerCase());
    const mode = merged.mode ?? 'plan';
    const problems = [];
    if (parseDuration(merged['lock-timeout'] ?? '') === 0)
        problems.push(`lock-timeout: '${merged['lock-timeout']}' must be above zero, e.g. 5s`);
    const stepsRaw = merged.steps ?? '';
    if (stepsRaw !== '' && !/^\s*[1-9]\d{0,5}\s*$/.test(stepsRaw))
        problems.push(`steps: '${stepsRaw}' is not a whole number of migrations to roll back, e.g. 1`);
    if (stepsRaw !== '' && (merged['to-version'] ?? '') !== '')
        problems.push(`steps and to-version: give one rollback target, not both (steps: '${stepsRaw}', to-version: '${merged['to-version']}')`);
    if (on('dry-run') && mode !== 'rollback')
        problems.push(`dry-run: 'true' previews a rollback; for an apply preview use mode: dry-run`);
    if (on('test-rollback') && mode !== 'apply')
        problems.push(`test-rollback: 'true' goes with mode: apply (on an ephemeral database), not mode: ${mode}`);
    const base = merged.base ?? 'auto';
    if (base !== 'auto' && base !== 'off' && !['apply', 'dry-run', 'plan'].includes(mode))
        problems.push(`base: '${base}' goes with mode apply, dry-run or plan (a PR check), not mode: ${mode}`);
    if (merged['supabase-shim-extensions'] === 'stub' && !on('supabase-shim'))
        problems.push(`supabase-shim-extensions: 'stub' goes with supabase-shim: true (the shim creates the stubs)`);
    return problems;
}
/** The first of the conventional directories that exists; `migrations` when none does (discovery then says so). */
function resolveDefaultDir(workspace) {
    return DEFAULT_DIRS.find((d) => (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(workspace, d))) ?? 'migrations';
}


/***/ }),

/***/ 1882:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   c: () => (/* binding */ checksum)
/* harmony export */ });
/* unused harmony export normaliseForChecksum */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _positions_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2369);
// DESIGN 7: the checksum ignores what editors and git change behind the author's
// back (a BOM, CRLF or lone CR line endings) and nothing else, so a blank line
// added or two lines joined is a real change.


/** The text a checksum is computed over: BOM stripped, CRLF and lone CR turned into LF. */
function normaliseForChecksum(text) {
    const t = (0,_positions_js__WEBPACK_IMPORTED_MODULE_1__/* .stripBom */ .F8)(text);
    // Most files have no CR: no copy of their text to hash.
    return t.includes('\r') ? t.replace(/\r\n?/g, '\n') : t;
}
/** SHA-256 (hex) of the normalised text. The one-shot `hash` (Node 21.7+) makes no Hash object: 2,000 files 7.5 ms CPU, not 15. */
function checksum(text) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.hash)('sha256', normaliseForChecksum(text), 'hex');
}


/***/ }),

/***/ 4584:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   L8: () => (/* binding */ classify),
/* harmony export */   OQ: () => (/* binding */ statementLabel),
/* harmony export */   cc: () => (/* binding */ commandTag)
/* harmony export */ });
const defElems = (list) => Array.isArray(list) ? list.map((d) => d.DefElem).filter((d) => !!d) : [];
/** The boolean value of an option written `name`, `name true`, `name = off`... */
function optionOn(def) {
    const arg = def.arg;
    if (!arg)
        return true;
    if ('Boolean' in arg)
        return !!arg.Boolean.boolval;
    if ('Integer' in arg)
        return !!arg.Integer.ival;
    if ('String' in arg)
        return !['false', 'off', 'no', '0'].includes(String(arg.String.sval).toLowerCase());
    return true;
}
const option = (list, name) => defElems(list).find((d) => d.defname === name);
const TRANSACTION_KINDS = {
    TRANS_STMT_BEGIN: 'begin',
    TRANS_STMT_START: 'begin',
    TRANS_STMT_COMMIT: 'commit',
    TRANS_STMT_ROLLBACK: 'rollback',
    TRANS_STMT_SAVEPOINT: 'savepoint',
    TRANS_STMT_RELEASE: 'savepoint',
    TRANS_STMT_ROLLBACK_TO: 'savepoint',
    TRANS_STMT_PREPARE: 'other',
    TRANS_STMT_COMMIT_PREPARED: 'other',
    TRANS_STMT_ROLLBACK_PREPARED: 'other'
};
function classify(kind, node) {
    switch (kind) {
        case 'TransactionStmt': {
            let tc = TRANSACTION_KINDS[String(node.kind)] ?? 'other';
            // COMMIT AND CHAIN commits and opens a new transaction: never a plain wrapper end.
            if (tc === 'commit' && node.chain)
                tc = 'other';
            return { transactionControl: tc };
        }
        case 'IndexStmt':
            return node.concurrent ? { nonTransactional: 'CREATE INDEX CONCURRENTLY' } : {};
        case 'DropStmt':
            return node.concurrent ? { nonTransactional: 'DROP INDEX CONCURRENTLY' } : {};
        case 'ReindexStmt': {
            const conc = option(node.params, 'concurrently');
            if (conc && optionOn(conc))
                return { nonTransactional: 'REINDEX CONCURRENTLY' };
            // Postgres refuses these three in a transaction block.
            const multi = {
                REINDEX_OBJECT_SCHEMA: 'REINDEX SCHEMA',
                REINDEX_OBJECT_SYSTEM: 'REINDEX SYSTEM',
                REINDEX_OBJECT_DATABASE: 'REINDEX DATABASE'
            };
            const what = multi[String(node.kind)];
            return what ? { nonTransactional: what } : {};
        }
        case 'VacuumStmt':
            // Plain ANALYZE is a VacuumStmt too, and runs fine in a transaction.
            return node.is_vacuumcmd ? { nonTransactional: 'VACUUM' } : {};
        case 'AlterSystemStmt':
            return { nonTransactional: 'ALTER SYSTEM' };
        case 'CreatedbStmt':
            return { nonTransactional: 'CREATE DATABASE' };
        case 'DropdbStmt':
            return { nonTransactional: 'DROP DATABASE' };
        case 'AlterDatabaseStmt':
            return option(node.options, 'tablespace') ? { nonTransactional: 'ALTER DATABASE ... SET TABLESPACE' } : {};
        case 'CreateTableSpaceStmt':
            return { nonTransactional: 'CREATE TABLESPACE' };
        case 'DropTableSpaceStmt':
            return { nonTransactional: 'DROP TABLESPACE' };
        case 'CallStmt':
            // A procedure may COMMIT, which only works outside a transaction block.
            return { nonTransactional: 'CALL' };
        case 'CreateSubscriptionStmt': {
            const slot = option(node.options, 'create_slot');
            const connect = option(node.options, 'connect');
            const createsSlot = (!slot || optionOn(slot)) && (!connect || optionOn(connect));
            return createsSlot ? { nonTransactional: 'CREATE SUBSCRIPTION' } : {};
        }
        case 'DropSubscriptionStmt':
            return { nonTransactional: 'DROP SUBSCRIPTION' };
        case 'AlterTableStmt': {
            const cmds = Array.isArray(node.cmds) ? node.cmds : [];
            const detach = cmds.some((c) => {
                const cmd = c.AlterTableCmd;
                const def = cmd?.def?.PartitionCmd;
                return cmd?.subtype === 'AT_DetachPartition' && !!def?.concurrent;
            });
            return detach ? { nonTransactional: 'ALTER TABLE ... DETACH PARTITION CONCURRENTLY' } : {};
        }
        case 'CopyStmt':
            return node.is_from && !node.filename && !node.is_program ? { copyFromStdin: true } : {};
        default:
            return {};
    }
}
const TRANSACTION_LABELS = {
    TRANS_STMT_PREPARE: 'PREPARE TRANSACTION',
    TRANS_STMT_COMMIT_PREPARED: 'COMMIT PREPARED',
    TRANS_STMT_ROLLBACK_PREPARED: 'ROLLBACK PREPARED',
    TRANS_STMT_START: 'START TRANSACTION',
    TRANS_STMT_ROLLBACK_TO: 'ROLLBACK TO SAVEPOINT'
};
/** A short name for messages: 'COMMIT', 'END', 'PREPARE TRANSACTION', 'COMMIT AND CHAIN'... */
function statementLabel(s) {
    if (s.nonTransactional)
        return s.nonTransactional;
    if (s.kind === 'TransactionStmt') {
        const fixed = TRANSACTION_LABELS[String(s.node.kind)];
        if (fixed)
            return fixed;
        const word = (/^[A-Za-z]+/.exec(s.sql)?.[0] ?? 'COMMIT').toUpperCase();
        return s.node.chain ? `${word} AND CHAIN` : word;
    }
    if (s.kind === 'CopyStmt')
        return 'COPY ... FROM STDIN';
    return s.sql.split(/\s+/).slice(0, 2).join(' ').toUpperCase();
}
/** Parser node kinds whose name is not their command tag (`IndexStmt` is CREATE INDEX). */
const TAGS = {
    IndexStmt: 'CREATE INDEX',
    CreateStmt: 'CREATE TABLE',
    CreateTrigStmt: 'CREATE TRIGGER',
    CreateFunctionStmt: 'CREATE FUNCTION',
    CreateSeqStmt: 'CREATE SEQUENCE',
    CreateSchemaStmt: 'CREATE SCHEMA',
    CreateExtensionStmt: 'CREATE EXTENSION',
    CreatePolicyStmt: 'CREATE POLICY',
    CreateRoleStmt: 'CREATE ROLE',
    CreateEnumStmt: 'CREATE TYPE',
    CompositeTypeStmt: 'CREATE TYPE',
    CreateDomainStmt: 'CREATE DOMAIN',
    CreateTableAsStmt: 'CREATE TABLE AS',
    ViewStmt: 'CREATE VIEW',
    RuleStmt: 'CREATE RULE',
    DefineStmt: 'CREATE',
    DropStmt: 'DROP',
    AlterTableStmt: 'ALTER TABLE',
    AlterEnumStmt: 'ALTER TYPE',
    RenameStmt: 'ALTER',
    GrantStmt: 'GRANT',
    GrantRoleStmt: 'GRANT',
    InsertStmt: 'INSERT',
    UpdateStmt: 'UPDATE',
    DeleteStmt: 'DELETE',
    SelectStmt: 'SELECT',
    CommentStmt: 'COMMENT',
    DoStmt: 'DO',
    VariableSetStmt: 'SET',
    TruncateStmt: 'TRUNCATE',
    CallStmt: 'CALL',
    CopyStmt: 'COPY'
};
/**
 * The statement's whole command tag, as psql prints it: `CREATE TRIGGER`, `CREATE INDEX`
 * (never `CREATE TRIG` or `INDEX`). DROP and the generic kinds take their object from
 * the SQL's own words (`DROP TABLE`, `CREATE AGGREGATE`).
 */
function commandTag(s) {
    const words = s.sql.replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)+/, '').split(/\s+/).map((w) => w.toUpperCase());
    const tag = TAGS[s.kind];
    if (tag === 'DROP' || tag === 'CREATE')
        return `${tag} ${words[1] === 'OR' ? words[3] ?? '' : words[1] ?? ''}`.trim();
    if (tag)
        return tag;
    return s.kind.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}


/***/ }),

/***/ 9469:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   FG: () => (/* binding */ detectConvention),
/* harmony export */   Px: () => (/* binding */ parseFileName),
/* harmony export */   _u: () => (/* binding */ DATE_SHAPES),
/* harmony export */   iJ: () => (/* binding */ EXPECTED_NAMES),
/* harmony export */   lA: () => (/* binding */ fits)
/* harmony export */ });
/* unused harmony exports FLYWAY_SHAPES, parseScheme */
/* harmony import */ var _order_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4921);
// File names -> what a file is (up, down or verify script of which migration) and
// where it sorts. One name parser serves every convention; a convention then only
// decides which shapes it accepts (see `fits`).

const DATE_SHAPES = new Set(['timestamp', 'date', 'dashed-date']);
const FLYWAY_SHAPES = new Set(['flyway-versioned', 'flyway-repeatable', 'flyway-undo']);
const DOWN_FOLDERS = { down: 'down', revert: 'down', verify: 'verify' };
const ROLE_SUFFIXES = [
    [/\.up$/i, 'up', '.up.sql'],
    [/\.down$/i, 'down', '.down.sql'],
    [/\.rollback$/i, 'down', '.rollback.sql'],
    [/_rollback$/i, 'down', '_rollback.sql'],
    [/\.verify$/i, 'verify', '.verify.sql']
];
function validDate(y, m, d) {
    if (y < 1000 || m < 1 || m > 12 || d < 1)
        return false;
    return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}
/** The 8, 12 or 14 digits (YYYYMMDD[hhmm[ss]]) as a calendar date and time, when they are one. */
function dateShape(digits) {
    const n = (a, b) => Number(digits.slice(a, b));
    if (digits.length !== 8 && digits.length !== 12 && digits.length !== 14)
        return undefined;
    if (!validDate(n(0, 4), n(4, 6), n(6, 8)))
        return undefined;
    if (digits.length === 8)
        return 'date';
    const seconds = digits.length === 14 ? n(12, 14) : 0;
    return n(8, 10) < 24 && n(10, 12) < 60 && seconds < 60 ? 'timestamp' : undefined;
}
/** Recognises the scheme of a base name (no folder, no `.sql`, no role suffix). */
function parseScheme(stem) {
    let m = /^V(\d+(?:[._]\d+)*)__(.+)$/.exec(stem);
    if (m)
        return { shape: 'flyway-versioned', version: m[1], name: m[2], kind: 'versioned', orderKey: (0,_order_js__WEBPACK_IMPORTED_MODULE_0__/* .flywayKey */ .C_)(m[1]), versionKey: (0,_order_js__WEBPACK_IMPORTED_MODULE_0__/* .flywayParts */ .ps)(m[1]).join('.') };
    m = /^U(\d+(?:[._]\d+)*)__(.+)$/.exec(stem);
    if (m)
        return { shape: 'flyway-undo', version: m[1], name: m[2], kind: 'versioned', orderKey: (0,_order_js__WEBPACK_IMPORTED_MODULE_0__/* .flywayKey */ .C_)(m[1]), versionKey: (0,_order_js__WEBPACK_IMPORTED_MODULE_0__/* .flywayParts */ .ps)(m[1]).join('.') };
    m = /^R__(.+)$/.exec(stem);
    if (m)
        return { shape: 'flyway-repeatable', version: '', name: m[1], kind: 'repeatable', orderKey: (0,_order_js__WEBPACK_IMPORTED_MODULE_0__/* .repeatableKey */ .Ro)(), versionKey: '' };
    m = /^(\d{4})-(\d{2})-(\d{2})_(.+)$/.exec(stem);
    if (m && validDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
        const version = `${m[1]}-${m[2]}-${m[3]}`;
        const key = (0,_order_js__WEBPACK_IMPORTED_MODULE_0__/* .dateKey */ .kX)(version);
        return { shape: 'dashed-date', version, name: m[4], kind: 'versioned', orderKey: key, versionKey: key.parts[0] };
    }
    m = /^(\d+)_(.+)$/.exec(stem);
    if (m) {
        const shape = dateShape(m[1]);
        const key = shape ? (0,_order_js__WEBPACK_IMPORTED_MODULE_0__/* .dateKey */ .kX)(m[1]) : (0,_order_js__WEBPACK_IMPORTED_MODULE_0__/* .numberKey */ .Hk)(m[1]);
        return { shape: shape ?? 'number', version: m[1], name: m[2], kind: 'versioned', orderKey: key, versionKey: key.parts[0] };
    }
    return undefined;
}
/** What a file in the migrations directory is, from its path alone. */
function parseFileName(path) {
    const slash = path.lastIndexOf('/');
    const folder = slash >= 0 ? path.slice(0, slash) : '';
    let stem = path.slice(slash + 1).replace(/\.sql$/i, '');
    let role = 'up';
    let roleMarker;
    let upSuffix = false;
    if (folder && DOWN_FOLDERS[folder]) {
        role = DOWN_FOLDERS[folder];
        roleMarker = `${folder}/`;
    }
    else {
        for (const [re, r, marker] of ROLE_SUFFIXES) {
            if (re.test(stem)) {
                stem = stem.replace(re, '');
                role = r;
                roleMarker = marker;
                upSuffix = r === 'up';
                break;
            }
        }
    }
    const scheme = parseScheme(stem);
    if (scheme?.shape === 'flyway-undo') {
        role = 'down';
        roleMarker ??= 'U prefix';
    }
    return { path, role, roleMarker, upSuffix, identity: stem, scheme };
}
/** The file names a convention expects, for messages. */
const EXPECTED_NAMES = {
    supabase: 'YYYYMMDDhhmmss_name.sql (or YYYYMMDD_name.sql, YYYY-MM-DD_name.sql)',
    dated: 'YYYYMMDDhhmmss_name.sql, YYYYMMDD_name.sql or YYYY-MM-DD_name.sql',
    numbered: '001_name.sql (any number of digits, then _name)',
    flyway: 'V<version>__name.sql, R__name.sql, or U<version>__name.sql for an undo',
    'golang-migrate': 'N_name.up.sql with N_name.down.sql',
    dbmate: 'N_name.sql with -- migrate:up / -- migrate:down sections',
    goose: 'N_name.sql with -- +goose Up / -- +goose Down sections'
};
/** Does an up file's name fit the convention? `auto` accepts every non-Flyway shape next to each other. */
function fits(info, convention, auto) {
    const shape = info.scheme?.shape;
    if (!shape)
        return false;
    if (convention === 'flyway')
        return FLYWAY_SHAPES.has(shape);
    if (FLYWAY_SHAPES.has(shape))
        return false;
    if (auto)
        return true;
    switch (convention) {
        case 'dated':
            return DATE_SHAPES.has(shape);
        case 'numbered':
        case 'dbmate':
        case 'goose':
            return shape !== 'dashed-date';
        case 'golang-migrate':
            return shape !== 'dashed-date' && info.upSuffix;
        case 'supabase':
            return true;
    }
}
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
/**
 * How `auto` decides: the directory `supabase/migrations` means Supabase; otherwise the
 * files tell (Flyway or golang-migrate names when they are the majority, dbmate/goose
 * markers in contents, date-shaped prefixes, else numbers).
 */
function detectConvention(dir, ups, markers) {
    const schemed = ups.filter((u) => u.scheme && u.role === 'up');
    const total = schemed.length;
    const count = (p) => schemed.filter(p).length;
    const flyway = count((u) => FLYWAY_SHAPES.has(u.scheme.shape));
    const golang = count((u) => u.upSuffix);
    const dated = count((u) => DATE_SHAPES.has(u.scheme.shape));
    const numbered = count((u) => u.scheme.shape === 'number');
    if (/(^|\/)supabase\/migrations\/?$/.test(dir)) {
        return { convention: 'supabase', note: `auto: detected supabase (directory supabase/migrations, ${plural(total, 'migration file')})` };
    }
    if (total === 0)
        return { convention: 'numbered', note: 'auto: no migration files found; assuming numbered (001_name.sql)' };
    if (flyway * 2 > total) {
        return { convention: 'flyway', note: `auto: detected flyway (${plural(flyway, 'file')} named V<version>__name.sql / R__name.sql)` };
    }
    if (golang * 2 > total) {
        return { convention: 'golang-migrate', note: `auto: detected golang-migrate (${plural(golang, 'file')} named N_name.up.sql)` };
    }
    if (markers.dbmate > 0 && markers.dbmate >= markers.goose) {
        return { convention: 'dbmate', note: `auto: detected dbmate (${plural(markers.dbmate, 'file')} with -- migrate:up sections)` };
    }
    if (markers.goose > 0) {
        return { convention: 'goose', note: `auto: detected goose (${plural(markers.goose, 'file')} with -- +goose Up sections)` };
    }
    if (dated > 0 && dated >= numbered) {
        return { convention: 'dated', note: `auto: detected dated (${plural(dated, 'file')} named YYYYMMDD[hhmmss]_name.sql / YYYY-MM-DD_name.sql)` };
    }
    return { convention: 'numbered', note: `auto: detected numbered (${plural(numbered, 'file')} named 001_name.sql)` };
}


/***/ }),

/***/ 3206:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CS: () => (/* binding */ listFiles),
/* harmony export */   Ul: () => (/* binding */ readFiles),
/* harmony export */   Yu: () => (/* binding */ locateDir),
/* harmony export */   Z7: () => (/* binding */ readTexts),
/* harmony export */   _6: () => (/* binding */ decodeUtf8),
/* harmony export */   d7: () => (/* binding */ toPosix)
/* harmony export */ });
/* unused harmony exports PLAN_FILE, HOOK_FILES, ROLE_FOLDERS, invalidUtf8Offset */
/* harmony import */ var node_buffer__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4573);
/* harmony import */ var node_buffer__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_buffer__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var _settings_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(8750);
// File system side of discovery: find the directory, list candidate files without
// leaving the workspace, and read them as strict UTF-8. Path checks all happen before
// any content is read.





const PLAN_FILE = 'pgshift.plan';
/** Callback files, named as Flyway names them: run around migrations, never migrations themselves. */
const HOOK_FILES = ['beforeMigrate.sql', 'afterEachMigrate.sql', 'afterMigrate.sql', 'afterRollback.sql'];
/** Subfolders holding down and verify scripts (`down/X.sql`, Sqitch's `revert/X.sql`, `verify/X.sql`). */
const ROLE_FOLDERS = ['down', 'revert', 'verify'];
const toPosix = (p) => p.split(node_path__WEBPACK_IMPORTED_MODULE_3__.sep).join('/');
const inside = (child, parent) => child === parent || child.startsWith(parent.endsWith(node_path__WEBPACK_IMPORTED_MODULE_3__.sep) ? parent : parent + node_path__WEBPACK_IMPORTED_MODULE_3__.sep);
const isMissing = (err) => ['ENOENT', 'ENOTDIR'].includes(err.code ?? '');
/** Finds the migrations directory; a problem (never an exception) when it is absent or outside the workspace. */
async function locateDir(workspaceIn, dirIn, problems) {
    const workspace = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.resolve)(workspaceIn);
    let workspaceReal;
    try {
        workspaceReal = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.realpath)(workspace);
    }
    catch {
        problems.push({ file: workspaceIn, noSuchPath: true, code: 'workspace-not-found', message: `the workspace ${workspace} does not exist`, hint: 'run pgshift from the repository checkout' });
        return undefined;
    }
    const tried = dirIn.trim() ? [dirIn.trim()] : [..._settings_js__WEBPACK_IMPORTED_MODULE_4__/* .DEFAULT_DIRS */ .nc];
    for (const candidate of tried) {
        const dirAbs = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.resolve)(workspace, candidate);
        let st;
        try {
            st = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.stat)(dirAbs);
        }
        catch (err) {
            if (isMissing(err))
                continue;
            throw err;
        }
        const given = toPosix((0,node_path__WEBPACK_IMPORTED_MODULE_3__.relative)(workspace, dirAbs));
        if (!st.isDirectory()) {
            problems.push({ file: given, code: 'migrations-dir-not-a-directory', message: `migrations-dir ${given} is a file, not a directory`, hint: 'set the migrations-dir input to the directory that holds the .sql files' });
            return undefined;
        }
        const real = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.realpath)(dirAbs);
        if (!inside(real, workspaceReal)) {
            problems.push({
                file: candidate,
                noSuchPath: true,
                code: 'dir-outside-workspace',
                message: `migrations-dir ${candidate} resolves to ${real}, outside the workspace ${workspaceReal}`,
                hint: 'point migrations-dir at a directory inside the repository'
            });
            return undefined;
        }
        const dirRel = given === '' ? '.' : given.startsWith('..') || (0,node_path__WEBPACK_IMPORTED_MODULE_3__.isAbsolute)(given) ? toPosix((0,node_path__WEBPACK_IMPORTED_MODULE_3__.relative)(workspaceReal, real)) || '.' : given;
        return { workspace, workspaceReal, dirAbs, dirRel };
    }
    const path = dirIn.trim() ? (0,node_path__WEBPACK_IMPORTED_MODULE_3__.resolve)(workspace, dirIn.trim()) : workspace;
    problems.push({
        file: dirIn.trim() || '.',
        noSuchPath: true,
        code: 'migrations-dir-not-found',
        message: dirIn.trim()
            ? `the migrations directory ${dirIn.trim()} does not exist (looked at ${path}; without migrations-dir pgshift tries ${_settings_js__WEBPACK_IMPORTED_MODULE_4__/* .DEFAULT_DIRS */ .nc.join(', ')})`
            : `no migrations directory found in ${workspace}: tried ${_settings_js__WEBPACK_IMPORTED_MODULE_4__/* .DEFAULT_DIRS */ .nc.join(', ')}`,
        hint: 'set the migrations-dir input (CLI: --migrations-dir) to the directory that holds your .sql files, relative to the repository root; in a workflow, check out the repository first (actions/checkout)'
    });
    return undefined;
}
/** What a non-regular, non-directory entry is, for the warning. */
function specialKind(e) {
    if (e.isFIFO())
        return 'a FIFO (named pipe)';
    if (e.isSocket())
        return 'a socket';
    if (e.isBlockDevice())
        return 'a block device';
    if (e.isCharacterDevice())
        return 'a character device';
    return undefined;
}
/** Lists `.sql` files of the directory and of its down/revert/verify subfolders, and the plan file. */
async function listFiles(loc, problems) {
    const listing = { sql: [], hooks: [], special: [] };
    const fileRel = (abs) => toPosix((0,node_path__WEBPACK_IMPORTED_MODULE_3__.relative)(loc.workspace, abs));
    /** Resolves a symlink; undefined (with a problem) when it leaves the workspace or dangles. */
    const follow = async (abs) => {
        let real;
        try {
            real = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.realpath)(abs);
        }
        catch {
            problems.push({ file: fileRel(abs), code: 'broken-symlink', message: `${fileRel(abs)} is a symbolic link to a file that does not exist`, hint: 'remove the link or restore its target' });
            return undefined;
        }
        if (!inside(real, loc.workspaceReal)) {
            problems.push({
                file: fileRel(abs),
                code: 'symlink-outside-workspace',
                message: `${fileRel(abs)} is a symbolic link to ${real}, outside the workspace; pgshift does not read it`,
                hint: 'copy the file into the repository instead of linking to it'
            });
            return undefined;
        }
        const st = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.stat)(real);
        const what = specialKind(st);
        if (what)
            listing.special.push({ rel: toPosix((0,node_path__WEBPACK_IMPORTED_MODULE_3__.relative)(loc.dirAbs, abs)), what: `a symbolic link to ${what}` });
        return { isFile: st.isFile(), isDir: st.isDirectory() };
    };
    const kind = async (dir, e) => {
        const what = specialKind(e);
        if (what) {
            // Reading a FIFO would block the run forever; the other kinds hold no SQL.
            listing.special.push({ rel: toPosix((0,node_path__WEBPACK_IMPORTED_MODULE_3__.relative)(loc.dirAbs, (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(dir, e.name))), what });
            return undefined;
        }
        if (!e.isSymbolicLink())
            return { isFile: e.isFile(), isDir: e.isDirectory() };
        const isCandidate = /\.sql$/i.test(e.name) || e.name === PLAN_FILE || ROLE_FOLDERS.includes(e.name);
        return isCandidate ? follow((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(dir, e.name)) : undefined;
    };
    const entries = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.readdir)(loc.dirAbs, { withFileTypes: true });
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        const k = await kind(loc.dirAbs, e);
        if (!k)
            continue;
        const abs = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(loc.dirAbs, e.name);
        if (k.isDir && ROLE_FOLDERS.includes(e.name)) {
            const sub = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.readdir)(abs, { withFileTypes: true });
            for (const f of sub.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
                if (!/\.sql$/i.test(f.name))
                    continue;
                const fk = await kind(abs, f);
                if (fk?.isFile)
                    listing.sql.push({ rel: `${e.name}/${f.name}`, abs: (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(abs, f.name) });
            }
        }
        else if (k.isFile && HOOK_FILES.includes(e.name)) {
            listing.hooks.push({ rel: e.name, abs });
        }
        else if (k.isFile && e.name === PLAN_FILE) {
            listing.plan = { rel: e.name, abs };
        }
        else if (k.isFile && /\.sql$/i.test(e.name)) {
            listing.sql.push({ rel: e.name, abs });
        }
    }
    return listing;
}
/** Offset of the first byte that does not start a valid UTF-8 sequence, or -1. */
function invalidUtf8Offset(b) {
    let i = 0;
    while (i < b.length) {
        const c = b[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        let extra;
        let lo = 0x80;
        let hi = 0xbf;
        if (c >= 0xc2 && c <= 0xdf)
            extra = 1;
        else if (c >= 0xe0 && c <= 0xef) {
            extra = 2;
            if (c === 0xe0)
                lo = 0xa0;
            if (c === 0xed)
                hi = 0x9f; // no UTF-16 surrogates
        }
        else if (c >= 0xf0 && c <= 0xf4) {
            extra = 3;
            if (c === 0xf0)
                lo = 0x90;
            if (c === 0xf4)
                hi = 0x8f;
        }
        else
            return i;
        if (i + extra >= b.length)
            return i;
        if (b[i + 1] < lo || b[i + 1] > hi)
            return i;
        for (let k = 2; k <= extra; k++)
            if ((b[i + k] & 0xc0) !== 0x80)
                return i;
        i += extra + 1;
    }
    return -1;
}
/** Strict UTF-8 with no NUL byte; the problem names the byte offset. */
function decodeUtf8(file, buf) {
    const nul = buf.indexOf(0);
    if (nul >= 0) {
        return {
            ok: false,
            problem: { file, code: 'nul-byte', message: `${file} holds a NUL byte at byte offset ${nul}; it is not a SQL text file (UTF-16, or binary?)`, hint: 'save the file as UTF-8 text' }
        };
    }
    if (!(0,node_buffer__WEBPACK_IMPORTED_MODULE_0__.isUtf8)(buf)) {
        const at = invalidUtf8Offset(buf);
        return {
            ok: false,
            problem: {
                file,
                code: 'invalid-utf8',
                message: `${file} is not valid UTF-8: byte 0x${buf[at].toString(16).padStart(2, '0')} at byte offset ${at} (saved as Latin-1 or Windows-1252?)`,
                hint: 'save the file as UTF-8; pgshift reads migrations as UTF-8 only'
            }
        };
    }
    return { ok: true, text: buf.toString('utf8') };
}
/**
 * Reads files one after another with readFileSync: for many small migration files this is
 * several times faster than fs/promises (8-9 ms against 57-81 ms for 2,000 files, see
 * bench/probes/read-files.mjs), and it holds one descriptor at a time.
 */
function readFiles(paths) {
    return paths.map((p) => {
        try {
            return (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync)(p);
        }
        catch (err) {
            return err;
        }
    });
}
/**
 * Reads files as text: `decodeUtf8`'s verdict for each, or the read's error. Node decodes
 * UTF-8 in one call (2,000 files: about 24 ms CPU against 35 ms for buffers, and no
 * buffer per file; bench/probes/read-files.mjs), replacing an invalid byte with U+FFFD
 * and keeping a NUL: a text with either is read again as bytes and judged strictly by
 * decodeUtf8, which names the byte offset. So the verdict is decodeUtf8's for every file.
 */
function readTexts(files) {
    return files.map(({ file, abs }) => {
        try {
            const text = (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync)(abs, 'utf8');
            return text.includes('\uFFFD') || text.includes('\0') ? decodeUtf8(file, (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync)(abs)) : { ok: true, text };
        }
        catch (err) {
            return err;
        }
    });
}


/***/ }),

/***/ 427:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Is: () => (/* binding */ isSettled),
/* harmony export */   gJ: () => (/* binding */ defineLazy),
/* harmony export */   y6: () => (/* binding */ forget)
/* harmony export */ });
// Properties computed on first read. Discovery hashes every file but parses a script
// only when something reads it: a no-op run parses nothing and never loads the parser.
const computers = new WeakMap();
/** Defines `obj[key]` as `compute()` on first read; from then on it is a plain property. */
function defineLazy(obj, key, compute) {
    if (!computers.has(obj))
        computers.set(obj, new Map());
    computers.get(obj)?.set(key, compute);
    const settle = (value) => Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
    Object.defineProperty(obj, key, {
        enumerable: true,
        configurable: true,
        get() {
            const value = compute();
            settle(value);
            return value;
        },
        set(value) {
            settle(value);
        }
    });
}
/** True when `obj[key]` is a plain value: computed already, or never lazy. */
function isSettled(obj, key) {
    const d = Object.getOwnPropertyDescriptor(obj, key);
    return d === undefined || 'value' in d;
}
/**
 * Drops a computed value, so the next read computes it again: for a parsed script
 * that was only checked (a pending file's down), whose parse tree need not stay in
 * memory. Computing must be repeatable (no side effects on a second run).
 */
function forget(obj, key) {
    const compute = computers.get(obj)?.get(key);
    if (compute && isSettled(obj, key))
        defineLazy(obj, key, compute);
}


/***/ }),

/***/ 4921:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   C_: () => (/* binding */ flywayKey),
/* harmony export */   Hk: () => (/* binding */ numberKey),
/* harmony export */   Ro: () => (/* binding */ repeatableKey),
/* harmony export */   kX: () => (/* binding */ dateKey),
/* harmony export */   n6: () => (/* binding */ compareText),
/* harmony export */   ps: () => (/* binding */ flywayParts),
/* harmony export */   vH: () => (/* binding */ planKey),
/* harmony export */   ym: () => (/* binding */ compareMigrationOrder)
/* harmony export */ });
/* unused harmony exports compareDigits, compareOrderKeys, GROUP_VERSIONED, GROUP_REPEATABLE */
const DIGITS = /^\d+$/;
/** Compares two digit strings as numbers, ignoring leading zeros. */
function compareDigits(a, b) {
    const x = a.replace(/^0+(?=\d)/, '');
    const y = b.replace(/^0+(?=\d)/, '');
    if (x.length !== y.length)
        return x.length < y.length ? -1 : 1;
    return x < y ? -1 : x > y ? 1 : 0;
}
/** Plain code-unit order: the same on every machine and locale. */
function compareText(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
function compareOrderKeys(a, b) {
    if (a.group !== b.group)
        return a.group - b.group;
    const n = Math.min(a.parts.length, b.parts.length);
    for (let i = 0; i < n; i++) {
        const p = a.parts[i];
        const q = b.parts[i];
        const c = DIGITS.test(p) && DIGITS.test(q) ? compareDigits(p, q) : compareText(p, q);
        if (c !== 0)
            return c;
    }
    return a.parts.length - b.parts.length;
}
/** Key first, then identity: files sharing a version (004_a, 004_b) run in name order. */
function compareMigrationOrder(a, b) {
    return compareOrderKeys(a.orderKey, b.orderKey) || compareText(a.identity, b.identity);
}
/** Versioned migrations come before repeatables. */
const GROUP_VERSIONED = 0;
const GROUP_REPEATABLE = 1;
const numberKey = (digits) => ({ group: GROUP_VERSIONED, parts: [digits.replace(/^0+(?=\d)/, '')] });
/** `YYYYMMDD`, `YYYYMMDDhhmmss` or `YYYY-MM-DD` to 14 digits. */
function dateKey(written) {
    return { group: GROUP_VERSIONED, parts: [written.replace(/-/g, '').padEnd(14, '0')] };
}
/** Flyway `1.2.0` / `1_2`: numeric parts, trailing zero parts dropped (Flyway treats 1.2 and 1.2.0 as equal). */
function flywayParts(written) {
    const parts = written.split(/[._]/).map((p) => p.replace(/^0+(?=\d)/, ''));
    while (parts.length > 1 && parts[parts.length - 1] === '0')
        parts.pop();
    return parts;
}
const flywayKey = (written) => ({ group: GROUP_VERSIONED, parts: flywayParts(written) });
const repeatableKey = () => ({ group: GROUP_REPEATABLE, parts: [] });
const planKey = (position) => ({ group: GROUP_VERSIONED, parts: [String(position)] });


/***/ }),

/***/ 3686:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  _U: () => (/* binding */ ensureParser),
  eg: () => (/* binding */ parseSql),
  f1: () => (/* binding */ parseStatementTree),
  UW: () => (/* binding */ plpgsqlStatements),
  C4: () => (/* binding */ scanSql)
});

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: external "node:url"
var external_node_url_ = __webpack_require__(3136);
;// CONCATENATED MODULE: ./src/source/wasm-home.ts
// libpg-query's emscripten loader is CommonJS and finds its .wasm through
// `__dirname`. Bundled into ESM by ncc, `__dirname` does not exist, so give it the
// bundle's own folder (scripts/bundle.mjs copies the .wasm there). Unbundled, the
// loader's CommonJS wrapper shadows this global, so it is harmless.


const g = globalThis;
g.__dirname ??= (0,external_node_path_.dirname)((0,external_node_url_.fileURLToPath)(import.meta.url));

// EXTERNAL MODULE: external "node:v8"
var external_node_v8_ = __webpack_require__(8877);
var external_node_v8_default = /*#__PURE__*/__webpack_require__.n(external_node_v8_);
// EXTERNAL MODULE: ./src/source/positions.ts
var positions = __webpack_require__(2369);
;// CONCATENATED MODULE: ./src/source/parser.ts

// The one wrapper around libpg-query (the real Postgres parser, as wasm). Statement
// boundaries always come from the parser, never from our own splitting. libpg-query
// reports statement locations in UTF-8 bytes and error cursors in code points; this
// module turns both into JS string indexes.


let loading;
let lib;
/**
 * Loads the wasm parser once; every parse call needs it done. The module itself is
 * imported here, not at the top: a run that parses nothing (a no-op) never loads it.
 */
async function ensureParser() {
    loading ??= __webpack_require__.e(/* import() */ 627).then(__webpack_require__.t.bind(__webpack_require__, 2627, 23)).then(async (m) => {
        keepWasmOnLiftoff();
        await m.loadModule();
        lib = m;
    });
    return loading;
}
/**
 * Node 24's V8 tiers the parser's huge WASM functions up to TurboFan after a few
 * hundred parses: about 500 MB of compiler memory and seconds of background CPU on a
 * 2-core runner, for no faster parsing at our sizes (docs/BENCHMARKS.md). Turning
 * both tier-up paths off before the module is compiled keeps it on Liftoff, as the
 * `--liftoff-only` command-line flag does, without starting Node a second time
 * (bench/probes/wasm-tierup.mjs compares them: the same time and peak RSS). The
 * implication `--liftoff-only` has on these two is only applied to command-line
 * flags, which is why setting `--liftoff-only` here would do nothing.
 */
function keepWasmOnLiftoff() {
    external_node_v8_default().setFlagsFromString('--no-wasm-tier-up');
    external_node_v8_default().setFlagsFromString('--no-wasm-dynamic-tiering');
}
function parser() {
    if (!lib)
        throw new Error('pgshift: the SQL parser is not loaded; await ensureParser() first');
    return lib;
}
// The wasm parser needs ~20x a statement's size in memory and aborts the whole
// module past about 1 GB, so big files are parsed in chunks (see parseChunked).
// The wasm memory never shrinks once grown: 256 KiB chunks keep a 50 MB file's
// growth to a few MB (2 MiB chunks grew it by about 50 MB; issue 17).
const DEFAULT_CHUNK_CHARS = 256 * 1024;
const MAX_CHUNK_BYTES = 24 * 1024 * 1024;
/** What a streamed statement's `node` becomes once visited. */
const RELEASED = Object.freeze({});
function release(statements, visit) {
    if (!visit)
        return;
    for (const s of statements) {
        visit(s);
        s.node = RELEASED;
    }
}
/** Parses `text` into statements with JS-index spans. Never throws for bad SQL. */
function parseSql(text, opts = {}) {
    const chunkChars = Math.max(64, opts.chunkChars ?? DEFAULT_CHUNK_CHARS);
    const maxBytes = opts.maxChunkBytes ?? MAX_CHUNK_BYTES;
    if (text.length <= chunkChars) {
        if (Buffer.byteLength(text, 'utf8') > maxBytes)
            return tooLarge(0, maxBytes);
        const r = parseOnce(text);
        if (r.ok)
            release(r.statements, opts.visit);
        return r;
    }
    return parseChunked(text, chunkChars, maxBytes, opts.visit);
}
function tooLarge(index, maxBytes) {
    const mb = Math.round(maxBytes / (1024 * 1024));
    return {
        ok: false,
        error: { kind: 'too-large', index, message: `a single statement here is larger than the ${mb} MB the SQL parser can hold` }
    };
}
function parseOnce(text) {
    // libpg-query refuses '' (but accepts blanks); both hold no statement.
    if (text.length === 0)
        return { ok: true, statements: [] };
    let result;
    try {
        result = parser().parseSync(text);
    }
    catch (err) {
        const details = err.sqlDetails;
        if (details) {
            // The cursor counts code points (Postgres's character position), not bytes.
            const index = (0,positions/* advanceCodePoints */.H0)(text, 0, details.cursorPosition ?? 0);
            return { ok: false, error: { kind: 'syntax', index, message: details.message ?? err.message } };
        }
        return { ok: false, error: { kind: 'internal', index: 0, message: `the SQL parser failed: ${err.message}` } };
    }
    const cursor = new positions/* ByteCursor */.TV(text);
    const statements = [];
    for (const raw of result.stmts ?? []) {
        const startByte = raw.stmt_location ?? 0;
        const start = cursor.toIndex(startByte);
        // stmt_len excludes the ';' and is absent (or 0) when the statement runs to the end.
        const end = raw.stmt_len ? cursor.toIndex(startByte + raw.stmt_len) : text.length;
        const [kind, node] = Object.entries((raw.stmt ?? {}))[0] ?? ['Unknown', {}];
        statements.push({ kind, node, start, end, terminated: text.charCodeAt(end) === 59 /* ; */, startByte });
    }
    return { ok: true, statements };
}
const isHigh = (c) => c >= 0xd800 && c <= 0xdbff;
/**
 * Where a chunk starting at `pos` ends: after the last line that ends with `;` within
 * `size` (where a statement most likely ends: a multi-line INSERT cut between its rows
 * would fail and make the chunk grow until it is the whole file), else after the last
 * line break, else at `pos + size`. Only a guess: the parser still decides where
 * statements end, and a cut inside a string or body fails and grows the chunk.
 */
function cutAt(text, pos, size) {
    const limit = pos + size;
    if (limit >= text.length)
        return { end: text.length, atLineBreak: true };
    let lineBreak = -1;
    for (let i = limit - 1; i >= pos; i--) {
        const c = text.charCodeAt(i);
        if (c !== 10 && c !== 13)
            continue;
        if (lineBreak < 0)
            lineBreak = i + 1;
        let j = i - 1;
        while (j >= pos && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9 || text.charCodeAt(j) === 13))
            j--;
        if (j >= pos && text.charCodeAt(j) === 59 /* ; */)
            return { end: i + 1, atLineBreak: true };
        // Looking further back than half the chunk would make chunks small: take the line break.
        if (i < pos + size / 2)
            break;
    }
    if (lineBreak >= 0)
        return { end: lineBreak, atLineBreak: true };
    return { end: isHigh(text.charCodeAt(limit - 1)) ? limit + 1 : limit, atLineBreak: false };
}
/**
 * Parses a big text chunk by chunk, letting the parser find the boundaries: a chunk's
 * statements are all complete except maybe the last one (the cut may fall inside it),
 * so we keep all but the last and start the next chunk where the last one starts. An
 * LR parser reaches the same state on the same token prefix, so these boundaries are
 * the ones a whole-text parse finds. A chunk that ends inside a string, comment or
 * statement fails with "unterminated ..." or "at end of input": then the chunk grows.
 */
function parseChunked(text, chunkChars, maxBytes, visit) {
    const out = [];
    let pos = 0;
    let size = chunkChars;
    // UTF-8 bytes before `pos`, kept up to date as `pos` moves forward (linear overall).
    let posBytes = 0;
    let bytesAt = 0;
    const advanceTo = (next) => {
        posBytes += Buffer.byteLength(text.slice(bytesAt, next), 'utf8');
        bytesAt = next;
    };
    while (pos < text.length) {
        advanceTo(pos);
        const { end, atLineBreak } = cutAt(text, pos, size);
        const final = end >= text.length;
        const chunk = text.slice(pos, end);
        if (Buffer.byteLength(chunk, 'utf8') > maxBytes)
            return tooLarge(pos, maxBytes);
        const r = parseOnce(chunk);
        if (!r.ok) {
            if (final || r.error.kind !== 'syntax' || errorIsReal(r.error, chunk)) {
                return { ok: false, error: { ...r.error, index: pos + r.error.index } };
            }
            size *= 2;
            continue;
        }
        const stmts = r.statements;
        for (const s of stmts) {
            if (posBytes > 0)
                shiftLocations(s.node, posBytes);
            s.startByte += posBytes;
            s.start += pos;
            s.end += pos;
        }
        if (final) {
            release(stmts, visit);
            out.push(...stmts);
            break;
        }
        if (stmts.length === 0 && atLineBreak) {
            pos = end; // only comments and blanks, cut between lines
            size = chunkChars;
        }
        else if (stmts.length <= 1) {
            if (stmts.length === 1 && stmts[0].start > pos)
                pos = stmts[0].start;
            else
                size *= 2; // one statement that may go on past the cut: take more text
        }
        else {
            const done = stmts.slice(0, -1);
            release(done, visit);
            out.push(...done);
            pos = stmts[stmts.length - 1].start;
            size = chunkChars;
        }
    }
    return { ok: true, statements: out };
}
/**
 * The parse tree of one statement of a parsed text, parsed again from the statement's
 * own text (`sql`, starting at byte `startByte` of that text): its `location` fields
 * count from the same place as a tree from the whole text. For trees that were
 * released after parsing (ParseOptions.visit); the parser must be loaded.
 */
function parseStatementTree(sql, startByte) {
    const r = parseSql(sql);
    if (!r.ok || r.statements.length !== 1) {
        throw new Error(`pgshift: a statement parsed before no longer parses alone (${r.ok ? `${r.statements.length} statements` : r.error.message}): ${sql.slice(0, 80)}`);
    }
    const [s] = r.statements;
    if (startByte > 0)
        shiftLocations(s.node, startByte);
    return { kind: s.kind, node: s.node };
}
/**
 * Node `location` fields are byte offsets into the parsed text; a chunk's start at byte
 * `by` makes them whole-text offsets again (so node locations never depend on chunking).
 */
function shiftLocations(node, by) {
    if (Array.isArray(node)) {
        for (let i = 0; i < node.length; i++) {
            const v = node[i];
            if (typeof v === 'object' && v !== null)
                shiftLocations(v, by);
        }
        return;
    }
    const rec = node;
    for (const key in rec) {
        const v = rec[key];
        if (typeof v === 'object') {
            if (v !== null)
                shiftLocations(v, by);
        }
        else if (key === 'location' && typeof v === 'number' && v >= 0)
            rec[key] = v + by;
    }
}
/** A chunk's syntax error is real when the cut cannot have caused it. */
function errorIsReal(error, chunk) {
    if (/unterminated|end of input/i.test(error.message))
        return false;
    // Tokens on the chunk's last line may have been cut: only trust errors before it.
    const lastBreak = Math.max(chunk.lastIndexOf('\n', chunk.length - 2), chunk.lastIndexOf('\r', chunk.length - 2));
    return error.index > 0 && error.index <= lastBreak;
}
/** Tokens (comments included) with JS-index spans; [] when the text does not lex. */
function scanSql(text) {
    if (text.length === 0)
        return [];
    let tokens;
    try {
        tokens = parser().scanSync(text).tokens;
    }
    catch {
        return [];
    }
    const cursor = new positions/* ByteCursor */.TV(text);
    return tokens.map((t) => {
        const start = cursor.toIndex(t.start);
        const end = cursor.toIndex(t.end);
        return { start, end, text: t.text, tokenName: t.tokenName };
    });
}
/**
 * The static SQL statements of a PL/pgSQL body (a DO block's or a function's),
 * read by PostgreSQL's own PL/pgSQL parser: what EXECUTE builds at run time is not
 * among them. Undefined when the body does not parse. The parser must be loaded.
 */
function plpgsqlStatements(body) {
    let tag = 'pgshift_body';
    while (body.includes(`$${tag}$`))
        tag += '_';
    let tree;
    try {
        tree = parser().parsePlPgSQLSync(`CREATE FUNCTION pgshift_body() RETURNS void LANGUAGE plpgsql AS $${tag}$${body}$${tag}$`);
    }
    catch {
        return undefined;
    }
    const out = [];
    const stack = [tree];
    while (stack.length) {
        const v = stack.pop();
        if (Array.isArray(v)) {
            for (let i = v.length - 1; i >= 0; i--)
                stack.push(v[i]);
        }
        else if (v && typeof v === 'object') {
            const exec = v.PLpgSQL_stmt_execsql;
            const query = exec?.sqlstmt?.PLpgSQL_expr?.query;
            if (typeof query === 'string')
                out.push({ query, line: exec?.lineno ?? 1 });
            else
                for (const x of Object.values(v).reverse())
                    stack.push(x);
        }
    }
    return out;
}


/***/ }),

/***/ 2369:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   F8: () => (/* binding */ stripBom),
/* harmony export */   H0: () => (/* binding */ advanceCodePoints),
/* harmony export */   HU: () => (/* binding */ LineMap),
/* harmony export */   Ld: () => (/* binding */ formatPosition),
/* harmony export */   TV: () => (/* binding */ ByteCursor),
/* harmony export */   kE: () => (/* binding */ lineColAt),
/* harmony export */   mh: () => (/* binding */ lineMapFor)
/* harmony export */ });
/* unused harmony exports countCodePoints, byteOffsetToIndex, mapQueryPosition */
const BOM = 0xfeff;
function stripBom(text) {
    return text.charCodeAt(0) === BOM ? text.slice(1) : text;
}
const isHigh = (c) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c) => c >= 0xdc00 && c <= 0xdfff;
/** Code points in `text[from, to)`; a surrogate pair counts once. */
function countCodePoints(text, from, to) {
    let n = 0;
    for (let i = from; i < to; i++) {
        const c = text.charCodeAt(i);
        if (isLow(c) && i > from && isHigh(text.charCodeAt(i - 1)))
            continue;
        n++;
    }
    return n;
}
/** The JS index reached after advancing `n` code points from `start` (clamped to the text's end). */
function advanceCodePoints(text, start, n) {
    let i = start;
    for (let k = 0; k < n && i < text.length; k++) {
        i += isHigh(text.charCodeAt(i)) && isLow(text.charCodeAt(i + 1)) ? 2 : 1;
    }
    return Math.min(i, text.length);
}
/**
 * Converts UTF-8 byte offsets into JS indexes. Successive calls with growing offsets
 * continue from the previous one, so converting every statement of a file is linear.
 * ASCII text (the common case) converts in O(1).
 */
class ByteCursor {
    text;
    ascii;
    byte = 0;
    index = 0;
    constructor(text) {
        this.text = text;
        this.ascii = Buffer.byteLength(text, 'utf8') === text.length;
    }
    toIndex(byteOffset) {
        if (byteOffset <= 0)
            return 0;
        if (this.ascii)
            return Math.min(byteOffset, this.text.length);
        if (byteOffset < this.byte) {
            this.byte = 0;
            this.index = 0;
        }
        const t = this.text;
        let byte = this.byte;
        let i = this.index;
        while (byte < byteOffset && i < t.length) {
            const c = t.charCodeAt(i);
            if (c < 0x80) {
                byte += 1;
                i += 1;
            }
            else if (c < 0x800) {
                byte += 2;
                i += 1;
            }
            else if (isHigh(c) && isLow(t.charCodeAt(i + 1))) {
                byte += 4; // a surrogate pair: one 4-byte code point
                i += 2;
            }
            else {
                byte += 3;
                i += 1;
            }
        }
        this.byte = byte;
        this.index = i;
        return i;
    }
}
/** The JS index of UTF-8 byte `byteOffset` in `text` (one conversion; use ByteCursor for many). */
function byteOffsetToIndex(text, byteOffset) {
    return new ByteCursor(text).toIndex(byteOffset);
}
/**
 * Line starts of a text, computed once. `\r\n`, a lone `\r` and `\n` each end a line.
 * Columns are 1-based code points from the line start. Queries in increasing order on
 * one line reuse the previous count, so a long one-line file stays linear.
 */
class LineMap {
    text;
    starts = [0];
    last = { index: 0, line: 0, col: 1 };
    constructor(text) {
        this.text = text;
        const t = text;
        for (let i = 0; i < t.length; i++) {
            const c = t.charCodeAt(i);
            if (c === 10)
                this.starts.push(i + 1);
            else if (c === 13) {
                if (t.charCodeAt(i + 1) === 10)
                    i++;
                this.starts.push(i + 1);
            }
        }
    }
    get lineCount() {
        return this.starts.length;
    }
    /** 0-based line number holding `index`. */
    lineOf(index) {
        let lo = 0;
        let hi = this.starts.length - 1;
        while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if (this.starts[mid] <= index)
                lo = mid;
            else
                hi = mid - 1;
        }
        return lo;
    }
    /** JS index where 1-based `line` starts. */
    lineStart(line) {
        return this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))];
    }
    position(index) {
        const i = Math.max(0, Math.min(index, this.text.length));
        const line = this.lineOf(i);
        const start = this.starts[line];
        let col;
        if (this.last.line === line && this.last.index <= i && this.last.index >= start) {
            col = this.last.col + countCodePoints(this.text, this.last.index, i);
        }
        else {
            col = 1 + countCodePoints(this.text, start, i);
        }
        this.last = { index: i, line, col };
        return { line: line + 1, col };
    }
}
// One cached map: callers usually ask many positions of the same file in a row.
let cached;
/** The LineMap of `text`, reused while the same text is asked for. */
function lineMapFor(text) {
    if (!cached || cached.text !== text)
        cached = new LineMap(text);
    return cached;
}
/** 1-based line and column (in code points) of JS index `index` in `fileText`. */
function lineColAt(fileText, index) {
    return lineMapFor(fileText).position(index);
}
/**
 * Maps a Postgres error `position` (1-based, in characters of the query string that was
 * sent) to the file. `sentText` is what was sent and `sentStart` is where it starts in
 * `fileText`; it must be a same-length copy of the file's text there (a `sendText`, or
 * a statement's `sql`).
 */
function mapQueryPosition(fileText, sentText, sentStart, pgPosition) {
    const index = sentStart + advanceCodePoints(sentText, 0, Math.max(0, pgPosition - 1));
    return lineColAt(fileText, index);
}
/** `file:line:col`, the form editors and annotations understand. */
function formatPosition(file, pos) {
    return pos ? `${file}:${pos.line}:${pos.col}` : file;
}


/***/ }),

/***/ 8879:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   PF: () => (/* binding */ splitPreludeRows),
/* harmony export */   aS: () => (/* binding */ planPreludes),
/* harmony export */   sl: () => (/* binding */ discoverPreludes)
/* harmony export */ });
/* unused harmony exports PRELUDE_PREFIX, isPreludeIdentity */
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _checksum_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1882);
/* harmony import */ var _files_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3206);
/* harmony import */ var _lazy_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(427);
/* harmony import */ var _positions_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(2369);
/* harmony import */ var _script_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(7926);
// Preludes (DESIGN 5): directories of SQL that must run once before the first
// migration on a new database (Supabase projects' initdb/ or seed/ folders). Each
// `.sql` file of each directory, directories in the order given and files in name
// order, is a one-time script: it runs once, in its own transaction with its
// history row, and is never pending, missing or rolled back as a migration is.
//
// A prelude is carried as a Migration (the executor runs it like one) whose
// identity is `prelude:<path in the workspace>`: history keys it apart from every
// migration, so two setups sharing one history table never mistake each other's
// preludes for missing migrations.







const PRELUDE_PREFIX = 'prelude:';
const isPreludeIdentity = (identity) => identity.startsWith(PRELUDE_PREFIX);
/** Splits history into migration rows and prelude rows. */
function splitPreludeRows(rows) {
    return { migrations: rows.filter((r) => !isPreludeIdentity(r.identity)), preludes: rows.filter((r) => isPreludeIdentity(r.identity)) };
}
const byName = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
/**
 * Lists, reads and hashes the preludes; each is parsed on first read of `up`. Problems
 * (then and later, at the parse) join `problems`: pass the discovery's, so a syntax
 * error refuses the run like a migration's.
 */
async function discoverPreludes(workspace, dirs, problems = []) {
    const out = { preludes: [], problems, warnings: [] };
    if (!dirs.length)
        return out;
    const ws = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.resolve)(workspace);
    const wsReal = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.realpath)(ws).catch(() => ws);
    for (const dir of dirs) {
        const abs = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.resolve)(ws, dir);
        const st = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.stat)(abs).catch(() => undefined);
        if (!st?.isDirectory()) {
            out.problems.push({
                file: dir,
                code: 'prelude-dir-not-found',
                message: `prelude-dirs: ${dir} ${st ? 'is a file, not a directory' : `does not exist (looked at ${abs})`}`,
                hint: 'set prelude-dirs to directories of .sql files, relative to the repository root'
            });
            continue;
        }
        const real = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.realpath)(abs);
        if (real !== wsReal && !real.startsWith(wsReal + node_path__WEBPACK_IMPORTED_MODULE_1__.sep)) {
            out.problems.push({ file: dir, code: 'dir-outside-workspace', message: `prelude-dirs: ${dir} resolves to ${real}, outside the workspace ${wsReal}` });
            continue;
        }
        const names = (await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readdir)(abs, { withFileTypes: true }))
            .filter((e) => e.isFile() && e.name.endsWith('.sql'))
            .map((e) => e.name)
            .sort(byName);
        if (!names.length)
            out.warnings.push({ file: dir, message: `prelude-dirs: ${dir} holds no .sql file` });
        const bufs = (0,_files_js__WEBPACK_IMPORTED_MODULE_3__/* .readFiles */ .Ul)(names.map((n) => (0,node_path__WEBPACK_IMPORTED_MODULE_1__.resolve)(abs, n)));
        names.forEach((name, i) => {
            const file = (0,_files_js__WEBPACK_IMPORTED_MODULE_3__/* .toPosix */ .d7)((0,node_path__WEBPACK_IMPORTED_MODULE_1__.relative)(ws, (0,node_path__WEBPACK_IMPORTED_MODULE_1__.resolve)(abs, name)));
            const buf = bufs[i];
            if (buf instanceof Error || buf === undefined) {
                out.problems.push({ file, code: 'unreadable-file', message: `cannot read ${file}: ${buf instanceof Error ? buf.message : 'no content'}` });
                return;
            }
            const decoded = (0,_files_js__WEBPACK_IMPORTED_MODULE_3__/* .decodeUtf8 */ ._6)(file, buf);
            if (!decoded.ok)
                return void out.problems.push(decoded.problem);
            const text = (0,_positions_js__WEBPACK_IMPORTED_MODULE_6__/* .stripBom */ .F8)(decoded.text);
            const m = {
                identity: `${PRELUDE_PREFIX}${file}`,
                version: '',
                name: name.replace(/\.sql$/, ''),
                kind: 'versioned',
                orderKey: { group: 0, parts: [] },
                checksum: (0,_checksum_js__WEBPACK_IMPORTED_MODULE_2__/* .checksum */ .c)(decoded.text),
                file,
                scriptFiles: {},
                convention: 'numbered'
            };
            (0,_lazy_js__WEBPACK_IMPORTED_MODULE_4__/* .defineLazy */ .gJ)(m, 'up', () => {
                const r = (0,_script_js__WEBPACK_IMPORTED_MODULE_5__/* .parseScriptSync */ .GG)({ file, fileText: text, offset: 0, text, role: 'prelude' });
                // An empty prelude does nothing, and is recorded as run.
                out.problems.push(...r.problems.filter((p) => p.code !== 'empty-migration'));
                return r.script;
            });
            out.preludes.push(m);
        });
    }
    return out;
}
/** The preludes history does not record as run, in order; and those whose file changed since they ran (they do not run again). */
function planPreludes(preludes, rows) {
    const recorded = new Map(rows.map((r) => [r.identity, r]));
    const toRun = [];
    const ran = [];
    const changed = [];
    for (const p of preludes) {
        const row = recorded.get(p.identity);
        if (!row)
            toRun.push({ migration: p, resumeFrom: 0 });
        else if (row.status === 'partial')
            toRun.push({ migration: p, resumeFrom: row.statementsDone ?? 0, resumed: true });
        else {
            ran.push(p);
            if (row.checksum !== p.checksum)
                changed.push(p);
        }
    }
    return { toRun, ran, changed };
}


/***/ }),

/***/ 7926:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  fw: () => (/* binding */ blankStatements),
  GG: () => (/* binding */ parseScriptSync),
  Bw: () => (/* binding */ releaseTreesWhenParsing)
});

// UNUSED EXPORTS: blank, parseScript

// EXTERNAL MODULE: ./src/source/classify.ts
var classify = __webpack_require__(4584);
// EXTERNAL MODULE: ./src/source/parser.ts + 1 modules
var parser = __webpack_require__(3686);
;// CONCATENATED MODULE: ./src/source/excerpt.ts
// The lines around a position in a file, with the line marked and a caret under
// the column: what a syntax error shows, as a failed statement shows its SQL.
// Pure text; the renderers escape it (a fenced block, a terminal).
/** Lines shown before and after the marked one. */
const CONTEXT_LINES = 2;
/** Longest line shown whole; a longer one is cut to a window around the column. */
const MAX_LINE = 160;
/**
 * `index` is a JS index into `fileText`, at 1-based `line` and code-point `col`:
 *
 *        2 |   id int,
 *        3 |   name text
 *     >  4 |   other int
 *          |   ^
 *        5 | );
 */
function excerptAt(fileText, index, line) {
    const starts = lineStarts(fileText, index, line);
    const lines = [];
    for (let n = Math.max(1, line - CONTEXT_LINES); n <= line + CONTEXT_LINES; n++) {
        const start = starts.get(n);
        if (start === undefined)
            break;
        lines.push({ n, text: lineAt(fileText, start) });
    }
    const width = String(lines[lines.length - 1]?.n ?? line).length;
    const out = [];
    for (const l of lines) {
        const mark = l.n === line ? '>' : ' ';
        if (l.n !== line) {
            out.push(`${mark} ${String(l.n).padStart(width)} | ${excerpt_window(l.text, 0).text}`.trimEnd());
            continue;
        }
        const at = index - (starts.get(line) ?? index);
        const w = excerpt_window(l.text, at);
        out.push(`${mark} ${String(l.n).padStart(width)} | ${w.text}`.trimEnd());
        // Tabs before the column stay tabs, so the caret lines up however the tab is shown.
        const pad = [...w.text.slice(0, w.at)].map((c) => (c === '\t' ? '\t' : ' ')).join('');
        out.push(`  ${' '.repeat(width)} | ${pad}^`);
    }
    return out.join('\n');
}
/** JS index of the start of each line from `line - CONTEXT_LINES` to `line + CONTEXT_LINES`. */
function lineStarts(text, index, line) {
    const starts = new Map();
    let start = lineStartBefore(text, index);
    starts.set(line, start);
    for (let n = line - 1; n >= line - CONTEXT_LINES && start > 0; n--) {
        // Back over the previous line's break (CRLF is one break).
        const brk = text[start - 1] === '\n' && text[start - 2] === '\r' ? 2 : 1;
        start = lineStartBefore(text, start - brk);
        starts.set(n, start);
    }
    let next = starts.get(line);
    for (let n = line + 1; n <= line + CONTEXT_LINES; n++) {
        const end = lineEnd(text, next);
        if (end >= text.length)
            break;
        next = end + (text[end] === '\r' && text[end + 1] === '\n' ? 2 : 1);
        if (next >= text.length)
            break;
        starts.set(n, next);
    }
    return starts;
}
/** Start of the line holding `index`: after the previous LF, CR or CRLF. */
function lineStartBefore(text, index) {
    let i = Math.min(index, text.length);
    while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r')
        i--;
    return i;
}
function lineEnd(text, start) {
    let i = start;
    while (i < text.length && text[i] !== '\n' && text[i] !== '\r')
        i++;
    return i;
}
function lineAt(text, start) {
    return text.slice(start, lineEnd(text, start));
}
/** A line cut to MAX_LINE characters around `at` (a JS index in it), with `…` where cut. */
function excerpt_window(text, at) {
    if (text.length <= MAX_LINE)
        return { text, at };
    const from = Math.max(0, Math.min(at - MAX_LINE / 2, text.length - MAX_LINE));
    const to = Math.min(text.length, from + MAX_LINE);
    const head = from > 0 ? '…' : '';
    return { text: `${head}${text.slice(from, to)}${to < text.length ? '…' : ''}`, at: at - from + head.length };
}

// EXTERNAL MODULE: ./src/source/positions.ts
var positions = __webpack_require__(2369);
;// CONCATENATED MODULE: ./src/source/script.ts
// One script (a file, or a section of one) -> statements with file positions, and
// how the executor must run it (DESIGN 3, 4). Every refusal is a SourceProblem
// found before any connection; nothing here throws for bad SQL.




async function parseScript(source, opts = {}) {
    await ensureParser();
    return parseScriptSync(source, opts);
}
const NO_SQL_HINT = 'nothing was sent to the database';
// File directives, on their own comment line between statements.
const DIRECTIVES = [
    { re: /^[ \t]*--[ \t]*pgshift:no-transaction\b/gim, what: () => 'directive -- pgshift:no-transaction' },
    { re: /^[ \t]*--[ \t]*\+goose[ \t]+no[ \t]+transaction\b/gim, what: () => 'directive -- +goose NO TRANSACTION' },
    {
        re: /^[ \t]*--[ \t]*migrate:(up|down|verify)\b[^\r\n]*?\btransaction:[ \t]*false\b/gim,
        what: (m) => `directive -- migrate:${m[1].toLowerCase()} transaction:false`
    }
];
/** Same as parseScript, once ensureParser() has resolved (discovery parses thousands of files). */
function parseScriptSync(source, opts = {}) {
    const { file, text } = source;
    const problems = [];
    const lines = (0,positions/* lineMapFor */.mh)(source.fileText);
    const at = (i) => lines.position(source.offset + i);
    const where = (i) => (0,positions/* formatPosition */.Ld)(file, at(i));
    const script = {
        source,
        statements: [],
        runMode: 'transaction',
        nonTransactionalReasons: [],
        hasTransactionBlocks: false,
        sendText: text
    };
    const nul = text.indexOf('\0');
    if (nul >= 0) {
        problems.push({ file, position: at(nul), code: 'nul-byte', message: `the text holds a NUL character at ${where(nul)}`, hint: 'remove it; SQL text cannot hold NUL' });
        return { script, problems };
    }
    // Each statement's tree is read here while it is fresh; when released (a big file, or
    // a big set: releaseTreesWhenParsing), the script keeps its statements' text and facts,
    // and `node` parses the statement again when a later step reads it (the lint, a safety
    // copy). At 10,000 pending files, or one 50 MB file, the trees held together were
    // most of the memory.
    const statements = [];
    const release = releaseEvery || text.length > BIG_SCRIPT_CHARS;
    let firstHasOptions = false;
    const parsed = (0,parser/* parseSql */.eg)(text, {
        ...opts.parse,
        visit: (raw) => {
            const s = toStatement(source, raw, statements.length, at);
            if (statements.length === 0)
                firstHasOptions = hasOptions(raw.node);
            if ((0,classify/* classify */.L8)(raw.kind, raw.node).copyFromStdin)
                problems.push(copyProblem(file, s));
            if (release)
                releaseTree(s, raw.startByte);
            statements.push(s);
        }
    });
    if (!parsed.ok) {
        problems.length = 0;
        problems.push(parseProblem(source, parsed.error, at, where, opts.parse));
        return { script, problems };
    }
    const spans = parsed.statements;
    script.statements = statements;
    if (statements.length === 0) {
        problems.push({ file, code: 'empty-migration', message: 'empty migration: the file has no SQL statements; delete it or add SQL' });
        return { script, problems };
    }
    const directiveReasons = findDirectives(text, spans, at);
    if (opts.forceNoTransaction) {
        const position = opts.forceNoTransactionPosition ?? at(0);
        const dup = directiveReasons.some((r) => r.what === opts.forceNoTransaction && r.position.line === position.line && r.position.col === position.col);
        if (!dup)
            directiveReasons.unshift({ what: opts.forceNoTransaction, position });
    }
    const statementReasons = statements
        .filter((s) => s.nonTransactional)
        .map((s) => ({ what: s.nonTransactional, position: s.position }));
    const first = statements[0];
    const last = statements[statements.length - 1];
    // goose and psql apply a file whose last statement is a COMMIT (or END) with no BEGIN:
    // psql only warns that no transaction is in progress. In a file that otherwise runs in
    // one transaction it is the end of an outer wrapper whose BEGIN is implicit, so it is
    // dropped like one: what comes before it commits with the history row. A COMMIT with
    // statements after it stays a problem (transactionBlocks).
    const trailingCommit = statements.length > 0 &&
        last.transactionControl === 'commit' &&
        statements.every((s) => s === last || !s.transactionControl) &&
        directiveReasons.length === 0 &&
        statementReasons.length === 0;
    if (trailingCommit) {
        last.strippedWrapper = true;
        script.sendText = blank(text, [sendSpan(spans[spans.length - 1])]);
        if (statements.length === 1) {
            problems.push({ file, code: 'empty-migration', message: 'empty migration: the file has no SQL statements before its COMMIT; delete it or add SQL' });
        }
        return { script, problems };
    }
    const { blocks, savepoints, problems: tcProblems } = transactionBlocks(file, statements);
    problems.push(...tcProblems);
    const isWrapper = tcProblems.length === 0 &&
        blocks.length === 1 &&
        blocks[0].begin === first &&
        blocks[0].end === last &&
        !firstHasOptions &&
        directiveReasons.length === 0 &&
        statementReasons.length === 0;
    const blockReasons = [];
    if (isWrapper) {
        // The seeds advise BEGIN; ... COMMIT; around a file. We already run the file in one
        // transaction, so we drop the pair, blanking it so positions still match the file.
        first.strippedWrapper = true;
        last.strippedWrapper = true;
        script.sendText = blank(text, [sendSpan(spans[0]), sendSpan(spans[spans.length - 1])]);
        if (statements.length === 2) {
            problems.push({ file, code: 'empty-migration', message: 'empty migration: the file has no SQL statements between its BEGIN and COMMIT; delete it or add SQL' });
        }
    }
    else {
        for (const b of blocks) {
            blockReasons.push({ what: `${(0,classify/* statementLabel */.OQ)(b.begin)} ... ${b.end ? (0,classify/* statementLabel */.OQ)(b.end) : 'COMMIT'} block`, position: b.begin.position });
        }
        script.hasTransactionBlocks = blocks.length > 0;
    }
    script.nonTransactionalReasons = [...directiveReasons, ...statementReasons, ...blockReasons];
    script.runMode = script.nonTransactionalReasons.length > 0 ? 'statements' : 'transaction';
    if (script.runMode === 'statements') {
        const why = script.nonTransactionalReasons[0].what;
        for (const s of savepoints.filter((sp) => !sp.inBlock).map((sp) => sp.statement)) {
            problems.push({
                file,
                position: s.position,
                code: 'stray-transaction-control',
                message: `${(0,classify/* statementLabel */.OQ)(s)} at ${(0,positions/* formatPosition */.Ld)(file, s.position)} needs an open transaction, but this file runs statement by statement in autocommit (${why}), so there is none`,
                hint: 'wrap it and the statements it protects in BEGIN ... COMMIT, or remove it'
            });
        }
    }
    return { script, problems };
}
function toStatement(source, raw, index, at) {
    let end = raw.end;
    while (end > raw.start && isSpace(source.text.charCodeAt(end - 1)))
        end--;
    const c = (0,classify/* classify */.L8)(raw.kind, raw.node);
    const s = {
        index,
        sql: source.text.slice(raw.start, end),
        offset: source.offset + raw.start,
        position: at(raw.start),
        kind: raw.kind,
        node: raw.node
    };
    if (c.nonTransactional)
        s.nonTransactional = c.nonTransactional;
    if (c.transactionControl)
        s.transactionControl = c.transactionControl;
    return s;
}
// Postgres whitespace: space, \t, \n, \v, \f, \r.
const isSpace = (c) => c === 32 || (c >= 9 && c <= 13);
const hasOptions = (node) => Array.isArray(node.options) && node.options.length > 0;
/** A script this long (a 50 MB seed file) never keeps its trees: they would be most of the memory. */
const BIG_SCRIPT_CHARS = 256 * 1024;
let releaseEvery = false;
/**
 * Whether the scripts parsed from now on release their statements' trees (the engine
 * decides, from the size of what may run: engine/parse-needed.ts). Kept trees cost
 * memory (about 10x the SQL's size); released ones cost a second parse of the
 * statements a later step reads (the lint: about as much CPU as the first parse).
 */
function releaseTreesWhenParsing(release) {
    releaseEvery = release;
}
/** Statements whose tree was parsed again most recently: a step reads `node` several times in a row. */
const reparsed = new Map();
const REPARSED_KEPT = 8;
/**
 * Drops the statement's parse tree: from now on `node` parses `sql` again when read
 * (parseStatementTree), with locations that count from the script text as before.
 * Setting `node` stores a plain value again.
 */
function releaseTree(s, startByte) {
    Object.defineProperty(s, 'node', {
        enumerable: true,
        configurable: true,
        get() {
            let node = reparsed.get(this);
            if (!node) {
                node = (0,parser/* parseStatementTree */.f1)(this.sql, startByte).node;
                if (reparsed.size >= REPARSED_KEPT)
                    reparsed.delete(reparsed.keys().next().value);
                reparsed.set(this, node);
            }
            return node;
        },
        set(value) {
            Object.defineProperty(this, 'node', { value, writable: true, enumerable: true, configurable: true });
        }
    });
}
/** A statement's span including its `;`. */
const sendSpan = (raw) => [raw.start, raw.terminated ? raw.end + 1 : raw.end];
/** Replaces the ranges by spaces, keeping line breaks, so every index stays put. */
function blank(text, ranges) {
    let out = '';
    let last = 0;
    for (const [a, b] of ranges) {
        out += text.slice(last, a) + text.slice(a, b).replace(/[^\r\n]/g, ' ');
        last = b;
    }
    return out + text.slice(last);
}
/** The script's send text with `statements` (and their semicolons) replaced by spaces. */
function blankStatements(script, statements) {
    const base = script.source.offset;
    const ranges = statements.map((s) => {
        const start = s.offset - base;
        let end = start + s.sql.length;
        while (end < script.sendText.length && /\s/.test(script.sendText[end]))
            end++;
        if (script.sendText[end] === ';')
            end++;
        return [start, end];
    });
    return blank(script.sendText, ranges);
}
/** Directives count only between statements (not inside a function body or a string). */
function findDirectives(text, spans, at) {
    const inside = (i) => {
        let lo = 0;
        let hi = spans.length - 1;
        let found = -1;
        while (lo <= hi) {
            const mid = (lo + hi) >> 1;
            if (spans[mid].start <= i) {
                found = mid;
                lo = mid + 1;
            }
            else
                hi = mid - 1;
        }
        return found >= 0 && i < spans[found].end;
    };
    const reasons = [];
    for (const d of DIRECTIVES) {
        for (const m of text.matchAll(d.re)) {
            const index = m.index + (m[0].length - m[0].trimStart().length);
            if (!inside(index))
                reasons.push({ what: d.what(m), position: at(index), index });
        }
    }
    return reasons.sort((a, b) => a.index - b.index).map(({ what, position }) => ({ what, position }));
}
/** DESIGN 4: find BEGIN ... COMMIT blocks; anything unbalanced or stray is a problem. */
function transactionBlocks(file, statements) {
    const problems = [];
    const blocks = [];
    const savepoints = [];
    const loc = (s) => (0,positions/* formatPosition */.Ld)(file, s.position);
    const escape = "A transaction command inside a file ends pgshift's own transaction: if a later statement fails, the statements before it stay applied, and a dry-run would write them for real";
    const problem = (s, message, hint, code = 'stray-transaction-control') => problems.push({ file, position: s.position, code, message, hint });
    let open;
    for (const s of statements) {
        if (!s.transactionControl && !(s.nonTransactional && open))
            continue;
        const label = (0,classify/* statementLabel */.OQ)(s);
        switch (s.transactionControl) {
            case 'begin':
                if (open) {
                    problem(s, `${label} at ${loc(s)} opens a transaction while the one begun at line ${open.begin.position.line} is still open; Postgres ignores it and the first COMMIT ends both`, 'remove the inner BEGIN, or end the first block with COMMIT before it');
                }
                else
                    open = { begin: s };
                break;
            case 'commit':
                if (open) {
                    open.end = s;
                    blocks.push(open);
                    open = undefined;
                }
                else {
                    problem(s, `${label} at ${loc(s)} has no matching BEGIN. ${escape}`, 'remove it: pgshift already runs each file in one transaction. If the file needs several transactions, put each part in its own BEGIN ... COMMIT block; pgshift then runs the file statement by statement');
                }
                break;
            case 'rollback':
                problem(s, `${label} at ${loc(s)} would undo the migration's own work and end pgshift's transaction; the statements after it would run outside any transaction. ${escape}`, 'remove it: when a statement fails, pgshift rolls the whole file back. Undo steps belong in a down file (X.down.sql)');
                open = undefined;
                break;
            case 'other':
                problem(s, `${label} at ${loc(s)} cannot run inside pgshift's transaction. ${escape}`, 'remove it; run two-phase commit and chained transactions outside migrations');
                break;
            case 'savepoint':
                savepoints.push({ statement: s, inBlock: !!open });
                break;
        }
        if (s.nonTransactional && open) {
            problem(s, `${label} at ${loc(s)} cannot run inside a transaction block, but the file opens one with ${(0,classify/* statementLabel */.OQ)(open.begin)} at line ${open.begin.position.line}; Postgres would refuse it`, 'move it out of the BEGIN ... COMMIT block (or drop the BEGIN/COMMIT wrapper): pgshift then runs this file statement by statement, outside a transaction', 'non-transactional-in-block');
        }
    }
    if (open) {
        problem(open.begin, `${(0,classify/* statementLabel */.OQ)(open.begin)} at ${loc(open.begin)} has no matching COMMIT or END: the rest of the file would run in a transaction nobody commits`, 'add COMMIT; at the end of the block, or remove the BEGIN: pgshift already runs each file in one transaction');
    }
    return { blocks, savepoints, problems };
}
function copyProblem(file, s) {
    return {
        file,
        position: s.position,
        code: 'copy-from-stdin',
        message: `COPY ... FROM STDIN at ${(0,positions/* formatPosition */.Ld)(file, s.position)} reads its rows from the client, as psql sends them after the statement; pgshift runs plain SQL and has no rows to send`,
        hint: 'turn the rows into INSERT ... VALUES statements (or COPY from a file on the server), or load the data with psql outside the migration'
    };
}
// psql meta-commands that follow a query on the same line.
const TRAILING_META = new Set(['g', 'gx', 'gexec', 'gset', 'gdesc', 'watch', 'crosstabview', 'bind', 'bind_named']);
function metaAdvice(cmd) {
    if (['i', 'ir', 'include', 'include_relative'].includes(cmd)) {
        return 'Inline the included file as its own migration (it then runs in order, with its own history row), or paste its SQL here';
    }
    if (['set', 'unset'].includes(cmd))
        return 'Replace each :variable with its value';
    if (['c', 'connect'].includes(cmd))
        return 'A migration runs against the one database pgshift connects to; migrate another database in its own pgshift step';
    if (['gexec', 'gset', 'g', 'gx'].includes(cmd))
        return 'Run the generated statements from a DO block with EXECUTE instead';
    if (['if', 'elif', 'else', 'endif'].includes(cmd))
        return 'Use a DO block with IF ... END IF instead';
    if (['restrict', 'unrestrict'].includes(cmd))
        return 'pg_dump writes this line for psql; delete it';
    return 'Delete the line, or do the same in SQL';
}
function parseProblem(source, error, at, where, parseOpts) {
    const { file, text } = source;
    if (error.kind === 'too-large') {
        return { file, position: at(error.index), code: 'statement-too-large', message: error.message, hint: 'split the statement (e.g. one big INSERT into several), or load the data outside the migration' };
    }
    if (error.kind === 'internal') {
        return { file, position: at(error.index), code: 'parser-failure', message: error.message, hint: 'report this file to pgshift; ' + NO_SQL_HINT };
    }
    const i = error.index;
    const lineStart = Math.max(text.lastIndexOf('\n', i - 1), text.lastIndexOf('\r', i - 1)) + 1;
    // COPY ... FROM STDIN followed by its data: the data is the "syntax error".
    if (lineStart > 0) {
        const before = (0,parser/* parseSql */.eg)(text.slice(0, lineStart), parseOpts);
        const lastStmt = before.ok ? before.statements[before.statements.length - 1] : undefined;
        if (lastStmt && (0,classify/* classify */.L8)(lastStmt.kind, lastStmt.node).copyFromStdin) {
            const s = toStatement(source, lastStmt, 0, at);
            return copyProblem(file, s);
        }
    }
    // The parser skips backslashes in strings, dollar quotes and comments, so a bare
    // one here is a psql meta-command.
    if (text[i] === '\\') {
        const cmd = /^\\([A-Za-z_]+|[^\sA-Za-z])/.exec(text.slice(i, i + 40))?.[1] ?? '';
        const atLineStart = /^[ \t]*$/.test(text.slice(lineStart, i));
        if (atLineStart || TRAILING_META.has(cmd)) {
            return {
                file,
                position: at(i),
                code: 'psql-meta-command',
                message: `psql meta-command \\${cmd} at ${where(i)} is not SQL; pgshift runs plain SQL files. ${metaAdvice(cmd)}`,
                hint: `remove the \\${cmd} line; ${NO_SQL_HINT}`
            };
        }
    }
    const position = at(i);
    return {
        file,
        position,
        code: 'syntax-error',
        message: error.message,
        hint: `fix the SQL at that position; ${NO_SQL_HINT}`,
        ...(source.role ? { script: source.role } : {}),
        excerpt: excerptAt(source.fileText, source.offset + i, position.line)
    };
}


/***/ }),

/***/ 2:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $X: () => (/* binding */ checkExtensions),
/* harmony export */   Fn: () => (/* binding */ missingExtensionInError),
/* harmony export */   Fu: () => (/* binding */ createdExtensions),
/* harmony export */   Vn: () => (/* binding */ STUBBED_EXTENSIONS),
/* harmony export */   gx: () => (/* binding */ missingExtensionsMessage),
/* harmony export */   je: () => (/* binding */ extensionOf),
/* harmony export */   kb: () => (/* binding */ stubExtensionStatements),
/* harmony export */   sM: () => (/* binding */ availableExtensions)
/* harmony export */ });
/* harmony import */ var _source_positions_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2369);
/* harmony import */ var _source_script_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7926);


/** Extensions the shim can stand in for, and what the stand-in provides. */
const STUBBED_EXTENSIONS = {
    pg_net: 'schema net: http_get/http_post/http_delete record the request in net.http_request_queue and send nothing',
    pg_cron: 'schema cron: cron.job, cron.job_run_details, schedule/unschedule/alter_job record jobs that never run',
    supabase_vault: 'schema vault: vault.secrets, vault.decrypted_secrets, create_secret/update_secret (stored in plain text)',
    // Not an extension name, but what people write for supabase_vault.
    vault: 'schema vault (as supabase_vault)',
    // Enabled by every `supabase db dump` header; migrations rarely call them.
    pgsodium: 'accepted as a no-op: its schema only, no functions',
    pg_graphql: 'accepted as a no-op: schemas graphql and graphql_public only, no resolver',
    pgjwt: 'accepted as a no-op: no sign()/verify() functions'
};
/** Where the extension can be found, for the error's fix. */
const WHERE = {
    vector: 'pgvector/pgvector:pg17 or supabase/postgres',
    postgis: 'postgis/postgis or supabase/postgres',
    timescaledb: 'timescale/timescaledb or supabase/postgres'
};
/** Every CREATE EXTENSION in these scripts, in order. */
function createdExtensions(scripts) {
    const out = [];
    for (const script of scripts) {
        for (const s of script.statements) {
            if (s.kind !== 'CreateExtensionStmt' || typeof s.node.extname !== 'string')
                continue;
            const schemaOpt = s.node.options?.find((o) => o.DefElem?.defname === 'schema');
            out.push({
                name: s.node.extname,
                file: script.source.file,
                position: s.position,
                ifNotExists: s.node.if_not_exists === true,
                schema: schemaOpt?.DefElem?.arg?.String?.sval
            });
        }
    }
    return out;
}
const EXTENSION_KINDS = new Set(['CreateExtensionStmt', 'AlterExtensionStmt', 'AlterExtensionContentsStmt', 'DropStmt', 'CommentStmt']);
/** The extension a statement creates, alters, drops or comments on (undefined for any other statement). */
function extensionOf(s) {
    // The tree is read only for the kinds that can name an extension (a released tree is parsed again: see source/script.ts).
    if (!EXTENSION_KINDS.has(s.kind))
        return [];
    const n = s.node;
    if ((s.kind === 'CreateExtensionStmt' || s.kind === 'AlterExtensionStmt' || s.kind === 'AlterExtensionContentsStmt') && typeof n.extname === 'string')
        return [n.extname];
    if (s.kind === 'DropStmt' && n.removeType === 'OBJECT_EXTENSION') {
        return (n.objects ?? []).map((o) => o.String?.sval).filter((x) => typeof x === 'string');
    }
    if (s.kind === 'CommentStmt' && n.objtype === 'OBJECT_EXTENSION') {
        const v = n.object?.String?.sval;
        return v ? [v] : [];
    }
    return [];
}
/** Names the server can install (pg_available_extensions: control files on the server). */
async function availableExtensions(client) {
    const { rows } = await client.query('SELECT name FROM pg_catalog.pg_available_extensions');
    return new Set(rows.map((r) => r.name));
}
function checkExtensions(uses, available, mode) {
    const lacking = uses.filter((u) => !available.has(u.name));
    const stubbable = (u) => mode === 'stub' && u.name in STUBBED_EXTENSIONS;
    return { stubbed: lacking.filter(stubbable), missing: lacking.filter((u) => !stubbable(u)) };
}
/** The refusal for extensions the server lacks: each named with its file:line, then the fix. */
function missingExtensionsMessage(missing, mode, serverVersion) {
    const names = [...new Set(missing.map((m) => m.name))];
    // Each extension once, with every place that creates it (a set may create one in two files).
    const where = names.map((n) => `${n} (${missing.filter((m) => m.name === n).map((m) => (0,_source_positions_js__WEBPACK_IMPORTED_MODULE_1__/* .formatPosition */ .Ld)(m.file, m.position)).join(', ')})`).join(', ');
    const major = /^(\d+)/.exec(serverVersion)?.[1] ?? '17';
    const images = names.map((n) => `${n}: ${WHERE[n] ?? 'supabase/postgres'}`).join('; ');
    const canStub = names.filter((n) => n in STUBBED_EXTENSIONS);
    const cannot = names.filter((n) => !(n in STUBBED_EXTENSIONS));
    const fixes = [`run the check on a Postgres image that has ${names.length === 1 ? 'it' : 'them'} (${images}; e.g. the service image supabase/postgres:${major}.x, the same major version as now)`];
    if (canStub.length && mode !== 'stub') {
        fixes.push(`or, for ${canStub.join(', ')}, set supabase-shim: true and supabase-shim-extensions: stub to load callable stand-ins`);
    }
    if (cannot.length && mode === 'stub')
        fixes.push(`${cannot.join(', ')} ${cannot.length === 1 ? 'is a real dependency' : 'are real dependencies'}: pgshift does not fake ${cannot.length === 1 ? 'it' : 'them'}`);
    return {
        message: `The server lacks ${names.length === 1 ? 'the extension' : 'extensions'} ${names.join(', ')}, which the pending migrations create: ${where}.`,
        next: `Nothing was changed. To check these migrations, ${fixes.join('; ')}.`
    };
}
/**
 * Marks every statement about a stubbed extension (CREATE, ALTER, DROP, COMMENT ON
 * EXTENSION) in the ups and downs as stubbed, and blanks it out of the sent text.
 */
function stubExtensionStatements(migrations, names) {
    let n = 0;
    for (const m of migrations) {
        for (const script of [m.up, m.down].filter((x) => x !== undefined)) {
            const hit = script.statements.filter((s) => !s.strippedWrapper && extensionOf(s).some((e) => names.has(e)));
            if (!hit.length)
                continue;
            for (const s of hit)
                s.stubbed = extensionOf(s).find((e) => names.has(e));
            script.sendText = (0,_source_script_js__WEBPACK_IMPORTED_MODULE_0__/* .blankStatements */ .fw)(script, hit);
            n += hit.length;
        }
    }
    return n;
}
/** The server error for an extension it lacks (0A000 since PG 15, 58P01 before). */
function missingExtensionInError(message) {
    return /extension "([^"]+)" is not available/.exec(message)?.[1] ?? /could not open extension control file "[^"]*\/([^/"]+)\.control"/.exec(message)?.[1];
}


/***/ }),

/***/ 311:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   x: () => (/* binding */ VERSION)
/* harmony export */ });
// Kept in step with package.json by __tests__/unit/version.test.ts.
const VERSION = '1.0.0';


/***/ })

};
