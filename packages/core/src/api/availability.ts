import { type Static, Type } from 'typebox'
import {
  EndTimeSchema,
  IsoDateSchema,
  StartTimeSchema,
  TimeZoneSchema,
  UuidSchema,
} from './primitives'

/** A wall-clock window `start_time`–`end_time` in the host's zone. */
export const TimeIntervalSchema = Type.Object(
  { start_time: StartTimeSchema, end_time: EndTimeSchema },
  {
    additionalProperties: false,
    title: 'Time interval',
    description:
      "A local window in the host's zone, start before end. Overlapping or inverted windows are rejected (400 INVALID_RULES).",
  },
)

/** A wall-clock window in the host's zone. */
export type TimeInterval = Static<typeof TimeIntervalSchema>

/** A weekly rule: on `day_of_week` (0 = Sunday … 6 = Saturday), open from `start_time` to `end_time`. */
export const AvailabilityRuleSchema = Type.Object(
  {
    day_of_week: Type.Integer({
      minimum: 0,
      maximum: 6,
      description: '0 = Sunday … 6 = Saturday.',
    }),
    start_time: StartTimeSchema,
    end_time: EndTimeSchema,
  },
  {
    additionalProperties: false,
    title: 'Weekly rule',
    description: "One open window on one weekday, in the host's zone. Several per day are allowed.",
  },
)

/** A weekly rule. */
export type AvailabilityRule = Static<typeof AvailabilityRuleSchema>

/** A date override: on `date` (host-local), `intervals` replace the weekly rules; `[]` = day off. */
export const DateOverrideSchema = Type.Object(
  {
    date: IsoDateSchema,
    intervals: Type.Array(TimeIntervalSchema, { maxItems: 48 }),
  },
  {
    additionalProperties: false,
    title: 'Date override',
    description:
      'On this host-local date the intervals replace the weekly rules; an empty list makes it a day off.',
  },
)

/** A date override. */
export type DateOverride = Static<typeof DateOverrideSchema>

/** Body of `PUT /api/users/:id/availability`: replaces the rules and overrides. */
export const PutAvailabilityBodySchema = Type.Object(
  {
    rules: Type.Array(AvailabilityRuleSchema, { maxItems: 336 }),
    overrides: Type.Optional(Type.Array(DateOverrideSchema, { maxItems: 1000 })),
  },
  {
    additionalProperties: false,
    title: 'Set availability',
    description:
      'Replaces the weekly rules and the date overrides (absent overrides = none). Overlapping or inverted windows → 400.',
  },
)

/** Body of `PUT /api/users/:id/availability`. */
export type PutAvailabilityBody = Static<typeof PutAvailabilityBodySchema>

/** Reply of `GET`/`PUT /api/users/:id/availability`: what is stored. */
export const AvailabilitySchema = Type.Object(
  {
    user_id: UuidSchema,
    time_zone: TimeZoneSchema,
    rules: Type.Array(AvailabilityRuleSchema),
    overrides: Type.Array(DateOverrideSchema),
  },
  {
    title: 'Availability',
    description:
      "The stored weekly rules and date overrides, in the host's time zone (time_zone), sorted by day/date and start.",
  },
)

/** Reply of `GET`/`PUT /api/users/:id/availability`. */
export type Availability = Static<typeof AvailabilitySchema>
