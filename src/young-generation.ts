// V8 grows the young generation (where new objects live) up to 16 MB per semi-space
// when a run allocates fast, as parsing and linting a large set does: about 50 MB of
// peak RSS on a 1,000-migration apply for the same CPU time. Growth reads this flag
// each time, so setting it from inside the process keeps the young generation at its
// starting size, as `--max-semi-space-size` on the command line would
// (docs/BENCHMARKS.md). Imported first by each entry point, for its side effect.
import v8 from 'node:v8'

v8.setFlagsFromString('--semi-space-growth-factor=1')
// The old generation: after each full GC V8 lets it grow to a multiple of what survived
// (up to 4x) before collecting again. Parsing a big file makes mostly garbage (each
// chunk's parse output), so a 50 MB file's heap reached 290 MB with 70 MB alive, and a
// 1,000-file apply's high-water mark was most of its RSS. 1.3x collects that garbage
// sooner: a 50 MB file 342-371 -> 215 MB peak RSS, apply 1,000 106-108 -> 96-97 MB, for
// about 0.1 s more CPU (docs/BENCHMARKS.md, issue 17). Also read at each GC.
v8.setFlagsFromString('--heap-growing-percent=30')
