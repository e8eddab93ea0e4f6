export const id = 256;
export const ids = [256];
export const modules = {

/***/ 2334:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $f: () => (/* binding */ githubClient),
/* harmony export */   W: () => (/* binding */ answeredStatus)
/* harmony export */ });
/* unused harmony exports API_TIMEOUT_MS, API_ATTEMPTS, API_BUDGET_MS */
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2413);
// The one way src/action/ talks to the GitHub API: the real octokit from
// @actions/github (GITHUB_API_URL honoured) with bounded waits (issue 19 item 6).
// - every request (each page of a list too) is given up after 10 s;
// - a request that got no answer, or a 5xx, is retried once; a POST only when the
//   connection was refused (a POST that timed out may have been created: a retry
//   would post a second comment);
// - a whole exchange (one client: the sticky comment, the PR files list) is given
//   up after 60 s, however many pages it has.
// So the step's time after the migrations is bounded: a stalled API costs at most
// 2 x 10 s per call and 60 s in all, and ends in a notice, never a hang.

/** Per request, per attempt. */
const API_TIMEOUT_MS = 10_000;
/** Attempts per request: one retry at most. */
const API_ATTEMPTS = 2;
/** A whole exchange (all its requests and retries). */
const API_BUDGET_MS = 60_000;
const CONNECTION_REFUSED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
/** The HTTP status GitHub answered with; undefined when no answer came (octokit reports a failed fetch as a 500 without a response). */
function answeredStatus(e) {
    const err = e;
    return typeof err?.status === 'number' && err.response !== undefined ? err.status : undefined;
}
function causeCode(e) {
    let c = e;
    for (let i = 0; i < 4 && c; i++) {
        const code = c.code;
        if (typeof code === 'string')
            return code;
        c = c.cause;
    }
    return undefined;
}
function retryable(e, method) {
    const status = answeredStatus(e);
    if (status !== undefined)
        return status >= 500 && method !== 'POST';
    if (method !== 'POST')
        return true;
    const code = causeCode(e);
    return code !== undefined && CONNECTION_REFUSED.has(code);
}
/** An octokit whose every request has the bounded waits above. */
function githubClient(token, limits = {}) {
    const timeoutMs = limits.timeoutMs ?? API_TIMEOUT_MS;
    const budget = AbortSignal.timeout(limits.budgetMs ?? API_BUDGET_MS);
    const octokit = (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(token);
    octokit.hook.wrap('request', async (request, options) => {
        const opts = options;
        const method = String(opts.method ?? 'GET').toUpperCase();
        for (let attempt = 1;; attempt++) {
            const perTry = AbortSignal.timeout(timeoutMs);
            const signal = AbortSignal.any([perTry, budget]);
            // In place: before-after-hook hands the inner hooks (octokit's auth) the options
            // object it gave us, not the one we would pass on.
            opts.request = { ...opts.request, signal };
            try {
                return await request(options);
            }
            catch (e) {
                const stalled = answeredStatus(e) === undefined && (perTry.aborted || budget.aborted);
                const again = attempt < API_ATTEMPTS && !budget.aborted && retryable(e, method);
                if (again)
                    continue;
                if (!stalled)
                    throw e;
                const why = budget.aborted
                    ? `no answer within the ${Math.round((limits.budgetMs ?? API_BUDGET_MS) / 1000)} s given to all GitHub calls`
                    : `no answer within ${Math.round(timeoutMs / 1000)} s, ${attempt} attempt${attempt === 1 ? '' : 's'}`;
                throw Object.assign(new Error(why), { cause: e, status: undefined });
            }
        }
    });
    return octokit;
}


/***/ }),

/***/ 2256:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   listPullRequestFiles: () => (/* binding */ listPullRequestFiles)
/* harmony export */ });
/* harmony import */ var _github_api_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2334);
// The PR files API, the PR check's fallback when git cannot provide the base
// commit (issue 15): GET /repos/{owner}/{repo}/pulls/{n}/files, every page (up to
// 3,000 files, GitHub's limit), with the real octokit (GITHUB_API_URL honoured)
// and bounded waits (github-api.ts: 10 s per page, one retry, 60 s in all).
// The engine gets the list as data; it never talks to GitHub.

const STATUSES = new Set(['added', 'removed', 'modified', 'renamed', 'copied', 'changed', 'unchanged']);
async function listPullRequestFiles(token, repository, pullNumber) {
    const [owner, repo] = repository.split('/');
    if (!owner || !repo)
        throw new Error(`not a repository name: ${repository}`);
    if (!token)
        throw new Error('github-token is empty');
    const octokit = (0,_github_api_js__WEBPACK_IMPORTED_MODULE_0__/* .githubClient */ .$f)(token);
    try {
        const files = await octokit.paginate(octokit.rest.pulls.listFiles, { owner, repo, pull_number: pullNumber, per_page: 100 });
        return files.map((f) => ({
            path: f.filename,
            status: (STATUSES.has(f.status) ? f.status : 'modified'),
            ...(f.previous_filename ? { previousPath: f.previous_filename } : {}),
            additions: f.additions,
            deletions: f.deletions
        }));
    }
    catch (e) {
        const status = (0,_github_api_js__WEBPACK_IMPORTED_MODULE_0__/* .answeredStatus */ .W)(e);
        throw new Error(`GitHub answered ${status ?? 'nothing'} (${String(e.message).split('\n')[0]})`);
    }
}


/***/ })

};
