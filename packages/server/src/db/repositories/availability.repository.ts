import { sql } from 'kysely'
import type { Db } from '../database'

export interface StoredRule {
  dayOfWeek: number
  startTime: string
  endTime: string
}

export interface StoredOverride {
  date: string
  intervals: { startTime: string; endTime: string }[]
}

/** `09:00:00` → `09:00`, `24:00:00` → `24:00`. */
function hhmm(time: string): string {
  return time.slice(0, 5)
}

export async function loadRules(db: Db, userId: string): Promise<StoredRule[]> {
  const rows = await db
    .selectFrom('availabilityRules')
    .select(['dayOfWeek', 'startTime', 'endTime'])
    .where('userId', '=', userId)
    .orderBy('dayOfWeek')
    .orderBy('startTime')
    .execute()
  return rows.map((r) => ({
    dayOfWeek: r.dayOfWeek,
    startTime: hhmm(r.startTime),
    endTime: hhmm(r.endTime),
  }))
}

/** Overrides of a user, optionally only those within `[fromDate, toDate]`. */
export async function loadOverrides(
  db: Db,
  userId: string,
  fromDate?: string,
  toDate?: string,
): Promise<StoredOverride[]> {
  let query = db
    .selectFrom('dateOverrides')
    .select(['date', 'intervals'])
    .where('userId', '=', userId)
  if (fromDate) query = query.where('date', '>=', fromDate)
  if (toDate) query = query.where('date', '<=', toDate)
  const rows = await query.orderBy('date').execute()
  return rows.map((r) => ({
    date: r.date,
    intervals: r.intervals.map((i) => ({ startTime: i.start_time, endTime: i.end_time })),
  }))
}

/** Replaces every rule and override of the user (call inside a transaction). */
export async function replaceAvailability(
  trx: Db,
  userId: string,
  rules: StoredRule[],
  overrides: StoredOverride[],
): Promise<void> {
  await trx.deleteFrom('availabilityRules').where('userId', '=', userId).execute()
  await trx.deleteFrom('dateOverrides').where('userId', '=', userId).execute()
  if (rules.length > 0) {
    await trx
      .insertInto('availabilityRules')
      .values(
        rules.map((r) => ({
          userId,
          dayOfWeek: r.dayOfWeek,
          startTime: r.startTime,
          endTime: r.endTime,
        })),
      )
      .execute()
  }
  if (overrides.length > 0) {
    await trx
      .insertInto('dateOverrides')
      .values(
        overrides.map((o) => ({
          userId,
          date: o.date,
          intervals: JSON.stringify(
            o.intervals.map((i) => ({ start_time: i.startTime, end_time: i.endTime })),
          ),
        })),
      )
      .execute()
  }
  await trx.updateTable('users').set({ updatedAt: sql`now()` }).where('id', '=', userId).execute()
}
