import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseConfig, parseDurationSeconds } from './config.ts';

test('defaults match Tempo and the README', () => {
  const c = parseConfig({});
  assert.equal(c.port, 3200);
  assert.equal(c.otlpHttpPort, 4318);
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.dataDir, './data');
  assert.equal(c.retentionSeconds, 168 * 3600);
  assert.equal(c.partitionIntervalSeconds, undefined);
  assert.equal(c.ingestMaxBodyBytes, 64 * 1024 * 1024);
  assert.equal(c.ingestDecodeWorkers, 2);
  assert.equal(c.demo, false);
});

test('values are parsed; empty strings count as unset; 0 disables the OTLP port', () => {
  const c = parseConfig({ PORT: '8080', OTLP_HTTP_PORT: '0', RETENTION: '7d', DATABASE_URL: '', PARTITION_INTERVAL: '1h30m' });
  assert.equal(c.port, 8080);
  assert.equal(c.otlpHttpPort, 0);
  assert.equal(c.retentionSeconds, 7 * 86400);
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.partitionIntervalSeconds, 5400);
});

test('every invalid variable is named in one error', () => {
  assert.throws(
    () =>
      parseConfig({
        PORT: 'abc', OTLP_HTTP_PORT: '70000', RETENTION: 'forever', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud',
        INGEST_DECODE_WORKERS: 'many', DEMO: 'maybe',
      }),
    (err: Error) => {
      assert.ok(err instanceof ConfigError);
      for (const name of ['PORT', 'OTLP_HTTP_PORT', 'RETENTION', 'DATABASE_URL', 'LOG_LEVEL', 'INGEST_DECODE_WORKERS', 'DEMO']) {
        assert.match(err.message, new RegExp(`${name}:`));
      }
      assert.match(err.message, /expected a duration such as 168h/);
      return true;
    },
  );
});

test('durations', () => {
  assert.equal(parseDurationSeconds('168h'), 604800);
  assert.equal(parseDurationSeconds('1h30m'), 5400);
  assert.equal(parseDurationSeconds('500ms'), 0.5);
  assert.throws(() => parseDurationSeconds('10'), /expected a duration/);
  assert.throws(() => parseConfig({ RETENTION: '30s' }), /at least 60s/);
});
