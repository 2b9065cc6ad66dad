/**
 * The engine flows are written against: a `TraceCtx` holds one trace being built, a `Work` is
 * "code running inside one span" with a time cursor. Calls to other services create the
 * CLIENT/SERVER pair, place the server span inside the client span (network delay on both
 * sides) and advance the caller's cursor, so every child lies inside its parent by construction.
 */
import type { KeyValue, Span, SpanKind } from '@tracegres/otlp';
import { cint, cstr, int, str } from './attrs.ts';
import { cacheFaults, dbExceptionType, dbFaults, grpcServerErrorCodes, httpStatusForGrpc, type Fault } from './data.ts';
import type { ScopeRole, ServiceInstance, ServiceName } from './topology.ts';
import { ERROR, Kind, resourceTimingEvents, uaOf, type TraceCtx } from './trace-ctx.ts';

export const POSTGRES = { host: 'postgres-primary.data.svc.cluster.local', ip: '10.42.20.5', port: 5432 };
export const REDIS = { host: 'redis-master.data.svc.cluster.local', ip: '10.42.21.9', port: 6379 };
export const KAFKA = { host: 'kafka-0.kafka-headless.data.svc.cluster.local', ip: '10.42.22.3', port: 9092 };

export interface HttpRequest {
  method: string;
  route: string;
  path: string;
  query?: string;
  requestBytes?: number;
  responseBytes?: number;
  /** Status on success (default 200). */
  okStatus?: number;
}

export interface CallOptions {
  /** The caller handles the failure itself (fallback, retry, degrade). */
  tolerate?: boolean;
}

/** Code running inside one span on one service instance; `t` is its time cursor (ns from trace start). */
export class Work {
  readonly ctx: TraceCtx;
  readonly inst: ServiceInstance;
  readonly span: Span;
  t: number;
  fault: Fault | null = null;

  constructor(ctx: TraceCtx, inst: ServiceInstance, span: Span, t: number) {
    this.ctx = ctx;
    this.inst = inst;
    this.span = span;
    this.t = t;
  }

  get service(): ServiceName {
    return this.inst.service.name;
  }

  /** Spends in-process time (median in µs). */
  think(medianUs: number, sigma = 0.5): void {
    this.t += this.ctx.dur(medianUs * 1000, sigma);
  }

  event(name: string, attributes: KeyValue[] = []): void {
    this.ctx.event(this.span, this.t, name, attributes);
  }

  /** Fails this work with a fault raised here (records the exception on this span). */
  raise(fault: Fault): void {
    this.ctx.recordException(this.span, this.inst, this.t, fault);
    this.fault = fault;
  }

  private open(role: ScopeRole, name: string, kind: SpanKind, attributes: KeyValue[], start = this.t): Span {
    return this.ctx.startSpan(this.inst, this.inst.service.scopes[role], name, kind, this.span, start, attributes);
  }

  private withCommon(attrs: KeyValue[]): KeyValue[] {
    const c = this.inst.service.language === 'webjs' ? this.ctx.browserCommon : this.ctx.common;
    for (let i = 0; i < c.length; i++) attrs.push(c[i]);
    return attrs;
  }

  /** Runs `branches` concurrently from the current cursor; the cursor ends at the slowest. */
  parallel(branches: readonly ((w: Work) => void)[]): void {
    const t0 = this.t;
    let end = t0;
    for (const branch of branches) {
      this.t = t0 + this.ctx.dur(25_000, 0.5);
      branch(this);
      if (this.t > end) end = this.t;
    }
    this.t = end;
  }

  /** An INTERNAL child span; `body` runs inside it. */
  internal(name: string, attrs: KeyValue[], body?: (w: Work) => void, role: ScopeRole = 'app'): Fault | null {
    const span = this.open(role, name, Kind.INTERNAL, this.withCommon(attrs));
    const w = new Work(this.ctx, this.inst, span, this.t);
    w.think(20);
    if (body) body(w);
    w.think(15);
    if (w.fault) this.ctx.fail(span, w.fault);
    this.ctx.endSpan(span, w.t);
    this.t = w.t;
    if (w.fault && !this.fault) this.fault = w.fault;
    return w.fault;
  }

