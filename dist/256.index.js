export const id = 256;
export const ids = [256];
export const modules = {

/***/ 2256:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   listPullRequestFiles: () => (/* binding */ listPullRequestFiles)
/* harmony export */ });
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2413);
// The PR files API, the PR check's fallback when git cannot provide the base
// commit (issue 15): GET /repos/{owner}/{repo}/pulls/{n}/files, every page (up to
// 3,000 files, GitHub's limit), with the real octokit (GITHUB_API_URL honoured).
// The engine gets the list as data; it never talks to GitHub.

const TIMEOUT_MS = 30_000;
const STATUSES = new Set(['added', 'removed', 'modified', 'renamed', 'copied', 'changed', 'unchanged']);
async function listPullRequestFiles(token, repository, pullNumber) {
    const [owner, repo] = repository.split('/');
    if (!owner || !repo)
        throw new Error(`not a repository name: ${repository}`);
    if (!token)
        throw new Error('github-token is empty');
    const octokit = (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(token);
    try {
        const files = await octokit.paginate(octokit.rest.pulls.listFiles, { owner, repo, pull_number: pullNumber, per_page: 100, request: { signal: AbortSignal.timeout(TIMEOUT_MS) } });
        return files.map((f) => ({
            path: f.filename,
            status: (STATUSES.has(f.status) ? f.status : 'modified'),
            ...(f.previous_filename ? { previousPath: f.previous_filename } : {}),
            additions: f.additions,
            deletions: f.deletions
        }));
    }
    catch (e) {
        const status = e.status;
        throw new Error(`GitHub answered ${typeof status === 'number' ? status : 'nothing'} (${String(e.message).split('\n')[0]})`);
    }
}


/***/ })

};
