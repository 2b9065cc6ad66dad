// docker-compose.yaml as Compose itself reads it (YAML merge keys applied), the services each
// profile starts, and the compose-spec JSON schema to validate it against. The schema comes
// from npm (dclint ships the compose-spec's compose-spec.json as schemas/compose.schema.json).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';

export const root = new URL('../../', import.meta.url).pathname;

export interface Service {
  image?: string;
  build?: string | { context: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  profiles?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
}

export interface ComposeFile {
  name: string;
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
  [extension: `x-${string}`]: unknown;
}

export function loadCompose(): ComposeFile {
  return parse(readFileSync(`${root}docker-compose.yaml`, 'utf8'), { merge: true }) as ComposeFile;
}

export function composeSchema(): object {
  const require = createRequire(import.meta.url);
  // The package exports only its code and package.json, so the schema is found beside the latter.
  const dir = dirname(require.resolve('dclint/package.json'));
  return JSON.parse(readFileSync(join(dir, 'schemas/compose.schema.json'), 'utf8'));
}

/** The services `docker compose [--profile p]... up` starts: those without profiles plus the named ones. */
export function servicesFor(compose: ComposeFile, profiles: string[]): string[] {
  return Object.entries(compose.services)
    .filter(([, s]) => !s.profiles || s.profiles.some((p) => profiles.includes(p)))
    .map(([name]) => name)
    .sort();
}

/** The host side of a `HOST:CONTAINER` port mapping. */
export function hostPort(mapping: string): string {
  return mapping.split(':').at(-2)!;
}

export function containerPort(mapping: string): string {
  return mapping.split(':').at(-1)!.split('/')[0];
}
