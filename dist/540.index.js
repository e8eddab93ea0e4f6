export const id = 540;
export const ids = [540];
export const modules = {

/***/ 540:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   BackupError: () => (/* binding */ BackupError),
/* harmony export */   findPgDump: () => (/* binding */ findPgDump),
/* harmony export */   runPgDump: () => (/* binding */ runPgDump)
/* harmony export */ });
/* unused harmony exports pgDumpCandidates, parsePgDumpVersion, installAdvice, libpqEnv */
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7975);
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_util__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var _report_redact_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(649);
// Finds a pg_dump that can dump the server, and runs it. pg_dump refuses a
// server newer than itself, so the search picks the oldest installed pg_dump
// whose major version is at least the server's (its archives restore with the
// most pg_restore versions). GitHub-hosted Ubuntu runners and Debian keep one
// client per major under /usr/lib/postgresql/<major>/bin; PATH usually holds one.
//
// The password reaches pg_dump through PGPASSWORD in its environment, never its
// arguments (which `ps` shows), and its stderr goes through redact().





const run = (0,node_util__WEBPACK_IMPORTED_MODULE_3__.promisify)(node_child_process__WEBPACK_IMPORTED_MODULE_0__.execFile);
/** pg_dump (and pg_restore) failures, with the next step. */
class BackupError extends Error {
    next;
    constructor(message, next) {
        super((0,_report_redact_js__WEBPACK_IMPORTED_MODULE_4__/* .redact */ .E$)(message));
        this.next = next;
        this.name = 'BackupError';
    }
}
/**
 * Where to look: PGSHIFT_PG_DUMP (one exact binary), else PATH, then /usr/lib/postgresql/<major>/bin.
 * One path per binary: on Debian and Ubuntu /bin is a link to /usr/bin, and both
 * hold a link to the same pg_wrapper, so PATH names it twice (issue 19 item 8).
 */
function pgDumpCandidates(env = process.env) {
    if (env.PGSHIFT_PG_DUMP)
        return [env.PGSHIFT_PG_DUMP];
    const found = [];
    for (const dir of (env.PATH ?? '').split(node_path__WEBPACK_IMPORTED_MODULE_2__.delimiter).filter(Boolean)) {
        const p = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(dir, 'pg_dump');
        if ((0,node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync)(p))
            found.push(p);
    }
    const root = '/usr/lib/postgresql';
    if ((0,node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync)(root)) {
        for (const v of (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readdirSync)(root)) {
            const p = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(root, v, 'bin', 'pg_dump');
            if ((0,node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync)(p))
                found.push(p);
        }
    }
    const seen = new Set();
    return found.filter((p) => {
        const real = realOrSelf(p);
        if (seen.has(real))
            return false;
        seen.add(real);
        return true;
    });
}
function realOrSelf(path) {
    try {
        return (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.realpathSync)(path);
    }
    catch {
        return path;
    }
}
/** `pg_dump (PostgreSQL) 15.18 (Debian ...)` -> 15.18 / 15. */
function parsePgDumpVersion(out) {
    const m = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(out);
    return m ? { version: m[2] ? `${m[1]}.${m[2]}` : m[1], major: Number(m[1]) } : undefined;
}
function installAdvice(major) {
    return (`Install pg_dump ${major} or newer on the runner: on Ubuntu or Debian, \`sudo apt-get install -y postgresql-client-${major}\` ` +
        `(add the PGDG repository, apt.postgresql.org, when the distribution lacks it); on macOS, \`brew install postgresql@${major}\`. ` +
        `Or name the binary with PGSHIFT_PG_DUMP, or set backup: off.`);
}
/** The oldest pg_dump whose major is at least the server's; a BackupError naming the version needed otherwise. */
async function findPgDump(serverMajor, env = process.env) {
    const binaries = [];
    for (const path of pgDumpCandidates(env)) {
        try {
            const { stdout } = await run(path, ['--version'], { timeout: 10_000 });
            const v = parsePgDumpVersion(stdout);
            // The same version by another path is the same client (Debian's pg_wrapper in /usr/bin
            // runs /usr/lib/postgresql/<major>/bin/pg_dump): the first found stands for it.
            if (v && !binaries.some((b) => b.version === v.version))
                binaries.push({ path, ...v });
        }
        catch {
            // not runnable: not a candidate
        }
    }
    const usable = binaries.filter((b) => b.major >= serverMajor).sort((a, b) => a.major - b.major);
    if (usable[0])
        return usable[0];
    const seen = binaries.length ? `found only ${binaries.map((b) => `pg_dump ${b.version} (${b.path})`).join(', ')}` : 'found no pg_dump on PATH or in /usr/lib/postgresql/*/bin';
    throw new BackupError(`The backup needs pg_dump ${serverMajor} or newer, because the server runs PostgreSQL ${serverMajor} and pg_dump refuses a newer server; ${seen}.`, `Nothing was changed. ${installAdvice(serverMajor)}`);
}
/** The libpq environment for `target`, with no PG* variable inherited from the runner. */
function libpqEnv(target, env = process.env) {
    const out = {};
    for (const [k, v] of Object.entries(env))
        if (!k.startsWith('PG'))
            out[k] = v;
    const set = (k, v) => {
        if (v !== undefined && v !== '')
            out[k] = String(v);
    };
    set('PGHOST', target.host);
    set('PGPORT', target.port);
    set('PGDATABASE', target.database);
    set('PGUSER', target.user);
    set('PGPASSWORD', target.password);
    set('PGSSLMODE', target.sslmode);
    set('PGSSLROOTCERT', target.sslrootcert);
    set('PGSSLCERT', target.sslcert);
    set('PGSSLKEY', target.sslkey);
    set('PGOPTIONS', target.options.options);
    set('PGAPPNAME', 'pgshift-backup');
    set('PGCONNECT_TIMEOUT', target.attemptTimeoutMs ? Math.ceil(target.attemptTimeoutMs / 1000) : 10);
    // A passfile or service file must not supply anything the URL did not say.
    out.PGPASSFILE = '/dev/null';
    return out;
}
/** Runs pg_dump into `file`: plain SQL for schema, custom format for full. */
async function runPgDump(o) {
    const args = [
        '--no-password',
        `--file=${o.file}`,
        `--lock-wait-timeout=${Math.max(1, o.lockWaitMs)}`,
        ...(o.level === 'schema' ? ['--schema-only', '--format=plain'] : ['--format=custom'])
    ];
    await new Promise((resolve, reject) => {
        const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(o.binary.path, args, { env: libpqEnv(o.target, o.env), stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d) => {
            if (stderr.length < 8000)
                stderr += d.toString('utf8');
        });
        child.on('error', (e) => reject(new BackupError(`cannot run ${o.binary.path}: ${e.message}`, 'Nothing was changed. Check the pg_dump installation, or set backup: off.')));
        child.on('close', (code, signal) => {
            if (code === 0)
                return resolve();
            const why = stderr.trim() || (signal ? `killed by ${signal}` : `exit code ${code}`);
            reject(new BackupError(`pg_dump ${o.binary.version} failed: ${why}`, 'Nothing was changed: the backup runs before the first migration. Fix the cause above and rerun, or set backup-required: false to deploy without a backup.'));
        });
    });
}


/***/ })

};
