import { DOCS } from '../../catalog/kmsCuratedFacts';
import type { Rule } from '../rule';

export const MAX_KEY_POLICY_BYTES = 32_768;

/** UTF-8 length without allocating (the policy is checked on every keystroke). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export const policyTooLargeRule: Rule = {
  code: 'KMS_POLICY_TOO_LARGE',
  severity: 'error',
  docUrl: DOCS.putKeyPolicy,
  awsSays: 'The policy size limit is 32 KiB (32768 bytes). If the key policy exceeds the length constraint, KMS returns a LimitExceededException.',
  check(ctx) {
    const size = ctx.model.embedded?.policyBytes ?? utf8Length(ctx.model.text);
    if (size <= MAX_KEY_POLICY_BYTES) return;
    const start = ctx.model.root?.offset ?? 0;
    ctx.report({ start, end: start + 1 }, `The policy is ${size.toLocaleString('en-US')} bytes, over the 32,768-byte limit: KMS rejects it with LimitExceededException.`);
  },
};
