// Whole key policies to start an empty key-policy file from, built of the statement snippets
// (one home for each statement): AWS's default key policy, the console's default with key
// administrators and users, a key for an AWS service, and a key shared with another account.
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
import { snippetBody, STATEMENT_SNIPPETS, type StatementSnippet } from './statementSnippets';

export interface KeyPolicyTemplate {
  readonly label: string;
  readonly description: string;
  /** Statements by their snippet's label; `shift` renumbers its tab stops above `$1` (the account). */
  readonly statements: readonly { readonly snippet: string; readonly shift?: number }[];
}

const ROOT = 'Enable IAM User Permissions (account root delegation)';

export const KEY_POLICY_TEMPLATES: readonly KeyPolicyTemplate[] = [
  {
    label: 'Default key policy',
    description: 'The policy KMS gives a key created without one: the account root may do everything, so IAM policies of the account decide who uses the key.',
    statements: [{ snippet: ROOT }],
  },
  {
    label: 'Key administrators and key users (console default)',
    description: 'Root delegation, administrators who manage the key, users who encrypt and decrypt, and grants for AWS services the users work with.',
    // The users' role is one tab stop in both of their statements.
    statements: [{ snippet: ROOT }, { snippet: 'Allow access for Key Administrators' }, { snippet: 'Allow use of the key (key users)', shift: 1 }, { snippet: 'Allow attachment of persistent resources', shift: 1 }],
  },
  {
    label: 'Key for an AWS service principal',
    description: 'Root delegation and a service (SNS, CloudTrail...) that uses the key for resources of this account only.',
    statements: [{ snippet: ROOT }, { snippet: 'Allow an AWS service principal (with source conditions)' }],
  },
  {
    label: 'Key shared with another account',
    description: 'Root delegation and cryptographic use by another account, whose IAM policies must allow it too.',
    statements: [{ snippet: ROOT }, { snippet: 'Allow cross-account use of the key' }],
  },
];

/** `${n` and `$n` tab stops above 1 moved up by `shift`, so two statements' stops stay apart. */
function shiftTabStops(body: string, shift: number): string {
  return shift ? body.replace(/\$(\{?)(\d+)/g, (whole, brace: string, n: string) => (n === '1' ? whole : `$${brace}${Number(n) + shift}`)) : body;
}

function snippetNamed(label: string): StatementSnippet {
  const snippet = STATEMENT_SNIPPETS.find((s) => s.label === label);
  if (!snippet) throw new Error(`No statement snippet "${label}"`);
  return snippet;
}

/** The template as a snippet (tabs for indentation), with the key's account when known. */
export function templateBody(template: KeyPolicyTemplate, account: string | undefined): string {
  const statements = template.statements.map(({ snippet, shift }) =>
    shiftTabStops(snippetBody(snippetNamed(snippet), account), shift ?? 0)
      .split('\n')
      .map((line) => `\t\t${line}`)
      .join('\n'),
  );
  return `{\n\t"Version": "2012-10-17",\n\t"Statement": [\n${statements.join(',\n')}\n\t]\n}\n`;
}
