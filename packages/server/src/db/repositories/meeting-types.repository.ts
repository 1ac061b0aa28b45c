import { sql } from 'kysely'
import type { Db } from '../database'
import { isUuid } from '../ids'
import type { MeetingTypeRow, MeetingTypeUpdate, NewMeetingType } from '../schema'

export async function insertMeetingType(db: Db, values: NewMeetingType): Promise<MeetingTypeRow> {
  return db.insertInto('meetingTypes').values(values).returningAll().executeTakeFirstOrThrow()
}

export async function findMeetingTypeById(db: Db, id: string): Promise<MeetingTypeRow | undefined> {
  if (!isUuid(id)) return undefined
  return db.selectFrom('meetingTypes').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function listMeetingTypes(db: Db, userId: string): Promise<MeetingTypeRow[]> {
  return db
    .selectFrom('meetingTypes')
    .selectAll()
    .where('userId', '=', userId)
    .orderBy('createdAt')
    .orderBy('id')
    .execute()
}

export async function updateMeetingType(
  db: Db,
  id: string,
  userId: string,
  changes: MeetingTypeUpdate,
): Promise<MeetingTypeRow | undefined> {
  if (!isUuid(id)) return undefined
  // A trigger bumps the host's schedule_version in the same transaction (migration 0003).
  return db
    .updateTable('meetingTypes')
    .set({ ...changes, updatedAt: sql`now()` })
    .where('id', '=', id)
    .where('userId', '=', userId)
    .returningAll()
    .executeTakeFirst()
}
