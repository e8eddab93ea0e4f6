export const id = 141;
export const ids = [141];
export const modules = {

/***/ 2141:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   upsertCommitComment: () => (/* binding */ upsertCommitComment)
/* harmony export */ });
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2413);
/* harmony import */ var _report_redact_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(649);
/* harmony import */ var _comment_body_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7576);
// The sticky comment on a commit, for a fleet report on a push (a deploy has no
// PR to comment on). The same marker and the same "whose comment is ours" rule
// as the PR comment (comment-body.ts). Never fails the step.
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
        const status = e.status;
        const message = (0,_report_redact_js__WEBPACK_IMPORTED_MODULE_1__/* .redact */ .E$)(String(e.message ?? e).split('\n')[0] ?? '').slice(0, 300);
        const advice = status === 403 || status === 404 ? ' The token may not write commit comments: give the job `permissions: contents: write`.' : '';
        opts.log.warning(`pgshift posted no commit comment: ${status ? `GitHub answered ${status}` : 'the request failed'} while ${step} (${message}).${advice} The report is in the job summary.`);
        return 'failed';
    }
}


/***/ })

};
