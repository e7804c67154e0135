// Example condition lines for hovers and snippets, so a user sees a working form of each key.
import type { ConditionKeyInfo } from '../catalog/kmsCatalog';
import { ENUMERATED_CONDITION_VALUES } from '../catalog/kmsCuratedFacts';

const EXAMPLE_VALUES: Readonly<Record<string, string>> = {
  'kms:calleraccount': '111122223333',
  'aws:principalaccount': '111122223333',
  'aws:sourceaccount': '111122223333',
  'aws:resourceaccount': '111122223333',
  'kms:viaservice': 'ec2.us-east-1.amazonaws.com',
  'aws:principalorgid': 'o-a1b2c3d4e5',
  'aws:principalarn': 'arn:aws:iam::111122223333:role/ExampleRole',
  'aws:sourcearn': 'arn:aws:cloudtrail:us-east-1:111122223333:trail/example',
  'kms:granteeprincipal': 'arn:aws:iam::111122223333:role/ExampleRole',
  'kms:retiringprincipal': 'arn:aws:iam::111122223333:role/ExampleRole',
  'kms:requestalias': 'alias/ExampleAlias',
  'kms:resourcealiases': 'alias/ExampleAlias',
  'aws:sourcevpce': 'vpce-1a2b3c4d',
  'aws:sourcevpc': 'vpc-1a2b3c4d',
};

export function exampleCondition(info: ConditionKeyInfo, writtenKey = info.key): string {
  const lower = info.key.toLowerCase();
  const key = info.prefix && writtenKey === info.key ? `${info.prefix}${info.prefix.startsWith('kms:EncryptionContext') ? 'Department' : 'Project'}` : writtenKey;
  const enumerated = ENUMERATED_CONDITION_VALUES[lower];
  switch (info.type) {
    case 'Bool':
      return `"Bool": { "${key}": "true" }`;
    case 'Numeric':
      return `"NumericLessThanEquals": { "${key}": "30" }`;
    case 'Date':
      return `"DateLessThan": { "${key}": "2030-01-01T00:00:00Z" }`;
    case 'IPAddress':
      return `"IpAddress": { "${key}": "203.0.113.0/24" }`;
    case 'ArrayOfString':
      return `"ForAnyValue:StringEquals": { "${key}": ["${enumerated?.[0] ?? EXAMPLE_VALUES[lower] ?? 'value'}"] }`;
    case 'ARN':
      return `"ArnLike": { "${key}": "${EXAMPLE_VALUES[lower] ?? 'arn:aws:service:us-east-1:111122223333:resource'}" }`;
    default:
      return `"StringEquals": { "${key}": "${enumerated?.[0] ?? EXAMPLE_VALUES[lower] ?? (info.prefix ? 'Finance' : 'value')}" }`;
  }
}
