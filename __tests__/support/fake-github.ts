// A tiny GitHub REST API for the e2e tests: node:http on 127.0.0.1, recording
// every request the action's real octokit makes. It answers the calls the
// sticky comment uses (list issue comments with Link-header pagination, create,
// update, and GET /user), the same for commit comments (the fleet report's sticky
// comment on a push: list, create, update), the PR files list of the PR check's fallback (GET
// /repos/{o}/{r}/pulls/{n}/files, paginated the same way), and 404s anything
// else (still recorded). `answer` overrides any request: a status, or 'stall'
// (the request is read and recorded, and never answered: a stalled API).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RecordedRequest {
  method: string
  /** Path and query, as sent. */
  path: string
  headers: IncomingMessage['headers']
  /** The raw body text ('' when none). */
  raw: string
  /** The JSON body, when the body was JSON. */
  body?: unknown
}

export interface FakeComment {
  id: number
  /** The PR (issue) the comment is on; 0 for a commit comment. */
  issue: number
  /** The commit a commit comment is on. */
  commit?: string
  body: string
  user: { login: string; type: 'Bot' | 'User' }
}

export interface FakeGithubOptions {
  /** Answer 403 "Resource not accessible by integration" to POST and PATCH, as a read-only token gets. */
  forbidWrites?: boolean
  /** Comments present before the run (ids are kept as given). */
  comments?: FakeComment[]
  /** Page size, whatever per_page asks (GitHub caps it at 100; tests use a small one to force pagination). */
  pageSize?: number
  /** Who GET /user says the token belongs to; for `ghs_` tokens GET /user answers 403, as GitHub does. */
  userLogin?: string
  /** The files of each PR (by number), as GET /repos/{o}/{r}/pulls/{n}/files lists them; a PR not here answers 404. */
  prFiles?: Record<number, FakePrFile[]>
  /**
   * Called for every request (with its 0-based index): 'stall' never answers it,
   * a number answers that status with a GitHub-like error body, undefined answers as usual.
   */
  answer?: (req: RecordedRequest, index: number) => 'stall' | number | undefined
}

export interface FakePrFile {
  filename: string
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged'
  additions: number
  deletions: number
  previous_filename?: string
}

export interface FakeGithub {
  url: string
  requests: RecordedRequest[]
  comments: FakeComment[]
  /** `METHOD /path` lines, without the query, in order. */
  calls(): string[]
  close(): Promise<void>
}

/** The bot that writes a `ghs_` token's comments. */
export const ACTIONS_BOT = { login: 'github-actions[bot]', type: 'Bot' as const }