  /** A gRPC call: CLIENT span here, SERVER span in `target`, `handler` runs in the server. */
  grpc(target: ServiceName, rpcService: string, method: string, attrs: KeyValue[], handler: (w: Work) => void, opts?: CallOptions): Fault | null {
    const ctx = this.ctx;
    const svc = ctx.topo.services[target];
    const inst = ctx.rng.pick(svc.instances);
    const name = `${rpcService}/${method}`;
    const t0 = this.t;
    const client = this.open('grpcClient', name, Kind.CLIENT, this.withCommon([
      cstr('rpc.system', 'grpc'), cstr('rpc.service', rpcService), cstr('rpc.method', method),
      cstr('server.address', svc.host), cint('server.port', svc.port),
      cstr('network.peer.address', inst.ip), cint('network.peer.port', svc.port),
      cstr('peer.service', target), ...attrs,
    ]));
    const ts = t0 + ctx.net();
    const server = ctx.startSpan(inst, svc.scopes.grpcServer, name, Kind.SERVER, client, ts, [
      cstr('rpc.system', 'grpc'), cstr('rpc.service', rpcService), cstr('rpc.method', method),
      cstr('server.address', svc.host), cint('server.port', svc.port),
      cstr('network.peer.address', this.inst.ip), int('network.peer.port', ctx.rng.int(32768, 60999)),
      ...attrs, ...ctx.common,
    ], true);
    const sw = new Work(ctx, inst, server, ts);
    sw.think(40);
    if (ctx.faultPoint()) sw.raise(ctx.serviceFault(target, ctx.shopper.userId));
    else handler(sw);
    sw.think(25);
    const code = sw.fault ? sw.fault.grpcCode : 0;
    server.attributes.push(cint('rpc.grpc.status_code', code));
    if (sw.fault && grpcServerErrorCodes.has(code) && server.status.code !== ERROR) ctx.fail(server, sw.fault);
    ctx.endSpan(server, sw.t);
    const end = sw.t + ctx.net();
    client.attributes.push(cint('rpc.grpc.status_code', code));
    if (sw.fault) ctx.fail(client, sw.fault, sw.fault.message);
    ctx.endSpan(client, end);
    this.t = end;
    if (sw.fault && !opts?.tolerate && !this.fault) this.fault = sw.fault;
    return sw.fault;
  }

  /** An HTTP call to another service (or from the browser to the gateway). */
  http(target: ServiceName, req: HttpRequest, handler: (w: Work) => void, opts?: CallOptions): Fault | null {
    const ctx = this.ctx;
    const svc = ctx.topo.services[target];
    const browser = this.inst.service.language === 'webjs';
    const url = `${browser ? 'https' : 'http'}://${svc.host}${browser ? '' : `:${svc.port}`}${req.path}${req.query ? `?${req.query}` : ''}`;
    const t0 = this.t;
    const inst = ctx.rng.pick(svc.instances);
    const clientAttrs: KeyValue[] = [
      cstr('http.request.method', req.method), str('url.full', url),
      cstr('server.address', svc.host), cint('server.port', svc.port),
    ];
    if (!browser) clientAttrs.push(cstr('network.peer.address', inst.ip), cstr('network.protocol.version', '1.1'), cstr('peer.service', target));
    const client = this.open(browser ? 'fetch' : 'httpClient', req.method, Kind.CLIENT, this.withCommon(clientAttrs));
    const caller: HttpCaller = browser
      ? { ip: this.inst.ip, peerIp: '10.42.0.12', userAgent: uaOf(this.inst), scheme: 'https', protocol: '2' }
      : { ip: this.inst.ip, peerIp: this.inst.ip, userAgent: `${this.inst.service.name}/${this.inst.service.version}`, scheme: 'http', protocol: '1.1' };
    const oneWay = () => (browser ? ctx.dur(28_000_000, 0.6) : ctx.net());
    const res = serveHttp(ctx, inst, req, client, caller, t0 + oneWay(), handler);
    const end = res.end + oneWay();
    client.attributes.push(cint('http.response.status_code', res.status));
    if (browser) {
      client.attributes.push(int('http.response_content_length', res.responseBytes));
      resourceTimingEvents(ctx, client, t0, end);
    }
    if (res.status >= 400 && res.fault) ctx.fail(client, res.fault, '');
    ctx.endSpan(client, end);
    this.t = end;
    if (res.fault && !opts?.tolerate && !this.fault) this.fault = res.fault;
    return res.fault;
  }

