// Deterministic demo data for the legacy MySQL database, with the quirks of
// the real data (local/mysql-source.sql lists them): stray spaces and mixed case, NULL/empty/invalid emails,
// mixed-case and empty statuses, zero dates, ids that point nowhere.
import mysql from "mysql2/promise";
import { STACK_MY_PORT } from "./stack.ts";

export interface DemoSize {
  regions: number;
  facilities: number;
  members: number;
  positions: number;
}

export const DEFAULT_SIZE: DemoSize = {
  regions: 10,
  facilities: 300,
  members: 20_000,
  positions: 3_000,
};

export const scaled = (members: number): DemoSize => ({
  regions: 10,
  facilities: Math.max(30, Math.round(members * 300 / 20_000)),
  members,
  positions: Math.round(members * 3_000 / 20_000),
});

/** mulberry32: small, fast, and the same sequence on every machine. */
export function prng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  "James",
  "Maria",
  "Wei",
  "Aisha",
  "José",
  "Zoë",
  "Łukasz",
  "Nguyễn",
  "Olivia",
  "Liam",
];
const LAST = ["Smith", "García", "O'Brien", "Müller", "Nakamura", "Okafor", "Kowalski", "Lee"];
const TYPES = ["ARTCC", "tracon", "ATCT", "atct/tracon", "FSS", " Atct "];
const STATUSES = ["Active", "ACTIVE", "active ", "Inactive", "Retired", "deceased", "", null];
const POSITIONS = ["FacRep", "NEB", "committee", "REGIONAL", " facrep "];

export async function loadDemoData(conn: mysql.Connection, size: DemoSize = DEFAULT_SIZE) {
  const rand = prng(20261125);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const insert = async (table: string, cols: string[], rows: unknown[][]) => {
    for (let i = 0; i < rows.length; i += 2000) {
      await conn.query(`insert into ${table} (${cols.join(",")}) values ?`, [
        rows.slice(i, i + 2000),
      ]);
    }
  };

  await insert("membertype", ["MemberTypeID", "Description"], [
    [6, "Member"],
    [8, "Retired Member"],
    [9, "Associate  Member"],
  ]);
  await insert(
    "region",
    ["RegionID", "RegionCode", "RegionName", "Active"],
    Array.from({ length: size.regions }, (_, i) => [
      i + 1,
      i % 3 === 0 ? ` n${String.fromCharCode(65 + i)}r ` : `N${String.fromCharCode(65 + i)}R`,
      `Region  ${i + 1}`,
      1,
    ]),
  );
  await insert(
    "facility",
    ["FacilityID", "FacilityCode", "FacilityName", "RegionID", "FacilityType", "Active"],
    Array.from({ length: size.facilities }, (_, i) => [
      i + 1,
      i % 7 === 0 ? ` f${i} ` : `F${i}`,
      `Facility ${i}  Center`,
      i % 50 === 49 ? 999 : 1 + (i % size.regions), // some point nowhere
      pick(TYPES),
      i % 40 === 39 ? 0 : 1,
    ]),
  );
  await insert(
    "member",
    [
      "MemberID",
      "MemberNumber",
      "FirstName",
      "LastName",
      "Email",
      "FacilityID",
      "MemberTypeID",
      "Status",
      "LastModified",
    ],
    Array.from({ length: size.members }, (_, i) => {
      const number = 100000 + i;
      const email = i % 10 === 0
        ? null
        : i % 10 === 1
        ? ""
        : i % 10 === 2
        ? "not-an-address"
        : `Member.${number}@Example.org `;
      return [
        i + 1,
        i % 25 === 0 ? ` ${number} ` : String(number),
        ` ${pick(FIRST)} `,
        i % 997 === 0 ? " " : `${pick(LAST)}  ${i % 3 === 0 ? "Jr." : ""}`,
        email,
        i % 200 === 0 ? 99999 : 1 + Math.floor(rand() * size.facilities),
        i % 9 === 0 ? 8 : i % 101 === 0 ? 77 : 6,
        i % 1499 === 0 ? "On Leave" : pick(STATUSES),
        i % 2 ? null : "2021-03-04 10:00:00",
      ];
    }),
  );
  await insert(
    "position",
    ["PositionID", "MemberNumber", "PositionType", "FacilityID", "Title", "StartDate", "EndDate"],
    Array.from({ length: size.positions }, (_, i) => [
      i + 1,
      i % 150 === 0 ? "999999999" : String(100000 + Math.floor(rand() * size.members)),
      i % 333 === 0 ? "Steward" : pick(POSITIONS),
      1 + Math.floor(rand() * size.facilities),
      `Title ${i}`,
      i % 11 === 0 ? "0000-00-00" : "2020-01-01",
      i % 4 === 0 ? "2021-12-31" : i % 5 === 0 ? "2099-12-31" : i % 13 === 0 ? "0000-00-00" : null,
    ]),
  );
}

/**
 * A connection to the local legacy database. Zero dates must be storable, as
 * in the legacy server: every connection's sql_mode is set here, once.
 */
export async function mysqlConnect(database: string, port = STACK_MY_PORT) {
  const conn = await mysql.createConnection({
    host: "127.0.0.1",
    port,
    user: "root",
    password: "",
    database,
    multipleStatements: true,
    charset: "utf8mb4",
    dateStrings: true,
  });
  await conn.query("set session sql_mode = ''");
  return conn;
}

/** (Re)creates `database` with exactly the legacy tables. */
export async function recreateSourceDatabase(database: string, port = STACK_MY_PORT) {
  const admin = await mysqlConnect("mysql", port);
  try {
    await admin.query(`drop database if exists \`${database}\``);
  } finally {
    await admin.end();
  }
  return await createSourceDatabase(database, port);
}

/**
 * Creates `database` and the legacy tables (local/mysql-source.sql) where
 * they are missing; what exists is kept. The one place the legacy schema is
 * created.
 */
export async function createSourceDatabase(database: string, port = STACK_MY_PORT) {
  const admin = await mysqlConnect("mysql", port);
  try {
    await admin.query(`create database if not exists \`${database}\` character set utf8mb4`);
  } finally {
    await admin.end();
  }
  const conn = await mysqlConnect(database, port);
  await conn.query(await Deno.readTextFile(new URL("./mysql-source.sql", import.meta.url)));
  return conn;
}