export async function startFakeGithub(opts: FakeGithubOptions = {}): Promise<FakeGithub> {
  const requests: RecordedRequest[] = []
  const comments: FakeComment[] = (opts.comments ?? []).map((c) => ({ ...c, user: { ...c.user } }))
  let nextId = Math.max(1000, ...comments.map((c) => c.id + 1))
  let base = ''

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body)
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers })
    res.end(text)
  }
  const forbidden = (res: ServerResponse) =>
    send(res, 403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest', status: '403' })
  const asJson = (c: FakeComment, owner: string, repo: string) => ({
    id: c.id,
    body: c.body,
    user: c.user,
    html_url: c.commit ? `https://github.com/${owner}/${repo}/commit/${c.commit}#commitcomment-${c.id}` : `https://github.com/${owner}/${repo}/pull/${c.issue}#issuecomment-${c.id}`,
    ...(c.commit ? { commit_id: c.commit } : {})
  })
  /** One page of `all`, with GitHub's Link header. */
  const paged = <T>(url: URL, all: T[]): { slice: T[]; headers: Record<string, string> } => {
    const size = opts.pageSize ?? Math.min(100, Number(url.searchParams.get('per_page') ?? 30))
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1))
    const last = Math.max(1, Math.ceil(all.length / size))
    const link = (p: number) => {
      const u = new URL(url.pathname, base)
      u.searchParams.set('per_page', String(size))
      u.searchParams.set('page', String(p))
      return u.toString()
    }
    const links: string[] = []
    if (page < last) links.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`)
    if (page > 1) links.push(`<${link(1)}>; rel="first"`, `<${link(page - 1)}>; rel="prev"`)
    return { slice: all.slice((page - 1) * size, page * size), headers: links.length ? { link: links.join(', ') } : {} }
  }
  const bodyText = (body: unknown) => (body as { body?: unknown } | undefined)?.body
  const authorOf = (req: IncomingMessage) => {
    const auth = String(req.headers.authorization ?? '')
    return /\bghs_/.test(auth) ? { ...ACTIONS_BOT } : { login: opts.userLogin ?? 'someone', type: 'User' as const }
  }

  const server: Server = createServer((req, res) => {
    let raw = ''
    req.setEncoding('utf8')
    req.on('data', (d: string) => (raw += d))
    req.on('end', () => {
      let body: unknown
      try {
        body = raw ? JSON.parse(raw) : undefined
      } catch {
        body = undefined
      }
      const recorded: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, body }
      requests.push(recorded)
      const override = opts.answer?.(recorded, requests.length - 1)
      if (override === 'stall') return
      if (typeof override === 'number') return send(res, override, { message: `fake GitHub answered ${override}`, documentation_url: 'https://docs.github.com/rest' })
      const url = new URL(req.url ?? '/', base)
      const method = req.method ?? 'GET'
      let m: RegExpExecArray | null

      if (method === 'GET' && url.pathname === '/user') {
        if (/\bghs_/.test(String(req.headers.authorization ?? ''))) return forbidden(res)
        return send(res, 200, { login: opts.userLogin ?? 'someone', type: 'User' })
      }
      if ((m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname))) {
        const [, owner, repo, n] = m as unknown as [string, string, string, string]
        const issue = Number(n)
        if (method === 'GET') {
          const size = opts.pageSize ?? Math.min(100, Number(url.searchParams.get('per_page') ?? 30))
          const page = Math.max(1, Number(url.searchParams.get('page') ?? 1))
          const all = comments.filter((c) => c.issue === issue && !c.commit)
          const slice = all.slice((page - 1) * size, page * size)
          const last = Math.max(1, Math.ceil(all.length / size))
          const link = (p: number) => {
            const u = new URL(url.pathname, base)
            u.searchParams.set('per_page', String(size))
            u.searchParams.set('page', String(p))
            return u.toString()
          }
          const links: string[] = []
          if (page < last) links.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`)
          if (page > 1) links.push(`<${link(1)}>; rel="first"`, `<${link(page - 1)}>; rel="prev"`)
          return send(res, 200, slice.map((c) => asJson(c, owner, repo)), links.length ? { link: links.join(', ') } : {})
        }
        if (method === 'POST') {
          if (opts.forbidWrites) return forbidden(res)
          const text = (body as { body?: unknown } | undefined)?.body
          if (typeof text !== 'string') return send(res, 422, { message: 'Invalid request: body is required' })
          if (text.length > 65536) return send(res, 422, { message: 'Validation Failed: body is too long (maximum is 65536 characters)' })
          const c: FakeComment = { id: nextId++, issue, body: text, user: authorOf(req) }
          comments.push(c)
          return send(res, 201, asJson(c, owner, repo))
        }
      }
      if ((m = /^\/repos\/([^/]+)\/([^/]+)\/commits\/([0-9a-f]{7,40})\/comments$/.exec(url.pathname))) {
        const [, owner, repo, sha] = m as unknown as [string, string, string, string]
        if (method === 'GET') {
          const { slice, headers } = paged(url, comments.filter((c) => c.commit === sha))
          return send(res, 200, slice.map((c) => asJson(c, owner, repo)), headers)
        }
        if (method === 'POST') {
          if (opts.forbidWrites) return forbidden(res)
          const text = bodyText(body)
          if (typeof text !== 'string') return send(res, 422, { message: 'Invalid request: body is required' })
          if (text.length > 65536) return send(res, 422, { message: 'Validation Failed: body is too long (maximum is 65536 characters)' })
          const c: FakeComment = { id: nextId++, issue: 0, commit: sha, body: text, user: authorOf(req) }
          comments.push(c)
          return send(res, 201, asJson(c, owner, repo))
        }
      }
      if ((m = /^\/repos\/([^/]+)\/([^/]+)\/comments\/(\d+)$/.exec(url.pathname)) && method === 'PATCH') {
        const [, owner, repo, id] = m as unknown as [string, string, string, string]
        if (opts.forbidWrites) return forbidden(res)
        const c = comments.find((x) => x.id === Number(id) && x.commit)
        if (!c) return send(res, 404, { message: 'Not Found' })
        const text = bodyText(body)
        if (typeof text !== 'string') return send(res, 422, { message: 'Invalid request: body is required' })
        if (text.length > 65536) return send(res, 422, { message: 'Validation Failed: body is too long (maximum is 65536 characters)' })
        c.body = text
        return send(res, 200, asJson(c, owner, repo))
      }
      if ((m = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/files$/.exec(url.pathname)) && method === 'GET') {
        const all = opts.prFiles?.[Number(m[3])]
        if (!all) return send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' })
        const size = opts.pageSize ?? Math.min(100, Number(url.searchParams.get('per_page') ?? 30))
        const page = Math.max(1, Number(url.searchParams.get('page') ?? 1))
        const last = Math.max(1, Math.ceil(all.length / size))
        const link = (p: number) => {
          const u = new URL(url.pathname, base)
          u.searchParams.set('per_page', String(size))
          u.searchParams.set('page', String(p))
          return u.toString()
        }
        const links = page < last ? [`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`] : []
        const slice = all.slice((page - 1) * size, page * size).map((f) => ({ sha: '0'.repeat(40), changes: f.additions + f.deletions, ...f }))
        return send(res, 200, slice, links.length ? { link: links.join(', ') } : {})
      }
      if ((m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname)) && method === 'PATCH') {
        const [, owner, repo, id] = m as unknown as [string, string, string, string]
        if (opts.forbidWrites) return forbidden(res)
        const c = comments.find((x) => x.id === Number(id) && !x.commit)
        if (!c) return send(res, 404, { message: 'Not Found' })
        const text = (body as { body?: unknown } | undefined)?.body
        if (typeof text !== 'string') return send(res, 422, { message: 'Invalid request: body is required' })
        if (text.length > 65536) return send(res, 422, { message: 'Validation Failed: body is too long (maximum is 65536 characters)' })
        c.body = text
        return send(res, 200, asJson(c, owner, repo))
      }
      return send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: base,
    requests,
    comments,
    calls: () => requests.map((r) => `${r.method} ${r.path.split('?')[0]}`),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((e) => (e ? reject(e) : resolve()))
      })
  }
}
