// docker-compose.yaml cannot be run here (no Docker engine), so this checks what can be checked:
// the file and each profile against the compose-spec schema, then the wiring docs/operations.md
// describes (services, ports, healthchecks, start order, configuration, provisioning files).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { parseConfig } from '../../apps/api/src/config.ts';
import { commands } from '../../apps/api/src/cli/run.ts';
import { demoFlags } from '../../packages/loadgen/src/cli-demo.ts';
import { type Service, composeSchema, containerPort, hostPort, loadCompose, root, servicesFor } from './compose-file.ts';

const compose = loadCompose();
const svc = (name: string): Service => {
  const s = compose.services[name];
  assert.ok(s, `service ${name} is missing`);
  return s;
};
const profileSets: Record<string, string[]> = { default: [], grafana: ['grafana'], citus: ['citus'], all: ['grafana', 'citus'] };

describe('compose-spec schema', () => {
  // The compose-spec is draft-07, Ajv's default dialect; its `$schema` spells the meta-schema's
  // URL differently from Ajv's registered one, so it is dropped rather than looked up.
  const { $schema, ...schema } = composeSchema() as { $schema: string };
  assert.match($schema, /draft-07/);
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  const check = (doc: unknown, what: string) => {
    const ok = validate(doc);
    assert.ok(ok, `${what}: ${JSON.stringify(validate.errors?.slice(0, 5), null, 1)}`);
  };

  test('the whole file is valid', () => check(compose, 'docker-compose.yaml'));

  for (const [label, profiles] of Object.entries(profileSets)) {
    test(`profile ${label}: valid, and every dependency is started by the same profiles`, () => {
      const names = servicesFor(compose, profiles);
      const services = Object.fromEntries(names.map((n) => [n, compose.services[n]]));
      check({ ...compose, services }, label);
      for (const n of names) for (const dep of Object.keys(services[n].depends_on ?? {})) assert.ok(names.includes(dep), `${n} depends on ${dep}, not started with ${label}`);
    });
  }

  test('the schema is the real one: it rejects what Compose rejects', () => {
    assert.equal(validate({ services: { a: { image: 'x', ports: 'not-a-list' } } }), false);
    assert.equal(validate({ services: { a: { image: 'x', depends_on: { b: { condition: 'service_finished' } } } } }), false);
    assert.equal(validate({ services: { a: { image: 'x', restart_policy: 'always' } } }), false);
  });
});

test('profiles start the documented services', () => {
  assert.deepEqual(servicesFor(compose, []), ['migrate', 'postgres', 'tracegres']);
  assert.deepEqual(servicesFor(compose, ['grafana']), ['demo', 'grafana', 'migrate', 'postgres', 'prometheus', 'tracegres']);
  assert.deepEqual(servicesFor(compose, ['citus']), [
    'citus-coordinator', 'citus-setup', 'citus-worker-1', 'citus-worker-2', 'migrate', 'migrate-citus', 'postgres', 'tracegres', 'tracegres-citus',
  ]);
});

test('no two services publish the same host port, even with every profile on', () => {
  const seen = new Map<string, string>();
  for (const [name, s] of Object.entries(compose.services)) {
    for (const p of s.ports ?? []) {
      const h = hostPort(p);
      assert.ok(!seen.has(h), `host port ${h}: ${seen.get(h)} and ${name}`);
      seen.set(h, name);
    }
  }
});

describe('default stack', () => {
  test('postgres keeps its data in a volume and is health-checked with pg_isready', () => {
    const pg = svc('postgres');
    assert.ok(pg.volumes!.some((v) => v === 'pgdata:/var/lib/postgresql/data'));
    assert.ok('pgdata' in compose.volumes);
    assert.match(pg.healthcheck!.test!.join(' '), /pg_isready -U tracegres -d tracegres/);
  });

  test('start order: postgres healthy -> migrate completed -> tracegres', () => {
    assert.equal(svc('migrate').depends_on!.postgres.condition, 'service_healthy');
    assert.equal(svc('migrate').restart, 'no');
    assert.equal(svc('tracegres').depends_on!.migrate.condition, 'service_completed_successfully');
  });

  test('tracegres publishes 3200, 4317 and 4318 and is health-checked on /ready', () => {
    assert.deepEqual(svc('tracegres').ports!.map(containerPort).sort(), ['3200', '4317', '4318']);
    assert.deepEqual(svc('tracegres').ports!.map(hostPort).sort(), ['3200', '4317', '4318']);
    assert.match(JSON.stringify(svc('tracegres').healthcheck!.test), /127\.0\.0\.1:3200\/ready/);
  });
});

test('every Tracegres service runs the image the Dockerfile builds, with a real CLI command', () => {
  const names = ['migrate', 'tracegres', 'demo', 'migrate-citus', 'tracegres-citus'];
  for (const n of names) {
    assert.equal(svc(n).build, '.', n);
    assert.equal(svc(n).image, 'tracegres:local', n);
  }
  const known = commands.map((c) => c.name);
  for (const n of ['migrate', 'migrate-citus']) assert.deepEqual(svc(n).command, ['migrate'], n);
  for (const n of ['tracegres', 'tracegres-citus']) assert.equal(svc(n).command, undefined, `${n} uses the image's default (serve)`);
  assert.ok(known.includes('migrate') && known.includes('serve'));
});

