import { readFile } from 'node:fs/promises';
import type { createOtlpApp } from '../app.ts';
import { type Command, UsageError, configFrom, databaseFlags, helpFlag, withDatabase } from './command.ts';
import { type OtlpDocument, readOtlpJson } from './otlp-json-file.ts';

const MAX_SHOWN_MESSAGES = 5;

export const importCommand: Command = {
  name: 'import',
  summary: 'store the spans of an OTLP JSON file (JSON lines and gzip too; - reads stdin)',
  usage: `Usage: tracegres import <file> [options]
Stores the spans of an OTLP JSON file through the same ingest path as POST /v1/traces (same
validation, limits and duplicate handling: importing a file twice stores its spans once).
Accepts one ExportTraceServiceRequest ({"resourceSpans": [...]}), JSON Lines of them (the
Collector's file exporter), or Tempo's trace-by-id JSON; gzipped or not; "-" reads stdin.
Spans that started before RETENTION ago are rejected like at ingest: to load old traces, set a
longer RETENTION for the import (RETENTION=90d tracegres import old.json) and for the server.
Exits 1 if any span was rejected, after storing the others.`,
  flags: {
    tenant: { type: 'string', meta: 'ID', help: 'tenant to store the spans under, as X-Scope-OrgID (default single-tenant)' },
    ...databaseFlags,
    ...helpFlag,
  },
  async run(flags, positionals, io) {
    if (positionals.length === 0) throw new UsageError('import needs a file: tracegres import traces.json (or - for stdin)');
    if (positionals.length > 1) throw new UsageError(`expected one file, got ${positionals.length}; import them one at a time`);
    const file = positionals[0];
    let bytes: Uint8Array;
    try {
      bytes = file === '-' ? await io.readStdin() : await readFile(file);
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw new UsageError(code === 'ENOENT' ? `no such file: ${file}` : code === 'EISDIR' ? `${file} is a directory` : `cannot read ${file}: ${(err as Error).message}`);
    }
    const docs = readOtlpJson(file === '-' ? 'stdin' : file, bytes);
    const largest = Math.max(...docs.map((d) => new TextEncoder().encode(d.body).length));
    // The operator chose this file; only a body larger than the configured limit raises it.
    const config = configFrom(flags, io.env, { COMPACTION_INTERVAL: '0' });
    if (largest > config.ingestMaxBodyBytes) config.ingestMaxBodyBytes = largest;
    const { createOtlpApp } = await import('../app.ts');
    const { buildDeps } = await import('../boot.ts');
    const { createLogger } = await import('../log.ts');
    return withDatabase(config, async (db) => {
      const deps = await buildDeps(config, db, { log: createLogger('error'), runtime: 'cli' });
      const app = createOtlpApp(deps);
      const stored0 = deps.metrics.spansStored.value();
      let sent = 0;
      let rejected = 0;
      const messages: string[] = [];
      for (const doc of docs) {
        const r = await send(app, doc, flags.tenant as string | undefined);
        sent += doc.spans;
        rejected += r.rejected;
        if (r.message) messages.push(`${doc.origin}: ${r.message}`);
      }
      await deps.tags.flush(db);
      const stored = deps.metrics.spansStored.value() - stored0;
      const accepted = sent - rejected;
      io.out(
        `imported ${docs.length === 1 ? docs[0].origin : `${docs.length} requests from ${file}`}: ${sent} spans, ` +
          `${stored} stored, ${Math.max(0, accepted - stored)} already stored, ${rejected} rejected`,
      );
      for (const m of messages.slice(0, MAX_SHOWN_MESSAGES)) io.err(`rejected: ${m}`);
      if (messages.length > MAX_SHOWN_MESSAGES) io.err(`(${messages.length - MAX_SHOWN_MESSAGES} more requests had rejections)`);
      return rejected > 0 ? 1 : 0;
    });
  },
};

async function send(app: ReturnType<typeof createOtlpApp>, doc: OtlpDocument, tenant: string | undefined): Promise<{ rejected: number; message?: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (tenant !== undefined) headers['x-scope-orgid'] = tenant;
  const res = await app.request('/v1/traces', { method: 'POST', headers, body: doc.body });
  const text = await res.text();
  let body: { message?: string; partialSuccess?: { rejectedSpans?: string | number; errorMessage?: string } } = {};
  try {
    body = JSON.parse(text);
  } catch {
    // Not every error answer is JSON (e.g. a plain-text 404); the text is the message then.
  }
  if (res.status === 200) {
    const n = Number(body.partialSuccess?.rejectedSpans ?? 0);
    return n > 0 ? { rejected: n, message: body.partialSuccess?.errorMessage ?? `${n} spans rejected` } : { rejected: 0 };
  }
  return { rejected: doc.spans, message: `${res.status}: ${body.message ?? text.trim()}` };
}
