#!/usr/bin/env node
// The pgshift command's entry: relaunch with --liftoff-only (src/relaunch.ts) unless
// only --version or --help is asked, then load the command itself.
import { exitWithParent, relaunch, shouldRelaunch } from '../relaunch.js'

const quick = process.argv.slice(2).some((a) => a === '--version' || a === '--help')
if (!quick && shouldRelaunch()) {
  void relaunch()
} else {
  exitWithParent()
  void import('./main.js')
}
