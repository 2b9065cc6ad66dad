import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArgError, flagHelp, parseFlags, type FlagSpec } from './args.ts';

const spec = {
  url: { type: 'string', help: 'u' },
  format: { type: 'string', choices: ['protobuf', 'json'], help: 'f' },
  rate: { type: 'number', min: 0, help: 'r' },
  concurrency: { type: 'int', min: 1, max: 64, help: 'c' },
  gzip: { type: 'boolean', help: 'g' },
} as const satisfies Record<string, FlagSpec>;

describe('parseFlags', () => {
  it('reads values in both spellings, booleans and --no-', () => {
    const { flags, positionals } = parseFlags(['--url', 'http://h', '--rate=2.5', '--concurrency', '8', '--gzip', 'extra'], spec);
    assert.deepEqual(flags, { url: 'http://h', rate: 2.5, concurrency: 8, gzip: true });
    assert.deepEqual(positionals, ['extra']);
    assert.deepEqual(parseFlags(['--no-gzip'], spec).flags, { gzip: false });
    assert.deepEqual(parseFlags(['--gzip=false'], spec).flags, { gzip: false });
  });

  it('names the flag in every error', () => {
    const cases: [string[], RegExp][] = [
      [['--nope'], /unknown option --nope/],
      [['--rate'], /--rate needs a value/],
      [['--rate', '--gzip'], /--rate needs a value/],
      [['--rate', 'fast'], /--rate must be a number, got "fast"/],
      [['--rate', '-1'], /--rate must be >= 0/],
      [['--concurrency', '1.5'], /--concurrency must be a whole number/],
      [['--concurrency', '100'], /--concurrency must be <= 64/],
      [['--format', 'xml'], /--format must be one of protobuf, json, got "xml"/],
      [['--gzip=yes'], /--gzip must be true or false/],
      [['--no-rate'], /unknown option --no-rate/],
      [['-x'], /unknown option -x/],
    ];
    for (const [argv, re] of cases) assert.throws(() => parseFlags(argv, spec), (e: unknown) => e instanceof ArgError && re.test(e.message), argv.join(' '));
  });

  it('prints help for every flag', () => {
    const h = flagHelp(spec);
    for (const name of Object.keys(spec)) assert.match(h, new RegExp(`--${name}`));
    assert.match(h, /--no-gzip/);
  });
});
