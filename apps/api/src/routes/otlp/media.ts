import { ApiError } from '../../errors.ts';

export type OtlpFormat = 'protobuf' | 'json';

/**
 * Picks the decoder from Content-Type (parameters such as `; charset=utf-8` ignored).
 * `text/plain` is read as JSON: old browser exporters beaconed JSON strings with that type.
 * A missing type is sniffed: a JSON body starts with `{`.
 */
export function formatOf(contentType: string | null, body: Uint8Array | null): OtlpFormat {
  const media = (contentType ?? '').split(';')[0].trim().toLowerCase();
  switch (media) {
    case 'application/x-protobuf':
    case 'application/protobuf':
      return 'protobuf';
    case 'application/json':
    case 'text/plain':
      return 'json';
    case '':
      return body && firstNonSpace(body) === 0x7b ? 'json' : 'protobuf';
  }
  throw new ApiError(
    'unsupportedMediaType',
    `unsupported media type ${JSON.stringify(media)}, supported: [application/json, application/x-protobuf]`,
  );
}

function firstNonSpace(b: Uint8Array): number {
  for (const c of b) if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return c;
  return -1;
}

/** The exact response Content-Type clients check for (no parameters). */
export const responseType: Record<OtlpFormat, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};
