import type { Db } from './db.ts';

/** One migration as drizzle-kit writes it: `NNNN_tag.sql`, listed in `meta/_journal.json`. */
export interface Migration {
  tag: string;
  /** The journal's `when` (ms); applied in this order. */
  when: number;
  sql: string;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

// Any constant works; it only has to be the same in every process that migrates.
const MIGRATION_LOCK = 7_245_310_001;

/**
 * Applies pending migrations in one transaction under an advisory lock, so several replicas
 * starting together migrate once. Records each in `tracegres_migrations` (tag + checksum) and
 * refuses to run when an applied migration's file has changed since.
 */
export async function migrate(db: Db, migrations: readonly Migration[]): Promise<MigrateResult> {
  const ordered = [...migrations].sort((a, b) => a.when - b.when);
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(`create table if not exists tracegres_migrations (
      tag text primary key, checksum text not null, applied_at timestamptz not null default now())`);
    const done = new Map(
      (await tx.query<{ tag: string; checksum: string }>('select tag, checksum from tracegres_migrations')).map((r) => [
        r.tag,
        r.checksum,
      ]),
    );
    const applied: string[] = [];
    for (const m of ordered) {
      const sum = checksum(m.sql);
      const seen = done.get(m.tag);
      if (seen !== undefined) {
        if (seen !== sum) throw new Error(`migration ${m.tag} was changed after it was applied (checksum ${seen} -> ${sum})`);
        continue;
      }
      for (const stmt of splitStatements(m.sql)) await tx.query(stmt);
      await tx.query('insert into tracegres_migrations (tag, checksum) values ($1, $2)', [m.tag, sum]);
      applied.push(m.tag);
    }
    return { applied, alreadyApplied: done.size };
  });
}

/** drizzle-kit separates statements with `--> statement-breakpoint`. */
export function splitStatements(sql: string): string[] {
  return sql
    .split('--> statement-breakpoint')
    .map((s) => s.trim())
    .filter((s) => s.replace(/--[^\n]*\n?/g, '').trim().length > 0);
}

/** FNV-1a over the text; enough to notice an edited migration file. */
function checksum(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0') + ':' + text.length;
}
