/**
 * @tracegres/loadgen: a seeded generator of realistic traces (a small shop of a dozen services)
 * for demo mode, tests and benchmarks, plus an OTLP/HTTP sender. Runtime-free: Node, Bun, Deno.
 */
export { createGenerator, toTracesData } from './generate.ts';
export type { BatchOptions, Generator, GeneratorOptions, GeneratorStats } from './generate.ts';
export { describe } from './describe.ts';
export type { SpanCountDistribution, TraceDataSummary } from './describe.ts';
export { countSpans, encodeBody, encodeRequest, gzip, parseRetryAfter, sendEncoded, sendTraces, tracesUrl } from './send.ts';
export type { EncodedRequest, EncodeOptions, OtlpFormat, SendOptions, SendResult } from './send.ts';
export { saltTraceIds, traceIdOffsets } from './pool.ts';
export { createRng, detExp, detLog, Rng } from './random.ts';
export { createTopology, serviceNames } from './topology.ts';
export type { ServiceDef, ServiceInstance, ServiceName, Topology } from './topology.ts';
export { runDemoStream } from './demo-stream.ts';
export type { DemoStreamOptions, DemoTotals } from './demo-stream.ts';
export { ArgError, flagHelp, parseFlags } from './args.ts';
export type { FlagSpec, FlagType, FlagValue } from './args.ts';
