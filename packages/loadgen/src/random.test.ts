import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng, detExp, detLog, hex32, Rng } from './random.ts';

describe('Rng', () => {
  it('gives a pinned sequence for numeric and string seeds (same on Node, Bun, Deno)', () => {
    const a = new Rng(42);
    const b = new Rng('tracegres');
    assert.deepEqual(Array.from({ length: 5 }, () => a.u32()), [315823, 2317030748, 1781105805, 3650628596, 2247049780]);
    assert.deepEqual(Array.from({ length: 5 }, () => b.u32()), [2670876717, 1681639086, 155812084, 1069486135, 2900498920]);
    assert.equal(a.hex(16), 'bab40dbdff9354b032ef5d92e487ac8e');
    assert.equal(b.hex(8), '291082eb80234d3e');
    assert.equal(a.normal(), -0.2294028950855136);
    assert.equal(a.logNormal(1000, 0.5), 2181.4834150528513);
    assert.equal(a.exponential(10), 55.33787792492444);
  });

  it('same seed => same sequence, different seed => different', () => {
    const run = (seed: number | string) => {
      const r = createRng(seed);
      return Array.from({ length: 100 }, () => r.u32());
    };
    assert.deepEqual(run(7), run(7));
    assert.deepEqual(run('x'), run('x'));
    assert.notDeepEqual(run(7), run(8));
    assert.notDeepEqual(run('x'), run('y'));
  });

  it('keeps helpers in range', () => {
    const r = new Rng(1);
    for (let i = 0; i < 10_000; i++) {
      const f = r.float();
      assert.ok(f >= 0 && f < 1);
      const n = r.int(3, 7);
      assert.ok(Number.isInteger(n) && n >= 3 && n <= 7);
      assert.ok(r.count(2, 5, 9) >= 2 && r.count(2, 5, 9) <= 9);
    }
    assert.equal(r.pick(['only']), 'only');
    assert.match(r.hex(16), /^[0-9a-f]{32}$/);
    assert.match(r.hex(8), /^[0-9a-f]{16}$/);
    assert.equal(hex32(0x0a0b0c0d), '0a0b0c0d');
  });

  it('has the right distribution shapes', () => {
    const r = new Rng(99);
    const n = 20_000;
    let sum = 0;
    let sumSq = 0;
    let expSum = 0;
    const logn: number[] = [];
    const picks = { a: 0, b: 0 };
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      sum += z;
      sumSq += z * z;
      expSum += r.exponential(5);
      logn.push(r.logNormal(100, 0.8));
      picks[r.weighted([['a', 9], ['b', 1]] as const)]++;
    }
    assert.ok(Math.abs(sum / n) < 0.05, 'normal mean ~ 0');
    assert.ok(Math.abs(sumSq / n - 1) < 0.05, 'normal variance ~ 1');
    assert.ok(Math.abs(expSum / n - 5) < 0.25, 'exponential mean');
    logn.sort((x, y) => x - y);
    assert.ok(Math.abs(logn[n / 2] - 100) < 5, 'log-normal median');
    assert.ok(Math.abs(picks.a / n - 0.9) < 0.02, 'weighted pick');
  });

  it('fork() gives an independent deterministic stream', () => {
    const a = new Rng(5).fork();
    const b = new Rng(5).fork();
    assert.equal(a.u32(), b.u32());
    assert.notEqual(new Rng(5).fork().u32(), new Rng(5).u32());
  });
});

describe('detLog / detExp', () => {
  it('match Math.log / Math.exp to ~1e-14', () => {
    for (const x of [1e-12, 0.001, 0.3, 0.5, 1, 1.5, 2, Math.E, 10, 12345.678, 1e20]) {
      assert.ok(Math.abs(detLog(x) - Math.log(x)) <= 1e-14 * Math.max(1, Math.abs(Math.log(x))), `log ${x}`);
    }
    for (const x of [-30, -5, -1, -0.1, 0, 0.1, 1, 3.3, 20, 200]) {
      assert.ok(Math.abs(detExp(x) - Math.exp(x)) <= 1e-14 * Math.exp(x), `exp ${x}`);
    }
    assert.equal(detLog(0), -Infinity);
    assert.ok(Number.isNaN(detLog(-1)));
    assert.equal(detExp(1000), Infinity);
    assert.equal(detExp(-1000), 0);
  });
});
