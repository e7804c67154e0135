// Encrypt Selection with CMK and Decrypt Selection: every selection of the active editor is
// replaced in one edit. Text never reaches a log; only key ids and AWS messages are logged.
import * as vscode from 'vscode';
import type { StudioContext } from '../studioContext';
import { findKey, pickKey, recordRecentKey, type PickedKey } from '../kms/keyPicker';
import type { KmsBackend } from '../kms/kmsBackend';
import { kmsErrorInfo } from '../kms/kmsErrorMessage';
import type { SimulationDocuments } from '../simulation/simulationDocuments';
import { showKmsFailure } from '../simulation/deniedCallNotice';
import { parseEncryptionContextText } from './encryptionContextText';
import { EnvelopeFormatError, type EncryptionContext } from './kmsEnvelopeFormat';
import { decryptTextWithKey, encryptText, keyIdOfEncrypted, looksEncrypted, MAX_DIRECT_PLAINTEXT_BYTES, type DecryptedText } from './selectionCrypto';
import { decryptionSummary, encryptionSummary, shortKeyName, type SelectionOutcome } from './selectionSummary';
import { regionOfArn } from '../../../server/src/core/arn/awsArn';
import { keyIdForRequests } from '../kms/typedKeyReference';

/** Arguments for tests and scripts: skip the key picker and the context prompt. */
export interface EncryptSelectionArgs {
  readonly keyId: string;
  readonly backendId?: string;
  readonly region?: string;
  readonly encryptionContext?: Record<string, string>;
}

export interface DecryptSelectionArgs {
  readonly encryptionContext?: Record<string, string>;
}

function editableEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.selections.every((s) => s.isEmpty)) {
    void vscode.window.showWarningMessage('Select the text to encrypt or decrypt first.');
    return undefined;
  }
  return editor;
}

