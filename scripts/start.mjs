#!/usr/bin/env node
// `npm start`: builds the server and the widget (turbo, cached after the first
// run), then starts the reference server with embedded defaults: PostgreSQL in
// ./.slotkit-data, a demo host, the booking page at /. Works right after `npm ci`.
// Arguments after `--` go to `slotkit-server start` (e.g. `npm start -- --help`).
import { spawn, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

// Run from the repository root whatever the caller's folder.
process.chdir(fileURLToPath(new URL('..', import.meta.url)))

const build = spawnSync(
  'npx',
  [
    'turbo',
    'run',
    'build',
    '--filter=@slotkit/server...',
    '--filter=@slotkit/widget...',
    '--output-logs=errors-only',
  ],
  { stdio: 'inherit' },
)
if (build.status !== 0) process.exit(build.status ?? 1)

const server = spawn(
  process.execPath,
  ['packages/server/dist/cli.js', 'start', ...process.argv.slice(2)],
  { stdio: 'inherit' },
)
// A stop signal sent to this script alone (systemd's KillMode=mixed, `kill <pid>`) is
// passed on, so the server shuts down cleanly and stops its PostgreSQL. One sent to the
// whole process group (Ctrl+C, a closed terminal, `kill -- -PGID`) reaches the server
// directly as well, and npm passes it on too: the server takes every copy that arrives
// within 2 s of the first as the same request, so passing it on never forces an exit.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => server.kill(signal))
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
