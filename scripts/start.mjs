#!/usr/bin/env node
// `npm start`: builds what the demo needs (turbo, cached after the first run),
// then runs it. Works right after `npm ci` on a fresh machine.
import { spawnSync } from 'node:child_process'

const run = (command, args) => {
  const result = spawnSync(command, args, { stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

run('npx', [
  'turbo',
  'run',
  'build',
  '--filter=@slotkit/example-core-demo...',
  '--output-logs=errors-only',
])
run('node', ['examples/core-demo/index.mjs', ...process.argv.slice(2)])
