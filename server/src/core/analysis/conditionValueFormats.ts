// What a condition value must look like for each operator family, and which key types each
// family compares. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
import type { ConditionKeyType } from '../catalog/kmsCatalog';
import type { OperatorFamily } from '../catalog/conditionOperators';
import type { ConditionScalar } from '../policy/policyModel';

/**
 * Key types each operator family can compare. String operators also compare ARNs, and ARN
 * operators compare string keys that hold ARNs (AWS's own CloudWatch Logs key policy uses
 * ArnLike on kms:EncryptionContext:aws:logs:arn).
 */
const FAMILY_KEY_TYPES: Readonly<Record<OperatorFamily, readonly ConditionKeyType[] | 'any'>> = {
  String: ['String', 'ArrayOfString', 'ARN'],
  Arn: ['ARN', 'String', 'ArrayOfString'],
  Numeric: ['Numeric'],
  Date: ['Date'],
  Bool: ['Bool'],
  IpAddress: ['IPAddress'],
  Binary: ['Binary'],
  Null: 'any',
};

export function familyFitsKeyType(family: OperatorFamily, type: ConditionKeyType): boolean {
  const types = FAMILY_KEY_TYPES[family];
  return types === 'any' || types.includes(type);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}(\/(3[0-2]|[12]?\d))?$/;
const IPV6_CIDR = /^[0-9a-fA-F:]+(\/(12[0-8]|1[01]\d|\d?\d))?$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Why a value cannot be compared by an operator of this family; undefined when it can. */
export function valueProblem(family: OperatorFamily, value: ConditionScalar): string | undefined {
  const text = String(value);
  if (typeof value === 'string' && value.includes('${')) return undefined; // policy variable, resolved at run time
  switch (family) {
    case 'Numeric':
      return typeof value === 'number' || (text.trim() !== '' && !Number.isNaN(Number(text))) ? undefined : `'${text}' is not a number`;
    case 'Date':
      return typeof value === 'number' || /^\d+$/.test(text) || (ISO_DATE.test(text) && !Number.isNaN(Date.parse(text)))
        ? undefined
        : `'${text}' is not an ISO 8601 date or epoch seconds`;
    case 'Bool':
    case 'Null':
      return typeof value === 'boolean' || /^(true|false)$/i.test(text) ? undefined : `'${text}' is not true or false`;
    case 'IpAddress':
      return IPV4_CIDR.test(text) || (text.includes(':') && IPV6_CIDR.test(text)) ? undefined : `'${text}' is not an IP address or CIDR range`;
    case 'Binary':
      return BASE64.test(text) ? undefined : `'${text}' is not base64`;
    case 'Arn':
      return text === '*' || text.startsWith('arn:') ? undefined : `'${text}' is not an ARN`;
    case 'String':
      return undefined;
  }
}
