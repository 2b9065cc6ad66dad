// Runs the tracegres CLI in-process with captured output, and builds small OTLP JSON files.
import { runCli } from '../../apps/api/src/cli/run.ts';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function cli(argv: string[], env: Record<string, string | undefined> = {}, stdin = ''): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    env: { LOG_LEVEL: 'error', ...env },
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    readStdin: async () => new TextEncoder().encode(stdin),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** One OTLP JSON request: a root span and a child, `agoS` seconds ago, in service `service`. */
export function otlpJson(traceId: string, opts: { service?: string; agoS?: number; error?: boolean } = {}): string {
  const startNs = (BigInt(Date.now() - (opts.agoS ?? 60) * 1000) * 1_000_000n).toString();
  const endNs = (BigInt(startNs) + 250_000_000n).toString();
  const span = (id: string, parent: string, name: string) => ({
    traceId, spanId: id, parentSpanId: parent, name, kind: 2, startTimeUnixNano: startNs, endTimeUnixNano: endNs,
    attributes: [{ key: 'http.route', value: { stringValue: '/cart' } }],
    status: { code: opts.error ? 2 : 0 },
  });
  return JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: opts.service ?? 'shop' } }] },
      scopeSpans: [{ scope: { name: 'cli-test' }, spans: [span('a000000000000001', '', 'GET /cart'), span('a000000000000002', 'a000000000000001', 'SELECT cart')] }],
    }],
  });
}
