// docker-compose.yaml cannot be run here (no Docker engine), so this checks what can be checked:
// the services and their wiring, and that the environment it passes is accepted by our config.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { parseConfig } from '../../apps/api/src/config.ts';

const root = new URL('../../', import.meta.url).pathname;
const compose = parse(readFileSync(`${root}docker-compose.yaml`, 'utf8'), { merge: true });

test('services: postgres with a volume and healthcheck, a one-shot migration, tracegres', () => {
  assert.deepEqual(Object.keys(compose.services).sort(), ['migrate', 'postgres', 'tracegres']);
  const pg = compose.services.postgres;
  assert.ok(pg.volumes.some((v: string) => v.endsWith(':/var/lib/postgresql/data')));
  assert.match(pg.healthcheck.test.join(' '), /pg_isready/);
  assert.ok(compose.volumes.pgdata !== undefined);
});

test('start order: postgres healthy -> migrate completed -> tracegres', () => {
  assert.equal(compose.services.migrate.depends_on.postgres.condition, 'service_healthy');
  assert.equal(compose.services.tracegres.depends_on.migrate.condition, 'service_completed_successfully');
  assert.equal(compose.services.migrate.restart, 'no');
});

test('tracegres publishes 3200, 4317 and 4318 and is health-checked on /ready', () => {
  const ports = compose.services.tracegres.ports.map((p: string) => p.split(':')[1]);
  assert.deepEqual(ports.sort(), ['3200', '4317', '4318']);
  assert.match(JSON.stringify(compose.services.tracegres.healthcheck.test), /\/ready/);
});

test('the environment compose passes is a valid Tracegres configuration pointing at the postgres service', () => {
  for (const name of ['migrate', 'tracegres']) {
    const env = compose.services[name].environment;
    const config = parseConfig(env);
    assert.match(config.databaseUrl!, /@postgres:5432\//, name);
    const u = new URL(config.databaseUrl!);
    assert.equal(u.username, compose.services.postgres.environment.POSTGRES_USER);
    assert.equal(u.password, compose.services.postgres.environment.POSTGRES_PASSWORD);
    assert.equal(u.pathname.slice(1), compose.services.postgres.environment.POSTGRES_DB);
  }
});

test('the commands and image build refer to files that exist', () => {
  const migrateEntry = compose.services.migrate.command.at(-1);
  assert.ok(existsSync(`${root}${migrateEntry}`), migrateEntry);
  const dockerfile = readFileSync(`${root}Dockerfile`, 'utf8');
  const cmd = JSON.parse(/^CMD (.+)$/m.exec(dockerfile)![1]);
  assert.ok(existsSync(`${root}${cmd.at(-1)}`), cmd.at(-1));
  assert.match(dockerfile, /^USER node$/m);
  assert.match(dockerfile, /HEALTHCHECK[\s\S]*\/ready/);
});
