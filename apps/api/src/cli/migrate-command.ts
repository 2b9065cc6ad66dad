import { type Command, UsageError, configFrom, databaseFlags, helpFlag, withDatabase } from './command.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'apply database migrations (and the Citus layout when Citus is installed)',
  usage: `Usage: tracegres migrate [options]
Applies the SQL migrations in migrations/ that the database has not seen yet, in one transaction
under an advisory lock (several processes may run it at once). When the citus extension is
installed, then distributes the trace tables by trace id and makes the dictionaries reference
tables. The server does the same at start; this runs it alone (e.g. before an upgrade).`,
  flags: { ...databaseFlags, ...helpFlag },
  async run(flags, positionals, io) {
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const config = configFrom(flags, io.env);
    const { applyCitusLayout, describeCitusLayout, migrate } = await import('@tracegres/schema');
    const { loadMigrations } = await import('@tracegres/schema/node');
    return withDatabase(config, async (db) => {
      const r = await migrate(db, await loadMigrations());
      io.out(r.applied.length ? `applied: ${r.applied.join(', ')}` : `up to date (${r.alreadyApplied} migrations applied before)`);
      const citus = await applyCitusLayout(db);
      if (citus.citus) io.out(describeCitusLayout(citus));
      return 0;
    });
  },
};
