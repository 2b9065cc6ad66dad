// DEMO=1: the server feeds itself generated traces over real OTLP/HTTP.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startServer } from '../../apps/api/src/boot.ts';
import { parseConfig } from '../../apps/api/src/config.ts';
import { nodeRuntime } from '../../apps/api/src/runtime/node.ts';

test('DEMO=1 streams demo traces into the running server', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tracegres-demo-'));
  const config = parseConfig({ DEMO: '1', DATA_DIR: dir, PORT: '0', OTLP_HTTP_PORT: '0', OTLP_GRPC_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error' });
  const server = await startServer(config, nodeRuntime);
  try {
    const url = `http://127.0.0.1:${server.listeners.api.port}`;
    let stored = 0;
    for (let i = 0; i < 40 && stored === 0; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const m = /^tracegres_spans_stored_total (\d+)/m.exec(await (await fetch(`${url}/metrics`)).text());
      stored = Number(m?.[1] ?? 0);
    }
    assert.ok(stored > 0, 'demo spans were stored');
    const [row] = await server.deps.db.query<{ id: string; services: number }>(
      `select replace(trace_id::text, '-', '') as id, (select count(distinct service_name)::int from spans) as services from spans limit 1`,
    );
    assert.ok(row.services >= 2, 'several services');
    assert.equal((await fetch(`${url}/api/traces/${row.id}`)).status, 200);
    const found = (await (await fetch(`${url}/api/search?q=${encodeURIComponent('{ }')}&limit=5`)).json()) as {
      traces: { traceID: string; rootServiceName: string }[];
    };
    assert.ok(found.traces.length > 0, 'demo traces are found by search');
    assert.ok(found.traces.every((t) => t.rootServiceName && t.traceID), 'with their root service');
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
