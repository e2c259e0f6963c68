// The sync's set-based write (shared/sync/writer.ts statementsFor) on a
// table of its own: what it inserts, updates and leaves alone, when it moves
// the stamp, and a column that follows the source only while the source
// changes. Run on a temporary table, with a spec written here.
import { assert, assertEquals } from "./assert.ts";
import { db, test } from "./helpers.ts";
import { hashTable } from "../shared/sync/change_detection/stored_hashes.ts";
import { statementsFor } from "../shared/sync/writer.ts";

type Spec = Parameters<typeof statementsFor>[1];
const spec = {
  name: "members",
  key: "member_number",
  keyType: "text",
  columns: { member_number: "text", last_name: "text", source_email: "text" },
  stampColumn: "last_sync",
  follows: { column: "email", source: "source_email" },
} as unknown as Spec;

Deno.test("statementsFor: built once per schema and table; never updates the key", () => {
  const first = statementsFor("pg_temp", spec);
  assert(statementsFor("pg_temp", spec) === first, "cached");
  assert(statementsFor("pg_temp_other", spec) !== first, "per schema");
  assert(!first.upsert.includes('"member_number" = excluded'), first.upsert);
  assert(!/\b(insert|update)\b/i.test(first.preview), first.preview);
});

test("statementsFor: inserts, updates only what changed, stamps only a change, email follows a changed source", async () => {
  const conn = await db.reserve();
  try {
    // The writer keeps each row's source hash in private.<schema>_sync_hashes_<table>
    // in the same statement: a twin of development's for this schema.
    await conn.unsafe(
      `create table ${hashTable("pg_temp", "members")} (like ${
        hashTable("dev", "members")
      } including all)`,
    );
    await conn.unsafe(`create temporary table members (
      member_number text primary key, last_name text, source_email text, email text,
      last_sync timestamptz)`);
    const { upsert, preview } = statementsFor("pg_temp", spec);
    const write = async (sql: string, rows: Record<string, unknown>[]) => {
      const [r] = await conn.unsafe(sql, [JSON.stringify(rows)]);
      // Rows without source hashes: nothing written here can be drift.
      assertEquals(JSON.parse(r.drift), []);
      return { inserted: r.inserted, updated: r.updated };
    };
    const table = async () =>
      (await conn.unsafe(`select member_number, last_name, email, source_email, last_sync
                          from pg_temp.members order by 1`)).map((r) => ({ ...r }));
    const rows = [
      { member_number: "1", last_name: "One", source_email: "one@example.org" },
      { member_number: "2", last_name: "Two", source_email: null },
    ];
    assertEquals(await write(preview, rows), { inserted: 2, updated: 0 });
    assertEquals(await table(), [], "a preview writes nothing");
    assertEquals(await write(upsert, rows), { inserted: 2, updated: 0 });
    const first = await table();
    assertEquals(first.map((r) => [r.member_number, r.email, r.source_email]), [
      ["1", "one@example.org", "one@example.org"],
      ["2", null, null],
    ]);
    assert(first.every((r) => r.last_sync), "stamped on insert");

    // The same rows again: nothing written, no stamp moves.
    assertEquals(await write(preview, rows), { inserted: 0, updated: 0 });
    assertEquals(await write(upsert, rows), { inserted: 0, updated: 0 });
    assertEquals(await table(), first);

    // A member's own email stands while the source's does not change...
    await conn.unsafe(
      `update pg_temp.members set email = 'mine@example.org' where member_number = '1'`,
    );
    const renamed = [{ ...rows[0], last_name: "Uno" }, rows[1]];
    assertEquals(await write(upsert, renamed), { inserted: 0, updated: 1 });
    const [one, two] = await table();
    assertEquals([one.last_name, one.email], ["Uno", "mine@example.org"]);
    assert(one.last_sync > first[0].last_sync, "a changed row's stamp moves");
    assertEquals(two, first[1]);
    // ...and the source's wins once it changes.
    const moved = [{ ...renamed[0], source_email: "new@example.org" }, rows[1]];
    assertEquals(await write(upsert, moved), { inserted: 0, updated: 1 });
    assertEquals((await table())[0].email, "new@example.org");
  } finally {
    await conn.unsafe("drop table if exists pg_temp.members").catch(() => {});
    await conn.unsafe(`drop table if exists ${hashTable("pg_temp", "members")}`).catch(() => {});
    conn.release();
  }
});
