// A real headless Chromium (Debian's `chromium`, installed by .ci/run when
// missing), driven over the DevTools protocol on a pipe: one launch serves
// every page of a test file, with no port and no extra library. Used by the
// rendering tier to measure reports as GitHub's comment column lays them out.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import type { Readable, Writable } from 'node:stream'

const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']

/** The browser binary: $CHROMIUM, else the first of Debian's and Google's names on PATH (or /usr/bin). */
export function findChromium(): string | undefined {
  const given = process.env.CHROMIUM
  if (given) return existsSync(given) ? given : undefined
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin']
  for (const name of NAMES) for (const dir of dirs) if (existsSync(join(dir, name))) return join(dir, name)
  return undefined
}

interface Pending {
  resolve: (v: Record<string, unknown>) => void
  reject: (e: Error) => void
}

/** One browser process and one tab in it. */
export class Browser {
  private next = 1
  private readonly pending = new Map<number, Pending>()
  private buffer = ''
  private session = ''
  private frame = ''
  private stderr = ''

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string
  ) {
    const out = child.stdio[4] as Readable
    out.setEncoding('utf8')
    out.on('data', (chunk: string) => this.receive(chunk))
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (s: string) => {
      this.stderr = (this.stderr + s).slice(-4000)
    })
    child.on('exit', (code, signal) => {
      const err = new Error(`chromium exited (${signal ?? code}): ${this.stderr.trim().split('\n').slice(-5).join('\n')}`)
      for (const p of this.pending.values()) p.reject(err)
      this.pending.clear()
    })
  }

  /** Starts the browser with a viewport `width` px wide and opens one tab. */
  static async launch(binary: string, width: number): Promise<Browser> {
    const profile = mkdtempSync(join(tmpdir(), 'pgshift-chromium-'))
    const args = [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-extensions',
      '--hide-scrollbars',
      '--remote-debugging-pipe',
      `--user-data-dir=${profile}`,
      `--window-size=${width},1000`,
      'about:blank'
    ]
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] })
    const browser = new Browser(child, profile)
    const { targetId } = await browser.send('Target.createTarget', { url: 'about:blank' })
    const { sessionId } = await browser.send('Target.attachToTarget', { targetId, flatten: true })
    browser.session = String(sessionId)
    await browser.send('Emulation.setDeviceMetricsOverride', { width, height: 1000, deviceScaleFactor: 1, mobile: false })
    return browser
  }

  /** Replaces the tab's document with `html` (no navigation: the same renderer serves every page). */
  async setContent(html: string): Promise<void> {
    if (!this.frame) {
      const { frameTree } = (await this.send('Page.getFrameTree')) as { frameTree?: { frame: { id: string } } }
      this.frame = frameTree?.frame.id ?? ''
    }
    await this.send('Page.setDocumentContent', { frameId: this.frame, html })
  }

  /** Evaluates `expression` in the page (awaiting a promise) and returns its JSON value. */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })
    const details = r.exceptionDetails as { exception?: { description?: string }; text?: string } | undefined
    if (details) throw new Error(`page script failed: ${details.exception?.description ?? details.text}`)
    return (r.result as { value: T }).value
  }

  /** A PNG of the page's top `height` px at `width`. */
  async screenshot(width: number, height: number): Promise<Buffer> {
    const r = await this.send('Page.captureScreenshot', { format: 'png', optimizeForSpeed: true, captureBeyondViewport: true, clip: { x: 0, y: 0, width, height, scale: 1 } })
    return Buffer.from(String(r.data), 'base64')
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) resolve()
      else this.child.once('exit', () => resolve())
    })
    await this.send('Browser.close', {}, true).catch(() => undefined)
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
    rmSync(this.profile, { recursive: true, force: true })
  }

  private send(method: string, params: Record<string, unknown> = {}, toBrowser = false): Promise<Record<string, unknown>> {
    const id = this.next++
    const message: Record<string, unknown> = { id, method, params }
    if (this.session && !toBrowser && !method.startsWith('Target.')) message.sessionId = this.session
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      ;(this.child.stdio[3] as Writable).write(`${JSON.stringify(message)}\0`)
    })
  }

  private receive(chunk: string): void {
    this.buffer += chunk
    let end: number
    while ((end = this.buffer.indexOf('\0')) >= 0) {
      const msg = JSON.parse(this.buffer.slice(0, end)) as { id?: number; result?: Record<string, unknown>; error?: { message: string } }
      this.buffer = this.buffer.slice(end + 1)
      if (msg.id !== undefined) {
        const p = this.pending.get(msg.id)
        this.pending.delete(msg.id)
        if (msg.error) p?.reject(new Error(`chromium: ${msg.error.message}`))
        else p?.resolve(msg.result ?? {})
      }
    }
  }
}
