// A failed run's sync_error row is its record; when that row cannot be
// written (the database is what failed, or refuses it), the run still
// answers, and its log says the record is missing.
import { assertEquals } from "./assert.ts";
import { baseEnv, call, db, serveFunctions, SERVICE_KEY, test } from "./helpers.ts";

test("a sync_error row that cannot be written is logged, and the run still answers 503", async () => {
  // A trigger that refuses the failure row, as a database in trouble would.
  await db.unsafe(`
    create schema if not exists test_faults;
    create or replace function test_faults.refuse_failed_row() returns trigger
    language plpgsql as $$
    begin
      if new.status = 'failed' then raise exception 'the failure row is refused'; end if;
      return new;
    end $$;
    create trigger refuse_failed_row before insert on dev.sync_logs
      for each row execute function test_faults.refuse_failed_row();`);
  const lines: string[] = [];
  const original = console.error;
  console.error = (line: string) => lines.push(line);
  const server = serveFunctions({
    ...baseEnv(),
    MYSQL_PORT: "9", // nothing listens: the run fails opening the source
    SYNC_RETRY_COUNT: "0",
    LOG_LEVEL: "error",
  });
  try {
    const res = await call(server.fn("sync"), {
      token: SERVICE_KEY,
      body: { environment: "development" },
    });
    assertEquals(res.status, 503);
    const events = lines.map((l) => JSON.parse(l));
    const missing = events.find((e) => e.event === "sync_failure_not_recorded");
    assertEquals(
      [missing?.sync_id, missing?.code],
      [res.body.error.details.sync_id, "postgres:P0001"],
      JSON.stringify(events),
    );
  } finally {
    console.error = original;
    await server.close();
    await db.unsafe(`drop trigger refuse_failed_row on dev.sync_logs;
                     drop schema test_faults cascade;`);
  }
});
