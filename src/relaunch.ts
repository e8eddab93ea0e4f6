// Node 24's V8 tiers libpg-query's WebAssembly up to TurboFan: about 500 MB of
// compiler memory and seconds of background CPU per run, on 2-core runners. Liftoff
// alone parses as fast for our sizes (docs/BENCHMARKS.md). The flag only works on the
// command line (v8.setFlagsFromString has no effect on wasm tiering), and GitHub
// starts actions as `node dist/index.js`, so the entry points start themselves again
// with it: by execve on Node 23.11+ (same pid, nothing left to forward), else as a
// child whose small parent forwards signals and the exit status.
import { spawn } from 'node:child_process'

const FLAG = '--liftoff-only'
// A 2 MB young generation (V8's default grows to 16 MB): the same CPU time for a
// 1,000-migration apply and about 25 MB less peak RSS; 1 MB saves 1-4 MB more but
// costs a no-op plan 10 ms of scavenges (docs/BENCHMARKS.md).
const FLAGS = [FLAG, '--max-semi-space-size=2']

/** True when this process should start itself again with FLAGS (set PGSHIFT_RELAUNCH=off to opt out). */
export function shouldRelaunch(): boolean {
  return !process.execArgv.includes(FLAG) && process.env.PGSHIFT_RELAUNCH !== 'off'
}

/**
 * Becomes `node --liftoff-only` running this same script (execve), or, where Node has
 * no execve, runs it in such a child and ends this process as the child ends. The
 * child gets its own process group, so a Ctrl-C reaches it once, forwarded from here
 * (a second Ctrl-C still forces it, as without the relaunch); the IPC channel makes
 * the child exit at once if this parent is killed (kill -9).
 */
export function relaunch(): Promise<never> {
  // Node 23.11+ (GitHub's node24): replace this process, keeping its pid, its signals and its parent.
  const execve = (process as { execve?: (file: string, args: string[], env: NodeJS.ProcessEnv) => never }).execve
  if (typeof execve === 'function') {
    try {
      execve.call(process, process.execPath, [process.execPath, ...FLAGS, ...process.execArgv, ...process.argv.slice(1)], process.env)
    } catch {
      // Not available on this platform (Windows): a child process instead.
    }
  }
  const child = spawn(process.execPath, [...FLAGS, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    detached: true
  })
  const forward = (sig: NodeJS.Signals) => () => {
    child.kill(sig)
  }
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, forward(sig))
  return new Promise<never>(() => {
    child.on('error', (e) => {
      process.stderr.write(`pgshift: cannot start ${process.execPath}: ${e.message}\n`)
      process.exit(1)
    })
    child.on('exit', (code, signal) => {
      if (signal) {
        // Die the way the child died, so the caller sees the same status.
        for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.removeAllListeners(s)
        process.kill(process.pid, signal)
      }
      process.exit(code ?? 1)
    })
  })
}

/** In the child: exit at once when the parent is gone, as if killed together with it. */
export function exitWithParent(): void {
  if (!process.send) return
  process.on('disconnect', () => process.exit(137))
  // The channel must not keep the child alive on its own.
  process.channel?.unref()
}
