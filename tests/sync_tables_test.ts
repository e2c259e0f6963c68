// Each synced table is one declaration (shared/sync/tables/<name>.ts): these
// tests hold the declarations to the mapping that uses them, the real legacy
// schema they read, and the Postgres tables they write.
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { afterAll, baseEnv, db, test } from "./helpers.ts";
import { loadDemoData, recreateSourceDatabase } from "../local/demo_data.ts";
import { loadConfig } from "../shared/config.ts";
import { syncConfig } from "../shared/sync/config.ts";
import { openSource } from "../shared/sync/source.ts";
import { SYNC_TABLES, TABLE_SPECS } from "../shared/sync/tables.ts";
import { readName } from "../shared/sync/tables/table.ts";
import { MAPPING_VERSION } from "../shared/sync/change_detection/source_hashes.ts";
import { hashTable } from "../shared/sync/change_detection/stored_hashes.ts";

const SOURCE_DB = "mynatca_tables_test";
const my = await recreateSourceDatabase(SOURCE_DB);
await loadDemoData(my, { regions: 3, facilities: 6, members: 30, positions: 6 });
afterAll(() => my.end());
const config = loadConfig(syncConfig, { ...baseEnv(), MYSQL_DB: SOURCE_DB });

/** A source row that records which columns are read from it. */
function recordingRow(read: Set<string>) {
  return new Proxy({} as Record<string, unknown>, {
    get: (_target, prop) => {
      if (typeof prop === "string") read.add(prop);
      return undefined;
    },
  });
}

// Pure: no server, no pool to keep.
Deno.test("each table's mapping reads only the source columns its declaration names", () => {
  for (const table of SYNC_TABLES) {
    const spec = TABLE_SPECS[table];
    const read = new Set<string>();
    spec.map(recordingRow(read), "2026-11-29");
    const declared = spec.source.reads.map(readName);
    assertEquals([...read].filter((c) => !declared.includes(c)), [], table);
    assert(declared.includes(spec.sourceKey), `${table}: its key ${spec.sourceKey} is read`);
  }
});

test("each table's page query fetches its id and exactly the columns its declaration names", async () => {
  const source = await openSource(config);
  try {
    for (const table of SYNC_TABLES) {
      const spec = TABLE_SPECS[table];
      const page = await source.page(spec, 0, 2, MAPPING_VERSION);
      assertEquals(page.length, 2, table);
      assertEquals(
        Object.keys(page[0]).sort(),
        ["id", "sync_hash", ...spec.source.reads.map(readName)].sort(),
      );
      assertMatch(String(page[0].sync_hash), /^[0-9a-f]{32}$/, `${table}: an MD5 per row`);
      assert(Number(page[1].id) > Number(page[0].id), `${table} pages in id order`);
      const [[{ n }]] = await my.query(`select count(*) as n from ${spec.source.table}`) as [
        { n: number }[],
        unknown,
      ];
      assertEquals((await source.keys(spec)).length, n, `${table}: every key of the source`);
    }
  } finally {
    await source.close();
  }
});

test("each table's synced columns exist with their declared types in both environments", async () => {
  for (const table of SYNC_TABLES) {
    const spec = TABLE_SPECS[table];
    for (const schema of ["public", "dev"]) {
      const rows = await db<{ column_name: string; type: string }[]>`
        select a.attname as column_name, format_type(a.atttypid, a.atttypmod) as type
        from pg_attribute a
        where a.attrelid = ${`${schema}.${table}`}::regclass and a.attnum > 0
          and not a.attisdropped`;
      const actual = Object.fromEntries(rows.map((r) => [r.column_name, r.type]));
      for (const [column, type] of Object.entries(spec.columns)) {
        assertEquals(actual[column], type, `${schema}.${table}.${column}`);
      }
      const [{ unique }] = await db`
        select exists (select 1 from pg_index i
                       where i.indrelid = ${`${schema}.${table}`}::regclass and i.indisunique
                         and i.indnkeyatts = 1
                         and i.indkey[0] = (select attnum from pg_attribute
                                            where attrelid = i.indrelid
                                              and attname = ${spec.key})) as unique`;
      assert(unique, `${schema}.${table}.${spec.key} is unique (the upsert's conflict target)`);
      // Its stored hashes, in a table of its own that no reader can reach.
      const [hashes] = await db`
        select to_regclass(${hashTable(schema, table)}) is not null as exists,
               coalesce(has_table_privilege('authenticated', ${hashTable(schema, table)}, 'select'),
                        false) as readable`;
      assertEquals(hashes, { exists: true, readable: false }, hashTable(schema, table));
    }
  }
});
