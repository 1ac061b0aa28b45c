import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { defineConfig } from '../src/config/config'
import { startEmbeddedPostgres } from '../src/db/embedded-postgres'
import { createOutboxMailer } from '../src/integrations/email/outbox-mailer'
import { startServer } from '../src/main'
import { ADMIN_TOKEN, SECRET_KEY } from './helpers'
import { removeDataDir } from './processes'

const folders: string[] = []
afterAll(async () => {
  for (const dir of folders) await removeDataDir(dir)
})

const mode = (path: string) => statSync(path).mode & 0o777
const isRoot = process.getuid?.() === 0

/**
 * A DATA_DIR as older versions left it: the folder and its outbox readable by everyone,
 * with an e-mail (personal data, a cancel link) in it.
 */
function olderDataDir(): { dataDir: string; outbox: string; oldMessage: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'slotkit-modes-'))
  folders.push(dataDir)
  chmodSync(dataDir, 0o755)
  const outbox = join(dataDir, 'outbox')
  mkdirSync(outbox)
  chmodSync(outbox, 0o755)
  const oldMessage = join(outbox, 'old@slotkit.eml')
  writeFileSync(oldMessage, 'To: ada@example.com\n\nCancel: https://book.example/c/token\n')
  chmodSync(oldMessage, 0o644)
  return { dataDir, outbox, oldMessage }
}

const message = (id: string) => ({
  to: { name: 'Ada Lovelace', email: 'ada@example.com' },
  subject: 'Confirmed: Meeting',
  text: 'Cancel: https://book.example/c/token',
  html: '<p>Cancel: <a href="https://book.example/c/token">link</a></p>',
  messageId: `${id}@slotkit.test`,
})

describe('DATA_DIR and outbox permissions', () => {
  it('the outbox mailer creates its folder 0700 and writes each message 0600', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'slotkit-modes-'))
    folders.push(dataDir)
    const outbox = join(dataDir, 'new', 'outbox')
    const mailer = createOutboxMailer({ dir: outbox, from: 'Slotkit <no-reply@slotkit.test>' })
    const sent = await mailer.send(message('first'))
    expect(mode(outbox)).toBe(0o700)
    expect(mode(join(dataDir, 'new'))).toBe(0o700)
    expect(mode(sent.path!)).toBe(0o600)
  })

  it('the outbox mailer tightens an older outbox and its messages before writing', async () => {
    const { outbox, oldMessage } = olderDataDir()
    const mailer = createOutboxMailer({ dir: outbox, from: 'Slotkit <no-reply@slotkit.test>' })
    const sent = await mailer.send(message('second'))
    expect(mode(outbox)).toBe(0o700)
    expect(mode(oldMessage)).toBe(0o600)
    expect(mode(sent.path!)).toBe(0o600)
  })

  it('the embedded PostgreSQL start makes an older DATA_DIR private, and its cluster stays in it', async () => {
    const { dataDir, outbox, oldMessage } = olderDataDir()
    const pg = await startEmbeddedPostgres({ dataDir, unsafeFast: true })
    try {
      expect(pg.clusterDir).toBe(join(dataDir, 'postgres'))
      if (isRoot) {
        // PostgreSQL runs as "postgres": its group may pass through to the 0700 cluster folder.
        const postgresGid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }))
        expect(mode(dataDir)).toBe(0o710)
        expect(statSync(dataDir).gid).toBe(postgresGid)
      } else {
        expect(mode(dataDir)).toBe(0o700)
      }
      expect(mode(pg.clusterDir)).toBe(0o700)
      expect(mode(outbox)).toBe(0o700)
      expect(mode(oldMessage)).toBe(0o600)
      expect(mode(join(dataDir, 'postgres-password'))).toBe(0o600)
    } finally {
      await pg.stop()
    }
    // The next start finds it as it left it, and PostgreSQL still reaches its cluster.
    const before = statSync(dataDir)
    const again = await startEmbeddedPostgres({ dataDir, unsafeFast: true })
    await again.stop()
    expect(again.clusterDir).toBe(join(dataDir, 'postgres'))
    expect(statSync(dataDir).mode).toBe(before.mode)
    expect(statSync(dataDir).gid).toBe(before.gid)
  }, 120_000)

  it('a server on DATABASE_URL makes an older DATA_DIR 0700 and its outbox private on start', async () => {
    const { dataDir, outbox, oldMessage } = olderDataDir()
    const server = await startServer(
      defineConfig({
        databaseUrl: inject('databaseUrl'),
        dataDir,
        port: 0,
        logLevel: 'silent',
        adminToken: ADMIN_TOKEN,
        secretKey: SECRET_KEY,
        seedDemo: false,
        runWorkers: false,
      }),
      { banner: false },
    )
    try {
      expect(mode(dataDir)).toBe(0o700)
      expect(mode(outbox)).toBe(0o700)
      expect(mode(oldMessage)).toBe(0o600)
      expect(readdirSync(outbox)).toEqual(['old@slotkit.eml'])
    } finally {
      await server.close()
    }
  }, 60_000)
})
