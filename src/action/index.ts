// The action's entry point: GitHub runs dist/index.js, built from this file, in one
// process (V8's memory flags are set from inside: src/young-generation.ts and
// src/source/parser.ts). The action itself is a chunk of its own (a dynamic import),
// which is also how ncc lists its packages in licenses.txt.
import '../young-generation.js'

void import('./main.js').then(({ run }) => run())
