/**
 * Command line: `demo` (a steady stream for the UI) and `load` (an ingest benchmark).
 * Run with `node --import tsx packages/loadgen/src/cli.ts <demo|load> [options]`.
 */
import { ArgError, flagHelp, parseFlags, type FlagSpec } from './args.ts';
import { demoFlags, demoUsage, runDemo } from './cli-demo.ts';
import { loadFlags, loadUsage, runLoad } from './cli-load.ts';

const modes: Record<string, { flags: Record<string, FlagSpec>; usage: string; run: (f: Record<string, string | number | boolean>) => Promise<number> }> = {
  demo: { flags: demoFlags, usage: demoUsage, run: runDemo },
  load: { flags: loadFlags, usage: loadUsage, run: runLoad },
};

const topUsage = `Usage: node --import tsx packages/loadgen/src/cli.ts <demo|load> [options]
  demo   stream realistic traces to a running Tracegres (npm run demo)
  load   benchmark OTLP ingest (npm run loadgen)
Add --help after a mode for its options.`;

async function main(argv: string[]): Promise<number> {
  const [modeName, ...rest] = argv;
  if (modeName === undefined || modeName === '--help' || modeName === '-h' || modeName === 'help') {
    console.log(topUsage);
    return modeName === undefined ? 2 : 0;
  }
  const mode = modes[modeName];
  if (!mode) {
    console.error(`error: unknown mode "${modeName}" (expected demo or load)\n\n${topUsage}`);
    return 2;
  }
  try {
    const { flags, positionals } = parseFlags(rest, mode.flags);
    if (flags.help) {
      console.log(`${mode.usage}\n\nOptions:\n${flagHelp(mode.flags)}`);
      return 0;
    }
    if (positionals.length) throw new ArgError(`unexpected argument "${positionals[0]}"`);
    if (typeof flags.url === 'string' && !/^https?:\/\/[^/]/.test(flags.url)) throw new ArgError(`--url must be an http(s) URL, got "${flags.url}"`);
    return await mode.run(flags);
  } catch (e) {
    if (e instanceof ArgError || (e instanceof RangeError && /must/.test(e.message))) {
      console.error(`error: ${e.message}\nRun with ${modeName} --help for the options.`);
      return 2;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
