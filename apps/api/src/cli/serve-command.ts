import { type Command, UsageError, configFrom, databaseFlags, helpFlag } from './command.ts';
import type { RuntimeAdapter } from '../runtime/types.ts';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the server: query API and web UI on :3200, OTLP/HTTP on :4318, OTLP/gRPC on :4317',
  usage: `Usage: tracegres serve [options]
Runs Tracegres until SIGINT/SIGTERM: the Tempo and Jaeger query APIs, the web UI, the OTLP
receivers and the compaction job. Configured by environment variables (PORT, OTLP_HTTP_PORT,
OTLP_GRPC_PORT, DATABASE_URL, RETENTION, PARTITION_INTERVAL, COMPACTION_INTERVAL, ...; see the
README's configuration table); an invalid value stops the start with a message naming it.`,
  flags: { ...databaseFlags, ...helpFlag },
  async run(flags, positionals, io) {
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    configFrom(flags, io.env); // a bad setting fails here, with its message and exit code 1
    const env = { ...io.env };
    if (typeof flags['database-url'] === 'string') env.DATABASE_URL = flags['database-url'];
    if (typeof flags['data-dir'] === 'string') env.DATA_DIR = flags['data-dir'];
    const base = await runtimeAdapter();
    const { main } = await import('../main.ts');
    await main({ ...base, env: () => env });
    // main() returns once listening; the process lives on until a signal ends it.
    return new Promise<number>(() => {});
  },
};

/** The adapter of the runtime running us (the container image runs Node or Bun). */
async function runtimeAdapter(): Promise<RuntimeAdapter> {
  if ('bun' in process.versions) return (await import('../runtime/bun.ts')).bunRuntime;
  if ('deno' in process.versions) return (await import('../runtime/deno.ts')).denoRuntime;
  return (await import('../runtime/node.ts')).nodeRuntime;
}
