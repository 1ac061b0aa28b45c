// Shared set-up of the e2e tests: the real server on a real port, hosts made
// through the real client, and a small TCP proxy that misbehaves on purpose.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type CreateUserReply,
  createClient,
  type MeetingType,
  type SlotkitClient,
} from '@slotkit/client'
import { buildApp, defineConfig, type UndocumentedReply } from '@slotkit/server'
import { inject } from 'vitest'

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef'
const SECRET_KEY = 'e2e-secret-key-0123456789abcdef-0123456789'

/**
 * The server's clock: Monday 2027-03-01 12:00 UTC, so that every date below is
 * in the booking window. 2027-03-14 is spring-forward day in New York.
 */
export const NOW = Date.parse('2027-03-01T12:00:00Z')

/**
 * Replies whose status or error code the route's OpenAPI responses do not list,
 * as every app of {@link startApi} reports them; `setup.ts` fails the test that saw one.
 */
export const undocumentedReplies: UndocumentedReply[] = []

/** A server listening on a free loopback port. */
export interface RunningApi {
  baseUrl: string
  port: number
  close(): Promise<void>
}

/** Starts the real app (`buildApp` + listen) on the shared e2e database. */
export async function startApi(): Promise<RunningApi> {
  const dataDir = mkdtempSync(join(tmpdir(), 'slotkit-e2e-app-'))
  const config = defineConfig({
    databaseUrl: inject('databaseUrl'),
    dataDir,
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    rateLimitPerMinute: 0,
    adminToken: ADMIN_TOKEN,
    secretKey: SECRET_KEY,
  })
  const app = await buildApp(config, {
    now: () => NOW,
    onUndocumentedReply: (reply) => undocumentedReplies.push(reply),
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (!address || typeof address !== 'object') throw new Error('server is not listening')
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: async () => {
      await app.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** A host with its own client, open every day 09:00–17:00, and one 30-minute meeting type. */
export interface TestHost {
  user: CreateUserReply
  client: SlotkitClient
  meetingType: MeetingType
}

/** Creates a host through the client: user (admin), availability, meeting type. */
export async function createHost(
  baseUrl: string,
  timeZone = 'America/New_York',
): Promise<TestHost> {
  const admin = createClient({ baseUrl, apiKey: ADMIN_TOKEN })
  const user = await admin.users.create({
    email: `host-${randomUUID()}@example.com`,
    name: 'E2E Host',
    time_zone: timeZone,
  })
  const client = createClient({ baseUrl, apiKey: user.api_key })
  await client.availability.set(user.id, {
    rules: [0, 1, 2, 3, 4, 5, 6].map((day) => ({
      day_of_week: day,
      start_time: '09:00',
      end_time: '17:00',
    })),
  })
  const meetingType = await client.meetingTypes.create({
    user_id: user.id,
    name: 'Intro call',
    duration_minutes: 30,
    min_notice_minutes: 0,
  })
  return { user, client, meetingType }
}

/** A booking body for `meetingTypeId` at `startTime`. */
export function bookingBody(meetingTypeId: string, startTime: string) {
  return {
    meeting_type_id: meetingTypeId,
    start_time: startTime,
    invitee_name: 'Grace Hopper',
    invitee_email: 'grace@example.com',
    invitee_timezone: 'Europe/London',
  }
}

/** What the proxy does with one client connection. */
export type ProxyMode =
  /** Forward both ways. */
  | 'pass'
  /**
   * Forward the request; when the server's reply starts, drop both sockets
   * without passing it on: the server did the work, the client never hears.
   */
  | 'drop-reply'
  /**
   * Forward the request, then drop the client's connection at once while the
   * server still works on it: the client's retry races the first attempt.
   */
  | 'drop-request'
  /** Forward the request; hold the reply this long before passing it on. */
  | { delayReplyMs: number }

/** A TCP proxy in front of the server. */
export interface TestProxy {
  baseUrl: string
  /** Bytes received from the client, one string per connection. */
  requests: string[]
  close(): Promise<void>
}

/** Starts a proxy to `targetPort`; `plan(n)` picks the mode of the n-th connection (from 0). */
export async function startProxy(
  targetPort: number,
  plan: (connection: number) => ProxyMode,
): Promise<TestProxy> {
  const requests: string[] = []
  const sockets = new Set<Socket>()
  const server = createServer((downstream) => {
    const index = requests.length
    requests.push('')
    const mode = plan(index)
    const upstream = connect(targetPort, '127.0.0.1')
    for (const socket of [downstream, upstream]) {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      socket.on('error', () => {})
    }
    downstream.on('data', (chunk: Buffer) => {
      requests[index] += chunk.toString('latin1')
      upstream.write(chunk)
      if (mode === 'drop-request') downstream.destroy()
    })
    // In 'drop-request' mode the server keeps its side open until it replies.
    if (mode !== 'drop-request') downstream.on('close', () => upstream.destroy())
    upstream.on('close', () => downstream.destroy())
    upstream.on('data', (chunk: Buffer) => {
      if (mode === 'pass') downstream.write(chunk)
      else if (mode === 'drop-reply' || mode === 'drop-request') {
        downstream.destroy()
        upstream.destroy()
      } else setTimeout(() => downstream.write(chunk), mode.delayReplyMs)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address !== 'object') throw new Error('proxy is not listening')
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** The value of `name` in a raw HTTP request, if present. */
export function headerOf(rawRequest: string, name: string): string | undefined {
  const match = new RegExp(`^${name}: *(.*)$`, 'im').exec(rawRequest)
  return match?.[1]?.trim()
}

/** Resolves with what `promise` rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the call to reject')
}
