import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_ANSWERS } from '../../../server/src/core/advisor/advisorQuestions';
import { DEFAULT_PRICES, estimateCombinedCost, estimateCost, EXTERNAL_KEY_MANAGER_NOTE, normalizePrices } from '../../../server/src/core/advisor/keyServiceCost';

describe('monthly cost estimate', () => {
  it('prices KMS at $1 per key and $0.03 per 10,000 requests beyond the 20,000 free', () => {
    const cost = estimateCost('kms', { ...DEFAULT_ANSWERS, keys: 1, requestsPerMonth: 100_000 }, DEFAULT_PRICES);
    // 1 key + (100,000 - 20,000) / 10,000 × $0.03 = $1.24
    assert.equal(cost.monthlyUsd, 1.24);
  });

  it('charges nothing for requests inside the free tier', () => {
    assert.equal(estimateCost('kms', { ...DEFAULT_ANSWERS, keys: 1, requestsPerMonth: 15_000 }, DEFAULT_PRICES).monthlyUsd, 1);
  });

  it('adds at least two HSMs around the clock for a CloudHSM custom key store', () => {
    const prices = { ...DEFAULT_PRICES, hsmCount: 1 };
    const cost = estimateCost('kmsCloudHsmKeyStore', { ...DEFAULT_ANSWERS, keys: 0, requestsPerMonth: 0 }, prices);
    assert.equal(cost.monthlyUsd, 2 * 730 * 1.45);
    assert.match(cost.lines.at(-1)?.label ?? '', /^2 HSM\(s\)/);
  });

  it('bills CloudHSM directly by HSM-hours only', () => {
    const cost = estimateCost('cloudHsm', { ...DEFAULT_ANSWERS, keys: 5000, requestsPerMonth: 1e9 }, { ...DEFAULT_PRICES, hsmCount: 3 });
    assert.equal(cost.monthlyUsd, Math.round(3 * 730 * 1.45 * 100) / 100);
  });

  it('never prices an external key manager at $0: a default the user sees is an assumption about their own infrastructure', () => {
    const xks = estimateCost('kmsExternalKeyStore', { ...DEFAULT_ANSWERS, keys: 1, requestsPerMonth: 0 }, DEFAULT_PRICES);
    assert.deepEqual(xks, {
      option: 'kmsExternalKeyStore',
      monthlyUsd: 3001,
      lines: [
        { label: '1 key(s) × $1', usd: 1 },
        { label: '0 billable requests × $0.03 / 10,000', usd: 0 },
        { label: 'External key manager and XKS proxy (your infrastructure)', usd: 3000 },
      ],
      notes: [EXTERNAL_KEY_MANAGER_NOTE],
    });
    assert.ok(xks.monthlyUsd > estimateCost('cloudHsm', DEFAULT_ANSWERS, DEFAULT_PRICES).monthlyUsd, 'more than the two HSMs of a CloudHSM cluster');
    assert.deepEqual(estimateCost('kms', DEFAULT_ANSWERS, DEFAULT_PRICES).notes, []);
  });

  it('totals a combination, each line naming its option', () => {
    assert.deepEqual(estimateCombinedCost(['cloudHsm', 'kms'], DEFAULT_ANSWERS, DEFAULT_PRICES), {
      options: ['cloudHsm', 'kms'],
      monthlyUsd: 2129.94,
      lines: [
        { label: 'AWS CloudHSM directly: 2 HSM(s) × 730 h × $1.45', usd: 2117 },
        { label: 'AWS KMS: 10 key(s) × $1', usd: 10 },
        { label: 'AWS KMS: 980,000 billable requests × $0.03 / 10,000', usd: 2.94 },
      ],
      notes: [],
    });
  });

  it('counts a cluster shared by CloudHSM and a CloudHSM key store once', () => {
    const combined = estimateCombinedCost(['cloudHsm', 'kmsCloudHsmKeyStore'], DEFAULT_ANSWERS, DEFAULT_PRICES);
    assert.equal(combined.monthlyUsd, 2129.94);
    assert.deepEqual(combined.notes, ['CloudHSM used directly and the custom key store share one cluster: its HSMs are counted once.']);
  });

  it('uses the edited prices and ignores invalid ones', () => {
    const prices = normalizePrices({ hsmHour: '2', kmsKeyMonth: -1, hoursPerMonth: 'x', externalKeyManagerMonth: 500 });
    assert.equal(prices.hsmHour, 2);
    assert.equal(prices.kmsKeyMonth, DEFAULT_PRICES.kmsKeyMonth);
    assert.equal(prices.hoursPerMonth, DEFAULT_PRICES.hoursPerMonth);
    const xks = estimateCost('kmsExternalKeyStore', { ...DEFAULT_ANSWERS, keys: 2, requestsPerMonth: 0 }, prices);
    assert.equal(xks.monthlyUsd, 502);
  });
});
