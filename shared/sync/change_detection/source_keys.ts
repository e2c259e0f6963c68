// Which keys the source holds now, for retiring vanished rows and validating
// Discord links: either the list of every key, or (after a hash-path walk of
// the whole table in this invocation) the stored hashes themselves.
import { hashTable } from "./stored_hashes.ts";

export type SourceKeys =
  /** Every key the source holds, as the mapping writes it. */
  | { list: (string | number)[] }
  /**
   * The keys of the table's stored hashes plus `read`. A hash-path walk of
   * the whole table leaves the stored hashes exact: every unchanged record's
   * hash was found under its own id, every hash no record matched was
   * forgotten, and the keys of the records it read in full (changed, new,
   * rejected, noticed) are `read`. Never for a walk that found no record.
   */
  | { stored: { table: string; read: string[] } };

/** The source returned no record at all (never a real departure of everyone). */
export const sourceIsEmpty = (keys: SourceKeys) => "list" in keys && keys.list.length === 0;

/**
 * SQL for "the text expression `key` is not a source key", with its one
 * parameter (placeholder `$<param>`): `joins` (left joins to add to the
 * FROM clause) and `absent` (a condition over them) for a select list, or
 * `notExists` for a WHERE clause. Either plans as a hash join; a NOT EXISTS
 * in a select list would run once per row.
 */
export function notInSource(keys: SourceKeys, schema: string, key: string, param: number) {
  const listed = (alias: string) =>
    `left join (select distinct v from json_array_elements_text($${param}::text::json) as j(v))
       ${alias} on ${alias}.v = ${key}`;
  const listedNot = `not exists (select from json_array_elements_text($${param}::text::json) as j(v)
                                 where j.v = ${key})`;
  if ("list" in keys) {
    return {
      joins: listed("src_l"),
      absent: "src_l.v is null",
      notExists: listedNot,
      value: JSON.stringify(keys.list),
    };
  }
  const { table, read } = keys.stored;
  const hashes = hashTable(schema, table);
  return {
    joins: `left join ${hashes} src_x on src_x.source_key = ${key}
            ${listed("src_l")}`,
    absent: "src_x.source_key is null and src_l.v is null",
    notExists: `not exists (select from ${hashes} x where x.source_key = ${key})
                and ${listedNot}`,
    value: JSON.stringify(read),
  };
}
