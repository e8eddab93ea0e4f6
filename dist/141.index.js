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
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2413);
/* harmony import */ var _report_redact_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(649);
/* harmony import */ var _comment_body_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7576);
// The sticky PR comment: one per PR and comment key, created by the first run
// and updated in place by every later run. Never fails the step: a token that
// may not write gets a notice, any other API failure a warning.
//
// API calls per run (octokit from @actions/github, which honours GITHUB_API_URL):
// 1. GET  /user                                 only for a non-`ghs_` token (a PAT), to learn whose comments are ours
// 2. GET  /repos/{owner}/{repo}/issues/{n}/comments?per_page=100   once per page (Link: rel="next")
// 3. PATCH /repos/{owner}/{repo}/issues/comments/{id}   when our comment exists, else
//    POST  /repos/{owner}/{repo}/issues/{n}/comments



/** How long the whole exchange may take before it is given up (with a warning). */
const TIMEOUT_MS = 30_000;
const PERMISSION_ADVICE = 'The token may not write PR comments: give the job `permissions: pull-requests: write` (and `contents: read`), or pass a token that has it as github-token. Repositories created since February 2023 default to a read-only GITHUB_TOKEN.';
/** The HTTP status GitHub answered with; undefined when no answer came (octokit reports a failed fetch as a 500 without a response). */
function statusOf(e) {
    const err = e;
    return typeof err?.status === 'number' && err.response !== undefined ? err.status : undefined;
}
function messageOf(e) {
    const m = e?.message;
    return (0,_report_redact_js__WEBPACK_IMPORTED_MODULE_1__/* .redact */ .E$)(typeof m === 'string' ? m.split('\n')[0] ?? '' : String(e)).slice(0, 300);
}
/** Creates or updates the comment holding `body` (which starts with the marker for `key`). */
async function upsertStickyComment(opts) {
    const { token, target, body, log } = opts;
    const [owner, repo] = target.repository.split('/');
    if (!owner || !repo)
        return { result: 'failed', message: `not a repository name: ${target.repository}` };
    const marker = (0,_comment_body_js__WEBPACK_IMPORTED_MODULE_2__/* .commentMarker */ .Ql)((0,_report_redact_js__WEBPACK_IMPORTED_MODULE_1__/* .redact */ .E$)(opts.key));
    const octokit = (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(token);
    const request = { signal: AbortSignal.timeout(TIMEOUT_MS) };
    let step = 'reading the token\'s identity';
    try {
        let identity;
        const known = (0,_comment_body_js__WEBPACK_IMPORTED_MODULE_2__/* .identityFromToken */ .aU)(token);
        if (known === 'ask') {
            try {
                const { data } = await octokit.rest.users.getAuthenticated({ request });
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
            per_page: 100,
            request
        });
        const mine = (0,_comment_body_js__WEBPACK_IMPORTED_MODULE_2__/* .pickSticky */ .HS)(comments, marker, identity);
        if (mine) {
            step = `updating comment ${mine.id}`;
            const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body, request });
            log.info(`PR comment updated: ${data.html_url ?? `#${mine.id}`}`);
            return { result: 'updated', id: data.id ?? mine.id, url: data.html_url };
        }
        step = `creating a comment on PR #${target.issueNumber}`;
        const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: target.issueNumber, body, request });
        log.info(`PR comment created: ${data.html_url ?? `#${data.id}`}`);
        return { result: 'created', id: data.id, url: data.html_url };
    }
    catch (e) {
        const status = statusOf(e);
        const what = `pgshift posted no PR comment: ${status ? `GitHub answered ${status}` : 'the request failed'} while ${step} (${messageOf(e)}).`;
        if (status === 403 || status === 404) {
            log.notice(`${what} ${PERMISSION_ADVICE} The report is in the job summary; the check's result does not depend on the comment.`);
            return { result: 'not-permitted', status, message: what };
        }
        log.warning(`${what} The report is in the job summary; the check's result does not depend on the comment.`);
        return { result: 'failed', status, message: what };
    }
}


/***/ }),

/***/ 2141:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   upsertCommitComment: () => (/* binding */ upsertCommitComment)
/* harmony export */ });
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2413);
/* harmony import */ var _report_redact_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(649);
/* harmony import */ var _comment_body_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7576);
/* harmony import */ var _comment_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1151);
// The sticky comment on a commit, for a fleet report on a push (a deploy has no
// PR to comment on). The same marker and the same "whose comment is ours" rule
// as the PR comment (comment-body.ts). Never fails the step: a token that may
// not write gets a notice, any other API failure a warning (as the PR comment).
//
// API calls: GET /repos/{o}/{r}/commits/{sha}/comments (paged), then
// PATCH /repos/{o}/{r}/comments/{id} or POST /repos/{o}/{r}/commits/{sha}/comments.




async function upsertCommitComment(opts) {
    const [owner, repo] = opts.repository.split('/');
    if (!owner || !repo)
        return 'failed';
    const marker = (0,_comment_body_js__WEBPACK_IMPORTED_MODULE_2__/* .commentMarker */ .Ql)((0,_report_redact_js__WEBPACK_IMPORTED_MODULE_1__/* .redact */ .E$)(opts.key));
    const octokit = (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(opts.token);
    const request = { signal: AbortSignal.timeout(30_000) };
    let step = 'listing the commit comments';
    try {
        const known = (0,_comment_body_js__WEBPACK_IMPORTED_MODULE_2__/* .identityFromToken */ .aU)(opts.token);
        let identity = { kind: 'unknown' };
        if (known !== 'ask')
            identity = known;
        else {
            const { data } = await octokit.rest.users.getAuthenticated({ request }).catch(() => ({ data: undefined }));
            if (data)
                identity = { kind: 'user', login: data.login };
        }
        const comments = await octokit.paginate(octokit.rest.repos.listCommentsForCommit, { owner, repo, commit_sha: opts.sha, per_page: 100, request });
        const mine = (0,_comment_body_js__WEBPACK_IMPORTED_MODULE_2__/* .pickSticky */ .HS)(comments, marker, identity);
        if (mine) {
            step = `updating commit comment ${mine.id}`;
            const { data } = await octokit.rest.repos.updateCommitComment({ owner, repo, comment_id: mine.id, body: opts.body, request });
            opts.log.info(`commit comment updated: ${data.html_url}`);
            return 'updated';
        }
        step = `commenting on commit ${opts.sha.slice(0, 7)}`;
        const { data } = await octokit.rest.repos.createCommitComment({ owner, repo, commit_sha: opts.sha, body: opts.body, request });
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
            opts.log.warning(`${what} The report is in the job summary.`);
        return 'failed';
    }
}


/***/ })

};
