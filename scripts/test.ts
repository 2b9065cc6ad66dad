// `npm test`: every test. Unit and integration tests (files named *.test.ts under apps/,
// packages/ and tests/) run in Node's test runner against real Postgres and PGlite; then the
// runtime contract suite runs against servers started under Node, Bun and Deno.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);

function find(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const files = ['apps', 'packages', 'tests']
  .flatMap((d) => find(join(root, d), []))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
// Test databases left by interrupted runs would pile up on the Postgres server.
try {
  const { dropStaleTestDatabases } = await import('../tests/support/databases.ts');
  const dropped = await dropStaleTestDatabases();
  if (dropped.length) console.log(`dropped ${dropped.length} stale test databases`);
} catch (err) {
  console.log(`could not clean up stale test databases: ${(err as Error).message}`);
}
console.log(`running ${files.length} test files`);
const unit = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  cwd: root,
});
let failed = unit.status !== 0;
if (only.length === 0 && process.env.SKIP_RUNTIMES !== '1') {
  const rt = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/test-runtimes.ts')], { stdio: 'inherit', cwd: root });
  failed ||= rt.status !== 0;
}
// The short fault run (the long one is `npm run test:faults`): kills and restarts while sending.
if (only.length === 0 && process.env.SKIP_FAULTS !== '1') {
  console.log('\nfault injection (short run)');
  const faults = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/test-faults.ts'), '--seconds', '15'], { stdio: 'inherit', cwd: root });
  failed ||= faults.status !== 0;
}
process.exit(failed ? 1 : 0);
