/**
 * Decode/encode micro benchmark: ms per request for realistic SDK spans (~20 attributes each),
 * our decoders against protobufjs reflection. Prints figures and ratios; never fails.
 *
 *   node --import tsx packages/otlp/bench/decode.bench.ts [spanCounts...]
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pb } from '../test/fixtures.ts';
import { sdkPayloads } from '../test/sdk-payloads.ts';
import { decodeExportRequestJson } from '../src/decode-json.ts';
import { decodeExportRequestProto } from '../src/decode-proto.ts';
import { encodeOtlpJson, encodeTempoJson } from '../src/encode-json.ts';
import { encodeTracesDataProto } from '../src/encode-proto.ts';

// A full GC before each measurement, so one decoder does not pay for the garbage of the previous.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Median ms per call over enough runs to fill ~`budgetMs`, after a warm-up. */
function measure(fn: () => unknown, budgetMs = 1500): number {
  gc();
  const warmEnd = performance.now() + budgetMs / 4;
  while (performance.now() < warmEnd) fn();
  const times: number[] = [];
  const end = performance.now() + budgetMs;
  while (performance.now() < end || times.length < 5) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

const counts = process.argv.slice(2).map(Number).filter((n) => n > 0);
for (const n of counts.length ? counts : [512, 8192]) {
  const { proto, json } = sdkPayloads(n);
  const model = decodeExportRequestProto(proto);
  const budget = n > 2000 ? 4000 : 1500;
  const rows: [string, number][] = [
    ['protobufjs reflect decode', measure(() => pb.request.decode(proto), budget)],
    ['ours: decodeExportRequestProto', measure(() => decodeExportRequestProto(proto), budget)],
    ['JSON.parse only', measure(() => JSON.parse(json), budget)],
    ['ours: decodeExportRequestJson', measure(() => decodeExportRequestJson(json), budget)],
    ['protobufjs encode (of its decoded msg)', (() => { const m = pb.request.decode(proto); return measure(() => pb.request.encode(m).finish(), budget); })()],
    ['ours: encodeTracesDataProto', measure(() => encodeTracesDataProto(model), budget)],
    ['ours: encodeOtlpJson', measure(() => encodeOtlpJson(model), budget)],
    ['ours: encodeTempoJson', measure(() => encodeTempoJson(model, 'batches'), budget)],
  ];
  console.log(`\n${n} spans: protobuf ${(proto.length / 1024).toFixed(0)} KiB, JSON ${(json.length / 1024).toFixed(0)} KiB (${process.version})`);
  for (const [name, ms] of rows) console.log(`  ${name.padEnd(40)} ${ms.toFixed(2).padStart(8)} ms`);
  const ratio = rows[0][1] / rows[1][1];
  console.log(`  proto decode speed-up vs protobufjs: ${ratio.toFixed(2)}x ${ratio >= 1 ? '(target met)' : '(SLOWER than protobufjs)'}`);
}
