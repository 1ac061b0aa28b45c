// Slotkit notifications benchmark (issue 4). Embedded PostgreSQL, pg-boss and a
// real SMTP server (smtp-server) on loopback, all in this process:
//   1. drain BENCH_EMAILS (10,000) queued e-mails into the SMTP server: mails/s;
//   2. reminder lateness: BENCH_REMINDERS reminders due over the next
//      BENCH_REMINDER_WINDOW seconds, lateness = SMTP accepted − due, p50/p99/max
//      (target: ≤ 5 s), with the default 1 s polling: once with idle workers, once
//      while BENCH_LOAD_EMAILS (4000) other e-mails drain through the same SMTP pool.
// Knobs (env): BENCH_EMAILS=10000 BENCH_BATCH=20 BENCH_SMTP_CONNECTIONS=5
//   BENCH_REMINDERS=300 BENCH_REMINDER_WINDOW=20 BENCH_LOAD_EMAILS=4000
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SMTPServer } from 'smtp-server'

const { createDb, migrateToLatest } = await import('../dist/index.js')
// The parts the public entry keeps to itself: the queue, its workers, the SMTP mailer.
const { startEmbeddedPostgres, JobQueue, registerWorkers, createSmtpMailer } = await import(
  '../dist/internal.js'
)

const EMAILS = Number(process.env.BENCH_EMAILS ?? 10_000)
const BATCH = Number(process.env.BENCH_BATCH ?? 20)
const SMTP_CONNECTIONS = Number(process.env.BENCH_SMTP_CONNECTIONS ?? 5)
const REMINDERS = Number(process.env.BENCH_REMINDERS ?? 300)
const WINDOW_S = Number(process.env.BENCH_REMINDER_WINDOW ?? 20)
const LOAD_EMAILS = Number(process.env.BENCH_LOAD_EMAILS ?? 4000)
const HOUR = 3_600_000

function log(message) {
  process.stderr.write(`[bench] ${message}\n`)
}

function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

async function startSink() {
  const accepted = []
  let onAccept = () => {}
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 200,
    onData(stream, _session, callback) {
      let head = ''
      stream.on('data', (chunk) => {
        if (head.length < 4096) head += chunk.toString('latin1')
      })
      stream.on('end', () => {
        const id = /^Message-ID:\s*<([^>]+)>/im.exec(head)?.[1] ?? ''
        accepted.push({ id, at: Date.now() })
        callback()
        onAccept()
      })
    },
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `smtp://127.0.0.1:${server.server.address().port}`,
    accepted,
    waitFor(count, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`only ${accepted.length}/${count} mails after ${timeoutMs} ms`)),
          timeoutMs,
        )
        const check = () => {
          if (accepted.length >= count) {
            clearTimeout(timer)
            onAccept = () => {}
            resolve()
          }
        }
        onAccept = check
        check()
      })
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}

/** One host, one meeting type, `count` bookings 30 minutes apart from `firstStart`. */
async function insertBookings(db, sql, count, firstStart, label) {
  const { rows } = await sql`
    WITH host AS (
      INSERT INTO users (email, name, time_zone)
      VALUES (${`bench-${label}-${Date.now()}@example.com`}, 'Bench Host', 'America/New_York')
      RETURNING id
    ), mt AS (
      INSERT INTO meeting_types (user_id, name, duration_minutes)
      SELECT id, 'Bench call', 30 FROM host RETURNING id, user_id
    )
    INSERT INTO bookings (host_id, meeting_type_id, status, starts_at, ends_at, blocked,
                          invitee_name, invitee_email, invitee_time_zone, token_hash)
    SELECT mt.user_id, mt.id, 'confirmed',
           to_timestamp((${firstStart}::bigint + g::bigint * 1800000) / 1000.0),
           to_timestamp((${firstStart}::bigint + g::bigint * 1800000 + 1800000) / 1000.0),
           tstzrange(to_timestamp((${firstStart}::bigint + g::bigint * 1800000) / 1000.0),
                     to_timestamp((${firstStart}::bigint + g::bigint * 1800000 + 1800000) / 1000.0), '[)'),
           'Invitee ' || g, 'invitee' || g || '@example.com', 'Europe/London', md5(g::text)
      FROM mt, generate_series(0, ${count - 1}) AS g
    RETURNING id, starts_at`.execute(db)
  return rows
}

