#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { loadConfig } from './config/config'
import {
  exitWithStartupError,
  openDatabase,
  runUntilSignal,
  startServer,
  stopOnSignals,
} from './main'
import { createUser } from './services/user.service'
import { startWorker } from './worker'

const USAGE = `Usage: slotkit-server <command>

Commands:
  start                 start the server (default); configuration from the environment
  worker                run the job workers only (e-mail, reminders, webhooks), for
                        scale-out next to servers with RUN_WORKERS=false; needs DATABASE_URL
  migrate               bring the database schema up to date, then exit
  create-user --email <e-mail> --name <name> --time-zone <IANA zone>
                        create a host and print its API key (shown once)

Environment: PORT, HOST, DATABASE_URL, REDIS_URL, DATA_DIR, ADMIN_TOKEN, SECRET_KEY,
PUBLIC_URL, LOG_LEVEL, RATE_LIMIT_PER_MINUTE, AUTH_FAILURES_PER_MINUTE,
MAIL_PER_RECIPIENT_PER_HOUR, MAIL_PER_CLIENT_PER_HOUR, SEED_DEMO, TRUST_PROXY, SMTP_URL,
MAIL_FROM, WEBHOOK_ALLOW_PRIVATE, RUN_WORKERS, CORS_ORIGINS, ENCRYPTION_KEY,
ENCRYPTION_KEYS_PREVIOUS, GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET, GOOGLE_OAUTH_AUTHORIZE_URL,
GOOGLE_OAUTH_TOKEN_URL, GOOGLE_OAUTH_REVOKE_URL, GOOGLE_API_URL, MICROSOFT_CLIENT_ID,
MICROSOFT_CLIENT_SECRET, MICROSOFT_TENANT, MICROSOFT_LOGIN_URL, MICROSOFT_GRAPH_URL (see the README).`

/**
 * Runs a one-shot command (`migrate`, `create-user`) with stop signals handled: a stop
 * request lets it finish and close its database, the embedded PostgreSQL included, instead
 * of killing Node and leaving PostgreSQL running; a second request seconds later exits at
 * once (PostgreSQL then gets an immediate-mode stop).
 */
async function runToCompletion(work: Promise<void>): Promise<void> {
  stopOnSignals(() => work, { stopping: 'finishing, then stopping', failed: 'failed' })
  await work
}

async function main(argv: string[]): Promise<void> {
  const command = argv[0] && !argv[0].startsWith('-') ? argv[0] : 'start'
  const rest = command === argv[0] ? argv.slice(1) : argv
  if (argv.includes('--help') || argv.includes('-h') || command === 'help') {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  const config = loadConfig()
  switch (command) {
    case 'start': {
      await runUntilSignal(startServer(config))
      return
    }
    case 'worker': {
      const note = (m: string) => process.stdout.write(`[slotkit] ${m}\n`)
      const starting = startWorker(config, note)
      stopOnSignals(async () => (await starting).close(), {
        stopping: 'finishing running jobs, then stopping',
        failed: 'worker shutdown failed',
      })
      await starting
      return
    }
    case 'migrate': {
      await runToCompletion(
        (async () => {
          const { db, embedded } = await openDatabase(config, {
            note: (m) => process.stdout.write(`[slotkit] ${m}\n`),
          })
          await db.destroy()
          await embedded?.stop()
          process.stdout.write('[slotkit] schema is up to date\n')
        })(),
      )
      return
    }
    case 'create-user': {
      const { values } = parseArgs({
        args: rest,
        options: {
          email: { type: 'string' },
          name: { type: 'string' },
          'time-zone': { type: 'string' },
        },
      })
      if (!values.email || !values.name || !values['time-zone']) {
        process.stderr.write(`create-user needs --email, --name and --time-zone\n\n${USAGE}\n`)
        process.exit(2)
      }
      const input = { email: values.email, name: values.name, time_zone: values['time-zone'] }
      await runToCompletion(
        (async () => {
          const { db, embedded } = await openDatabase(config)
          try {
            const user = await createUser({ db }, input)
            process.stdout.write(`${JSON.stringify(user, null, 2)}\n`)
            process.stderr.write('The api_key above is shown once; only its hash is stored.\n')
          } catch (error) {
            const message = (error as Error).message
            process.stderr.write(`create-user failed: ${message}\n`)
            process.exitCode = 1
          } finally {
            await db.destroy()
            await embedded?.stop()
          }
        })(),
      )
      return
    }
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${USAGE}\n`)
      process.exit(2)
  }
}

main(process.argv.slice(2)).catch(exitWithStartupError)