test('the environment each Tracegres service gets is a valid configuration pointing at its database', () => {
  const dbOf: Record<string, string> = { migrate: 'postgres', tracegres: 'postgres', 'migrate-citus': 'citus-coordinator', 'tracegres-citus': 'citus-coordinator' };
  for (const [name, dbService] of Object.entries(dbOf)) {
    const config = parseConfig(svc(name).environment!);
    const u = new URL(config.databaseUrl!);
    assert.equal(u.hostname, dbService, name);
    assert.equal(u.port, '5432', name);
    const env = svc(dbService).environment!;
    assert.equal(u.username, env.POSTGRES_USER, name);
    assert.equal(u.password, env.POSTGRES_PASSWORD, name);
    assert.equal(u.pathname.slice(1), env.POSTGRES_DB, name);
  }
  assert.equal(parseConfig(svc('tracegres').environment!).retentionSeconds, 168 * 3600);
});

describe('grafana profile', () => {
  const grafana = svc('grafana');
  const provisioning = grafana.volumes!.find((v) => v.endsWith(':/etc/grafana/provisioning:ro'))!;
  const dsFile = `${root}${provisioning.split(':')[0].replace(/^\.\//, '')}/datasources/tracegres.yaml`;
  const datasources = (parse(readFileSync(dsFile, 'utf8')) as { datasources: { name: string; type: string; uid: string; url: string; jsonData?: Record<string, any> }[] }).datasources;
  const byType = (t: string) => datasources.find((d) => d.type === t)!;

  test('Grafana is provisioned with Tempo and Jaeger data sources pointing at Tracegres', () => {
    assert.equal(byType('tempo').url, 'http://tracegres:3200');
    assert.equal(byType('jaeger').url, 'http://tracegres:3200/jaeger');
    assert.deepEqual(byType('tempo').jsonData!.streamingEnabled, { search: false, metrics: false });
    assert.equal(grafana.depends_on!.tracegres.condition, 'service_healthy');
    assert.deepEqual(grafana.ports!.map(containerPort), ['3000']);
  });

  test("the Tempo data source's service map reads the Prometheus data source, which is the prometheus service", () => {
    const prom = byType('prometheus');
    assert.equal(byType('tempo').jsonData!.serviceMap.datasourceUid, prom.uid);
    const u = new URL(prom.url);
    assert.equal(u.hostname, 'prometheus');
    assert.ok(svc('prometheus').ports!.some((p) => containerPort(p) === u.port));
    assert.equal(new Set(datasources.map((d) => d.uid)).size, datasources.length, 'uids are unique');
  });

  test('Prometheus scrapes /metrics and /metrics/generator on tracegres:3200, with a config promtool accepts', () => {
    const mount = svc('prometheus').volumes!.find((v) => v.includes(':/etc/prometheus/prometheus.yml'))!;
    const file = `${root}${mount.split(':')[0].replace(/^\.\//, '')}`;
    assert.ok(svc('prometheus').command!.includes('--config.file=/etc/prometheus/prometheus.yml'));
    const config = parse(readFileSync(file, 'utf8')) as { scrape_configs: { metrics_path: string; static_configs: { targets: string[] }[] }[] };
    const scraped = config.scrape_configs.map((j) => `${j.static_configs[0].targets[0]}${j.metrics_path}`).sort();
    assert.deepEqual(scraped, ['tracegres:3200/metrics', 'tracegres:3200/metrics/generator']);
    const promtool = spawnSync('promtool', ['--version']);
    if (promtool.error) return; // CI installs promtool; without it the structural checks above stand
    execFileSync('promtool', ['check', 'config', file], { stdio: 'pipe' });
  });

  test('the demo app sends to tracegres with flags the generator accepts', () => {
    const demo = svc('demo');
    const [script] = demo.entrypoint!.filter((a) => a.endsWith('.ts'));
    assert.ok(existsSync(`${root}${script}`), script);
    const args = demo.command!;
    assert.equal(args[0], 'demo');
    for (const a of args.filter((x) => x.startsWith('--'))) assert.ok(a.slice(2) in demoFlags, `${a} is a demo flag`);
    assert.equal(args[args.indexOf('--url') + 1], 'http://tracegres:3200');
    assert.equal(demo.depends_on!.tracegres.condition, 'service_healthy');
  });
});

describe('citus profile', () => {
  const nodes = ['citus-coordinator', 'citus-worker-1', 'citus-worker-2'];

  test('a coordinator and two workers, each with its own volume and a healthcheck', () => {
    for (const n of nodes) {
      assert.match(svc(n).image!, /^citusdata\/citus:/);
      assert.ok(svc(n).volumes!.some((v) => v === `${n}:/var/lib/postgresql/data`), n);
      assert.ok(n in compose.volumes, n);
      assert.match(svc(n).healthcheck!.test!.join(' '), /pg_isready/);
    }
  });

  test('citus-setup registers the coordinator and both workers once all three are healthy', () => {
    const setup = svc('citus-setup');
    for (const n of nodes) assert.equal(setup.depends_on![n].condition, 'service_healthy');
    const sql = setup.entrypoint!.join(' ');
    assert.match(sql, /citus_set_coordinator_host\('citus-coordinator', 5432\)/);
    for (const w of nodes.slice(1)) assert.match(sql, new RegExp(`citus_add_node\\('${w}', 5432\\)`));
    assert.equal(setup.restart, 'no');
  });

  test('start order: setup completed -> migrate-citus completed -> tracegres-citus', () => {
    assert.equal(svc('migrate-citus').depends_on!['citus-setup'].condition, 'service_completed_successfully');
    assert.equal(svc('tracegres-citus').depends_on!['migrate-citus'].condition, 'service_completed_successfully');
    assert.deepEqual(svc('tracegres-citus').ports!.map(containerPort).sort(), ['3200', '4317', '4318']);
    assert.match(JSON.stringify(svc('tracegres-citus').healthcheck!.test), /\/ready/);
  });
});
