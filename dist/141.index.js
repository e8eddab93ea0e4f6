export const id = 141;
export const ids = [141,151];
export const modules = {

/***/ 1151:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   bD: () => (/* binding */ messageOf),
/* harmony export */   c2: () => (/* binding */ statusOf),
/* harmony export */   upsertStickyComment: () => (/* binding */ upsertStickyComment)
/* harmony export */ });
/* unused harmony export PERMISSION_ADVICE */
/* harmony import */ var _report_redact_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(649);
/* harmony import */ var _github_api_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2334);
/* harmony import */ var _comment_body_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7576);
// The sticky PR comment: one per PR and comment key, created by the first run
// and updated in place by every later run. Never fails the step: any API failure
// (a token that may not write, a stalled or failing API) is a notice.
//
// API calls per run (github-api.ts: 10 s per request, one retry, 60 s in all):
// 1. GET  /user                                 only for a non-`ghs_` token (a PAT), to learn whose comments are ours
// 2. GET  /repos/{owner}/{repo}/issues/{n}/comments?per_page=100   once per page (Link: rel="next")
// 3. PATCH /repos/{owner}/{repo}/issues/comments/{id}   when our comment exists, else
//    POST  /repos/{owner}/{repo}/issues/{n}/comments



const PERMISSION_ADVICE = 'The token may not write PR comments: give the job `permissions: pull-requests: write` (and `contents: read`), or pass a token that has it as github-token. Repositories created since February 2023 default to a read-only GITHUB_TOKEN.';
/** The HTTP status GitHub answered with (github-api.ts); kept under this name for the fleet's commit comment. */
const statusOf = _github_api_js__WEBPACK_IMPORTED_MODULE_1__/* .answeredStatus */ .W;
function messageOf(e) {
    const m = e?.message;
    return (0,_report_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(typeof m === 'string' ? m.split('\n')[0] ?? '' : String(e)).slice(0, 300);
}
/** Creates or updates the comment holding `body` (which starts with the marker for `key`). */
async function upsertStickyComment(opts) {
    const { token, target, body, log } = opts;
    const [owner, repo] = target.repository.split('/');
    if (!owner || !repo)
        return { result: 'failed', message: `not a repository name: ${target.repository}` };
    const marker = (0,_comment_body_js__WEBPACK_IMPORTED_MODULE_2__/* .commentMarker */ .Ql)((0,_report_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(opts.key));
    const octokit = (0,_github_api_js__WEBPACK_IMPORTED_MODULE_1__/* .githubClient */ .$f)(token);
    let step = 'reading the token\'s identity';
    try {
        let identity;
        const known = (0,_comment_body_js__WEBPACK_IMPORTED_MODULE_2__/* .identityFromToken */ .aU)(token);
        if (known === 'ask') {
            try {
                const { data } = await octokit.rest.users.getAuthenticated();
                identity = { kind: 'user', login: data.login };
            }
            catch {
                identity = { kind: 'unknown' };
            }
        }
        else
            identity = known;
        step = `listing the comments of PR #${target.issueNumber}`;
        const comments = await octokit.paginate(octokit.rest.issues.listComments, {
            owner,
            repo,
            issue_number: target.issueNumber,
            per_page: 100
        });
        const mine = (0,_comment_body_js__WEBPACK_IMPORTED_MODULE_2__/* .pickSticky */ .HS)(comments, marker, identity);
        if (mine) {
            step = `updating comment ${mine.id}`;
            const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
            log.info(`PR comment updated: ${data.html_url ?? `#${mine.id}`}`);
            return { result: 'updated', id: data.id ?? mine.id, url: data.html_url };
        }
        step = `creating a comment on PR #${target.issueNumber}`;
        const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: target.issueNumber, body });
        log.info(`PR comment created: ${data.html_url ?? `#${data.id}`}`);
        return { result: 'created', id: data.id, url: data.html_url };
    }
    catch (e) {
        const status = (0,_github_api_js__WEBPACK_IMPORTED_MODULE_1__/* .answeredStatus */ .W)(e);
        const what = `pgshift posted no PR comment: ${status ? `GitHub answered ${status}` : 'the request failed'} while ${step} (${messageOf(e)}).`;
        if (status === 403 || status === 404) {
            log.notice(`${what} ${PERMISSION_ADVICE} The report is in the job summary; the check's result does not depend on the comment.`);
            return { result: 'not-permitted', status, message: what };
        }
        log.notice(`${what} The report is in the job summary; the check's result does not depend on the comment.`);
        return { result: 'failed', status, message: what };
    }
}


/***/ }),

