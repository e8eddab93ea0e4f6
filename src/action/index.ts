// The action's entry point: GitHub runs dist/index.js, built from this file. It
// relaunches itself with --liftoff-only (src/relaunch.ts), then runs the action.
import { exitWithParent, relaunch, shouldRelaunch } from '../relaunch.js'

if (shouldRelaunch()) await relaunch()
exitWithParent()
const { run } = await import('./main.js')
await run()
