import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_ANSWERS } from '../../../server/src/core/advisor/advisorQuestions';
import { DEFAULT_PRICES, estimateCost, normalizePrices } from '../../../server/src/core/advisor/keyServiceCost';

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

  it('uses the edited prices and ignores invalid ones', () => {
    const prices = normalizePrices({ hsmHour: '2', kmsKeyMonth: -1, hoursPerMonth: 'x', externalKeyManagerMonth: 500 });
    assert.equal(prices.hsmHour, 2);
    assert.equal(prices.kmsKeyMonth, DEFAULT_PRICES.kmsKeyMonth);
    assert.equal(prices.hoursPerMonth, DEFAULT_PRICES.hoursPerMonth);
    const xks = estimateCost('kmsExternalKeyStore', { ...DEFAULT_ANSWERS, keys: 2, requestsPerMonth: 0 }, prices);
    assert.equal(xks.monthlyUsd, 502);
  });
});
