// The sticky comment's body and the rule that finds it again. Pure, so both
// are unit-tested; src/action/comment.ts does the API calls.
import type { RunReport } from '../engine/report.js'
import { safeUrl } from '../report/escape.js'
import { COMMENT_MAX_LENGTH, renderMarkdown } from '../report/markdown.js'
import { redact } from '../report/redact.js'

/** GitHub refuses a comment body longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536

/**
 * The hidden first line that marks pgshift's comment for one key. The key is
 * percent-encoded (slashes and spaces kept readable), so it holds no `<`, `>`
 * or newline and cannot close the HTML comment or spill into the body.
 */
export function commentMarker(key: string): string {
  const k = encodeURIComponent(key).replace(/%2F/gi, '/').replace(/%20/g, ' ')
  return `<!-- pgshift:comment-key=${k} -->`
}

/**
 * True when the body's first line is exactly the marker (a key never matches a
 * longer key that starts with it). Only the first line counts: the rest of a
 * report quotes SQL, server messages and file names a PR author controls, so a
 * marker there must never make another job's sticky comment take this one over.
 */
export function hasMarker(body: string | null | undefined, marker: string): boolean {
  if (typeof body !== 'string') return false
  const first = body.split(/\r?\n/, 1)[0] ?? ''
  return first.trim() === marker
}

/** Whose comments may be ours. */
export type TokenIdentity =
  /** A GitHub App installation token (`ghs_`, which GITHUB_TOKEN is): its comments are written by a bot, e.g. github-actions[bot]. */
  | { kind: 'bot' }
  /** A user's token (PAT, OAuth): its comments are written by that login. */
  | { kind: 'user'; login: string }
  | { kind: 'unknown' }

export interface IssueComment {
  id: number
  body?: string | null
  user?: { login?: string; type?: string } | null
}

/**
 * The comment to update: the oldest one holding the marker whose author is
 * the token's identity. A comment someone else wrote with our marker in it is
 * never taken over (it would show our report under their name, and they could
 * edit it). With an unknown identity, a bot's comment is preferred, then any.
 */
export function pickSticky<C extends IssueComment>(comments: C[], marker: string, identity: TokenIdentity): C | undefined {
  const marked = comments.filter((c) => hasMarker(c.body, marker))
  const isBot = (c: C) => c.user?.type === 'Bot'
  switch (identity.kind) {
    case 'bot':
      return marked.find((c) => isBot(c) && c.user?.login === 'github-actions[bot]') ?? marked.find(isBot)
    case 'user':
      return marked.find((c) => c.user?.login?.toLowerCase() === identity.login.toLowerCase())
    default:
      return marked.find(isBot) ?? marked[0]
  }
}

/** What a token's prefix tells about whose comments it writes (GitHub's documented token prefixes). */
export function identityFromToken(token: string): TokenIdentity | 'ask' {
  if (token.startsWith('ghs_')) return { kind: 'bot' }
  // Personal (classic and fine-grained), OAuth and user-to-server tokens: GET /user names the login.
  return 'ask'
}

export interface BodyOptions {
  key: string
  /** File links, e.g. https://github.com/o/r/blob/<head sha>/ */
  linkBase?: string
  /** The run's page (where the job summary is), for the "see the full report" pointer. */
  runPage?: string
}

/**
 * The marker line, then the same markdown as the job summary, cut to fit
 * GitHub's limit (with a pointer to the job summary when cut) and redacted.
 */
export function commentBody(report: RunReport, opts: BodyOptions): string {
  const marker = commentMarker(redact(opts.key))
  const page = opts.runPage ? safeUrl(opts.runPage) : undefined
  const moreAt = page ? `the [job summary](${page}) or the JSON report (the \`report\` output)` : undefined
  // Redaction may lengthen a very short credential to `***`: leave room, and shrink until it fits.
  let max = Math.min(COMMENT_MAX_LENGTH, GITHUB_COMMENT_LIMIT - marker.length - 1 - 512)
  for (;;) {
    const body = `${marker}\n${redact(renderMarkdown(report, { maxLength: max, linkBase: opts.linkBase, moreAt }))}`
    if (body.length <= GITHUB_COMMENT_LIMIT) return body
    if (max <= 4096) return body.slice(0, GITHUB_COMMENT_LIMIT)
    max = Math.floor(max * 0.9)
  }
}
