// When an edited live key policy goes to KMS. A key policy decides who can use the key, so it is
// put only on the user's explicit act: a manual save or the Put Key Policy command. Auto-save
// (after a delay, on focus change) writes the draft file and nothing else, and text that is not
// yet JSON never reaches the diff or the confirmation. No vscode here, so this is tested alone.
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { AccessDiffResult } from '../../../server/src/protocol';

/** What saved the draft: VS Code's TextDocumentSaveReason by name, or the Put Key Policy command. */
export type PolicySaveTrigger = 'manual' | 'afterDelay' | 'focusOut' | 'putCommand';

/** Whether a save of a live policy's draft puts it on the key. An unknown trigger does not. */
export function putsPolicy(trigger: PolicySaveTrigger | undefined): boolean {
  return trigger === 'manual' || trigger === 'putCommand';
}

/** VS Code's TextDocumentSaveReason values (1 Manual, 2 AfterDelay, 3 FocusOut) by name. */
export function saveTriggerOf(reason: number): PolicySaveTrigger | undefined {
  return reason === 1 ? 'manual' : reason === 2 ? 'afterDelay' : reason === 3 ? 'focusOut' : undefined;
}

/**
 * Why KMS would refuse the text before reading it as a policy: it is not one JSON object (KMS
 * takes no comments and no trailing commas). Undefined when it parses.
 */
export function policyJsonProblem(text: string): string | undefined {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first) {
    const before = text.slice(0, first.offset);
    const line = before.split('\n').length;
    const column = first.offset - before.lastIndexOf('\n');
    return `it is not valid JSON yet (${printParseErrorCode(first.error)} at line ${line}, column ${column})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'a key policy is a JSON object';
  return undefined;
}

/** Remembers why each document is being saved, from will-save to did-save. */
export class SaveTriggers {
  private readonly pending = new Map<string, PolicySaveTrigger | undefined>();

  noteWillSave(uri: string, trigger: PolicySaveTrigger | undefined): void {
    this.pending.set(uri, trigger);
  }

  /** The trigger of the save that just happened, forgotten once read. */
  takeDidSave(uri: string): PolicySaveTrigger | undefined {
    const trigger = this.pending.get(uri);
    this.pending.delete(uri);
    return trigger;
  }
}

/** How many access-diff lines the confirmation lists before pointing to the rest. */
const CONFIRMATION_LINES = 12;

/**
 * The confirmation's detail before Put Key Policy: what the edited policy grants and takes away
 * compared with the key's current one (the server's witnessed lines), beside the textual diff.
 * `diff` is undefined when the server could not be asked.
 */
export function putConfirmationDetail(diff: Pick<AccessDiffResult, 'status' | 'reason' | 'lines'> | undefined): string {
  const textual = 'The diff shows the current policy on the left and yours on the right.';
  if (!diff || diff.status !== 'compared') return `The access diff could not be worked out${diff?.reason ? ` (${diff.reason})` : ''}.\n\n${textual}`;
  if (!diff.lines.length) return `No access change: your policy allows exactly the requests the current one allows.\n\n${textual}`;
  const shown = diff.lines.slice(0, CONFIRMATION_LINES);
  const more = diff.lines.length - shown.length;
  return [
    'What your policy grants (+) and takes away (-), each a request the evaluator decided:',
    ...shown,
    ...(more > 0 ? [`... and ${more} more`] : []),
    '',
    textual,
  ].join('\n');
}
