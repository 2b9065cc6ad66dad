/** A small command-line parser: `--flag value`, `--flag=value`, `--no-flag`, with typed checks. */

export class ArgError extends Error {
  override name = 'ArgError';
}

export type FlagType = 'string' | 'number' | 'int' | 'boolean';

export interface FlagSpec {
  type: FlagType;
  help: string;
  /** Allowed values for a string flag. */
  choices?: readonly string[];
  /** Smallest allowed value for number/int flags. */
  min?: number;
  /** Largest allowed value for number/int flags. */
  max?: number;
  /** The placeholder shown in help (`--rate N`). */
  meta?: string;
}

export type FlagValue = string | number | boolean;

/**
 * Parses `argv` against `spec`. Returns only the flags that were given; throws `ArgError` naming
 * the flag for unknown flags, missing values, bad numbers, out-of-range values and bad choices.
 */
export function parseFlags(argv: readonly string[], spec: Readonly<Record<string, FlagSpec>>): { flags: Record<string, FlagValue>; positionals: string[] } {
  const flags: Record<string, FlagValue> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg.length > 1 && arg !== '-h') throw new ArgError(`unknown option ${arg} (options are long: --name)`);
      if (arg === '-h') flags.help = true;
      else positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    let name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let inline: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    let s = spec[name];
    if (!s && name.startsWith('no-') && spec[name.slice(3)]?.type === 'boolean') {
      if (inline !== undefined) throw new ArgError(`--${name} takes no value`);
      name = name.slice(3);
      s = spec[name];
      inline = 'false';
    }
    if (!s) throw new ArgError(`unknown option --${name}`);
    if (s.type === 'boolean') {
      if (inline === undefined) flags[name] = true;
      else if (inline === 'true' || inline === 'false') flags[name] = inline === 'true';
      else throw new ArgError(`--${name} must be true or false, got "${inline}"`);
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      raw = argv[i + 1];
      if (raw === undefined || (raw.startsWith('--') && raw.length > 2)) throw new ArgError(`--${name} needs a value (${s.meta ?? s.type})`);
      i++;
    }
    flags[name] = convert(name, raw, s);
  }
  return { flags, positionals };
}

function convert(name: string, raw: string, s: FlagSpec): FlagValue {
  if (s.type === 'string') {
    if (s.choices && !s.choices.includes(raw)) throw new ArgError(`--${name} must be one of ${s.choices.join(', ')}, got "${raw}"`);
    return raw;
  }
  const v = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(v)) throw new ArgError(`--${name} must be a number, got "${raw}"`);
  if (s.type === 'int' && !Number.isInteger(v)) throw new ArgError(`--${name} must be a whole number, got "${raw}"`);
  if (s.min !== undefined && v < s.min) throw new ArgError(`--${name} must be >= ${s.min}, got ${raw}`);
  if (s.max !== undefined && v > s.max) throw new ArgError(`--${name} must be <= ${s.max}, got ${raw}`);
  return v;
}

/** Help text for a flag table. */
export function flagHelp(spec: Readonly<Record<string, FlagSpec>>): string {
  const rows = Object.entries(spec).map(([name, s]) => {
    const left = s.type === 'boolean' ? (name === 'help' ? '--help' : `--${name}, --no-${name}`) : `--${name} ${s.meta ?? (s.choices ? s.choices.join('|') : s.type === 'string' ? 'S' : 'N')}`;
    return [left, s.help] as const;
  });
  const w = Math.max(...rows.map(([l]) => l.length)) + 2;
  return rows.map(([l, h]) => `  ${l.padEnd(w)}${h}`).join('\n');
}