  /** An HTTP call to a third party (no server span): payment provider, mail API. */
  external(peer: string, host: string, method: string, path: string, medianMs: number, opts?: CallOptions): Fault | null {
    const ctx = this.ctx;
    const span = this.open('httpClient', method, Kind.CLIENT, this.withCommon([
      cstr('http.request.method', method), cstr('url.full', `https://${host}${path}`),
      cstr('server.address', host), cint('server.port', 443), cstr('network.protocol.version', '1.1'),
      cstr('peer.service', peer),
    ]));
    this.t += ctx.dur(medianMs * 1_000_000 * ctx.slowPoint(), 0.45);
    let fault: Fault | null = null;
    if (ctx.faultPoint()) {
      const status = ctx.rng.pick([502, 503, 500]);
      fault = { type: 'HTTPError', message: `${status} returned by ${host}`, grpcCode: 14, httpStatus: 503, errorType: String(status) };
      span.attributes.push(int('http.response.status_code', status));
      ctx.fail(span, fault, '');
    } else {
      span.attributes.push(int('http.response.status_code', method === 'POST' ? ctx.rng.pick([200, 201, 202]) : 200));
    }
    ctx.endSpan(span, this.t);
    if (fault && !opts?.tolerate && !this.fault) this.fault = fault;
    return fault;
  }

  /** A Postgres query; `op` and `table` name the span (`SELECT shop.orders`). */
  db(op: string, table: string, query: string, rows: number, medianUs = 900, opts?: CallOptions): Fault | null {
    const ctx = this.ctx;
    const lang = this.inst.service.language;
    const attrs: KeyValue[] = [
      cstr('db.system.name', 'postgresql'), cstr('db.namespace', 'shop'), cstr('db.operation.name', op),
      cstr('db.collection.name', table), cstr('db.query.text', query), cstr('db.query.summary', `${op} ${table}`),
      cstr('server.address', POSTGRES.host), cint('server.port', POSTGRES.port),
      cstr('network.peer.address', POSTGRES.ip), cint('network.peer.port', POSTGRES.port),
      cstr('peer.service', 'postgres'),
    ];
    if (lang === 'java') attrs.push(cint('thread.id', ctx.rng.int(30, 90)), cstr('thread.name', `grpc-default-executor-${ctx.rng.int(0, 15)}`));
    if (op === 'SELECT') attrs.push(rows < 64 ? cint('db.response.returned_rows', rows) : int('db.response.returned_rows', rows));
    const span = this.open('db', `${op} shop.${table}`, Kind.CLIENT, this.withCommon(attrs));
    this.t += ctx.dur(medianUs * 1000 * ctx.slowPoint(), 0.6);
    let fault: Fault | null = null;
    if (ctx.faultPoint()) {
      const [code, message, grpcCode] = ctx.rng.pick(dbFaults);
      if (grpcCode === 4) this.t += ctx.dur(2_000_000_000, 0.2); // the statement timeout
      fault = { type: dbExceptionType[lang] ?? 'DatabaseError', message, grpcCode, httpStatus: httpStatusForGrpc(grpcCode), errorType: code };
      span.attributes.push(str('db.response.status_code', code));
      ctx.recordException(span, this.inst, this.t, fault);
    }
    ctx.endSpan(span, this.t);
    if (fault && !opts?.tolerate && !this.fault) this.fault = fault;
    return fault;
  }

  /** A Redis command; returns whether a read hit (by `hitRate`) and the fault, if any. */
  cache(cmd: string, key: string, hitRate = 1, opts?: CallOptions): { hit: boolean; fault: Fault | null } {
    const ctx = this.ctx;
    const span = this.open('cache', `redis ${cmd}`, Kind.CLIENT, this.withCommon([
      cstr('db.system.name', 'redis'), cstr('db.namespace', '0'), cstr('db.operation.name', cmd),
      str('db.query.text', cmd === 'GET' || cmd === 'DEL' || cmd === 'HGETALL' || cmd === 'INCR' ? `${cmd} ${key}` : `${cmd} ${key} ?`),
      cstr('server.address', REDIS.host), cint('server.port', REDIS.port),
      cstr('network.peer.address', REDIS.ip), cint('network.peer.port', REDIS.port),
      cstr('peer.service', 'redis'),
    ]));
    this.t += ctx.dur(320_000 * ctx.slowPoint(), 0.5);
    let fault: Fault | null = null;
    if (ctx.faultPoint()) {
      const lang = this.inst.service.language;
      const [type, message, grpcCode] = cacheFaults[lang] ?? cacheFaults.go;
      this.t += ctx.dur(grpcCode === 4 ? 1_000_000_000 : 3_000_000, 0.1);
      fault = { type, message, grpcCode, httpStatus: httpStatusForGrpc(grpcCode), errorType: type };
      ctx.recordException(span, this.inst, this.t, fault);
    }
    ctx.endSpan(span, this.t);
    if (fault && !opts?.tolerate && !this.fault) this.fault = fault;
    const hit = !fault && ctx.rng.chance(hitRate);
    return { hit, fault };
  }

