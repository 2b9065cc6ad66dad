// `npm run db:migrate`, kept for scripts that call this file: the same as `tracegres migrate`.
import { processIo } from './process-io.ts';
import { runCli } from './run.ts';

process.exit(await runCli(['migrate', ...process.argv.slice(2)], processIo));
