// The `tracegres` command line (bin: apps/api/bin/tracegres.js; `npm run tracegres -- ...`).
import { processIo } from './process-io.ts';
import { runCli } from './run.ts';

// `serve` never resolves; every other command ends the process with its code, which also
// closes anything a library left open.
process.exit(await runCli(process.argv.slice(2), processIo));
