// `npm run db:migrate`: applies migrations to DATABASE_URL (or the embedded database in DATA_DIR).
import { migrate } from '@tracegres/schema';
import { loadMigrations } from '@tracegres/schema/node';
import { openDatabase } from '../boot.ts';
import { ConfigError, parseConfig } from '../config.ts';

try {
  const config = parseConfig(process.env);
  const db = await openDatabase(config);
  const r = await migrate(db, await loadMigrations());
  console.log(r.applied.length ? `applied: ${r.applied.join(', ')}` : `up to date (${r.alreadyApplied} migrations applied before)`);
  await db.close();
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `migration failed: ${(err as Error).message}`);
  process.exit(1);
}
