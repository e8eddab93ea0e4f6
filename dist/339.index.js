export const id = 339;
export const ids = [339];
export const modules = {

/***/ 2339:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GitBaseError: () => (/* binding */ GitBaseError),
/* harmony export */   readGitBase: () => (/* binding */ readGitBase)
/* harmony export */ });
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_3__);
// The PR check's base (issue 15): the migrations directory as it is in the base
// commit, read from git objects (git ls-tree, git cat-file), never by checking
// another tree out over the user's workspace. The files are copied into a
// temporary directory that mirrors the repository, so discovery reads the base
// exactly as it reads the workspace.
//
// A shallow checkout (actions/checkout's default, depth 1) lacks the base commit:
// it is fetched alone (`git fetch --depth=1 origin <sha>`, which the checkout's
// persisted credentials allow). Every git call gets its arguments as an argv
// array (no shell), and the ref is validated by the settings schema.




/** Why the base could not be read from git, with each command that was tried. */
class GitBaseError extends Error {
    tried;
    constructor(message, tried) {
        super(message);
        this.tried = tried;
        this.name = 'GitBaseError';
    }
}
const GIT_ENV = { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
function git(cwd, args, timeoutMs = 60_000) {
    return new Promise((done) => {
        (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.execFile)('git', args, { cwd, env: GIT_ENV, maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs }, (err, stdout, stderr) => {
            done({ ok: !err, stdout: String(stdout), stderr: String(stderr || (err && !('code' in err && typeof err.code === 'number') ? err.message : '')).trim() });
        });
    });
}
const isSha = (ref) => /^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(ref);
/** Resolves `ref` to a commit, fetching it from origin when the clone lacks it (a shallow checkout). */
async function resolveCommit(top, ref, tried) {
    const verify = async (r) => {
        const out = await git(top, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${r}^{commit}`]);
        return out.ok ? out.stdout.trim() : undefined;
    };
    const local = await verify(ref);
    if (local)
        return { sha: local, fetched: false };
    tried.push(`git rev-parse ${ref}: not in this clone`);
    // Only origin, only this one commit (or branch tip), no tags: the least a shallow clone needs.
    const fetch = await git(top, ['fetch', '--no-tags', '--depth=1', 'origin', '--end-of-options', ref], 120_000);
    tried.push(`git fetch --depth=1 origin ${ref}: ${fetch.ok ? 'ok' : fetch.stderr.split('\n').pop() || 'failed'}`);
    if (fetch.ok) {
        const sha = (await verify(isSha(ref) ? ref : 'FETCH_HEAD')) ?? undefined;
        if (sha)
            return { sha, fetched: true };
    }
    throw new GitBaseError(`the base commit ${ref} is not in this clone and could not be fetched from origin`, tried);
}
/** `git ls-tree -r -z` of the base under `prefix` (repository-relative, `/`). */
async function listTree(top, sha, prefix) {
    const out = await git(top, ['ls-tree', '-r', '-z', '--full-tree', sha, '--', prefix === '' ? '.' : prefix]);
    if (!out.ok)
        throw new GitBaseError(`git ls-tree ${sha} failed: ${out.stderr}`, []);
    return out.stdout
        .split('\0')
        .filter(Boolean)
        .map((line) => {
        const tab = line.indexOf('\t');
        const [mode, , oid] = line.slice(0, tab).split(' ');
        return { mode, oid, path: line.slice(tab + 1) };
    });
}
/** Reads blobs with one `git cat-file --batch` process (one process for 1,000 files, not 1,000). */
function readBlobs(top, oids) {
    return new Promise((done, fail) => {
        const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)('git', ['cat-file', '--batch'], { cwd: top, env: GIT_ENV, stdio: ['pipe', 'pipe', 'pipe'] });
        const chunks = [];
        let stderr = '';
        child.stdout.on('data', (c) => chunks.push(c));
        child.stderr.on('data', (c) => (stderr += String(c)));
        child.on('error', fail);
        child.on('close', (code) => {
            if (code !== 0)
                return fail(new GitBaseError(`git cat-file --batch failed: ${stderr.trim()}`, []));
            const all = Buffer.concat(chunks);
            const blobs = new Map();
            let at = 0;
            while (at < all.length) {
                const nl = all.indexOf(0x0a, at);
                const [oid, type, size] = all.subarray(at, nl).toString('latin1').split(' ');
                if (type === 'missing' || size === undefined)
                    return fail(new GitBaseError(`git object ${oid} is missing from the clone`, []));
                const n = Number(size);
                blobs.set(oid, all.subarray(nl + 1, nl + 1 + n));
                at = nl + 1 + n + 1;
            }
            done(blobs);
        });
        child.stdin.end(oids.map((o) => `${o}\n`).join(''));
    });
}
/** `git diff --numstat` of the base against the working tree, under `prefix`. */
async function numstat(top, sha, prefix, workspaceRel) {
    const out = await git(top, ['diff', '--no-renames', '--numstat', '-z', sha, '--', prefix === '' ? '.' : prefix]);
    const stats = new Map();
    if (!out.ok)
        return stats;
    for (const rec of out.stdout.split('\0').filter(Boolean)) {
        const [a, r, path] = rec.split('\t');
        if (path === undefined)
            continue;
        const rel = workspaceRel === '' ? path : path.startsWith(`${workspaceRel}/`) ? path.slice(workspaceRel.length + 1) : undefined;
        if (rel !== undefined)
            stats.set(rel, { added: Number(a) || 0, removed: Number(r) || 0 });
    }
    return stats;
}
const toPosix = (p) => p.split(node_path__WEBPACK_IMPORTED_MODULE_3__.sep).join('/');
/**
 * The base's copy of the migrations directory `dir` (relative to `workspace`), in a
 * temporary tree. Throws GitBaseError (with what was tried) when git cannot provide it.
 */
async function readGitBase(opts) {
    const tried = [];
    const workspace = (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.realpathSync)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.resolve)(opts.workspace));
    const topOut = await git(workspace, ['rev-parse', '--show-toplevel']);
    if (!topOut.ok)
        throw new GitBaseError(`${workspace} is not a git checkout`, [`git rev-parse --show-toplevel: ${topOut.stderr || 'failed'}`]);
    const top = (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.realpathSync)(topOut.stdout.trim());
    const { sha, fetched } = await resolveCommit(top, opts.ref, tried);
    const workspaceRel = toPosix((0,node_path__WEBPACK_IMPORTED_MODULE_3__.relative)(top, workspace));
    const prefix = toPosix((0,node_path__WEBPACK_IMPORTED_MODULE_3__.relative)(top, (0,node_path__WEBPACK_IMPORTED_MODULE_3__.resolve)(workspace, opts.dir)));
    if (prefix.startsWith('..'))
        throw new GitBaseError(`the migrations directory ${opts.dir} is outside the git checkout ${top}`, tried);
    const entries = (await listTree(top, sha, prefix)).filter((e) => e.mode !== '160000' && e.mode !== '040000');
    const blobs = await readBlobs(top, [...new Set(entries.map((e) => e.oid))]);
    const root = (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.mkdtempSync)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)((0,node_os__WEBPACK_IMPORTED_MODULE_2__.tmpdir)(), 'pgshift-base-'));
    try {
        // The directory exists even when the base has none (a PR that adds the first migrations).
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.mkdirSync)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(root, prefix), { recursive: true });
        for (const e of entries) {
            const target = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(root, e.path);
            (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.mkdirSync)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.dirname)(target), { recursive: true });
            const blob = blobs.get(e.oid);
            if (e.mode === '120000')
                (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.symlinkSync)(blob.toString('utf8'), target);
            else
                (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.writeFileSync)(target, blob);
        }
    }
    catch (e) {
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.rmSync)(root, { recursive: true, force: true });
        throw e;
    }
    return {
        sha,
        fetched,
        workspace: (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(root, workspaceRel),
        numstat: await numstat(top, sha, prefix, workspaceRel),
        cleanup: () => (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.rmSync)(root, { recursive: true, force: true })
    };
}


/***/ })

};
