// Starting the real Node entry file with a bad environment ends the process with exit code 1
// and a message naming every bad variable, before anything is opened or listened on.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';

const root = new URL('../..', import.meta.url).pathname;

function startNodeEntry(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const clean = { ...process.env };
  for (const name of ['DATABASE_URL', 'DATA_DIR', 'PORT', 'OTLP_HTTP_PORT', 'RETENTION', 'LOG_LEVEL']) delete clean[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/api/src/main.node.ts'], {
      cwd: root,
      env: { ...clean, HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    // A server that started anyway would never exit: stop it and let the assertions say so.
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('PORT=abc and RETENTION=forever: exit code 1 naming both variables', async () => {
  const { code, stdout, stderr } = await startNodeEntry({ PORT: 'abc', RETENTION: 'forever', OTLP_HTTP_PORT: '0' });
  assert.equal(code, 1, stderr);
  assert.equal(stdout, '');
  assert.match(stderr, /^invalid configuration:$/m);
  assert.match(stderr, /^ {2}PORT: expected a port number 0-65535, got "abc"$/m);
  assert.match(stderr, /^ {2}RETENTION: expected a duration such as 168h, 30m or 7d, got "forever"$/m);
  assert.doesNotMatch(stderr, /OTLP_HTTP_PORT/, 'valid variables are not reported');
});

test('other bad variables are named too, one line each', async () => {
  const { code, stderr } = await startNodeEntry({
    PORT: '0',
    OTLP_HTTP_PORT: '70000',
    DATABASE_URL: 'mysql://localhost/traces',
    LOG_LEVEL: 'loud',
  });
  assert.equal(code, 1, stderr);
  const named = stderr
    .split('\n')
    .filter((l) => l.startsWith('  '))
    .map((l) => l.trim().split(':')[0])
    .sort();
  assert.deepEqual(named, ['DATABASE_URL', 'LOG_LEVEL', 'OTLP_HTTP_PORT']);
});