/***/ 2141:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   upsertCommitComment: () => (/* binding */ upsertCommitComment)
/* harmony export */ });
/* harmony import */ var _github_api_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2334);
/* harmony import */ var _report_redact_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(649);
/* harmony import */ var _comment_body_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7576);
/* harmony import */ var _comment_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1151);
// The sticky comment on a commit, for a fleet report on a push (a deploy has no
// PR to comment on). The same marker and the same "whose comment is ours" rule
// as the PR comment (comment-body.ts). Never fails the step: any failure is a
// notice (as the PR comment). Bounded waits: github-api.ts (10 s per request,
// one retry, 60 s in all).
//
// API calls: GET /repos/{o}/{r}/commits/{sha}/comments (paged), then
// PATCH /repos/{o}/{r}/comments/{id} or POST /repos/{o}/{r}/commits/{sha}/comments.




async function upsertCommitComment(opts) {
    const [owner, repo] = opts.repository.split('/');
    if (!owner || !repo)
        return 'failed';
    const marker = (0,_comment_body_js__WEBPACK_IMPORTED_MODULE_2__/* .commentMarker */ .Ql)((0,_report_redact_js__WEBPACK_IMPORTED_MODULE_1__/* .redact */ .E$)(opts.key));
    const octokit = (0,_github_api_js__WEBPACK_IMPORTED_MODULE_0__/* .githubClient */ .$f)(opts.token);
    let step = 'listing the commit comments';
    try {
        const known = (0,_comment_body_js__WEBPACK_IMPORTED_MODULE_2__/* .identityFromToken */ .aU)(opts.token);
        let identity = { kind: 'unknown' };
        if (known !== 'ask')
            identity = known;
        else {
            const { data } = await octokit.rest.users.getAuthenticated().catch(() => ({ data: undefined }));
            if (data)
                identity = { kind: 'user', login: data.login };
        }
        const comments = await octokit.paginate(octokit.rest.repos.listCommentsForCommit, { owner, repo, commit_sha: opts.sha, per_page: 100 });
        const mine = (0,_comment_body_js__WEBPACK_IMPORTED_MODULE_2__/* .pickSticky */ .HS)(comments, marker, identity);
        if (mine) {
            step = `updating commit comment ${mine.id}`;
            const { data } = await octokit.rest.repos.updateCommitComment({ owner, repo, comment_id: mine.id, body: opts.body });
            opts.log.info(`commit comment updated: ${data.html_url}`);
            return 'updated';
        }
        step = `commenting on commit ${opts.sha.slice(0, 7)}`;
        const { data } = await octokit.rest.repos.createCommitComment({ owner, repo, commit_sha: opts.sha, body: opts.body });
        opts.log.info(`commit comment created: ${data.html_url}`);
        return 'created';
    }
    catch (e) {
        const status = (0,_comment_js__WEBPACK_IMPORTED_MODULE_3__/* .statusOf */ .c2)(e);
        const what = `pgshift posted no commit comment: ${status ? `GitHub answered ${status}` : 'the request failed'} while ${step} (${(0,_comment_js__WEBPACK_IMPORTED_MODULE_3__/* .messageOf */ .bD)(e)}).`;
        if (status === 403 || status === 404) {
            opts.log.notice(`${what} The token may not write commit comments: give the job \`permissions: contents: write\`. The report is in the job summary.`);
        }
        else
            opts.log.notice(`${what} The report is in the job summary.`);
        return 'failed';
    }
}


/***/ }),

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


/***/ })

};
