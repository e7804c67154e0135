// Condition operators, each test citing the IAM User Guide ("IAM JSON policy elements:
// Condition operators" and "Multivalued context keys") sentence it follows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateCondition } from '../../../server/src/core/access/conditionOperators';
import { allOperatorSpellings, parseConditionOperator } from '../../../server/src/core/catalog/conditionOperators';
import { createKeyPolicyLanguageService } from '../../../server/src/core/analysis/keyPolicyLanguageService';
import type { ContextValue } from '../../../server/src/core/access/requestContext';

function ctx(entries: Record<string, string | string[]>): Map<string, ContextValue> {
  const map = new Map<string, ContextValue>();
  for (const [name, value] of Object.entries(entries)) {
    map.set(name.toLowerCase(), { name, values: Array.isArray(value) ? value : [value], multiValued: Array.isArray(value) });
  }
  return map;
}

function check(operator: string, key: string, values: string[], context: Record<string, string | string[]>, variables = true): boolean {
  return evaluateCondition({ operator, key, values }, ctx(context), variables).matched;
}

describe('string operators', () => {
  it('StringEquals is exact and case-sensitive ("Exact matching, case sensitive")', () => {
    assert.equal(check('StringEquals', 'kms:CallerAccount', ['111122223333'], { 'kms:CallerAccount': '111122223333' }), true);
    assert.equal(check('StringEquals', 'aws:username', ['Alice'], { 'aws:username': 'alice' }), false);
  });
  it('condition key names are case-insensitive ("Condition key names are not case-sensitive")', () => {
    assert.equal(check('StringEquals', 'KMS:CALLERACCOUNT', ['111122223333'], { 'kms:CallerAccount': '111122223333' }), true);
  });
  it('StringEqualsIgnoreCase ignores case ("Exact matching, ignoring case")', () => {
    assert.equal(check('StringEqualsIgnoreCase', 'aws:username', ['ALICE'], { 'aws:username': 'alice' }), true);
    assert.equal(check('StringNotEqualsIgnoreCase', 'aws:username', ['ALICE'], { 'aws:username': 'alice' }), false);
  });
  it('StringLike honours * and ? ("The values can include multi-character match wildcards (*) and single-character match wildcards (?)")', () => {
    assert.equal(check('StringLike', 'kms:ViaService', ['s3.*.amazonaws.com'], { 'kms:ViaService': 's3.us-east-1.amazonaws.com' }), true);
    assert.equal(check('StringLike', 'aws:username', ['al?ce'], { 'aws:username': 'alice' }), true);
    assert.equal(check('StringLike', 'aws:username', ['al?ce'], { 'aws:username': 'allice' }), false);
    assert.equal(check('StringNotLike', 'kms:ViaService', ['s3.*.amazonaws.com'], { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' }), true);
  });
  it('several values of one key are ORed ("If a single condition operator includes multiple values for a context key, those values are evaluated using a logical OR")', () => {
    assert.equal(check('StringEquals', 'kms:EncryptionContext:team', ['billing', 'finance'], { 'kms:EncryptionContext:team': 'finance' }), true);
  });
  it('negated operators with several values require no match ("If a single negated matching condition operator includes multiple values for a context key, those values are evaluated using a logical NOR")', () => {
    assert.equal(check('StringNotEquals', 'aws:PrincipalOrgID', ['o-a', 'o-b'], { 'aws:PrincipalOrgID': 'o-b' }), false);
    assert.equal(check('StringNotEquals', 'aws:PrincipalOrgID', ['o-a', 'o-b'], { 'aws:PrincipalOrgID': 'o-c' }), true);
  });
});

describe('absent keys', () => {
  it('a positive operator on an absent key is false ("If the key ... is not present in the request context, the values do not match and the condition is false")', () => {
    assert.equal(check('StringEquals', 'kms:ViaService', ['s3.us-east-1.amazonaws.com'], {}), false);
  });
  it('a negated operator on an absent key is true ("If the policy condition requires that the key is not matched, such as StringNotLike or ArnNotLike, and the right key is not present, the condition is true")', () => {
    assert.equal(check('StringNotLike', 'kms:ViaService', ['s3.*'], {}), true);
    assert.equal(check('ArnNotLike', 'aws:PrincipalArn', ['arn:aws:iam::*:role/Admin'], {}), true);
  });
  it('...IfExists makes an absent key match (IAM User Guide, ...IfExists condition operators: an absent key makes the condition true, a present one is checked)', () => {
    assert.equal(check('StringEqualsIfExists', 'kms:ViaService', ['s3.us-east-1.amazonaws.com'], {}), true);
    assert.equal(check('StringEqualsIfExists', 'kms:ViaService', ['s3.us-east-1.amazonaws.com'], { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' }), false);
  });
  it('Null checks presence ("true (the key doesn\'t exist — it is null) or false (the key exists and its value is not null)")', () => {
    assert.equal(check('Null', 'kms:EncryptionContextKeys', ['true'], {}), true);
    assert.equal(check('Null', 'kms:EncryptionContextKeys', ['false'], {}), false);
    assert.equal(check('Null', 'kms:EncryptionContextKeys', ['false'], { 'kms:EncryptionContextKeys': ['team'] }), true);
  });
});

describe('set operators on multivalued keys', () => {
  const keys = { 'kms:EncryptionContextKeys': ['team', 'record'] };
  it('ForAnyValue needs one request value to match (IAM User Guide, Multivalued context keys: true when at least one request value matches a policy value)', () => {
    assert.equal(check('ForAnyValue:StringEquals', 'kms:EncryptionContextKeys', ['team'], keys), true);
    assert.equal(check('ForAnyValue:StringEquals', 'kms:EncryptionContextKeys', ['project'], keys), false);
  });
  it('ForAnyValue on an absent key is false', () => {
    assert.equal(check('ForAnyValue:StringEquals', 'kms:EncryptionContextKeys', ['team'], {}), false);
  });
  it('ForAllValues needs every request value to match (IAM User Guide, Multivalued context keys: true when every request value matches a policy value)', () => {
    assert.equal(check('ForAllValues:StringEquals', 'kms:EncryptionContextKeys', ['team', 'record', 'project'], keys), true);
    assert.equal(check('ForAllValues:StringEquals', 'kms:EncryptionContextKeys', ['team'], keys), false);
  });
  it('ForAllValues on an absent key is true (IAM User Guide, Multivalued context keys: ForAllValues also returns true when the key is absent from the request)', () => {
    assert.equal(check('ForAllValues:StringEquals', 'kms:EncryptionContextKeys', ['team'], {}), true);
  });
  it('ForAllValues with a negated operator requires every value to miss', () => {
    assert.equal(check('ForAllValues:StringNotEquals', 'kms:EncryptionContextKeys', ['secret'], keys), true);
    assert.equal(check('ForAllValues:StringNotEquals', 'kms:EncryptionContextKeys', ['team'], keys), false);
  });
  it('ForAnyValue:StringLikeIfExists parses into its three parts', () => {
    const parsed = parseConditionOperator('ForAnyValue:StringLikeIfExists');
    assert.deepEqual([parsed.setOperator, parsed.base?.name, parsed.ifExists, parsed.applicable], ['ForAnyValue', 'StringLike', true, true]);
    assert.equal(parseConditionOperator('Sometimes:StringLike').applicable, false);
    assert.equal(parseConditionOperator('NullIfExists').applicable, false);
  });
  it('IAM rejects "Invalid Condition type : stringEquals": operator names are case-sensitive, and a miscased operator matches nothing', () => {
    assert.equal(parseConditionOperator('stringEquals').applicable, false);
    assert.equal(parseConditionOperator('StringEqualsifexists').applicable, false);
    assert.equal(check('stringEquals', 'kms:CallerAccount', ['111122223333'], { 'kms:CallerAccount': '111122223333' }), false);
    assert.equal(check('StringEquals', 'kms:CallerAccount', ['111122223333'], { 'kms:CallerAccount': '111122223333' }), true);
  });
  it('the editor accepts exactly the operators evaluation applies: every spelling, and its miscased form, is flagged iff it never matches', () => {
    const spellings = allOperatorSpellings();
    const variants = [...spellings, ...spellings.map((s) => s.toLowerCase()), ...spellings.map((s) => s.replace(/IfExists$/, 'Ifexists')), 'NullIfExists', 'ForAnyValue:Null', 'Sometimes:StringLike'];
    for (const operator of variants) {
      const policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'Root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' },
          { Sid: 'C', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/App' }, Action: 'kms:Decrypt', Resource: '*', Condition: { [operator]: { 'aws:PrincipalTag/x': 'true' } } }],
      });
      const service = createKeyPolicyLanguageService();
      const flagged = service.doValidation(service.parse(policy)).some((f) => f.code === 'INVALID_CONDITION_OPERATOR' || f.code === 'NULL_WITH_IF_EXISTS');
      assert.equal(flagged, !parseConditionOperator(operator).applicable, operator);
    }
  });
});

describe('numeric, date, bool, binary, IP and ARN operators', () => {
  it('Numeric operators compare numbers', () => {
    assert.equal(check('NumericLessThanEquals', 'kms:ExpirationModel', ['10'], { 'kms:ExpirationModel': '9.5' }), true);
    assert.equal(check('NumericGreaterThan', 'n', ['10'], { n: '10' }), false);
    assert.equal(check('NumericEquals', 'n', ['10'], { n: 'ten' }), false);
    assert.equal(check('NumericNotEquals', 'n', ['10'], { n: '11' }), true);
  });
  it('Date operators accept ISO 8601 and epoch seconds (IAM User Guide, Date condition operators: W3C ISO 8601 dates or epoch time)', () => {
    assert.equal(check('DateLessThan', 'aws:CurrentTime', ['2030-01-01T00:00:00Z'], { 'aws:CurrentTime': '2026-11-22T12:00:00Z' }), true);
    assert.equal(check('DateGreaterThan', 'aws:CurrentTime', ['1893456000'], { 'aws:CurrentTime': '2026-11-22T12:00:00Z' }), false);
    assert.equal(check('DateEquals', 'aws:CurrentTime', ['2026-11-22T12:00:00Z'], { 'aws:CurrentTime': '2026-11-22T12:00:00.000Z' }), true);
  });
  it('Bool compares true/false ignoring case', () => {
    assert.equal(check('Bool', 'kms:GrantIsForAWSResource', ['true'], { 'kms:GrantIsForAWSResource': 'true' }), true);
    assert.equal(check('Bool', 'aws:SecureTransport', ['False'], { 'aws:SecureTransport': 'false' }), true);
    assert.equal(check('Bool', 'kms:GrantIsForAWSResource', ['true'], {}), false);
  });
  it('BinaryEquals compares base64 text exactly', () => {
    assert.equal(check('BinaryEquals', 'kms:RecipientAttestation:ImageSha384', ['QmluYXJ5VmFsdWU='], { 'kms:RecipientAttestation:ImageSha384': 'QmluYXJ5VmFsdWU=' }), true);
    assert.equal(check('BinaryEquals', 'k', ['QmluYXJ5VmFsdWU='], { k: 'qmluyxj5vmfsdwu=' }), false);
  });
  it('IpAddress matches IPv4 and IPv6 CIDR blocks (IAM User Guide, IP address condition operators: addresses or ranges in CIDR format)', () => {
    assert.equal(check('IpAddress', 'aws:SourceIp', ['203.0.113.0/24'], { 'aws:SourceIp': '203.0.113.77' }), true);
    assert.equal(check('IpAddress', 'aws:SourceIp', ['203.0.113.0/24'], { 'aws:SourceIp': '203.0.114.1' }), false);
    assert.equal(check('IpAddress', 'aws:SourceIp', ['2001:DB8:1234:5678::/64'], { 'aws:SourceIp': '2001:db8:1234:5678::abcd' }), true);
    assert.equal(check('NotIpAddress', 'aws:SourceIp', ['10.0.0.0/8'], { 'aws:SourceIp': '192.0.2.1' }), true);
  });
  it('Arn operators match component by component ("Each of the six colon-delimited components of the ARN is checked separately")', () => {
    assert.equal(check('ArnLike', 'aws:PrincipalArn', ['arn:aws:iam::*:role/KeyAdmin'], { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/KeyAdmin' }), true);
    assert.equal(check('ArnLike', 'aws:PrincipalArn', ['arn:aws:iam::*:role/KeyAdmin'], { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/Other' }), false);
    assert.equal(check('ArnNotEquals', 'aws:PrincipalArn', ['arn:aws:iam::111122223333:role/KeyAdmin'], { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/Other' }), true);
  });
  it('an unknown operator never matches and says so', () => {
    const outcome = evaluateCondition({ operator: 'StringEqualz', key: 'k', values: ['v'] }, ctx({ k: 'v' }), true);
    assert.equal(outcome.matched, false);
    assert.match(outcome.reason!.message, /unknown condition operator "StringEqualz"/);
  });
  it('a mismatch reports the operator, key and both sides of the comparison', () => {
    const outcome = evaluateCondition({ operator: 'StringEquals', key: 'kms:EncryptionContext:team', values: ['billing'] }, ctx({ 'kms:EncryptionContext:team': 'marketing' }), true);
    assert.deepEqual(outcome.reason, {
      element: 'condition',
      message: 'kms:EncryptionContext:team does not satisfy StringEquals',
      operator: 'StringEquals',
      key: 'kms:EncryptionContext:team',
      policyValues: ['billing'],
      requestValues: ['marketing'],
    });
  });
});

describe('rules found by differential testing', () => {
  it('Null with ["true", "false"]: "If a single condition operator includes multiple values for one key, that condition operator is evaluated using a logical OR"', () => {
    assert.equal(check('Null', 'kms:EncryptionContext:team', ['true', 'false'], {}), true);
    assert.equal(check('Null', 'kms:EncryptionContext:team', ['true', 'false'], { 'kms:EncryptionContext:team': 'x' }), true);
    assert.equal(check('Null', 'kms:EncryptionContext:team', ['false'], {}), false);
  });
  it('"You can\'t use a policy variable with other operators, such as Numeric, Date, Boolean, Binary, IP Address, or Null operators": they are not substituted', () => {
    // Substituted, this would match; as literal text it reads as no number at all.
    assert.equal(check('NumericEquals', 'kms:ValidTo', ['${aws:EpochTime}'], { 'kms:ValidTo': '100', 'aws:EpochTime': '100' }), false);
    // An unresolved variable no longer makes a negated operator true.
    assert.equal(check('NumericNotEquals', 'kms:ValidTo', ['${aws:PrincipalTag/limit}'], { 'kms:ValidTo': '100' }), false);
    assert.equal(check('DateNotEquals', 'aws:CurrentTime', ['${aws:PrincipalTag/until}'], { 'aws:CurrentTime': '2026-01-01T00:00:00Z' }), false);
    assert.equal(check('Bool', 'aws:SecureTransport', ['${aws:PrincipalTag/tls}'], { 'aws:SecureTransport': 'true', 'aws:PrincipalTag/tls': 'true' }), false);
    // String and ARN operators still substitute.
    assert.equal(check('StringEquals', 'kms:EncryptionContext:team', ['${aws:PrincipalTag/team}'], { 'kms:EncryptionContext:team': 'ops', 'aws:PrincipalTag/team': 'ops' }), true);
  });
});
