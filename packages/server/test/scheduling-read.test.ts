import type { FastifyInstance } from 'fastify'
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findMeetingTypeById } from '../src/db/repositories/meeting-types.repository'
import {
  loadSchedulingData,
  loadSchedulingDataMany,
  type SchedulingQuery,
} from '../src/db/repositories/scheduling.repository'
import type { Database } from '../src/db/schema'
import { createHost, createMeetingType, createTestApp } from './helpers'
import { openTestDb } from './notifications/harness'

/**
 * The scheduling read (ADR 0008) builds the meeting type from a list of columns
 * (one JSON object, one round trip). A column a migration adds to
 * `meeting_types` must show up there too, or the booking check and the slots
 * would silently work without it.
 */
describe('the scheduling read', () => {
  let app: FastifyInstance
  let db: Kysely<Database>
  beforeAll(async () => {
    db = await openTestDb()
    app = await createTestApp()
  })
  afterAll(async () => {
    await app.close()
    await db.destroy()
  })

  it('returns every column of meeting_types, with the values and types a plain select returns', async () => {
    const host = await createHost(app, 'UTC')
    // Every nullable column set, so that a value (not only a key) is compared.
    const id = await createMeetingType(app, host, {
      slug: 'every-column',
      duration_options_minutes: [45, 60],
      buffer_before_minutes: 5,
      buffer_after_minutes: 10,
      slot_interval_minutes: 15,
      max_bookings_per_day: 3,
      max_bookings_per_week: 9,
      date_range: { start_date: '2027-03-01', end_date: '2027-03-31' },
      questions: [{ id: 'topic', label: 'Topic', type: 'select', required: true, options: ['a'] }],
    })
    const stored = await findMeetingTypeById(db, id)
    const { rows: columns } = await sql<{ name: string }>`
      SELECT column_name AS name FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = 'meeting_types'`.execute(db)
    // The plain select has every column of the table (selectAll), whatever the types say.
    expect(Object.keys(stored ?? {})).toHaveLength(columns.length)

    const query: SchedulingQuery = {
      hostId: host.id,
      meetingTypeId: id,
      from: Date.parse('2027-03-01T00:00Z'),
      to: Date.parse('2027-03-08T00:00Z'),
      overridesFrom: '2027-02-27',
      overridesTo: '2027-03-10',
    }
    const single = await loadSchedulingData(db, query)
    expect(single.meetingType).toEqual(stored)
    const [batched] = await loadSchedulingDataMany(db, [
      query,
      { ...query, meetingTypeId: undefined },
    ])
    expect(batched?.meetingType).toEqual(stored)
  })
})
