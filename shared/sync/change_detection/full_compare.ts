// A full comparison's pages: every full row, compared column by column with
// Postgres by the writer. The stored hashes are still kept exact as the walk
// passes them, so that a walk resumed by a later invocation finds the
// records whose key a record before its cursor holds.
import type { ReadPage, RunContext } from "../run_context.ts";
import type { TableSpec } from "../tables/table.ts";
import { forgetStaleHashes, readKeysHeldBefore, readStoredKeys } from "./stored_hashes.ts";

/**
 * A full comparison's page: every full row. As on the hash path, stored
 * hashes of the page's ids whose key no record of the page has any more
 * are forgotten (and, after the last page, those past the source's last
 * id), so a stored hash under an id the walk has passed names that record's
 * key. A walk resumed by a later invocation uses that to find the records
 * whose key a record before the cursor holds (`held`): duplicates, as they
 * would be in one invocation.
 */
export async function readFullComparisonPage(
  run: RunContext,
  spec: TableSpec,
  after: number,
  startAfter: number,
): Promise<ReadPage | undefined> {
  const rows = await run.source.page(spec, after, run.config.SYNC_BATCH_SIZE, run.mappingVersion);
  if (rows.length === 0) {
    await forgetStaleHashes(run, spec, after);
    return undefined;
  }
  const end = Number(rows[rows.length - 1].id);
  const keyOf = new Map<number, string>();
  for (const r of rows) {
    const key = spec.normalizeKey(r[spec.sourceKey]);
    if (key !== null) keyOf.set(Number(r.id), String(key));
  }
  const inPage = new Set(keyOf.values());
  const [stored, holders] = await Promise.all([
    run.dryRun ? [] : readStoredKeys(run, spec, after, end),
    startAfter === 0 ? [] : readKeysHeldBefore(run, spec, [...inPage], startAfter),
  ]);
  const stale = stored.filter((k) => !inPage.has(k));
  await forgetStaleHashes(run, spec, after, { end, keys: stale });
  const heldKeys = new Set(holders);
  const held = new Set([...keyOf].filter(([, k]) => heldKeys.has(k)).map(([id]) => id));
  return { rows, end, records: rows.length, cost: rows.length, held };
}