const dataDir = mkdtempSync(join(tmpdir(), 'slotkit-bench-notify-'))
chmodSync(dataDir, 0o711)
let pg
let db
let queue
let mailer
let sink
try {
  const { sql } = await import('kysely')
  pg = await startEmbeddedPostgres({ dataDir, unsafeFast: true })
  db = createDb({ connectionString: pg.url, max: 30 })
  await migrateToLatest(db)
  sink = await startSink()
  queue = new JobQueue({ connectionString: pg.url, maxConnections: 6 })
  await queue.start()
  mailer = createSmtpMailer({
    smtpUrl: sink.url,
    from: 'Slotkit <bench@slotkit.test>',
    maxConnections: SMTP_CONNECTIONS,
  })
  const deps = {
    db,
    queue,
    mailer,
    // NotificationDeps takes the keys as a list, newest first (SECRET_KEY rotation).
    secretKeys: ['bench-secret-key-0123456789-0123456789'],
    publicUrl: () => 'http://slotkit.bench',
    now: () => Date.now(),
    allowPrivateWebhooks: true,
    log: { info() {}, warn() {}, error() {}, debug() {} },
  }

  // 1. Throughput: confirmations (invitee + host) of EMAILS / 2 bookings.
  const bookings = await insertBookings(
    db,
    sql,
    Math.ceil(EMAILS / 2),
    Date.parse('2030-01-01T00:00:00Z'),
    'drain',
  )
  log(`queueing ${bookings.length} confirmation jobs (${bookings.length * 2} e-mails)`)
  for (let i = 0; i < bookings.length; i += 1000) {
    await queue.boss.insert(
      bookings.slice(i, i + 1000).map((b) => ({
        name: 'booking.send-email',
        data: { event: 'confirmation', bookingId: b.id, version: 1 },
      })),
    )
  }
  const drainStart = Date.now()
  registerWorkers(deps, { emailBatchSize: BATCH })
  await sink.waitFor(bookings.length * 2, 600_000)
  const drainSeconds = (Date.now() - drainStart) / 1000
  const mailsPerSecond = (bookings.length * 2) / drainSeconds
  log(`drained ${bookings.length * 2} e-mails in ${drainSeconds.toFixed(1)} s`)

  // 2. Reminder lateness: REMINDERS reminders ('1h') due over the next WINDOW_S
  // seconds, first with idle workers, then while LOAD_EMAILS confirmations drain.
  async function measureReminders(label, loadEmails) {
    const firstDue = Date.now() + 3000
    const reminderBookings = await insertBookings(db, sql, REMINDERS, firstDue + HOUR, label)
    const due = new Map()
    const spacing = (WINDOW_S * 1000) / REMINDERS
    const jobs = reminderBookings.map((b, i) => {
      const dueAt = firstDue + Math.round(i * spacing)
      due.set(b.id, dueAt)
      return {
        name: 'booking.send-reminder',
        data: { reminder: '1h', bookingId: b.id, version: 1, dueAt: new Date(dueAt).toISOString() },
        startAfter: new Date(dueAt),
      }
    })
    let expected = REMINDERS * 2
    if (loadEmails > 0) {
      const load = await insertBookings(
        db,
        sql,
        Math.ceil(loadEmails / 2),
        Date.parse('2031-01-01T00:00:00Z'),
        `${label}-load`,
      )
      for (let i = 0; i < load.length; i += 1000) {
        await queue.boss.insert(
          load.slice(i, i + 1000).map((b) => ({
            name: 'booking.send-email',
            data: { event: 'confirmation', bookingId: b.id, version: 1 },
          })),
        )
      }
      expected += load.length * 2
    }
    const before = sink.accepted.length
    await queue.boss.insert(jobs)
    await sink.waitFor(before + expected, (WINDOW_S + 600) * 1000)
    return sink.accepted
      .slice(before)
      .map(({ id, at }) => at - (due.get(id.split('.')[0]) ?? Number.NaN))
      .filter(Number.isFinite)
      .sort((a, b) => a - b)
  }
  const idle = await measureReminders('remind-idle', 0)
  const loaded = await measureReminders('remind-load', LOAD_EMAILS)
  const lateness = loaded.length > 0 ? [...idle, ...loaded].sort((a, b) => a - b) : idle

  const rows = [
    ['e-mails drained', String(bookings.length * 2)],
    ['drain time', `${drainSeconds.toFixed(1)} s`],
    ['throughput', `${mailsPerSecond.toFixed(0)} mails/s`],
    ['worker batch / SMTP connections', `${BATCH} / ${SMTP_CONNECTIONS}`],
    ['reminders per run (mails)', `${REMINDERS} (${REMINDERS * 2}) over ${WINDOW_S} s`],
    [
      'lateness idle p50 / p99 / max',
      `${percentile(idle, 50)} / ${percentile(idle, 99)} / ${idle[idle.length - 1]} ms`,
    ],
    [
      `lateness under load (${LOAD_EMAILS} mails draining) p50 / p99 / max`,
      `${percentile(loaded, 50)} / ${percentile(loaded, 99)} / ${loaded[loaded.length - 1]} ms`,
    ],
  ]
  const width = Math.max(...rows.map(([k]) => k.length))
  process.stdout.write('\nnotifications benchmark\n')
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`)
  const p99 = percentile(lateness, 99)
  if (!(p99 <= 5000)) {
    process.stdout.write(`  !! reminder lateness p99 ${p99} ms is over the 5 s target\n`)
    process.exitCode = 1
  }
} finally {
  await queue?.stop()
  await mailer?.close()
  await sink?.close()
  await db?.destroy()
  await pg?.stop()
  rmSync(dataDir, { recursive: true, force: true })
}
