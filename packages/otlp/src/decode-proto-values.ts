/**
 * Protobuf decoding of attribute values: `KeyValue`, the `AnyValue` oneof and its recursive
 * `ArrayValue` / `KeyValueList` forms (all shapes allowed since proto 1.9: empty values, bytes,
 * heterogeneous arrays, nested maps).
 */

import type { AnyValue, KeyValue } from './model.ts';
import type { ProtoReader } from './proto-reader.ts';

const EMPTY_VALUE: AnyValue = Object.freeze({ type: 'empty' });

/**
 * Reads one KeyValue (the field at hand) and appends it to `list`; `outer` names the enclosing
 * message for errors after it.
 */
export function readAttribute(r: ProtoReader, list: KeyValue[], outer: string): void {
  const e = r.enter('KeyValue');
  list.push(readKeyValue(r));
  r.leave(e, outer);
}

function readKeyValue(r: ProtoReader): KeyValue {
  let key = '';
  let value = EMPTY_VALUE;
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === 10) key = r.string();
    else if (t === 18) {
      const e = r.enter('AnyValue');
      value = readAnyValue(r);
      r.leave(e, 'KeyValue');
    } else r.skip(t);
  }
  return { key, value };
}

function readAnyValue(r: ProtoReader): AnyValue {
  // A oneof: the last member on the wire wins. No member (or only the profiles-only
  // string_value_strindex) is the "empty" value.
  let v = EMPTY_VALUE;
  while (r.pos < r.end) {
    const t = r.tag();
    switch (t) {
      case 10: v = { type: 'string', value: r.string() }; break;
      case 16: v = { type: 'bool', value: r.bool() }; break;
      case 24: v = { type: 'int', value: r.int64() }; break;
      case 33: v = { type: 'double', value: r.double() }; break;
      case 42: {
        const values: AnyValue[] = [];
        const e = r.enter('ArrayValue');
        while (r.pos < r.end) {
          const t2 = r.tag();
          if (t2 === 10) {
            const e2 = r.enter('AnyValue');
            values.push(readAnyValue(r));
            r.leave(e2, 'ArrayValue');
          } else r.skip(t2);
        }
        r.leave(e, 'AnyValue');
        v = { type: 'array', value: values };
        break;
      }
      case 50: {
        const values: KeyValue[] = [];
        const e = r.enter('KeyValueList');
        while (r.pos < r.end) {
          const t2 = r.tag();
          if (t2 === 10) readAttribute(r, values, 'KeyValueList');
          else r.skip(t2);
        }
        r.leave(e, 'AnyValue');
        v = { type: 'kvlist', value: values };
        break;
      }
      case 58: v = { type: 'bytes', value: r.bytes() }; break;
      default: r.skip(t);
    }
  }
  return v;
}
