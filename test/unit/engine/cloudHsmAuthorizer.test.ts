// CloudHSM v2 calls are decided by the caller's IAM policies, drawn from the same caller facts
// as every KMS decision: a role session inherits its role's policies and tags.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CloudHsmAuthorizer } from '../../../server/src/core/engine/cloudHsmAuthorizer';
import type { Environment } from '../../../server/src/core/environment/environmentModel';

const ACCOUNT = '111122223333';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/HsmOperator`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/HsmOperator/alice`;
const CLUSTER = `arn:aws:cloudhsm:us-east-1:${ACCOUNT}:cluster/cluster-abcdefghijk`;

const environment: Environment = {
  partition: 'aws',
  defaultRegion: 'us-east-1',
  accounts: [{ id: ACCOUNT, serviceControlPolicies: [], resourceControlPolicies: [] }],
  principals: [
    {
      arn: ROLE,
      tags: { team: 'hsm' },
      identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'cloudhsm:DescribeClusters', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'hsm' } } }] }],
      accessKeys: [],
    },
    { arn: SESSION, identityPolicies: [], accessKeys: [{ accessKeyId: 'alice', secretAccessKey: 'alice' }] },
  ],
  keys: [],
};

test('a role session is authorized by its role\'s identity policies and tags for CloudHSM calls', () => {
  const authorizer = new CloudHsmAuthorizer(environment);
  const caller = { principalArn: SESSION, accountId: ACCOUNT, accessKeyId: 'alice', region: 'us-east-1' };
  assert.doesNotThrow(() => authorizer.authorize(caller, 'DescribeClusters', CLUSTER, new Date()));
  assert.throws(() => authorizer.authorize(caller, 'DeleteCluster', CLUSTER, new Date()), /CloudHsmAccessDenied|not authorized/);
});

test('CloudHSM calls follow the one IAM evaluation order: an explicit deny in an identity-based policy, then a permissions boundary that does not allow', () => {
  const withLimits: Environment = {
    ...environment,
    principals: [
      {
        arn: ROLE,
        identityPolicies: [{ Version: '2012-10-17', Statement: [
          { Effect: 'Allow', Action: 'cloudhsm:*', Resource: '*' },
          { Effect: 'Deny', Action: 'cloudhsm:DeleteCluster', Resource: '*' },
        ] }],
        permissionBoundary: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'cloudhsm:Describe*', Resource: '*' }] },
        accessKeys: [],
      },
    ],
  } as Environment;
  const authorizer = new CloudHsmAuthorizer(withLimits);
  const caller = { principalArn: ROLE, accountId: ACCOUNT, accessKeyId: 'x', region: 'us-east-1' };
  assert.doesNotThrow(() => authorizer.authorize(caller, 'DescribeClusters', CLUSTER, new Date()));
  assert.throws(() => authorizer.authorize(caller, 'DeleteCluster', CLUSTER, new Date()), {
    name: 'CloudHsmAccessDeniedException',
    message: `User: ${ROLE} is not authorized to perform: cloudhsm:DeleteCluster on resource: ${CLUSTER} with an explicit deny in an identity-based policy`,
  });
  assert.throws(() => authorizer.authorize(caller, 'CreateHsm', CLUSTER, new Date()), {
    message: `User: ${ROLE} is not authorized to perform: cloudhsm:CreateHsm on resource: ${CLUSTER} because no permissions boundary allows the cloudhsm:CreateHsm action`,
  });
});
