import { DOCS } from '../../catalog/kmsCuratedFacts';
import { appendStatementEdit } from '../policyEdits';
import type { Rule } from '../rule';

export function rootDelegationStatement(account: string): object {
  return {
    Sid: 'Enable IAM User Permissions',
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${account}:root` },
    Action: 'kms:*',
    Resource: '*',
  };
}

export const noAccountRootStatementRule: Rule = {
  code: 'KMS_NO_ACCOUNT_ROOT_STATEMENT',
  severity: 'warning',
  docUrl: DOCS.defaultKeyPolicy,
  awsSays: 'Unless the key policy explicitly allows it, you cannot use IAM policies to allow access to a KMS key. Without permission from the key policy, IAM policies that allow permissions have no effect.',
  check(ctx) {
    const { facts, model } = ctx;
    if (facts.statements.length === 0) return;
    const account = facts.keyAccount;
    const delegates = facts.statements.some(
      (s) =>
        s.effect === 'Allow' &&
        !s.statement.notPrincipal &&
        s.coveredActions.size > 0 &&
        s.principals.some((p) => p.kind === 'account' && (!account || p.account === account)),
    );
    if (delegates) return;
    const range = model.statementElement ?? { start: 0, end: 1 };
    const edit = account ? appendStatementEdit(model, rootDelegationStatement(account)) : undefined;
    ctx.report(
      { start: range.start, end: range.start + 1 },
      `No statement allows the account ${account ? `${account} (arn:aws:iam::${account}:root)` : '(arn:aws:iam::ACCOUNT:root)'}: IAM policies that allow access to this key have no effect (IAM denies still apply), and only the principals named here can use or manage it.`,
      edit ? [{ title: `Add the statement that enables IAM policies of account ${account}`, isPreferred: true, edits: [edit] }] : undefined,
    );
  },
};
