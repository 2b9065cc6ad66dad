/**
 * One trace under construction: its ids, time base, size budget, the attributes every span
 * carries, and the (at most one) injected fault and slow point. Flows write spans through it.
 */
import type { KeyValue, Span, SpanKind, StatusCode } from '@tracegres/otlp';
import { str } from './attrs.ts';
import { httpStatusForGrpc, serviceFaults, stackTrace, type Fault } from './data.ts';
import type { Rng } from './random.ts';
import type { ScopeDef, ServiceInstance, ServiceName, Topology } from './topology.ts';

export const Kind = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const satisfies Record<string, SpanKind>;
/** `StatusCode.ERROR`. */
export const ERROR: StatusCode = 2;

/** W3C sampled (0x01) + "is-remote known" (0x100), as the JS SDK writes; 0x200 marks a remote parent. */
export const FLAGS_LOCAL = 0x101;
export const FLAGS_REMOTE = 0x301;

export interface SpanRecord {
  readonly span: Span;
  readonly inst: ServiceInstance;
  readonly scope: ScopeDef;
}

/** A consumer trace to emit later, linked to the producer span. */
export interface FollowUp {
  readonly group: 'notification' | 'fraud-detection';
  readonly startNs: bigint;
  readonly traceId: string;
  readonly spanId: string;
  readonly key: string;
  readonly partition: number;
  readonly offset: number;
  readonly bodySize: number;
  readonly userId: string;
  readonly total: number;
  readonly items: number;
}

export interface TraceCtxInit {
  rng: Rng;
  topo: Topology;
  traceId: string;
  traceState: string;
  base: bigint;
  budget: number;
  common: KeyValue[];
  browserCommon: KeyValue[];
  shopper: Shopper;
  faultAt: number;
  slowAt: number;
}

/** One trace under construction. */
export class TraceCtx {
  readonly rng: Rng;
  readonly topo: Topology;
  readonly traceId: string;
  readonly traceState: string;
  readonly base: bigint;
  readonly budget: number;
  /** App attributes (baggage) that every backend span carries. */
  readonly common: KeyValue[];
  /** The smaller set browser spans carry (session, user). */
  readonly browserCommon: KeyValue[];
  readonly shopper: Shopper;
  readonly records: SpanRecord[] = [];
  readonly followUps: FollowUp[] = [];
  faultAt: number;
  faultSeen = 0;
  faulted = false;
  slowAt: number;
  slowSeen = 0;
  offsetCounter = 0;

  constructor(init: TraceCtxInit) {
    this.rng = init.rng;
    this.topo = init.topo;
    this.traceId = init.traceId;
    this.traceState = init.traceState;
    this.base = init.base;
    this.budget = init.budget;
    this.common = init.common;
    this.browserCommon = init.browserCommon;
    this.shopper = init.shopper;
    this.faultAt = init.faultAt;
    this.slowAt = init.slowAt;
  }

  /** True when `n` more spans fit in this trace's size budget. */
  room(n: number): boolean {
    return this.records.length + n <= this.budget;
  }

  ns(offset: number): bigint {
    return this.base + BigInt(Math.round(offset));
  }

  /** A log-normal duration in ns with the given median (ns), at least 1 µs. */
  dur(medianNs: number, sigma = 0.5): number {
    const d = this.rng.logNormal(medianNs, sigma);
    return d < 1000 ? 1000 : d;
  }

  /** One-way in-cluster network delay. */
  net(): number {
    return this.dur(180_000, 0.6);
  }

  startSpan(inst: ServiceInstance, scope: ScopeDef, name: string, kind: SpanKind, parent: Span | null, start: number, attributes: KeyValue[], remoteParent = false): Span {
    const span: Span = {
      traceId: this.traceId,
      spanId: this.rng.hex(8),
      parentSpanId: parent ? parent.spanId : '',
      traceState: this.traceState,
      name,
      kind,
      startTimeUnixNano: this.ns(start),
      endTimeUnixNano: 0n,
      attributes,
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: { code: 0, message: '' },
      flags: remoteParent ? FLAGS_REMOTE : FLAGS_LOCAL,
    };
    this.records.push({ span, inst, scope });
    return span;
  }

  endSpan(span: Span, end: number): void {
    span.endTimeUnixNano = this.ns(end);
  }

  /** Called at every place that can fail; true once per faulty trace, at the chosen point. */
  faultPoint(): boolean {
    if (this.faulted || this.faultAt < 0) return false;
    if (this.faultSeen++ === this.faultAt) {
      this.faulted = true;
      return true;
    }
    return false;
  }

  /** Latency multiplier: 1, or a big factor at this trace's slow point. */
  slowPoint(): number {
    if (this.slowAt < 0) return 1;
    if (this.slowSeen++ === this.slowAt) return this.rng.logNormal(40, 0.7);
    return 1;
  }

  event(span: Span, t: number, name: string, attributes: KeyValue[] = []): void {
    span.events.push({ timeUnixNano: this.ns(t), name, attributes, droppedAttributesCount: 0 });
  }

  /** Marks `span` failed and records the exception event, as an SDK's recordException does. */
  recordException(span: Span, inst: ServiceInstance, t: number, fault: Fault): void {
    const svc = inst.service;
    this.event(span, t, 'exception', [
      str('exception.type', fault.type),
      str('exception.message', fault.message),
      str('exception.stacktrace', stackTrace(svc.name, svc.language, fault.type, fault.message)),
    ]);
    this.fail(span, fault);
  }

  fail(span: Span, fault: Fault, message = fault.message): void {
    span.status = { code: ERROR, message };
    span.attributes.push(str('error.type', fault.errorType));
  }

  /** A fault raised by `service`'s own code, with placeholders filled. */
  serviceFault(service: ServiceName, userId: string): Fault {
    const [type, message, grpcCode] = this.rng.pick(serviceFaults[service]);
    return {
      type,
      message: message.replace('%id', 'OLJCESPC7Z').replace('%user', userId),
      grpcCode,
      httpStatus: httpStatusForGrpc(grpcCode),
      errorType: type,
    };
  }
}

/** Who the trace is about: carried through flows, and into `common` attributes. */
export interface Shopper {
  userId: string;
  sessionId: string;
  currency: string;
  country: string;
  loggedIn: boolean;
  /** Product ids in the cart. */
  cart: string[];
}

/** The browser's User-Agent, from its resource. */
export function uaOf(inst: ServiceInstance): string {
  for (const kv of inst.resource.attributes) if (kv.key === 'user_agent.original' && kv.value.type === 'string') return kv.value.value;
  return 'Mozilla/5.0';
}

const timingNames = [
  'fetchStart', 'domainLookupStart', 'domainLookupEnd', 'connectStart', 'secureConnectionStart',
  'connectEnd', 'requestStart', 'responseStart', 'responseEnd',
] as const;

/** The resource-timing events the browser fetch instrumentation adds, spread over [t0, t1]. */
export function resourceTimingEvents(ctx: TraceCtx, span: Span, t0: number, t1: number): void {
  const reused = ctx.rng.chance(0.7); // keep-alive connection: no DNS/connect time
  const n = timingNames.length;
  for (let i = 0; i < n; i++) {
    const name = timingNames[i];
    if (reused && i >= 1 && i <= 5) {
      ctx.event(span, t0 + (t1 - t0) * 0.01, name);
      continue;
    }
    ctx.event(span, t0 + ((t1 - t0) * i) / (n - 1), name);
  }
}
