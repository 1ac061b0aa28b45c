import { type Kysely, sql } from 'kysely'

/** Tables whose rows feed the slot check, and their column naming the host. */
const SCHEDULING_TABLES = [
  ['availability_rules', 'user_id'],
  ['date_overrides', 'user_id'],
  ['meeting_types', 'user_id'],
  ['external_busy', 'host_id'],
] as const

/**
 * `users.schedule_version`: a counter of the changes that can make a slot check
 * wrong. The booking path checks a slot against data read at one version and
 * inserts only if the host row still has it (ADR 0008).
 *
 * Triggers keep it honest whoever writes: every row written or deleted in the
 * tables of rules, overrides, meeting types and external busy times, and a
 * change of the host's zone, bump it in the writing transaction, so manual SQL,
 * future writers (calendar sync) and processes of an older version are covered.
 * New bookings bump it in the booking statement itself (a trigger there would
 * write the host row twice per booking); cancellations only free time and do not.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE users ADD COLUMN schedule_version bigint NOT NULL DEFAULT 0`.execute(db)
  await sql`
    COMMENT ON COLUMN users.schedule_version IS
      'Bumped in the same transaction as every write that can turn a passed slot check into a failed one; see docs/decisions/0008'
  `.execute(db)
  await sql`
    CREATE FUNCTION slotkit_bump_schedule_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      -- TG_ARGV[0]: the column naming the host. Both rows on UPDATE: a row can move hosts.
      IF TG_OP <> 'INSERT' THEN
        EXECUTE format('UPDATE users SET schedule_version = schedule_version + 1 WHERE id = ($1).%I', TG_ARGV[0]) USING OLD;
      END IF;
      IF TG_OP <> 'DELETE' THEN
        EXECUTE format('UPDATE users SET schedule_version = schedule_version + 1 WHERE id = ($1).%I', TG_ARGV[0]) USING NEW;
      END IF;
      RETURN NULL;
    END $$`.execute(db)
  for (const [table, hostColumn] of SCHEDULING_TABLES) {
    await sql`
      CREATE TRIGGER ${sql.id(`${table}_bump_schedule_version`)}
        AFTER INSERT OR UPDATE OR DELETE ON ${sql.id(table)}
        FOR EACH ROW EXECUTE FUNCTION slotkit_bump_schedule_version(${sql.lit(hostColumn)})
    `.execute(db)
  }
  await sql`
    CREATE FUNCTION slotkit_bump_schedule_version_on_zone() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.schedule_version := OLD.schedule_version + 1;
      RETURN NEW;
    END $$`.execute(db)
  await sql`
    CREATE TRIGGER users_zone_bumps_schedule_version
      BEFORE UPDATE OF time_zone ON users
      FOR EACH ROW WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone)
      EXECUTE FUNCTION slotkit_bump_schedule_version_on_zone()
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER users_zone_bumps_schedule_version ON users`.execute(db)
  await sql`DROP FUNCTION slotkit_bump_schedule_version_on_zone()`.execute(db)
  for (const [table] of SCHEDULING_TABLES) {
    await sql`DROP TRIGGER ${sql.id(`${table}_bump_schedule_version`)} ON ${sql.id(table)}`.execute(
      db,
    )
  }
  await sql`DROP FUNCTION slotkit_bump_schedule_version()`.execute(db)
  await sql`ALTER TABLE users DROP COLUMN schedule_version`.execute(db)
}
