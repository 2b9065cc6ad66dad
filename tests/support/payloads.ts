// Hand-made OTLP payloads that set every field of the trace model, for exact round-trip tests.
// Built as protobufjs plain objects (the independent schema), then encoded as protobuf or OTLP/JSON.
import { ExportTraceServiceRequest } from './oracle.ts';

type Obj = Record<string, any>;

const hex = (h: string) => Buffer.from(h, 'hex');

/** Every AnyValue shape, including the edge values that break naive encodings. */
export function everyValueAttributes(prefix = ''): Obj[] {
  return [
    { key: `${prefix}str`, value: { stringValue: 'plain "quoted" \\ back/slash ünïcödé 🚀' } },
    { key: `${prefix}str.empty`, value: { stringValue: '' } },
    { key: `${prefix}str.nul`, value: { stringValue: 'a\u0000b' } },
    { key: `${prefix}str.ctrl`, value: { stringValue: 'tab\there\nnew line\r\\N \\x00 end' } },
    { key: `${prefix}str.html`, value: { stringValue: '<img src=x onerror=alert(1)>' } },
    { key: `${prefix}bool.true`, value: { boolValue: true } },
    { key: `${prefix}bool.false`, value: { boolValue: false } },
    { key: `${prefix}int.zero`, value: { intValue: '0' } },
    { key: `${prefix}int.neg`, value: { intValue: '-1' } },
    { key: `${prefix}int.max`, value: { intValue: '9223372036854775807' } },
    { key: `${prefix}int.min`, value: { intValue: '-9223372036854775808' } },
    { key: `${prefix}int.big`, value: { intValue: '9007199254740993' } },
    { key: `${prefix}double.integral`, value: { doubleValue: 2.0 } },
    { key: `${prefix}double.frac`, value: { doubleValue: 0.1 } },
    { key: `${prefix}double.huge`, value: { doubleValue: 1e300 } },
    { key: `${prefix}double.tiny`, value: { doubleValue: -1.5e-300 } },
    { key: `${prefix}double.negzero`, value: { doubleValue: -0 } },
    { key: `${prefix}double.nan`, value: { doubleValue: NaN } },
    { key: `${prefix}double.inf`, value: { doubleValue: Infinity } },
    { key: `${prefix}bytes`, value: { bytesValue: hex('00ff10') } },
    { key: `${prefix}bytes.empty`, value: { bytesValue: Buffer.alloc(0) } },
    {
      key: `${prefix}array.mixed`,
      value: {
        arrayValue: {
          values: [
            { stringValue: 'a' },
            { intValue: '7' },
            { doubleValue: 7.5 },
            { boolValue: false },
            { arrayValue: { values: [{ stringValue: 'nested' }] } },
            {},
          ],
        },
      },
    },
    { key: `${prefix}array.empty`, value: { arrayValue: { values: [] } } },
    {
      key: `${prefix}kvlist`,
      value: {
        kvlistValue: {
          values: [
            { key: 'inner.str', value: { stringValue: 'x' } },
            { key: 'inner.int', value: { intValue: '3' } },
            { key: 'inner.kv', value: { kvlistValue: { values: [{ key: 'deep', value: { doubleValue: 1.25 } }] } } },
          ],
        },
      },
    },
    { key: `${prefix}empty`, value: {} },
  ];
}

/** A two-span trace setting every field: resource/scope attributes, events, links, status, flags... */
export function everyFieldRequest(traceIdHex: string, baseSeconds: number): Obj {
  const ns = (offsetNs: bigint) => (BigInt(baseSeconds) * 1_000_000_000n + offsetNs).toString();
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [{ key: 'service.name', value: { stringValue: 'hand-made' } }, ...everyValueAttributes('res.')],
          droppedAttributesCount: 3,
        },
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        scopeSpans: [
          {
            scope: {
              name: 'hand.scope',
              version: '1.2.3',
              attributes: [{ key: 'scope.attr', value: { intValue: '5' } }],
              droppedAttributesCount: 1,
            },
            schemaUrl: 'https://opentelemetry.io/schemas/1.25.0',
            spans: [
              {
                traceId: hex(traceIdHex),
                spanId: hex('1111111111111111'),
                traceState: 'vendor1=opaque,vendor2=x',
                name: 'GET /root\t\\N\nline2',
                kind: 2,
                startTimeUnixNano: ns(123_456_789n),
                endTimeUnixNano: ns(987_654_321n),
                attributes: everyValueAttributes(),
                droppedAttributesCount: 4,
                events: [
                  {
                    timeUnixNano: ns(200_000_001n),
                    name: 'exception',
                    attributes: [
                      { key: 'exception.type', value: { stringValue: 'Error' } },
                      { key: 'exception.count', value: { intValue: '2' } },
                    ],
                    droppedAttributesCount: 2,
                  },
                  { timeUnixNano: ns(300_000_000n), name: 'no-attrs' },
                ],
                droppedEventsCount: 5,
                links: [
                  {
                    traceId: hex('0af7651916cd43dd8448eb211c80319c'),
                    spanId: hex('b7ad6b7169203331'),
                    traceState: 'congo=t61rcWkgMzE',
                    attributes: [{ key: 'link.kind', value: { stringValue: 'follows' } }],
                    droppedAttributesCount: 1,
                    flags: 0x301,
                  },
                  { traceId: hex('0af7651916cd43dd8448eb211c80319d'), spanId: hex('b7ad6b7169203332') },
                ],
                droppedLinksCount: 6,
                status: { code: 2, message: 'it broke: "badly"\t\\ \n' },
                flags: 0x101,
              },
              {
                traceId: hex(traceIdHex),
                spanId: hex('2222222222222222'),
                parentSpanId: hex('1111111111111111'),
                name: 'SELECT users',
                kind: 3,
                startTimeUnixNano: ns(300_000_000n),
                endTimeUnixNano: ns(300_000_999n),
                attributes: [{ key: 'db.system.name', value: { stringValue: 'postgresql' } }],
                status: { code: 1 },
              },
              {
                traceId: hex(traceIdHex),
                spanId: hex('3333333333333333'),
                parentSpanId: hex('1111111111111111'),
                name: '',
                kind: 0,
                startTimeUnixNano: ns(400_000_000n),
                endTimeUnixNano: ns(400_000_000n),
              },
            ],
          },
        ],
      },
    ],
  };
}

export function encodeRequestProto(obj: Obj): Uint8Array<ArrayBuffer> {
  return new Uint8Array(ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(obj)).finish());
}

/** The same request as OTLP/JSON (hex ids, numeric enums, 64-bit as strings; NaN as "NaN"). */
export function encodeRequestJson(obj: Obj): string {
  const conv = (v: unknown, key: string): unknown => {
    if (Buffer.isBuffer(v)) return key === 'bytesValue' ? v.toString('base64') : v.toString('hex');
    if (Array.isArray(v)) return v.map((x) => conv(x, ''));
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    if (typeof v === 'number' && Object.is(v, -0)) return '-0';
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, conv(x, k)]));
    return v;
  };
  // JSON cannot write -0 as a number; "-0" is a valid proto3 JSON double string.
  return JSON.stringify(conv(obj, ''));
}
