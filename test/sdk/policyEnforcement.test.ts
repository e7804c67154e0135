// What no open KMS emulator does: the engine enforces key policies, IAM policies and grants.
// A `kms-policy serve --environment` (and the same environment in process) with the account
// root, an application role allowed by IAM, and a user with no permissions.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  EncryptCommand,
  PutKeyPolicyCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { expectKmsError, httpTransport, inProcessTransport, scratchDir, type KmsTransport } from './support/kmsTransports';

const ACCOUNT = '111122223333';
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const APP = `arn:aws:iam::${ACCOUNT}:role/App`;
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
const te = new TextEncoder();

const ENVIRONMENT = {
  partition: 'aws',
  defaultRegion: 'us-east-1',
  accounts: [{ id: ACCOUNT }],
  principals: [
    { arn: ROOT, accessKeys: [{ accessKeyId: 'test', secretAccessKey: 'test' }] },
    {
      arn: APP,
      identityPolicies: [
        { name: 'UseKeys', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*' }] } },
      ],
      accessKeys: [{ accessKeyId: 'AKIAAPPEXAMPLE', secretAccessKey: 'app-secret' }],
    },
    { arn: ALICE, accessKeys: [{ accessKeyId: 'AKIAALICEEXAMPLE', secretAccessKey: 'alice-secret' }] },
  ],
  keys: [],
};

describe('policy enforcement through the SDK', () => {
  const dir = scratchDir('kms-policy-env-');
  const environmentFile = dir.file('kms-environment.json', JSON.stringify(ENVIRONMENT, null, 2));
  after(() => dir.remove());

  for (const [name, open] of [
    ['in process', () => inProcessTransport(environmentFile)],
    ['over HTTP', () => httpTransport(['--memory', '--environment', environmentFile])],
  ] as const) {
    describe(name, () => {
      let transport: KmsTransport;
      let root: KMSClient;
      let app: KMSClient;
      let alice: KMSClient;

      before(async () => {
        transport = await open();
        root = transport.kms();
        app = transport.kms({ credentials: { accessKeyId: 'AKIAAPPEXAMPLE', secretAccessKey: 'app-secret' } });
        alice = transport.kms({ credentials: { accessKeyId: 'AKIAALICEEXAMPLE', secretAccessKey: 'alice-secret' } });
      });
      after(() => transport?.close());

      it('lets a role whose IAM policy allows it use a key whose policy delegates to the account', async () => {
        const key = await root.send(new CreateKeyCommand({}));
        const enc = await app.send(new EncryptCommand({ KeyId: key.KeyMetadata!.KeyId, Plaintext: te.encode('x') }));
        assert.equal(new TextDecoder().decode((await app.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }))).Plaintext), 'x');
      });

      it('denies a user with no policy, with AWS\'s AccessDeniedException text naming principal, action and key', async () => {
        const key = await root.send(new CreateKeyCommand({}));
        await expectKmsError(
          alice.send(new EncryptCommand({ KeyId: key.KeyMetadata!.KeyId, Plaintext: te.encode('x') })),
          'AccessDeniedException',
          new RegExp(`^User: ${ALICE} is not authorized to perform: kms:Encrypt on resource: ${key.KeyMetadata!.Arn!.replace(/[/.]/g, '\\$&')}`),
        );
      });

      it('honours a grant: the grantee may Decrypt but still not Encrypt', async () => {
        const key = await root.send(new CreateKeyCommand({}));
        const enc = await root.send(new EncryptCommand({ KeyId: key.KeyMetadata!.KeyId, Plaintext: te.encode('granted') }));
        await expectKmsError(alice.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob })), 'AccessDeniedException');
        const grant = await root.send(new CreateGrantCommand({ KeyId: key.KeyMetadata!.KeyId, GranteePrincipal: ALICE, Operations: ['Decrypt'] }));
        const dec = await alice.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, GrantTokens: [grant.GrantToken!] }));
        assert.equal(new TextDecoder().decode(dec.Plaintext), 'granted');
        await expectKmsError(alice.send(new EncryptCommand({ KeyId: key.KeyMetadata!.KeyId, Plaintext: te.encode('x') })), 'AccessDeniedException');
      });

      it('applies an explicit Deny in the key policy over the role\'s IAM Allow', async () => {
        const key = await root.send(new CreateKeyCommand({}));
        const policy = {
          Version: '2012-10-17',
          Statement: [
            { Sid: 'Root', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' },
            { Sid: 'NoAppDecrypt', Effect: 'Deny', Principal: { AWS: APP }, Action: 'kms:Decrypt', Resource: '*' },
          ],
        };
        await root.send(new PutKeyPolicyCommand({ KeyId: key.KeyMetadata!.KeyId, Policy: JSON.stringify(policy) }));
        const enc = await app.send(new EncryptCommand({ KeyId: key.KeyMetadata!.KeyId, Plaintext: te.encode('x') }));
        await expectKmsError(
          app.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob })),
          'AccessDeniedException',
          /with an explicit deny in a resource-based policy/,
        );
      });
    });
  }
});
