import assert from 'node:assert/strict';
import { test } from 'node:test';
import { budgetChange } from './pglite-budget.ts';

test('statement_timeout settings the PGlite watchdog reads', () => {
  assert.deepEqual(budgetChange('set local statement_timeout = 500'), { ms: 500, local: true });
  assert.deepEqual(budgetChange("SET statement_timeout TO '2s';"), { ms: 2000, local: false });
  assert.deepEqual(budgetChange("set session statement_timeout = '1.5min'"), { ms: 90_000, local: false });
  assert.deepEqual(budgetChange("set local statement_timeout = '10us'"), { ms: 1, local: true }, 'rounded up, not off');
  assert.deepEqual(budgetChange('set local statement_timeout to default'), { ms: 0, local: true });
  assert.deepEqual(budgetChange('set local statement_timeout = 0'), { ms: 0, local: true });
  assert.deepEqual(budgetChange('reset statement_timeout'), { ms: 0, local: false });
  for (const other of ['select 1', "set local lock_timeout = 5", "set local statement_timeout = '5 parsecs'", "select set_config('statement_timeout', '5', true)", 'select 1 -- statement_timeout']) {
    assert.equal(budgetChange(other), null, other);
  }
});
