// Round trips a command makes to Postgres: a TCP proxy counts, per connection, the
// times the client speaks again after the server answered (each is one network round
// trip: on a remote database each costs the RTT). Connection setup counts too.
//   node bench/probes/round-trips.mjs <postgres-port> -- <command ...>   (use the URL's host 127.0.0.1:<printed port>)
import { createConnection, createServer } from 'node:net'

const [target, sep, ...cmd] = process.argv.slice(2)
if (!target || sep !== '--' || !cmd.length) {
  console.error('usage: node bench/probes/round-trips.mjs <postgres-port> -- <command with {port} in its URL>')
  process.exit(64)
}
const conns = []
const server = createServer((client) => {
  const c = { flights: 0, last: 'server' }
  conns.push(c)
  const upstream = createConnection({ host: '127.0.0.1', port: Number(target) })
  client.on('data', (d) => {
    if (c.last === 'server') c.flights++
    c.last = 'client'
    upstream.write(d)
  })
  upstream.on('data', (d) => {
    c.last = 'server'
    client.write(d)
  })
  client.on('end', () => upstream.end())
  upstream.on('end', () => client.end())
  client.on('error', () => upstream.destroy())
  upstream.on('error', () => client.destroy())
})
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port
  // spawnSync would block this event loop: run the command asynchronously.
  import('node:child_process').then(({ spawn }) => {
    const p = spawn(cmd[0], cmd.slice(1).map((a) => a.replaceAll('{port}', String(port))), { stdio: ['ignore', 'ignore', 'inherit'] })
    p.on('exit', (code) => {
      server.close()
      const total = conns.reduce((n, c) => n + c.flights, 0)
      console.log(`${conns.length} connection(s), ${total} round trips (${conns.map((c) => c.flights).join(' + ')}); exit ${code}`)
      process.exit(0)
    })
  })
})
