// V8 grows the young generation (where new objects live) up to 16 MB per semi-space
// when a run allocates fast, as parsing and linting a large set does: about 50 MB of
// peak RSS on a 1,000-migration apply for the same CPU time. Growth reads this flag
// each time, so setting it from inside the process keeps the young generation at its
// starting size, as `--max-semi-space-size` on the command line would
// (docs/BENCHMARKS.md). Imported first by each entry point, for its side effect.
import v8 from 'node:v8'

v8.setFlagsFromString('--semi-space-growth-factor=1')
