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

/**
 * A fix of a policy written as a JSON string, written into that string: its JSON escaped as the
 * string's style needs. Undefined where the edit cannot be written there exactly: across a line
 * of a YAML scalar, over a `${...}`, in a folded or joined string, or naming the stack's account
 * in a string that Fn::Sub does not read (only Sub can say `${AWS::AccountId}`).
 */
export function fixInPolicyString(fix: FindingFix, policy: TemplateKeyPolicy): FindingFix | undefined {
  const written = policy.asString;
  if (!written || written.style === 'folded' || written.style === 'joined') return undefined;
  const text = policy.model.text;
  const edits = [];
  for (const edit of fix.edits) {
    if (policy.intrinsics.some((i) => i.range.start < edit.range.end && edit.range.start < i.range.end)) return undefined;
    if (written.style !== 'json' && /[\r\n]/.test(text.slice(edit.range.start, edit.range.end))) return undefined;
    let json = edit.newText;
    if (json.includes(TEMPLATE_ACCOUNT)) {
      if (!written.substituted) return undefined;
      json = json.replace(/"(?:[^"\\]|\\.)*"/g, (quoted) => (quoted.includes(TEMPLATE_ACCOUNT) ? JSON.stringify(subOf(JSON.parse(quoted) as string)) : quoted));
    } else if (written.substituted && json.includes('${')) {
      return undefined;
    }
    let newText: string;
    if (written.style === 'json' || written.style === 'double-quoted') newText = JSON.stringify(json).slice(1, -1);
    else if (written.style === 'single-quoted') {
      if (/[\r\n]/.test(json)) return undefined;
      newText = json.replace(/'/g, "''");
    } else {
      // A literal block takes new lines as long as each is indented as the line it joins.
      const lineStart = text.lastIndexOf('\n', edit.range.start - 1) + 1;
      const indent = /^[ ]*/.exec(text.slice(lineStart, edit.range.start))![0];
      if (json.split('\n').slice(1).some((line) => !line.startsWith(indent) || line.trim() === '')) return undefined;
      newText = json;
    }
    edits.push({ ...edit, newText });
  }
  return { ...fix, edits };
}

/** The statement that enables the stack account's IAM policies, appended in the template's syntax. */
export function rootDelegationFix(policy: TemplateKeyPolicy, format: TemplateFormat): FindingFix | undefined {
  const title = "Add the statement that enables IAM policies of the stack's account";
  if (policy.asString) {
    const edit = appendStatementEdit(policy.model, rootDelegationStatement(TEMPLATE_ACCOUNT));
    return edit ? fixInPolicyString({ title, isPreferred: true, edits: [edit] }, policy) : undefined;
  }
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
