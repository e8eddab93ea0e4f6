// Peak RSS without GNU time: preloaded with `node --import` into a Node child, it
// writes process.resourceUsage().maxRSS (KB) to $BENCH_RSS_FILE at exit.
import { writeFileSync } from 'node:fs'

const file = process.env.BENCH_RSS_FILE
if (file) process.on('exit', () => writeFileSync(file, `${process.resourceUsage().maxRSS}\n`))
