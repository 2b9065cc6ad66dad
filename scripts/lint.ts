// `npm run lint`: the project's structural rules (STYLE.md), checked on every TypeScript file.
// - erasable TypeScript only: no `enum`, no `namespace`, no constructor parameter properties;
// - relative imports carry their `.ts` extension (Node, Bun and Deno resolve them the same way);
// - runtime globals (Bun.*, Deno.*, node:* imports) only in runtime adapters, entry files, the
//   schema package's node/ folder, scripts and tests; handlers never read process.env;
// - packages/otlp and packages/traceql have no runtime dependencies and no Node APIs;
// - the Cloudflare Worker's code path (from apps/api/src/main.worker.ts) has no Node-only APIs,
//   PGlite or worker threads (edge-imports.ts).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { walkEdgePath } from './edge-imports.ts';

const root = new URL('..', import.meta.url).pathname;
const problems: string[] = [];

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (['node_modules', 'dist', 'data', '.git'].includes(name) || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const runtimeAllowed = [
  /^apps\/api\/src\/runtime\//,
  /^apps\/api\/src\/main\.(node|bun|deno)\.ts$/,
  /^apps\/api\/src\/cli\//,
  /^packages\/schema\/src\/node\//,
  /^packages\/schema\/src\/client-postgres\.ts$/,
  /^scripts\//,
  /^tests\//,
  /\.test\.ts$/,
  /\/bench\//,
  /\/test\//,
  /^packages\/loadgen\/src\/cli[-\w]*\.ts$/,
  /^drizzle\.config\.ts$/,
];
const pureRuntimeFree = [/^packages\/otlp\/src\//, /^packages\/traceql\/src\//];

for (const file of walk(root)) {
  const rel = relative(root, file);
  const src = readFileSync(file, 'utf8');
  const lines = src.split('\n');
  const say = (i: number, msg: string) => problems.push(`${rel}:${i + 1}: ${msg}`);
  const allowed = runtimeAllowed.some((r) => r.test(rel));
  lines.forEach((line, i) => {
    if (/^\s*(\*|\/\*)/.test(line)) return; // block-comment lines
    const code = line.replace(/\/\/.*$/, '');
    if (/^\s*(export\s+)?(const\s+)?enum\s+\w/.test(code)) say(i, 'use an `as const` object instead of `enum` (erasable TypeScript)');
    if (/^\s*(export\s+)?namespace\s+\w/.test(code)) say(i, '`namespace` is not erasable TypeScript');
    if (/constructor\s*\([^)]*\b(private|public|protected|readonly)\s+\w/.test(code)) say(i, 'no constructor parameter properties');
    const imp = /\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]/.exec(code) ?? /\bimport\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]/.exec(code);
    if (imp && !/\.(ts|mjs|js|json|svelte|css)$/.test(imp[1])) say(i, `relative import ${imp[1]} needs its .ts extension`);
    if (!allowed) {
      if (/\bfrom\s+['"]node:/.test(code) || /\bimport\s*\(\s*['"]node:/.test(code)) say(i, 'node:* imports belong in a runtime adapter');
      if (/\b(Bun|Deno)\.\w/.test(code)) say(i, 'Bun/Deno globals belong in a runtime adapter');
      if (/\bprocess\.env\b/.test(code)) say(i, 'read configuration in config.ts, not process.env');
    }
    if (pureRuntimeFree.some((r) => r.test(rel)) && !/\.test\.ts$/.test(rel)) {
      if (/\bBuffer\b|\bprocess\./.test(code)) say(i, 'this package must stay free of Node APIs (Buffer, process)');
      const pkg = /\bfrom\s+['"]([^.'"][^'"]*)['"]/.exec(code);
      if (pkg && !pkg[1].startsWith('node:')) say(i, `this package has no runtime dependencies (imports ${pkg[1]})`);
    }
  });
  if (lines.length > 450) problems.push(`${rel}: ${lines.length} lines; split it by concept (STYLE: ~300)`);
}

for (const pkg of ['packages/otlp', 'packages/traceql']) {
  const json = JSON.parse(readFileSync(join(root, pkg, 'package.json'), 'utf8'));
  if (Object.keys(json.dependencies ?? {}).length) problems.push(`${pkg}/package.json: must have no runtime dependencies`);
}

problems.push(...walkEdgePath(root).problems);

if (problems.length) {
  console.error(problems.join('\n'));
  console.error(`\n${problems.length} lint problem(s)`);
  process.exit(1);
}
console.log('lint: no problems');
