// What every `tracegres` command shares: its shape, the database flags, and turning flags plus
// the environment into the one validated Config the server uses too.
// Modules that load the database drivers and the app are imported when a command runs, so
// `--help` and bad arguments answer at once.
import type { Db } from '@tracegres/schema';
import type { FlagSpec, FlagValue } from '@tracegres/loadgen';
import { type Config, parseConfig } from '../config.ts';

/** Where a command reads and writes; tests pass their own. */
export interface CliIo {
  env: Record<string, string | undefined>;
  out(line: string): void;
  err(line: string): void;
  /** Standard input, for `import -`. */
  readStdin(): Promise<Uint8Array>;
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The usage line and a sentence or two; options are appended from `flags`. */
  usage: string;
  flags: Record<string, FlagSpec>;
  run(flags: Record<string, FlagValue>, positionals: string[], io: CliIo): Promise<number>;
}

/** Bad command-line use: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {}

export const helpFlag = { help: { type: 'boolean', help: 'show this help' } } as const satisfies Record<string, FlagSpec>;

export const databaseFlags = {
  'database-url': { type: 'string', meta: 'URL', help: 'Postgres to use (default: DATABASE_URL; unset = the embedded database)' },
  'data-dir': { type: 'string', meta: 'DIR', help: 'where the embedded database keeps its files (default: DATA_DIR or ./data)' },
} as const satisfies Record<string, FlagSpec>;

/** The environment with the database flags applied on top, validated like the server's. */
export function configFrom(flags: Record<string, FlagValue>, env: CliIo['env'], extra: Record<string, string> = {}): Config {
  const merged = { ...env, ...extra };
  if (typeof flags['database-url'] === 'string') merged.DATABASE_URL = flags['database-url'];
  if (typeof flags['data-dir'] === 'string') merged.DATA_DIR = flags['data-dir'];
  return parseConfig(merged);
}

/** Opens the configured database, runs `fn`, and always closes it. */
export async function withDatabase<T>(config: Config, fn: (db: Db) => Promise<T>): Promise<T> {
  const { isUnavailableError } = await import('@tracegres/schema');
  const { openDatabase } = await import('../boot.ts');
  let db: Db;
  try {
    db = await openDatabase(config);
    if (!(await db.ping())) throw new Error('no answer');
  } catch (err) {
    throw new Error(`cannot open the database ${describeDatabase(config)}: ${(err as Error).message}`);
  }
  try {
    return await fn(db);
  } catch (err) {
    if (isUnavailableError(err)) throw new Error(`the database ${describeDatabase(config)} is unavailable: ${(err as Error).message}`);
    throw err;
  } finally {
    await db.close();
  }
}

/** The database without its password, for messages. */
export function describeDatabase(config: Config): string {
  if (!config.databaseUrl) return `(embedded, in ${config.dataDir})`;
  try {
    const u = new URL(config.databaseUrl);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(DATABASE_URL)';
  }
}
