import { DOCS } from '../../catalog/kmsCuratedFacts';
import { addConditionEdit } from '../policyEdits';
import { restrictsWho } from '../policyFacts';
import type { Rule } from '../rule';

export const wildcardPrincipalRule: Rule = {
  code: 'KMS_WILDCARD_PRINCIPAL',
  severity: 'error',
  docUrl: DOCS.keyPolicyElements,
  awsSays: 'Do not set the Principal to an asterisk (*) in any key policy statement that allows permissions unless you use conditions to limit the key policy. An asterisk gives every identity in every AWS account permission to use the KMS key.',
  check(ctx) {
    for (const s of ctx.facts.statements) {
      if (s.effect !== 'Allow' || !s.hasWildcardPrincipal || restrictsWho(s.statement)) continue;
      const wildcard = s.principals.find((p) => p.kind === 'wildcard')!;
      const account = ctx.facts.keyAccount;
      const edit = account ? addConditionEdit(ctx.model, s.statement, 'StringEquals', 'kms:CallerAccount', account) : undefined;
      const viaOnly = s.conditionKeys.has('kms:viaservice');
      ctx.report(
        wildcard.entry.value.range,
        `This Allow applies to every principal in every AWS account${viaOnly ? ' (kms:ViaService limits the AWS service the request comes through, not who makes it)' : ''}. Restrict who with kms:CallerAccount, aws:PrincipalAccount, aws:PrincipalOrgID, aws:PrincipalArn, aws:SourceAccount or aws:SourceArn.`,
        edit ? [{ title: `Restrict to account ${account} (kms:CallerAccount)`, isPreferred: true, edits: [edit] }] : undefined,
      );
    }
  },
};
