// `npm run compact`, kept for scripts that call this file: the same as `tracegres compact`.
import { processIo } from './process-io.ts';
import { runCli } from './run.ts';

process.exit(await runCli(['compact', ...process.argv.slice(2)], processIo));
