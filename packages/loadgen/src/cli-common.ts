/** Flags and helpers shared by the demo and load modes. */
import type { FlagSpec, FlagValue } from './args.ts';
import type { GeneratorOptions } from './generate.ts';
import type { OtlpFormat } from './send.ts';

export { formatCounts, sleep } from './timing.ts';

export const commonFlags = {
  url: { type: 'string', meta: 'URL', help: 'Tracegres (or any OTLP/HTTP receiver) base URL; /v1/traces is appended (default http://127.0.0.1:3200)' },
  tenant: { type: 'string', meta: 'ID', help: 'tenant, sent as X-Scope-OrgID' },
  format: { type: 'string', choices: ['protobuf', 'json'], help: 'body encoding (default protobuf)' },
  gzip: { type: 'boolean', help: 'gzip request bodies (default off)' },
  seed: { type: 'string', meta: 'S', help: 'generator seed (same seed => same traces)' },
  'error-rate': { type: 'number', min: 0, max: 1, meta: 'P', help: 'share of traces with an error (default 0.04)' },
  'large-share': { type: 'number', min: 0, max: 1, meta: 'P', help: 'share of very large batch-job traces (default 0.0005)' },
  'max-spans': { type: 'int', min: 3, max: 1_000_000, meta: 'N', help: 'most spans in one trace (default 50000)' },
  'timeout-ms': { type: 'int', min: 1, meta: 'MS', help: 'per-request timeout (default 30000)' },
  help: { type: 'boolean', help: 'show this help' },
} as const satisfies Record<string, FlagSpec>;

export interface CommonConfig {
  url: string;
  tenant: string | undefined;
  format: OtlpFormat;
  gzip: boolean;
  timeoutMs: number;
  generator: Omit<GeneratorOptions, 'seed'> & { seed: number | string };
}

export function commonConfig(f: Record<string, FlagValue>, defaultSeed: number | string): CommonConfig {
  const seedText = f.seed as string | undefined;
  const seed = seedText === undefined ? defaultSeed : /^\d+$/.test(seedText) ? Number(seedText) : seedText;
  return {
    url: (f.url as string | undefined) ?? 'http://127.0.0.1:3200',
    tenant: f.tenant as string | undefined,
    format: ((f.format as string | undefined) ?? 'protobuf') as OtlpFormat,
    gzip: (f.gzip as boolean | undefined) ?? false,
    timeoutMs: (f['timeout-ms'] as number | undefined) ?? 30_000,
    generator: {
      seed,
      errorRate: f['error-rate'] as number | undefined,
      largeTraceShare: f['large-share'] as number | undefined,
      maxSpans: f['max-spans'] as number | undefined,
    },
  };
}

export function fmtNum(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Human byte size. */
export function fmtBytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

/** Stops on the first Ctrl-C/SIGTERM; a second one exits at once. */
export function onInterrupt(stop: () => void): () => void {
  let count = 0;
  const handler = (): void => {
    count++;
    if (count === 1) stop();
    else process.exit(130);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
