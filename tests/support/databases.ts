// Each test suite gets a database of its own: a fresh database on the real Postgres server
// (created from TEST_DATABASE_URL / DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres)
// and a fresh in-memory PGlite. Nothing is shared between suites.
import postgres from 'postgres';
import { type Db, createPostgresDb } from '@tracegres/schema';
import { createPgliteDb, noDelaySocket } from '@tracegres/schema/node';

export type Driver = 'postgres' | 'pglite';
export const drivers: Driver[] = (process.env.TEST_DRIVERS?.split(',') as Driver[] | undefined) ?? ['postgres', 'pglite'];

export const adminUrl =
  process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  db: Db;
  /** For Postgres, the URL of the fresh database (e.g. to start a server process on it). */
  url?: string;
  drop(): Promise<void>;
}

/** Creates an empty database on the Postgres server and returns its URL. */
export async function createServerDatabase(prefix = 'tg_test'): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists "${name}" with (force)`);
      await a.end();
    },
  };
}

export async function openTestDatabase(driver: Driver): Promise<TestDatabase> {
  if (driver === 'pglite') {
    const db = await createPgliteDb();
    return { db, drop: () => db.close() };
  }
  const { url, drop } = await createServerDatabase();
  const db = createPostgresDb(url, { max: 6, socket: noDelaySocket });
  return {
    db,
    url,
    async drop() {
      await db.close();
      await drop();
    },
  };
}

/**
 * Drops test databases left behind by interrupted runs (their names carry their creation time in
 * base 36), so a CI machine does not fill up. Databases younger than `olderThanMs` are left alone:
 * another run may be using them.
 */
export async function dropStaleTestDatabases(olderThanMs = 2 * 3600_000): Promise<string[]> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await admin<{ datname: string }[]>`select datname from pg_database where datname ~ '^(tg_test|tg_runtime|tg_exp|tracegres_bench)_'`;
    const dropped: string[] = [];
    for (const { datname } of rows) {
      const born = parseInt(datname.split('_')[2], 36);
      if (!Number.isFinite(born) || Date.now() - born < olderThanMs) continue;
      await admin.unsafe(`drop database if exists "${datname.replaceAll('"', '')}" with (force)`);
      dropped.push(datname);
    }
    return dropped;
  } finally {
    await admin.end();
  }
}
