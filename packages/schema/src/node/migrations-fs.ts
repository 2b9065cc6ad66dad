import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Migration } from '../migrate.ts';

/** The repository's `migrations/` folder. */
export const defaultMigrationsDir = fileURLToPath(new URL('../../../../migrations/', import.meta.url));

/** Reads drizzle-kit's journal and the SQL files it lists. */
export async function loadMigrations(dir: string = defaultMigrationsDir): Promise<Migration[]> {
  const journal = JSON.parse(await readFile(`${dir}/meta/_journal.json`, 'utf8')) as {
    entries: { tag: string; when: number }[];
  };
  return Promise.all(
    journal.entries.map(async (e) => ({ tag: e.tag, when: e.when, sql: await readFile(`${dir}/${e.tag}.sql`, 'utf8') })),
  );
}
