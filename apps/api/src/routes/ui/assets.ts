/** One built file of the web UI, ready to send. */
export interface BuiltFile {
  type: string;
  body: Uint8Array;
  /** The same bytes gzipped at build time, for clients that accept it. */
  gzip?: Uint8Array;
}

export interface BuiltUi {
  builtAt: string;
  /** Content-Security-Policy for index.html (its inline script allowed by hash). */
  csp: string;
  /** By URL path: `/index.html`, `/assets/index-abc123.js`, ... */
  files: Map<string, BuiltFile>;
}

interface EmbeddedModule {
  default: { builtAt: string; csp?: string; files: Record<string, { type: string; body: string; gzip?: string }> };
}

function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * The web UI's build, which `vite build` also writes as a JavaScript module
 * (apps/web/dist/embedded.js). Importing it instead of reading files keeps this route free of
 * file-system calls, so it runs the same on Node, Bun and Deno. No build yet: no files.
 */
export async function loadBuiltUi(): Promise<BuiltUi> {
  // A variable specifier: the build may not exist, and type-checking must not look for it.
  const specifier = new URL('../../../../web/dist/embedded.js', import.meta.url).href;
  let mod: EmbeddedModule;
  try {
    mod = (await import(specifier)) as EmbeddedModule;
  } catch {
    return { builtAt: '', csp: '', files: new Map() };
  }
  const files = new Map<string, BuiltFile>();
  for (const [path, f] of Object.entries(mod.default.files)) {
    files.set(path, { type: f.type, body: fromBase64(f.body), gzip: f.gzip ? fromBase64(f.gzip) : undefined });
  }
  return { builtAt: mod.default.builtAt, csp: mod.default.csp ?? '', files };
}
