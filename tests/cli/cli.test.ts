// The tracegres CLI: every command's help, its work on a real database, and bad arguments
// (a clear message and a non-zero exit: 2 for bad use, 1 for failures).
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { commands } from '../../apps/api/src/cli/run.ts';
import { createServerDatabase, drivers } from '../support/databases.ts';
import { cli, otlpJson } from './cli-harness.ts';

const root = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'tg-cli-'));
const file = (name: string, content: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
after(() => rmSync(dir, { recursive: true, force: true }));

describe('help and bad use', () => {
  test('tracegres --help lists every command; each command has --help', async () => {
    const top = await cli(['--help']);
    assert.equal(top.code, 0);
    for (const c of commands) assert.match(top.out, new RegExp(`^  ${c.name}\\b`, 'm'));
    for (const c of commands) {
      const r = await cli([c.name, '--help']);
      assert.equal(r.code, 0, c.name);
      assert.match(r.out, new RegExp(`^Usage: tracegres ${c.name}`), c.name);
      assert.match(r.out, /^Options:$/m);
      assert.deepEqual(await cli(['help', c.name]), r);
    }
  });

  test('no command, an unknown command, an unknown option: exit 2 with what is wrong', async () => {
    const none = await cli([]);
    assert.equal(none.code, 2);
    assert.match(none.err, /^Usage: tracegres <command>/);
    const unknown = await cli(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown command "frobnicate" \(commands: serve, migrate, compact, query, import\)/);
    const flag = await cli(['migrate', '--frob']);
    assert.equal(flag.code, 2);
    assert.match(flag.err, /unknown option --frob\nRun tracegres migrate --help/);
    assert.equal((await cli(['compact', 'extra'])).code, 2);
    assert.equal((await cli(['serve', 'extra'])).code, 2);
  });

  test('query: missing or extra expression, bad window or limit', async () => {
    const cases: [string[], RegExp][] = [
      [['query'], /query needs a TraceQL expression/],
      [['query', '{ a }', '{ b }'], /expected one TraceQL expression, got 2 arguments/],
      [['query', '{}', '--since', 'soon'], /--since: expected a duration such as 168h/],
      [['query', '{}', '--since', '1h', '--start', '1700000000'], /either --since or --start\/--end/],
      [['query', '{}', '--start', 'yesterday'], /--start must be an ISO 8601 time/],
      [['query', '{}', '--start', '1700000100', '--end', '1700000000'], /--end is before --start/],
      [['query', '{}', '--limit', '0'], /--limit must be >= 1/],
      [['query', '{}', '--limit'], /--limit needs a value/],
    ];
    for (const [argv, msg] of cases) {
      const r = await cli(argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.err, msg, argv.join(' '));
    }
  });

  test('import: missing file argument, a file that does not exist, a directory', async () => {
    assert.match((await cli(['import'])).err, /import needs a file/);
    const missing = await cli(['import', join(dir, 'nope.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no such file: .*nope\.json/);
    assert.match((await cli(['import', dir])).err, /is a directory/);
  });

  test('invalid configuration and an unreachable database: exit 1 naming the problem', async () => {
    const badUrl = await cli(['migrate'], { DATABASE_URL: 'mysql://x@y/z' });
    assert.equal(badUrl.code, 1);
    assert.match(badUrl.err, /invalid configuration:\n {2}DATABASE_URL: expected a postgres:\/\/ or postgresql:\/\/ URL/);
    const badPort = await cli(['serve'], { PORT: 'eighty' });
    assert.equal(badPort.code, 1);
    assert.match(badPort.err, /PORT: expected a port number/);
    const down = await cli(['migrate', '--database-url', 'postgres://tracegres:secret@127.0.0.1:1/nowhere']);
    assert.equal(down.code, 1);
    assert.match(down.err, /cannot open the database postgres:\/\/tracegres:\*\*\*@127\.0\.0\.1:1\/nowhere/);
    assert.doesNotMatch(down.err, /secret/);
  });
});

describe('commands on Postgres', { skip: !drivers.includes('postgres') }, () => {
  let url: string;
  let drop: () => Promise<void>;
  const env = () => ({ DATABASE_URL: url });
  before(async () => ({ url, drop } = await createServerDatabase()));
  after(async () => drop?.());

  test('migrate applies every migration once, then reports the database up to date', async () => {
    const first = await cli(['migrate'], env());
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /^applied: 0000_init, .*0003_operator_views/);
    const again = await cli(['migrate'], env());
    assert.match(again.out, /^up to date \(\d+ migrations applied before\)$/);
    assert.doesNotMatch(again.out, /citus/, 'no Citus here, so no Citus line');
  });

  test('import stores an OTLP JSON file once, however often it is imported', async () => {
    const f = file('one.json', otlpJson('0af7651916cd43dd8448eb211c80319c', { error: true }));
    const r = await cli(['import', f], env());
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, `imported ${f}: 2 spans, 2 stored, 0 already stored, 0 rejected`);
    const again = await cli(['import', f], env());
    assert.equal(again.out, `imported ${f}: 2 spans, 0 stored, 2 already stored, 0 rejected`);
  });

  test('import reads JSON Lines, gzip, stdin and Tempo trace JSON', async () => {
    const lines = [otlpJson('1af7651916cd43dd8448eb211c80319c'), otlpJson('2af7651916cd43dd8448eb211c80319c')].join('\n') + '\n';
    const jl = await cli(['import', file('two.jsonl', lines)], env());
    assert.match(jl.out, /: 4 spans, 4 stored, 0 already stored, 0 rejected$/);
    assert.match(jl.out, /^imported 2 requests from /);
    const gz = await cli(['import', file('gz.json.gz', gzipSync(otlpJson('3af7651916cd43dd8448eb211c80319c')))], env());
    assert.match(gz.out, /: 2 spans, 2 stored/);
    const stdin = await cli(['import', '-'], env(), otlpJson('4af7651916cd43dd8448eb211c80319c'));
    assert.match(stdin.out, /^imported stdin: 2 spans, 2 stored/);
    const tempo = JSON.stringify({ batches: JSON.parse(otlpJson('5af7651916cd43dd8448eb211c80319c')).resourceSpans });
    assert.match((await cli(['import', file('tempo.json', tempo)], env())).out, /: 2 spans, 2 stored/);
  });

  test('import rejects what is not OTLP JSON, and reports spans the ingest path rejects', async () => {
    const notJson = await cli(['import', file('bad.json', '{"resourceSpans": [')], env());
    assert.equal(notJson.code, 1);
    assert.match(notJson.err, /bad\.json: not valid JSON/);
    const badLine = await cli(['import', file('bad.jsonl', `${otlpJson('6af7651916cd43dd8448eb211c80319c')}\nnot json\n`)], env());
    assert.match(badLine.err, /bad\.jsonl line 2: not valid JSON/);
    const wrongShape = await cli(['import', file('shape.json', '{"spans": []}')], env());
    assert.equal(wrongShape.code, 1);
    assert.match(wrongShape.err, /expected an OTLP JSON object \{"resourceSpans": \[\.\.\.\]\}, found keys "spans"/);
    const old = await cli(['import', file('old.json', otlpJson('7af7651916cd43dd8448eb211c80319c', { agoS: 30 * 86400 }))], env());
    assert.equal(old.code, 1);
    assert.match(old.out, /2 spans, 0 stored, 0 already stored, 2 rejected/);
    assert.match(old.err, /^rejected: .*old\.json: /m);
    const invalid = JSON.parse(otlpJson('8af7651916cd43dd8448eb211c80319c'));
    invalid.resourceSpans[0].scopeSpans[0].spans.forEach((s: { traceId: string }) => (s.traceId = 'xyz'));
    const allBad = await cli(['import', file('ids.json', JSON.stringify(invalid))], env());
    assert.equal(allBad.code, 1);
    assert.match(allBad.err, /^rejected: .*ids\.json: 400: .*traceId: expected a hex string, got "xyz"$/m);
  });

  test('query prints the matching traces as a table, or JSON', async () => {
    const r = await cli(['query', '{ status = error }'], env());
    assert.equal(r.code, 0, r.err);
    const lines = r.out.split('\n');
    assert.match(lines[0], /^TRACE ID +START \(UTC\) +DURATION +ROOT SERVICE +ROOT SPAN +MATCHED$/);
    assert.match(lines[2], /^0af7651916cd43dd8448eb211c80319c +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} +250 ms +shop +GET \/cart +2$/);
    assert.match(lines.at(-1)!, /^1 trace, newest first, in /);
    const json = await cli(['query', '{ status = error }', '--json', '--since', '2h'], env());
    assert.equal(JSON.parse(json.out).traces[0].traceID, 'af7651916cd43dd8448eb211c80319c', "Tempo's form: no leading zeros");
    const all = await cli(['query', '{ resource.service.name = "shop" }', '--limit', '2'], env());
    assert.match(all.out, /^2 traces, newest first/m);
  });

  test('query: no match, another tenant, and an invalid TraceQL expression', async () => {
    assert.match((await cli(['query', '{ name = "nothing" }'], env())).out, /^no traces matched in /);
    assert.match((await cli(['query', '{ status = error }', '--tenant', 'other'], env())).out, /^no traces matched/);
    const bad = await cli(['query', '{ status = }'], env());
    assert.equal(bad.code, 1);
    assert.match(bad.err, /^query failed \(400\): parse error at line 1, col \d+/);
    const range = await cli(['query', '{}', '--since', '30d'], env());
    assert.equal(range.code, 1);
    assert.match(range.err, /exceeds 168h/);
  });

  test('compact runs one pass and prints a summary', async () => {
    const r = await cli(['compact'], { ...env(), COMPACTION_QUIET: '0s' });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^retention: /m);
    assert.match(r.out, /^done in [\d.]+ s: \d+ traces numbered/m);
  });
});

