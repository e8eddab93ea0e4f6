#!/usr/bin/env node
// The pgshift command's entry. It runs in this one process: V8's memory flags are set
// from inside (src/young-generation.ts, and the parser's in src/source/parser.ts), so
// there is no relaunch with command-line flags. The command itself is a chunk of its
// own (a dynamic import), which is also how ncc lists its packages in licenses.txt.
import '../young-generation.js'

void import('./main.js')
