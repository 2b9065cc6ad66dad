// Part of `npm run lint`: the Worker's code path (everything apps/api/src/main.worker.ts reaches
// through our own imports) stays free of Node-only APIs, PGlite and worker threads. Reports each
// problem with the import chain that brings the file in. The bundle check in worker-bundle.ts
// covers third-party packages' insides; this one gives a readable message at lint time.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export const workerEntry = 'apps/api/src/main.worker.ts';

/** Imports that have no place on Workers, and why. */
const forbiddenImports: [RegExp, string][] = [
  [/^node:/, 'a Node built-in'],
  [/^(fs|path|os|zlib|net|tls|http|https|worker_threads|child_process|crypto|stream|buffer|events|url|util)(\/|$)/, 'a Node built-in'],
  [/^@tracegres\/schema\/node$/, 'the Node/Bun/Deno side of the schema package (files, threads, PGlite)'],
  [/^@electric-sql\/pglite/, 'PGlite'],
  [/^@hono\/node-server/, 'the Node HTTP server'],
  [/^@grpc\//, 'OTLP/gRPC'],
  [/^@tracegres\/loadgen/, 'the load generator (Node-only CLI code)'],
];
/** Globals that exist on Node, Bun or Deno but not on Workers (without polyfills). */
const forbiddenGlobals: [RegExp, string][] = [
  [/\bBuffer\b/, 'Buffer'],
  [/\bprocess\.\w/, 'process'],
  [/\b(Bun|Deno)\.\w/, 'Bun/Deno globals'],
  [/\bnew Worker\s*\(/, 'worker threads'],
  [/\b__dirname\b|\b__filename\b|\brequire\s*\(/, 'CommonJS globals'],
];

function resolveImport(root: string, from: string, spec: string): string | undefined {
  if (spec.startsWith('.')) return relative(root, join(dirname(join(root, from)), spec));
  const ws = /^@tracegres\/([\w-]+)$/.exec(spec);
  if (ws) return `packages/${ws[1]}/src/index.ts`;
  return undefined; // a third-party package: checked in the bundle
}

/**
 * Walks our own imports from `entry`: the files reached, and the problems on that path as
 * `file:line: message (a -> b -> c)`.
 */
export function walkEdgePath(root: string, entry = workerEntry): { files: string[]; problems: string[] } {
  const problems: string[] = [];
  const via = new Map<string, string | undefined>([[entry, undefined]]);
  const queue = [entry];
  const chain = (file: string) => {
    const parts: string[] = [];
    for (let f: string | undefined = file; f; f = via.get(f)) parts.unshift(f.replace(/^apps\/api\/src\//, ''));
    return parts.join(' -> ');
  };
  while (queue.length) {
    const file = queue.shift()!;
    if (!existsSync(join(root, file))) continue;
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (/^\s*(\*|\/\*|\/\/)/.test(line)) return;
      const code = line.replace(/\/\/.*$/, '');
      const say = (msg: string) => problems.push(`${file}:${i + 1}: ${msg} on the Workers code path (${chain(file)})`);
      const spec = /\bfrom\s+['"]([^'"]+)['"]/.exec(code)?.[1] ?? /\bimport\s*\(\s*['"]([^'"]+)['"]/.exec(code)?.[1];
      if (spec) {
        const bad = forbiddenImports.find(([re]) => re.test(spec));
        if (bad) say(`imports ${spec} (${bad[1]})`);
        const next = resolveImport(root, file, spec);
        if (!bad && next && !via.has(next)) {
          via.set(next, file);
          queue.push(next);
        }
      }
      // Words inside string literals (messages, SQL) are not uses.
      const bare = code.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
      for (const [re, what] of forbiddenGlobals) if (re.test(bare)) say(`uses ${what}`);
    });
  }
  return { files: [...via.keys()], problems };
}