test('import and query on the embedded database (--data-dir)', { skip: !drivers.includes('pglite') }, async () => {
  const dataDir = join(dir, 'pglite');
  const f = file('embedded.json', otlpJson('9af7651916cd43dd8448eb211c80319c', { service: 'embedded', error: true }));
  const imp = await cli(['import', f, '--data-dir', dataDir, '--tenant', 'acme']);
  assert.equal(imp.code, 0, imp.err);
  assert.match(imp.out, /2 spans, 2 stored/);
  const q = await cli(['query', '{ resource.service.name = "embedded" }', '--data-dir', dataDir, '--tenant', 'acme']);
  assert.equal(q.code, 0, q.err);
  assert.match(q.out, /^9af7651916cd43dd8448eb211c80319c .* embedded +GET \/cart +2$/m);
});

describe('entry points as processes', () => {
  const node = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env, LOG_LEVEL: 'error' } });

  test('the package bin is the launcher, and npm ci links it (the lockfile records it)', () => {
    const api = JSON.parse(readFileSync(`${root}apps/api/package.json`, 'utf8')) as { name: string; bin: Record<string, string> };
    const bin = join(root, 'apps/api', api.bin.tracegres);
    assert.match(readFileSync(bin, 'utf8'), /^#!\/usr\/bin\/env node\n/);
    assert.ok(statSync(bin).mode & 0o111, 'executable');
    const lock = JSON.parse(readFileSync(`${root}package-lock.json`, 'utf8')) as { packages: Record<string, { bin?: Record<string, string> }> };
    assert.deepEqual(lock.packages['apps/api'].bin, api.bin);
    const help = node([bin, '--help']);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: tracegres <command>/);
  });

  test('exit codes reach the shell: bad use 2, failure 1; the old migrate and compact files still work', () => {
    const usage = node(['--import', 'tsx', 'apps/api/src/cli/tracegres.ts', 'query']);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /query needs a TraceQL expression/);
    const migrate = node(['--import', 'tsx', 'apps/api/src/cli/migrate.ts'], { DATABASE_URL: 'mysql://nope' });
    assert.equal(migrate.status, 1);
    assert.match(migrate.stderr, /DATABASE_URL: expected a postgres/);
    const compactHelp = execFileSync(process.execPath, ['--import', 'tsx', 'apps/api/src/cli/compact.ts', '--help'], { cwd: root, encoding: 'utf8' });
    assert.match(compactHelp, /^Usage: tracegres compact/);
  });

  test('serve listens, answers /ready, and stops cleanly on SIGTERM', { skip: !drivers.includes('postgres') }, async () => {
    const { url, drop } = await createServerDatabase();
    const child = spawn(process.execPath, ['apps/api/bin/tracegres.js', 'serve'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url, PORT: '0', OTLP_HTTP_PORT: '0', OTLP_GRPC_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', COMPACTION_INTERVAL: '0' },
    });
    try {
      let log = '';
      const port = await new Promise<number>((resolve, reject) => {
        child.stderr.on('data', (d: Buffer) => {
          log += d.toString();
          const m = /"msg":"tracegres started".*?"port":(\d+)/.exec(log);
          if (m) resolve(Number(m[1]));
        });
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${log}`)));
      });
      const ready = await fetch(`http://127.0.0.1:${port}/ready`);
      assert.equal(ready.status, 200);
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await drop();
    }
  });
});