async function askContext(title: string): Promise<EncryptionContext | undefined> {
  if (!vscode.workspace.getConfiguration('kmsPolicyStudio').get<boolean>('encryption.contextPrompt', true)) return {};
  const text = await vscode.window.showInputBox({
    title,
    prompt: 'Optional encryption context, e.g. app=billing,env=prod. Press Enter for none.',
    placeHolder: 'key=value,key2=value2',
    validateInput: (v) => {
      try {
        parseEncryptionContextText(v);
        return undefined;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    },
  });
  return text === undefined ? undefined : parseEncryptionContextText(text);
}

/** Applies all replacements at once, unless the document changed while KMS was answering. */
async function replaceSelections(editor: vscode.TextEditor, version: number, replacements: readonly [vscode.Selection, string][]): Promise<boolean> {
  if (editor.document.version !== version) {
    void vscode.window.showWarningMessage('The document changed while KMS was answering; nothing was replaced. Try again.');
    return false;
  }
  return editor.edit((edit) => {
    for (const [selection, text] of replacements) edit.replace(selection, text);
  });
}

export function encryptSelectionCommand(docs: SimulationDocuments) {
  return (ctx: StudioContext) =>
    async (argsArg?: unknown): Promise<boolean> => {
      const editor = editableEditor();
      if (!editor) return false;
      const args = isEncryptArgs(argsArg) ? argsArg : undefined;
      let picked: PickedKey | undefined;
      if (args) {
        picked = await findKey(ctx, args.keyId, args.backendId, args.region);
        if (!picked) {
          void vscode.window.showErrorMessage(`No enabled symmetric key ${args.keyId} was found.`);
          return false;
        }
      } else {
        picked = await pickKey(ctx, 'Encrypt Selection with CMK');
      }
      if (!picked) return false;
      const context = args ? (args.encryptionContext ?? {}) : await askContext('Encryption context');
      if (!context) return false;
      recordRecentKey(ctx, picked);
      const keyArn = keyIdForRequests(picked);
      const selections = editor.selections.filter((s) => !s.isEmpty);
      const version = editor.document.version;
      const client = await picked.backend.client(picked.region);
      const replacements: [vscode.Selection, string][] = [];
      const outcomes: SelectionOutcome[] = [];
      const keyName = picked.key.aliases[0] ?? shortKeyName(keyArn);
      let action = 'kms:Encrypt';
      try {
        for (const selection of selections) {
          const text = editor.document.getText(selection);
          const bytes = Buffer.byteLength(text, 'utf8');
          action = bytes > MAX_DIRECT_PLAINTEXT_BYTES ? 'kms:GenerateDataKey' : 'kms:Encrypt';
          replacements.push([selection, await encryptText(client, keyArn, text, context)]);
          outcomes.push({ bytes, envelope: bytes > MAX_DIRECT_PLAINTEXT_BYTES, key: keyName });
        }
      } catch (error) {
        await showKmsFailure(ctx, docs, error, { backend: picked.backend, region: picked.region, action, resource: keyArn, encryptionContext: { ...context } });
        return false;
      }
      ctx.output.info(`Encrypted ${replacements.length} selection(s) with ${keyArn}.`);
      const replaced = await replaceSelections(editor, version, replacements);
      if (replaced) vscode.window.setStatusBarMessage(`$(lock) ${encryptionSummary(outcomes)}`, 8000);
      return replaced;
    };
}

export function decryptSelectionCommand(docs: SimulationDocuments) {
  return (ctx: StudioContext) =>
    async (argsArg?: unknown): Promise<boolean> => {
      const editor = editableEditor();
      if (!editor) return false;
      const args = (typeof argsArg === 'object' && argsArg !== null ? argsArg : {}) as DecryptSelectionArgs;
      const selections = editor.selections.filter((s) => !s.isEmpty);
      const texts = selections.map((s) => editor.document.getText(s));
      const unreadable = texts.findIndex((t) => !looksEncrypted(t));
      if (unreadable >= 0) {
        void vscode.window.showErrorMessage('A selection is neither a KMS ciphertext (base64) nor a KMS envelope block.');
        return false;
      }
      let context: EncryptionContext = args.encryptionContext ?? {};
      const version = editor.document.version;
      const replacements: [vscode.Selection, string][] = [];
      const outcomes: SelectionOutcome[] = [];
      for (let i = 0; i < selections.length; i++) {
        let keyId: string | undefined;
        try {
          keyId = keyIdOfEncrypted(texts[i]);
        } catch (error) {
          void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
          return false;
        }
        let plaintext: DecryptedText | undefined;
        for (let attempt = 0; attempt < 2 && plaintext === undefined; attempt++) {
          try {
            plaintext = await decryptWithAnyBackend(ctx, texts[i], context, keyId);
          } catch (error) {
            // A blob's context is not stored in it: ask once, then retry with what the user typed.
            if (attempt === 0 && !args.encryptionContext && kmsErrorInfo(error).name === 'InvalidCiphertextException' && !keyId) {
              const asked = await askContext('Decrypt: the ciphertext needs its encryption context');
              if (!asked) return false;
              context = asked;
              continue;
            }
            if (error instanceof EnvelopeFormatError) {
              void vscode.window.showErrorMessage(error.message);
            } else {
              const failure = error as DecryptFailure;
              await showKmsFailure(ctx, docs, failure.cause ?? error, {
                backend: failure.backend ?? ctx.embedded,
                region: failure.region ?? (await ctx.embedded.regions())[0],
                action: 'kms:Decrypt',
                resource: keyId,
                encryptionContext: { ...context },
                ...(keyId ? {} : { ciphertextBase64: texts[i]!.trim() }),
              });
            }
            return false;
          }
        }
        if (plaintext === undefined) return false;
        replacements.push([selections[i], plaintext.text]);
        outcomes.push({ bytes: Buffer.byteLength(plaintext.text, 'utf8'), envelope: plaintext.envelope, key: shortKeyName(plaintext.keyId ?? keyId ?? 'unknown') });
      }
      ctx.output.info(`Decrypted ${replacements.length} selection(s).`);
      const replaced = await replaceSelections(editor, version, replacements);
      if (replaced) vscode.window.setStatusBarMessage(`$(unlock) ${decryptionSummary(outcomes)}`, 8000);
      return replaced;
    };
}

interface DecryptFailure extends Error {
  backend?: KmsBackend;
  region?: string;
  cause?: unknown;
}

/** Errors that mean "not this backend's ciphertext": try the next backend or Region. */
const NOT_MINE = new Set(['InvalidCiphertextException', 'NotFoundException', 'IncorrectKeyException', 'UnrecognizedClientException', 'CredentialsProviderError']);

async function decryptWithAnyBackend(ctx: StudioContext, text: string, context: EncryptionContext, keyId: string | undefined): Promise<DecryptedText> {
  const keyRegion = keyId ? regionOfArn(keyId) : undefined;
  let last: DecryptFailure | undefined;
  for (const backend of ctx.backends()) {
    const regions = keyRegion ? [keyRegion] : await backend.regions();
    for (const region of regions) {
      try {
        return await decryptTextWithKey(await backend.client(region), text, context);
      } catch (error) {
        if (error instanceof EnvelopeFormatError) throw error;
        const failure: DecryptFailure = Object.assign(new Error(kmsErrorInfo(error).message), { name: kmsErrorInfo(error).name, backend, region, cause: error });
        if (!NOT_MINE.has(kmsErrorInfo(error).name)) throw failure;
        // The first backend's answer is the one to show if no backend can read the text.
        last ??= failure;
      }
    }
  }
  throw last ?? new Error('No backend is configured to decrypt with.');
}

function isEncryptArgs(value: unknown): value is EncryptSelectionArgs {
  return typeof value === 'object' && value !== null && typeof (value as EncryptSelectionArgs).keyId === 'string';
}
