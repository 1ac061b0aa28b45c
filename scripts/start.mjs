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
// Ctrl+C reaches the whole process group, the server included: this script only
// waits for it (forwarding SIGINT too would count as a second Ctrl+C, which makes
// the server exit at once). A SIGTERM or SIGHUP sent to this script alone is passed
// on, so the server shuts down cleanly and stops its PostgreSQL.
process.on('SIGINT', () => {})
for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => server.kill('SIGTERM'))
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