  /** Publishes one message to Kafka; returns the PRODUCER span (for links) and the fault. */
  publish(topic: string, key: string, bodySize: number, opts?: CallOptions): { span: Span; partition: number; offset: number; fault: Fault | null } {
    const ctx = this.ctx;
    const partition = ctx.rng.int(0, 11);
    const offset = 1_000_000 + (ctx.offsetCounter += ctx.rng.int(1, 400)) + partition * 7_919;
    const span = this.open('kafka', `${topic} publish`, Kind.PRODUCER, this.withCommon([
      cstr('messaging.system', 'kafka'), cstr('messaging.destination.name', topic),
      cstr('messaging.operation.type', 'send'), cstr('messaging.operation.name', 'publish'),
      str('messaging.kafka.message.key', key), str('messaging.destination.partition.id', String(partition)),
      int('messaging.kafka.offset', offset), int('messaging.message.body.size', bodySize),
      cstr('messaging.client.id', `${this.inst.service.name}-producer-1`),
      cstr('server.address', KAFKA.host), cint('server.port', KAFKA.port), cstr('peer.service', 'kafka'),
    ]));
    this.t += ctx.dur(2_500_000 * ctx.slowPoint(), 0.6);
    let fault: Fault | null = null;
    if (ctx.faultPoint()) {
      this.t += ctx.dur(1_500_000_000, 0.2);
      fault = {
        type: '*kerr.Error', message: 'REQUEST_TIMED_OUT: Request exceeded the user-specified time limit in the request.',
        grpcCode: 14, httpStatus: 503, errorType: 'REQUEST_TIMED_OUT',
      };
      ctx.recordException(span, this.inst, this.t, fault);
    }
    ctx.endSpan(span, this.t);
    if (fault && !opts?.tolerate && !this.fault) this.fault = fault;
    return { span, partition, offset, fault };
  }

  /** Ends this work's own span at the cursor. */
  finish(): void {
    this.ctx.endSpan(this.span, this.t);
  }
}

/** Who sends an HTTP request, as the server sees it. */
export interface HttpCaller {
  ip: string;
  peerIp: string;
  userAgent: string;
  scheme: string;
  protocol: string;
}

/**
 * The SERVER side of an HTTP request on `inst`: span (child of `parent`, or a root when null),
 * fault point, handler, status. Returns when the server span ends.
 */
export function serveHttp(ctx: TraceCtx, inst: ServiceInstance, req: HttpRequest, parent: Span | null, caller: HttpCaller, start: number, handler: (w: Work) => void): { end: number; status: number; responseBytes: number; fault: Fault | null; span: Span } {
  const svc = inst.service;
  const attrs: KeyValue[] = [
    cstr('http.request.method', req.method), cstr('url.scheme', caller.scheme), str('url.path', req.path),
    cstr('http.route', req.route), cstr('server.address', svc.host), cint('server.port', svc.port),
    cstr('network.protocol.version', caller.protocol),
    cstr('network.peer.address', caller.peerIp), int('network.peer.port', ctx.rng.int(32768, 60999)),
    str('client.address', caller.ip), cstr('user_agent.original', caller.userAgent),
  ];
  if (req.query) attrs.push(str('url.query', req.query));
  if (req.requestBytes !== undefined) attrs.push(int('http.request.body.size', req.requestBytes));
  for (const kv of ctx.common) attrs.push(kv);
  const span = ctx.startSpan(inst, svc.scopes.httpServer, `${req.method} ${req.route}`, Kind.SERVER, parent, start, attrs, parent !== null);
  const w = new Work(ctx, inst, span, start);
  w.think(60);
  // A root server span never fails before doing anything: a trace keeps at least its callees.
  if (parent !== null && ctx.faultPoint()) w.raise(ctx.serviceFault(svc.name, ctx.shopper.userId));
  else handler(w);
  w.think(40);
  const status = w.fault ? w.fault.httpStatus : (req.okStatus ?? 200);
  const responseBytes = w.fault ? 120 + ctx.rng.int(0, 80) : (req.responseBytes ?? ctx.rng.int(200, 4000));
  span.attributes.push(cint('http.response.status_code', status), int('http.response.body.size', responseBytes));
  if (status >= 500 && w.fault && span.status.code !== ERROR) ctx.fail(span, w.fault, '');
  ctx.endSpan(span, w.t);
  return { end: w.t, status, responseBytes, fault: w.fault, span };
}
