// `tracegres <command>`: finds the command, parses its flags, and turns every failure into a
// message and an exit code: 0 done, 1 failed (configuration, database, rejected input),
// 2 bad command-line use.
import { ArgError, flagHelp, parseFlags } from '@tracegres/loadgen';
import { TRACEGRES_VERSION } from '../build-info.ts';
import { ConfigError } from '../config.ts';
import { type CliIo, type Command, UsageError } from './command.ts';
import { compactCommand } from './compact-command.ts';
import { importCommand } from './import-command.ts';
import { migrateCommand } from './migrate-command.ts';
import { FileFormatError } from './otlp-json-file.ts';
import { queryCommand } from './query-command.ts';
import { serveCommand } from './serve-command.ts';

export const commands: readonly Command[] = [serveCommand, migrateCommand, compactCommand, queryCommand, importCommand];

const commandWidth = Math.max(...commands.map((c) => synopsis(c).length)) + 2;

export const topUsage = `Usage: tracegres <command> [options]

Commands:
${commands.map((c) => `  ${synopsis(c).padEnd(commandWidth)}${c.summary}`).join('\n')}

The database is DATABASE_URL (postgres://...) or, when it is unset, the embedded one in DATA_DIR
(./data). Every setting is an environment variable; see the README's configuration table.
Run tracegres <command> --help for a command's options.`;

function synopsis(c: Command): string {
  return c.name === 'query' ? "query '<TraceQL>'" : c.name === 'import' ? 'import <file>' : c.name;
}

export function commandHelp(c: Command): string {
  return `${c.usage}\n\nOptions:\n${flagHelp(c.flags)}`;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(topUsage);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const about = rest[0] === undefined ? undefined : commands.find((c) => c.name === rest[0]);
    if (rest[0] !== undefined && !about) return unknown(rest[0], io);
    io.out(about ? commandHelp(about) : topUsage);
    return 0;
  }
  if (name === '--version' || name === 'version') {
    io.out(`tracegres ${TRACEGRES_VERSION}`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) return unknown(name, io);
  try {
    const { flags, positionals } = parseFlags(rest, command.flags);
    if (flags.help) {
      io.out(commandHelp(command));
      return 0;
    }
    return await command.run(flags, positionals, io);
  } catch (err) {
    if (err instanceof ArgError || err instanceof UsageError) {
      io.err(`error: ${err.message}\nRun tracegres ${name} --help for its options.`);
      return 2;
    }
    if (err instanceof ConfigError || err instanceof FileFormatError) {
      io.err(`error: ${err.message}`);
      return 1;
    }
    io.err(`error: ${name} failed: ${(err as Error)?.message ?? String(err)}`);
    return 1;
  }
}

function unknown(name: string, io: CliIo): number {
  io.err(`error: unknown command "${name}" (commands: ${commands.map((c) => c.name).join(', ')})\nRun tracegres --help for usage.`);
  return 2;
}
