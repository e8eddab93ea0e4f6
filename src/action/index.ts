// The action's entry point: GitHub runs dist/index.js, built from this file. It
// relaunches itself with --liftoff-only (src/relaunch.ts), then runs the action.
import { exitWithParent, relaunch, shouldRelaunch } from '../relaunch.js'

if (shouldRelaunch()) {
  void relaunch()
} else {
  exitWithParent()
  void import('./main.js').then(({ run }) => run())
}
