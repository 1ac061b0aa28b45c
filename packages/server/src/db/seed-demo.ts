import { sql } from 'kysely'
import type { Db } from './database'
import { replaceAvailability } from './repositories/availability.repository'
import { insertMeetingType } from './repositories/meeting-types.repository'
import { countUsers, insertUser } from './repositories/users.repository'

/** E-mail of the demo host the start page links to. */
export const DEMO_HOST_EMAIL = 'demo@slotkit.local'

/**
 * On an empty database: a demo host (America/New_York, Mon–Fri 09:00–17:00)
 * with 15-, 30- and 60-minute meeting types. Returns whether it seeded.
 */
export async function seedDemo(db: Db): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    // Two servers starting together on one empty database seed once.
    await sql`SELECT pg_advisory_xact_lock(7243001)`.execute(trx)
    if ((await countUsers(trx)) > 0) return false
    const host = await insertUser(trx, {
      email: DEMO_HOST_EMAIL,
      name: 'Demo Host',
      timeZone: 'America/New_York',
    })
    const weekdays = [1, 2, 3, 4, 5].map((dayOfWeek) => ({
      dayOfWeek,
      startTime: '09:00',
      endTime: '17:00',
    }))
    await replaceAvailability(trx, host.id, weekdays, [])
    for (const [name, minutes, slug] of [
      ['Quick chat', 15, 'quick-chat'],
      ['Meeting', 30, 'meeting'],
      ['Deep dive', 60, 'deep-dive'],
    ] as const) {
      await insertMeetingType(trx, {
        userId: host.id,
        name,
        slug,
        durationMinutes: minutes,
        minNoticeMinutes: 60,
        maxDaysAhead: 60,
        questions: JSON.stringify([]),
      })
    }
    return true
  })
}
