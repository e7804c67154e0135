// Quick fixes written in the template's own syntax. The rules' fixes are JSON; in a template
// the stack's account must be written as CloudFormation writes it (never as its stand-in), and
// a statement added to a YAML block sequence must be YAML.
import type { FindingFix } from '../analysis/analysisTypes';
import { appendStatementEdit } from '../analysis/policyEdits';
import { rootDelegationStatement } from '../analysis/rules/noAccountRootStatementRule';
import { TEMPLATE_ACCOUNT, TEMPLATE_PARTITION } from './intrinsicResolver';
import type { TemplateKeyPolicy } from './templateKeyPolicy';
import { memberOf, type TemplateFormat } from './templateTree';

const ROOT_SUB = 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root';

/** A string holding the stand-in account, as the Fn::Sub that means the stack's account. */
function subOf(value: string): string {
  return value
    .replace(/\$\{/g, '${!')
    .split(TEMPLATE_ACCOUNT)
    .join('${AWS::AccountId}')
    .replace(new RegExp(`^arn:${TEMPLATE_PARTITION}:`), 'arn:${AWS::Partition}:');
}

/** Rewrites JSON string literals holding the stand-in account into Fn::Sub (JSON) or !Sub (YAML). */
export function writeStackAccount(fix: FindingFix, format: TemplateFormat): FindingFix {
  if (!fix.edits.some((e) => e.newText.includes(TEMPLATE_ACCOUNT))) return fix;
  const literal = /"(?:[^"\\]|\\.)*"/g;
  return {
    ...fix,
    edits: fix.edits.map((edit) => ({
      ...edit,
      newText: edit.newText.replace(literal, (quoted) => {
        if (!quoted.includes(TEMPLATE_ACCOUNT)) return quoted;
        const sub = JSON.stringify(subOf(JSON.parse(quoted) as string));
        return format === 'json' ? `{"Fn::Sub": ${sub}}` : `!Sub ${sub}`;
      }),
    })),
  };
}

/** The statement that enables the stack account's IAM policies, appended in the template's syntax. */
export function rootDelegationFix(policy: TemplateKeyPolicy, format: TemplateFormat): FindingFix | undefined {
  const title = "Add the statement that enables IAM policies of the stack's account";
  if (format === 'json') {
    const edit = appendStatementEdit(policy.model, rootDelegationStatement(TEMPLATE_ACCOUNT));
    return edit ? writeStackAccount({ title, isPreferred: true, edits: [edit] }, 'json') : undefined;
  }
  const text = policy.model.text;
  const statements = memberOf(policy.model.root, 'Statement');
  const last = statements?.type === 'array' ? statements.children?.at(-1) : undefined;
  // A block sequence (`- Sid: ...` items) only; a flow sequence or a lone statement gets no fix.
  if (!statements || !last || text[statements.offset] !== '-') return undefined;
  const indent = text.slice(text.lastIndexOf('\n', statements.offset - 1) + 1, statements.offset);
  if (!/^[ ]*$/.test(indent)) return undefined;
  const lines = ['- Sid: Enable IAM User Permissions', '  Effect: Allow', '  Principal:', `    AWS: !Sub ${ROOT_SUB}`, '  Action: kms:*', "  Resource: '*'"];
  const end = last.offset + last.length;
  return { title, isPreferred: true, edits: [{ range: { start: end, end }, newText: lines.map((l) => `\n${indent}${l}`).join('') }] };
}
