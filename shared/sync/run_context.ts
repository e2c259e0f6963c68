// What the walks of one sync invocation share (RunContext), and what a walk
// passes between reading a page and mapping it.
import type { Sql } from "../db.ts";
import type { SyncConfig } from "./config.ts";
import type { SourceRow } from "./mapping.ts";
import type { SyncRetries } from "./retries.ts";
import type { Source } from "./source.ts";
import type { SyncTable } from "./tables.ts";

/** What a run is: fixed once it has started. */
export interface RunTarget {
  sql: Sql;
  /** The environment's shared schema (public, dev). */
  schema: string;
  config: SyncConfig;
  syncId: string;
  tables: SyncTable[];
  dryRun: boolean;
  /** Retire past the guard's limits, once (operator CLI only). */
  allowMassDeactivation: boolean;
  /** Compare full rows (and report drift) instead of source hashes. */
  fullCompare: boolean;
  /** The mapping version the run hashes with (MAPPING_VERSION when it started). */
  mappingVersion: number;
}

/** How the run reads, retries, keeps its lock and says how far it is. */
export interface RunIo {
  source: Source;
  retries: SyncRetries;
  /** Throws when the run no longer holds its environment's lock. */
  checkLock: () => Promise<void>;
  onProgress?: (table: SyncTable, rows: number, rowsPerSecond: number) => void;
}

/** What the walks of one invocation use up, or leave for the tables after them. */
export interface RunBudget {
  /** Stop cleanly once this time (ms since epoch) has come. */
  deadline: number;
  /** Source rows this invocation may still walk. */
  budget: number;
  /**
   * Keys a dry run mapped (and did not write), per table: a later table's
   * screen counts them as synced, as the real run would.
   */
  dryRunKeys: Map<string, Set<string>>;
}

/** What the walks of one invocation share. */
export type RunContext = RunTarget & RunIo & RunBudget;

/** A page as the walk maps it: the full rows to map, and how far it reaches. */
export interface ReadPage {
  rows: SourceRow[];
  /** The source id it ends at (the cursor's next after_id). */
  end: number;
  /** Source records it covers (full rows read, or keys compared). */
  records: number;
  /** Its share of the row budget. */
  cost: number;
  /** Source ids of records whose key an earlier record of the walk has. */
  duplicates?: Set<number>;
  /**
   * A full comparison resumed by a later invocation: source ids of records
   * whose key a record before the cursor holds (duplicates too).
   */
  held?: Set<number>;
}

/** What a walk has seen of its table's keys. */
export interface SeenKeys {
  /**
   * Every normalized key of the records the walk looked at one by one: finds
   * duplicates, and (for a full comparison that began at the
   * start) which rows vanished.
   */
  present: Set<string | number>;
  /** The hash path: keys of the records read in full. */
  read: Set<string>;
  /** A dry run's mapped keys, for the screens of later tables. */
  mapped?: Set<string>;
}
