import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_ANSWERS, normalizeAnswers, type AdvisorAnswers } from '../../../server/src/core/advisor/advisorQuestions';
import { recommend } from '../../../server/src/core/advisor/keyServiceRecommendation';
import { evaluateAdvisor } from '../../../server/src/core/advisor/decisionAdvisor';

const answers = (over: Partial<AdvisorAnswers>): AdvisorAnswers => ({ ...DEFAULT_ANSWERS, ...over });

describe('KMS vs CloudHSM recommendation', () => {
  it('recommends plain KMS for the defaults (AWS services, shared HSMs, AWS runs availability)', () => {
    const r = recommend(DEFAULT_ANSWERS);
    assert.equal(r.recommended, 'kms');
    assert.equal(r.conflicting, false);
    assert.ok(r.reasons.some((x) => x.questionId === 'awsServices' && x.effect === 'favours'));
    assert.ok(r.reasons.every((x) => x.options.includes('kms')), 'every listed reason concerns the recommended option');
  });

  it('recommends CloudHSM directly for PKCS #11 and TLS offload without AWS services', () => {
    const r = recommend(answers({ cryptoApis: ['pkcs11'], sslOffload: true, awsServices: [], availability: 'us' }));
    assert.equal(r.recommended, 'cloudHsm');
    const kms = r.assessments.find((a) => a.option === 'kms');
    assert.deepEqual(kms?.ruledOutBy.map((x) => x.questionId).sort(), ['cryptoApis', 'sslOffload']);
  });

  it('recommends a CloudHSM custom key store when AWS services need keys on single-tenant HSMs we hold', () => {
    const r = recommend(answers({ tenancy: 'single', keyCustody: 'ownHsmInAws', awsServices: ['s3', 'rds'], availability: 'us' }));
    assert.equal(r.recommended, 'kmsCloudHsmKeyStore');
    assert.ok(r.assessments.find((a) => a.option === 'cloudHsm')?.ruledOutBy.some((x) => x.questionId === 'awsServices'));
    assert.ok(r.assessments.find((a) => a.option === 'kms')?.ruledOutBy.some((x) => x.questionId === 'tenancy'));
  });

  it('recommends an external key store when keys must stay outside AWS', () => {
    const r = recommend(answers({ keyCustody: 'outsideAws', workloads: 'hybrid' }));
    assert.equal(r.recommended, 'kmsExternalKeyStore');
    assert.ok(r.reasons.some((x) => x.questionId === 'keyCustody' && x.effect === 'favours'));
  });

  it('rules custom key stores out for multi-Region keys', () => {
    const r = recommend(answers({ multiRegion: true, tenancy: 'single' }));
    for (const option of ['kmsCloudHsmKeyStore', 'kmsExternalKeyStore'] as const) {
      assert.ok(r.assessments.find((a) => a.option === option)?.ruledOutBy.some((x) => x.questionId === 'multiRegion'));
    }
  });

  it('says so, and proposes a combination, when no option meets every requirement', () => {
    const r = recommend(answers({ cryptoApis: ['jce'], awsServices: ['s3'] }));
    assert.equal(r.conflicting, true);
    assert.match(r.combination ?? '', /CloudHSM directly .* KMS key/);
  });

  it('shows the total of CloudHSM and KMS when it advises both (TLS offload and S3)', () => {
    const state = evaluateAdvisor(answers({ sslOffload: true, awsServices: ['s3'] }), {});
    assert.equal(state.recommendation.combination, 'No single option meets every requirement: use CloudHSM directly for the applications that need standard APIs or TLS offload, and a KMS key for the AWS services.');
    assert.deepEqual(state.recommendation.combinedOptions, ['cloudHsm', 'kms']);
    assert.equal(state.combinedCost?.monthlyUsd, 2129.94, 'two HSMs ($2,117) and the KMS keys and requests ($12.94)');
  });

  it('pairs CloudHSM with a key store on the same cluster when custody rules plain KMS out too', () => {
    const state = evaluateAdvisor(answers({ cryptoApis: ['pkcs11'], awsServices: ['s3'], keyCustody: 'ownHsmInAws' }), {});
    assert.equal(state.recommendation.combination, 'No single option meets every requirement: use CloudHSM directly for the applications that need standard APIs or TLS offload, and a KMS key in a CloudHSM custom key store backed by the same cluster for the AWS services.');
    assert.deepEqual(state.combinedCost?.options, ['cloudHsm', 'kmsCloudHsmKeyStore']);
    assert.equal(state.combinedCost?.monthlyUsd, 2129.94);
  });

  it('has no combined cost when one option fits', () => {
    assert.equal(evaluateAdvisor(DEFAULT_ANSWERS, {}).combinedCost, undefined);
  });

  it('does not rule KMS out for FIPS 140 Level 3 alone (its HSMs are Level 3 validated)', () => {
    const r = recommend(answers({ fipsLevel: 'level3' }));
    assert.equal(r.recommended, 'kms');
    const dedicated = recommend(answers({ fipsLevel: 'level3Dedicated', availability: 'us' }));
    assert.notEqual(dedicated.recommended, 'kms');
    assert.ok(dedicated.assessments.find((a) => a.option === 'kms')?.ruledOutBy.some((x) => x.questionId === 'fipsLevel'));
  });
});

describe('advisor input from the webview', () => {
  it('keeps defaults for unknown values and clamps numbers', () => {
    const a = normalizeAnswers({ fipsLevel: 'level9', tenancy: 'single', awsServices: ['s3', 'nope', 'ebs'], keys: '-5', requestsPerMonth: 'abc', sslOffload: 'yes' });
    assert.equal(a.fipsLevel, DEFAULT_ANSWERS.fipsLevel);
    assert.equal(a.tenancy, 'single');
    assert.deepEqual(a.awsServices, ['s3', 'ebs']);
    assert.equal(a.keys, 0);
    assert.equal(a.requestsPerMonth, DEFAULT_ANSWERS.requestsPerMonth);
    assert.equal(a.sslOffload, false);
  });

  it('evaluates garbage input to a complete state instead of throwing', () => {
    for (const input of [null, 42, 'x', [], { keys: Infinity }]) {
      const state = evaluateAdvisor(input, input);
      assert.equal(state.costs.length, 4);
      assert.ok(state.recommendation.name);
    }
  });
});
