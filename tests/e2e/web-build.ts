// The browser tests drive the built UI (the API serves apps/web/dist), so they build it first
// when the build is missing or older than any source it comes from. A lock directory keeps two
// test files from building at once.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const web = join(root, 'apps/web');
const output = join(web, 'dist/embedded.js');
const sources = [join(web, 'src'), join(web, 'index.html'), join(web, 'vite.config.ts'), join(root, 'packages/traceql/src'), join(root, 'packages/otlp/src')];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = 0;
  for (const name of readdirSync(path)) m = Math.max(m, newest(join(path, name)));
  return m;
}

export async function ensureWebBuilt(): Promise<void> {
  const lock = join(web, '.build-lock');
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 120_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    const built = existsSync(output) ? statSync(output).mtimeMs : 0;
    if (built >= Math.max(...sources.map(newest))) return;
    const r = spawnSync('npm', ['run', 'build', '--workspace', 'apps/web', '--silent'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('building the web UI failed');
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
