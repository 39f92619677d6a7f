// Every total can be reconciled with its sites by reading: sites + "with no site" = total.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeSplit, splitOf, splitTotals, withoutSiteReason } from '../../src/core/sites/site-totals';

test('a type splits into what its sites hold and the remainder with no site', () => {
  const splits = splitTotals({ PROMISE: 234, Timeout: 3 }, [
    { type: 'PROMISE', count: 46 },
    { type: 'PROMISE', count: 4 },
    { type: 'Timeout', count: 3 },
  ]);
  assert.deepEqual(splitOf(splits, 'PROMISE'), { type: 'PROMISE', total: 234, inSites: 50, sites: 2, withoutSite: 184 });
  assert.deepEqual(splitOf(splits, 'Timeout'), { type: 'Timeout', total: 3, inSites: 3, sites: 1, withoutSite: 0 });
  assert.equal(describeSplit(splits), '237 pending async resources: 53 in 3 sites, 184 with no site');
  assert.equal(describeSplit(splitTotals({ Timeout: 3 }, [{ type: 'Timeout', count: 3 }])), '3 pending async resources in 1 site');
  // Sampled site counts are estimates and may overshoot: the remainder never goes negative.
  assert.equal(splitOf(splitTotals({ PROMISE: 10 }, [{ type: 'PROMISE', count: 12.4 }]), 'PROMISE').withoutSite, 0);
  assert.match(withoutSiteReason('PROMISE'), /results of the suspended calls above/);
  assert.match(withoutSiteReason('Timeout'), /already alive when the agent attached/);
});
