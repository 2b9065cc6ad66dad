// The Dockerfile cannot be built here (no Docker engine); this checks what the image promises:
// production dependencies only, the built web UI, a non-root user, a healthcheck on /ready,
// the tracegres CLI as entrypoint on Node (default) and Bun, and COPY sources that exist.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { root } from './compose-file.ts';

interface Stage {
  name: string;
  from: string;
  lines: string[];
}

/** Instructions (continuation lines joined), grouped by stage. */
function stages(): Stage[] {
  const text = readFileSync(`${root}Dockerfile`, 'utf8').replace(/\\\n\s*/g, ' ');
  const out: Stage[] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) out.push({ name: from[2] ?? '', from: from[1], lines: [] });
    else if (out.length) out[out.length - 1].lines.push(line);
  }
  return out;
}

const all = stages();
const stage = (name: string) => all.find((s) => s.name === name)!;
const instr = (s: Stage, op: string) => s.lines.filter((l) => l.startsWith(`${op} `)).map((l) => l.slice(op.length + 1));
const runtimes = ['node', 'bun'];

test('the default target (last stage) is the Node image', () => {
  assert.equal(all.at(-1)!.name, 'node');
  assert.ok(stage('bun'), 'a bun target exists');
});

test('dependencies: every workspace manifest is copied before npm ci; the runtime gets production ones only', () => {
  const copied = instr(stage('manifests'), 'COPY').map((c) => c.split(/\s+/)[0]);
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { workspaces: string[]; dependencies: Record<string, string> };
  for (const pattern of pkg.workspaces) {
    const dir = pattern.replace('/*', '');
    for (const ws of readdirSync(`${root}${dir}`)) {
      if (existsSync(`${root}${dir}/${ws}/package.json`)) assert.ok(copied.includes(`${dir}/${ws}/package.json`), `${dir}/${ws}/package.json`);
    }
  }
  const prodInstall = instr(stage('prod-deps'), 'RUN').join(' ');
  assert.match(prodInstall, /npm ci --omit=dev/);
  assert.ok(pkg.dependencies.tsx, 'tsx runs the sources on Node, so it is a production dependency');
  const appCopies = instr(stage('app'), 'COPY').join('\n');
  assert.match(appCopies, /--from=prod-deps \/app\/node_modules/);
  assert.doesNotMatch(appCopies, /--from=web \/app\/node_modules/, 'the build stage (dev dependencies) only gives the built UI');
});

test('the web UI is built and shipped', () => {
  assert.match(instr(stage('web'), 'RUN').join(' '), /npm run build --workspace apps\/web/);
  assert.ok(instr(stage('app'), 'COPY').some((c) => c === '--from=web /app/apps/web/dist apps/web/dist'));
});

describe('runtime images', () => {
  for (const name of runtimes) {
    const s = stage(name);
    test(`${name}: non-root, health-checked on /ready, tracegres CLI entrypoint serving by default`, () => {
      const user = instr(s, 'USER');
      assert.equal(user.length, 1);
      assert.notEqual(user[0], 'root');
      assert.ok(instr(s, 'COPY').some((c) => c.startsWith(`--from=app --chown=${user[0]}:${user[0]} /app /app`)));
      assert.match(instr(s, 'HEALTHCHECK').join(' '), /CMD .*\/ready/);
      const entry = JSON.parse(instr(s, 'ENTRYPOINT')[0]) as string[];
      assert.equal(entry[0], name);
      assert.equal(entry.at(-1), 'apps/api/src/cli/tracegres.ts');
      assert.ok(existsSync(`${root}${entry.at(-1)}`));
      assert.deepEqual(JSON.parse(instr(s, 'CMD')[0]), ['serve']);
      assert.match(instr(s, 'EXPOSE').join(' '), /3200 4317 4318/);
      assert.match(instr(s, 'ENV').join(' '), /HOST=0\.0\.0\.0/);
    });
  }
});

test('every file COPY takes from the build context exists and is not excluded by .dockerignore', () => {
  const ignored = readFileSync(`${root}.dockerignore`, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  for (const s of all) {
    for (const c of instr(s, 'COPY')) {
      if (c.startsWith('--from=')) continue;
      const parts = c.split(/\s+/).filter((p) => !p.startsWith('--'));
      for (const src of parts.slice(0, -1)) {
        assert.ok(existsSync(`${root}${src}`), `${s.name}: COPY ${src}`);
        assert.ok(!ignored.includes(src.replace(/\/$/, '')), `${src} is in .dockerignore`);
      }
    }
  }
  for (const must of ['node_modules', '**/node_modules', '.git', 'data']) assert.ok(ignored.includes(must), `.dockerignore lists ${must}`);
});
