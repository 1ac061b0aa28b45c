import type { PutAvailabilityBody } from '@slotkit/core/api'
import {
  loadOverrides,
  loadRules,
  replaceAvailability,
} from '../db/repositories/availability.repository'
import { findUserById, lockHost } from '../db/repositories/users.repository'
import { ApiError, notFound } from '../http/api-error'
import type { ServiceDeps } from './deps'
import { bumpHostGeneration } from './generation'
import { checkDate } from './validate'

function minutes(time: string): number {
  const [h, m] = time.split(':').map(Number) as [number, number]
  return h * 60 + m
}

function invalidRules(field: string, message: string): ApiError {
  return new ApiError('INVALID_RULES', `${field}: ${message}`, { field })
}

/** Windows must have end after start and must not overlap (touching is fine). */
function checkWindows(windows: { start_time: string; end_time: string; field: string }[]): void {
  for (const w of windows) {
    if (minutes(w.end_time) <= minutes(w.start_time))
      throw invalidRules(w.field, `end_time ${w.end_time} is not after start_time ${w.start_time}`)
  }
  const sorted = [...windows].sort((a, b) => minutes(a.start_time) - minutes(b.start_time))
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!
    const cur = sorted[i]!
    if (minutes(cur.start_time) < minutes(prev.end_time)) {
      throw invalidRules(
        cur.field,
        `${cur.start_time}-${cur.end_time} overlaps ${prev.start_time}-${prev.end_time}`,
      )
    }
  }
}

function toWire(
  userId: string,
  timeZone: string,
  rules: Awaited<ReturnType<typeof loadRules>>,
  overrides: Awaited<ReturnType<typeof loadOverrides>>,
) {
  return {
    user_id: userId,
    time_zone: timeZone,
    rules: rules.map((r) => ({
      day_of_week: r.dayOfWeek,
      start_time: r.startTime,
      end_time: r.endTime,
    })),
    overrides: overrides.map((o) => ({
      date: o.date,
      intervals: o.intervals.map((i) => ({ start_time: i.startTime, end_time: i.endTime })),
    })),
  }
}

export async function getAvailability(deps: Pick<ServiceDeps, 'db'>, userId: string) {
  const user = await findUserById(deps.db, userId)
  if (!user) throw notFound('User')
  const [rules, overrides] = await Promise.all([
    loadRules(deps.db, userId),
    loadOverrides(deps.db, userId),
  ])
  return toWire(userId, user.timeZone, rules, overrides)
}

/** Replaces the weekly rules and date overrides (under the host lock) and bumps the generation. */
export async function putAvailability(
  deps: ServiceDeps,
  userId: string,
  body: PutAvailabilityBody,
) {
  for (let day = 0; day <= 6; day++) {
    checkWindows(
      body.rules.flatMap((r, i) => (r.day_of_week === day ? [{ ...r, field: `rules[${i}]` }] : [])),
    )
  }
  const overrides = body.overrides ?? []
  const seen = new Set<string>()
  overrides.forEach((o, i) => {
    checkDate(o.date, `overrides[${i}].date`)
    if (seen.has(o.date)) throw invalidRules(`overrides[${i}].date`, `${o.date} appears twice`)
    seen.add(o.date)
    checkWindows(o.intervals.map((w, j) => ({ ...w, field: `overrides[${i}].intervals[${j}]` })))
  })
  const rules = body.rules
    .map((r) => ({ dayOfWeek: r.day_of_week, startTime: r.start_time, endTime: r.end_time }))
    .sort((a, b) => a.dayOfWeek - b.dayOfWeek || minutes(a.startTime) - minutes(b.startTime))
  const stored = overrides
    .map((o) => ({
      date: o.date,
      intervals: o.intervals
        .map((w) => ({ startTime: w.start_time, endTime: w.end_time }))
        .sort((a, b) => minutes(a.startTime) - minutes(b.startTime)),
    }))
    .sort((a, b) => (a.date < b.date ? -1 : 1))
  const user = await deps.db.transaction().execute(async (trx) => {
    const host = await lockHost(trx, userId)
    if (!host) throw notFound('User')
    await replaceAvailability(trx, userId, rules, stored)
    return host
  })
  await bumpHostGeneration(deps, userId)
  return toWire(userId, user.timeZone, rules, stored)
}
