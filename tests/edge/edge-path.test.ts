// The checks that keep the Cloudflare Worker's code path edge-safe (issue: Workers run no
// Node-only APIs, PGlite or worker threads): they pass on the repository, and they do catch a
// Node API that sneaks in, naming the import chain.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { walkEdgePath } from '../../scripts/edge-imports.ts';
import { bundleWorker, edgeProblems } from '../../scripts/worker-bundle.ts';

const root = new URL('../..', import.meta.url).pathname;

describe('Worker code path (lint)', () => {
  test('reaches the app and the compaction job, with no problems', () => {
    const { files, problems } = walkEdgePath(root);
    assert.deepEqual(problems, []);
    for (const f of ['apps/api/src/app.ts', 'apps/api/src/compaction/job.ts', 'packages/schema/src/client-postgres.ts']) {
      assert.ok(files.includes(f), `${f} is on the walked path`);
    }
    assert.ok(!files.some((f) => f.includes('/node/') || f.endsWith('boot.ts')), 'no Node-side file is reached');
  });

  test('names a Node import or global and the chain that brings it in', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracegres-edge-'));
    const put = (rel: string, text: string) => {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), text);
    };
    try {
      put('apps/api/src/main.worker.ts', "import { a } from './worker/a.ts';\nexport default { a };\n");
      put('apps/api/src/worker/a.ts', "import { b } from '../b.ts';\nexport const a = b;\n");
      put('apps/api/src/b.ts', "import { readFileSync } from 'node:fs';\n// Buffer in a comment is fine\nexport const b = Buffer.from('x') && readFileSync;\n");
      const { problems } = walkEdgePath(dir);
      assert.equal(problems.length, 2, problems.join('\n'));
      assert.match(problems[0], /^apps\/api\/src\/b\.ts:1: imports node:fs .*\(main\.worker\.ts -> worker\/a\.ts -> b\.ts\)$/);
      assert.match(problems[1], /^apps\/api\/src\/b\.ts:3: uses Buffer/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Worker bundle', () => {
  test('bundles with only the Node built-ins workerd provides, well under the size limit', { timeout: 60_000 }, async () => {
    const bundle = await bundleWorker({ write: false });
    assert.deepEqual(bundle.problems, []);
    assert.ok(bundle.code.byteLength < 10 * 1024 * 1024, `bundle is ${bundle.code.byteLength} bytes`);
    const inputs = Object.keys(bundle.metafile.inputs);
    assert.ok(inputs.some((f) => f.startsWith('node_modules/postgres/cf/')), "postgres.js' Workers build is the one bundled");
  });

  test('flags Node modules outside postgres.js and forbidden packages', () => {
    const meta = {
      inputs: {
        'apps/api/src/x.ts': { bytes: 1, imports: [{ path: 'node:fs', kind: 'import-statement' as const, external: true }] },
        'node_modules/@electric-sql/pglite/dist/index.js': { bytes: 1, imports: [] },
        'node_modules/postgres/cf/src/connection.js': {
          bytes: 1,
          imports: [{ path: 'node:stream', kind: 'import-statement' as const, external: true }],
        },
      },
      outputs: {},
    };
    const problems = edgeProblems(meta);
    assert.equal(problems.length, 2, problems.join('\n'));
    assert.match(problems.join('\n'), /apps\/api\/src\/x\.ts imports node:fs/);
    assert.match(problems.join('\n'), /pglite.*PGlite/);
  });
});
