// Editing a key's live policy: the policy opens as `<key-id>.key-policy.json` in the extension's
// storage, so every key-policy language feature applies. A manual save or Put Key Policy checks
// the JSON and the server's diagnostics (errors and the lockout rule), shows the difference from
// the key's current policy (the text side by side, and in the confirmation what the change grants
// and takes away), and calls PutKeyPolicy once the user confirms. Auto-save only keeps
// the draft (see livePolicyPutDecision.ts).
import * as vscode from 'vscode';
import { DescribeKeyCommand, GetKeyPolicyCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import type { StudioContext } from '../studioContext';
import type { KmsBackend } from '../kms/kmsBackend';
import { formatKmsError } from '../kms/kmsErrorMessage';
import { findKey } from '../kms/keyPicker';
import { KeyNode } from '../explorer/keyTreeNodes';
import { parseArn } from '../../../server/src/core/arn/awsArn';
import { policyJsonProblem, putConfirmationDetail, putsPolicy, SaveTriggers, saveTriggerOf } from './livePolicyPutDecision';
import { AccessDiffRequest, type AccessDiffParams, type AccessDiffResult } from '../../../server/src/protocol';
import { sendRequest } from '../languageClient/typedMessages';
import { ACTIVITY_DAYS } from '../kms/keyActivity';
import { readKeyUse } from '../kms/keyActivityLookup';
import { inUseDialog, keyUseParagraph } from '../kms/keyActivityText';

const LIVE_SCHEME = 'kms-live-policy';
/** Context key: the paths of open live policy files, for the editor's Put Key Policy button. */
const LIVE_PATHS_CONTEXT = 'kmsPolicyStudio.livePolicyPaths';

interface OpenedPolicy {
  readonly backend: KmsBackend;
  readonly region: string;
  readonly keyId: string;
  readonly keyArn: string;
  /** The policy as KMS returned it when opened (or last put). */
  live: string;
}

export interface OpenKeyPolicyArgs {
  readonly keyId: string;
  readonly backendId?: string;
  readonly region?: string;
}

export class LiveKeyPolicyEditor implements vscode.TextDocumentContentProvider {
  private readonly opened = new Map<string, OpenedPolicy>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly saving = new Set<string>();
  private readonly saveTriggers = new SaveTriggers();
  private readonly livePaths = new Set<string>();
  private readonly readOnlyPolicies = new Map<string, string>();

  constructor(private readonly ctx: StudioContext) {}

  register(): vscode.Disposable {
    for (const document of vscode.workspace.textDocuments) this.noteLivePath(document.uri);
    return vscode.Disposable.from(
      this.changed,
      vscode.workspace.registerTextDocumentContentProvider(LIVE_SCHEME, this),
      vscode.workspace.onWillSaveTextDocument((e) => this.saveTriggers.noteWillSave(e.document.uri.toString(), saveTriggerOf(e.reason))),
      vscode.workspace.onDidSaveTextDocument((doc) => void this.onSaved(doc)),
      vscode.workspace.onDidOpenTextDocument((doc) => this.noteLivePath(doc.uri)),
    );
  }

  /** Shows Put Key Policy on the editor of a live policy file (this session's or an earlier one's). */
  private noteLivePath(uri: vscode.Uri): void {
    if (!this.opened.has(uri.toString()) && !this.storedPolicyLocation(uri)) return;
    if (this.livePaths.has(uri.fsPath)) return;
    this.livePaths.add(uri.fsPath);
    void vscode.commands.executeCommand('setContext', LIVE_PATHS_CONTEXT, [...this.livePaths]);
  }

  /** The backend folder, Region and key id a file under `key-policies/` names, if it is one. */
  private storedPolicyLocation(uri: vscode.Uri): { folder: string; region: string; keyId: string } | undefined {
    const root = vscode.Uri.joinPath(this.ctx.extension.globalStorageUri, 'key-policies').path + '/';
    if (uri.scheme !== 'file' || !uri.path.startsWith(root)) return undefined;
    const [folder, region, file, ...rest] = uri.path.slice(root.length).split('/');
    const keyId = file?.replace(/\.key-policy\.json$/, '');
    if (!folder || !region || !keyId || keyId === file || rest.length) return undefined;
    return { folder, region, keyId };
  }

  /**
   * Writes the current policy of a key of the embedded engine to its policy file, without
   * opening an editor, and answers the file's URI. Read as the root user: explaining a denial
   * must not depend on the denied principal's own permission to read the policy.
   */
  async fileForEngineKey(keyArn: string): Promise<vscode.Uri | undefined> {
    const arn = parseArn(keyArn);
    if (arn?.service !== 'kms' || !arn.region || !arn.resource.startsWith('key/')) return undefined;
    const { region } = arn;
    const keyId = arn.resource.slice('key/'.length);
    const backend = this.ctx.embedded;
    try {
      const answer = await (await backend.rootClient(region)).send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }));
      const live = prettyPolicy(answer.Policy ?? '{}');
      const folder = vscode.Uri.joinPath(this.ctx.extension.globalStorageUri, 'key-policies', folderName(backend.id), region);
      await vscode.workspace.fs.createDirectory(folder);
      const file = vscode.Uri.joinPath(folder, `${keyId}.key-policy.json`);
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === file.toString());
      // An open, edited copy is the user's draft: simulate that, do not overwrite it.
      if (!open?.isDirty) await vscode.workspace.fs.writeFile(file, Buffer.from(live, 'utf8'));
      if (!this.opened.has(file.toString())) this.opened.set(file.toString(), { backend, region, keyId, keyArn, live });
      return file;
    } catch {
      return undefined;
    }
  }

  /** The key ARN behind an opened policy file (Simulate Access uses it as the resource). */
  keyArnFor(uri: vscode.Uri): string | undefined {
    return this.opened.get(uri.toString())?.keyArn;
  }

  /**
   * A policy file opened in an earlier session: its path (`key-policies/<backend>/<region>/<key id>.key-policy.json`)
   * says which key it belongs to, and the key's current policy is read again to diff against.
   */
  private async reopenedAfterReload(uri: vscode.Uri): Promise<OpenedPolicy | undefined> {
    const location = this.storedPolicyLocation(uri);
    if (!location) return undefined;
    const { region, keyId } = location;
    const backend = this.ctx.backends().find((b) => folderName(b.id) === location.folder);
    if (!backend) return undefined;
    try {
      const client = await backend.client(region);
      const answer = await client.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }));
      const described = await client.send(new DescribeKeyCommand({ KeyId: keyId }));
      const opened: OpenedPolicy = { backend, region, keyId, keyArn: described.KeyMetadata?.Arn ?? keyId, live: prettyPolicy(answer.Policy ?? '{}') };
      this.opened.set(uri.toString(), opened);
      return opened;
    } catch (error) {
      void vscode.window.showErrorMessage(`Could not read the current policy of ${keyId}: ${formatKmsError(error)}`);
      return undefined;
    }
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const readOnly = this.readOnlyPolicies.get(uri.path);
    if (readOnly !== undefined) return readOnly;
    const file = vscode.Uri.parse(decodeURIComponent(uri.query));
    return this.opened.get(file.toString())?.live ?? '';
  }

  /**
   * An AWS managed key's policy is AWS's, and KMS refuses to change it: it opens read-only (a
   * document of this provider), never as a file that saving would try to put.
   */
  private async showReadOnlyPolicy(keyArn: string, live: string): Promise<vscode.Uri> {
    const uri = vscode.Uri.from({ scheme: LIVE_SCHEME, path: `/aws-managed/${encodeURIComponent(keyArn)}/key-policy.json` });
    this.readOnlyPolicies.set(uri.path, live);
    this.changed.fire(uri);
    const document = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(uri), 'kms-key-policy');
    await vscode.window.showTextDocument(document, { preview: false });
    return uri;
  }

  openCommand() {
    return async (nodeOrArgs?: unknown): Promise<vscode.Uri | undefined> => {
      let target: { backend: KmsBackend; region: string; keyId: string; keyArn: string } | undefined;
      let awsManaged = false;
      if (nodeOrArgs instanceof KeyNode) {
        target = { backend: nodeOrArgs.backend, region: nodeOrArgs.region, keyId: nodeOrArgs.keyId, keyArn: nodeOrArgs.keyArn };
        awsManaged = nodeOrArgs.key.metadata.KeyManager === 'AWS';
      } else if (typeof nodeOrArgs === 'object' && nodeOrArgs !== null && typeof (nodeOrArgs as OpenKeyPolicyArgs).keyId === 'string') {
        const args = nodeOrArgs as OpenKeyPolicyArgs;
        const found = await findKey(this.ctx, args.keyId, args.backendId, args.region);
        if (found) target = { backend: found.backend, region: found.region, keyId: found.key.metadata.KeyId ?? args.keyId, keyArn: found.key.metadata.Arn ?? args.keyId };
      }
      if (!target) {
        void vscode.window.showWarningMessage('Choose a key in the Keys view to open its policy.');
        return undefined;
      }
      try {
        const client = await target.backend.client(target.region);
        const answer = await client.send(new GetKeyPolicyCommand({ KeyId: target.keyId, PolicyName: 'default' }));
        const live = prettyPolicy(answer.Policy ?? '{}');
        if (awsManaged) return await this.showReadOnlyPolicy(target.keyArn, live);
        const folder = vscode.Uri.joinPath(this.ctx.extension.globalStorageUri, 'key-policies', folderName(target.backend.id), target.region);
        await vscode.workspace.fs.createDirectory(folder);
        const file = vscode.Uri.joinPath(folder, `${target.keyId}.key-policy.json`);
        await vscode.workspace.fs.writeFile(file, Buffer.from(live, 'utf8'));
        this.opened.set(file.toString(), { ...target, live });
        this.noteLivePath(file);
        const document = await vscode.workspace.openTextDocument(file);
        await vscode.window.showTextDocument(document, { preview: false });
        return file;
      } catch (error) {
        void vscode.window.showErrorMessage(formatKmsError(error));
        return undefined;
      }
    };
  }

  private async onSaved(document: vscode.TextDocument): Promise<void> {
    const key = document.uri.toString();
    const trigger = this.saveTriggers.takeDidSave(key);
    if (this.saving.has(key) || (!this.opened.has(key) && !this.storedPolicyLocation(document.uri))) return;
    if (!putsPolicy(trigger)) {
      // Auto-save keeps the draft; only the user's own save or Put Key Policy proposes it.
      const opened = this.opened.get(key);
      if (!opened || normalized(document.getText()) !== normalized(opened.live)) {
        vscode.window.setStatusBarMessage('$(cloud-upload) Key policy draft saved, not put: save with Ctrl+S or use Put Key Policy', 5000);
      }
      return;
    }
    const opened = this.opened.get(key) ?? (await this.reopenedAfterReload(document.uri));
    if (!opened) return;
    this.saving.add(key);
    try {
      await this.putAfterChecks(document, opened, true);
    } finally {
      this.saving.delete(key);
    }
  }

  /** Put Key Policy (editor title button, palette): saves the draft if needed, then proposes it. */
  putCommand() {
    return async (uriArg?: unknown): Promise<PutOutcome> => {
      const uri = uriArg instanceof vscode.Uri ? uriArg : vscode.window.activeTextEditor?.document.uri;
      const key = uri?.toString() ?? '';
      const opened = uri && (this.opened.get(key) ?? (await this.reopenedAfterReload(uri)));
      if (!uri || !opened) {
        const message = 'Open a key policy from the Keys view (Open Key Policy) to put it on its key.';
        void vscode.window.showWarningMessage(message);
        return { outcome: 'notLivePolicy', message };
      }
      if (this.saving.has(key)) return { outcome: 'cancelled', message: 'A put of this policy is already in progress.' };
      this.saving.add(key);
      try {
        const document = await vscode.workspace.openTextDocument(uri);
        if (document.isDirty) await document.save();
        const outcome = await this.putAfterChecks(document, opened, true);
        if (outcome.outcome === 'unchanged') void vscode.window.showInformationMessage(`${outcome.message} Nothing to put on ${opened.keyId}.`);
        return outcome;
      } finally {
        this.saving.delete(key);
      }
    };
  }

  /**
   * Puts an opened policy document without dialogs (the diagnostics check still applies), for
   * scripts and tests; the save flow is the interactive path. Answers what happened.
   */
  async putWithoutConfirmation(uri: vscode.Uri): Promise<PutOutcome> {
    const opened = this.opened.get(uri.toString());
    if (!opened) return { outcome: 'notLivePolicy', message: `${uri.toString()} is not an opened key policy.` };
    return this.putAfterChecks(await vscode.workspace.openTextDocument(uri), opened, false);
  }

  /** What the edited policy grants and takes away against the key's current one; undefined when the server cannot say. */
  private async accessDiffOf(opened: OpenedPolicy, text: string, uri: vscode.Uri): Promise<AccessDiffResult | undefined> {
    try {
      const params: AccessDiffParams = { reference: opened.live, candidate: text, uri: uri.toString(), keyArn: opened.keyArn };
      return await sendRequest(await this.ctx.client(), AccessDiffRequest, params);
    } catch (error) {
      this.ctx.output.warn(`Access diff before Put Key Policy failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  private async putAfterChecks(document: vscode.TextDocument, opened: OpenedPolicy, interactive = true): Promise<PutOutcome> {
    const text = document.getText();
    if (normalized(text) === normalized(opened.live)) return { outcome: 'unchanged', message: 'The policy is the same as the key\u2019s.' };
    const jsonProblem = policyJsonProblem(text);
    if (jsonProblem) {
      const message = `The policy was not put on ${opened.keyId}: ${jsonProblem}.`;
      if (interactive) void vscode.window.showErrorMessage(message);
      return { outcome: 'hasErrors', message };
    }
    const diagnostics = await settledDiagnostics(document.uri);
    const errors = diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    const lockout = diagnostics.filter((d) => /LOCKOUT/i.test(String(typeof d.code === 'object' ? d.code.value : d.code)));
    if (errors.length) {
      const message = `The policy was not put on ${opened.keyId}: fix ${errors.length} error(s) first (${errors[0].message}).`;
      if (interactive) void vscode.window.showErrorMessage(message);
      return { outcome: 'hasErrors', message };
    }
    if (lockout.length && interactive) {
      const go = await vscode.window.showWarningMessage(
        `This policy may lock everyone out of the key: ${lockout[0].message}`,
        { modal: true, detail: 'KMS refuses such a policy unless the lockout safety check is bypassed, and nobody could then change it back.' },
        'Review Anyway',
      );
      if (go !== 'Review Anyway') return { outcome: 'cancelled', message: 'Cancelled at the lockout warning.' };
    }
    const liveUri = vscode.Uri.from({ scheme: LIVE_SCHEME, path: `/${opened.keyId}.key-policy.json`, query: encodeURIComponent(document.uri.toString()) });
    this.changed.fire(liveUri);
    if (interactive) {
      await vscode.commands.executeCommand('vscode.diff', liveUri, document.uri, `Key policy of ${opened.keyId}: current ↔ yours`, { preview: true });
      const access = await this.accessDiffOf(opened, text, document.uri);
      // A policy that takes access away: who used the key in the last 90 days, and if anyone
      // did, a second confirmation naming them (as before Disable Key and Schedule Key Deletion).
      const takesAway = access?.status === 'compared' && access.lines.some((line) => line.startsWith('-'));
      const reading = takesAway
        ? await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Reading who used ${opened.keyId} in the last ${ACTIVITY_DAYS} days…` }, () => readKeyUse(opened))
        : undefined;
      const use = reading ? `\n\n${keyUseParagraph(reading, reading.now)}` : '';
      const confirm = await vscode.window.showInformationMessage(
        `Put this policy on key ${opened.keyId} (${opened.backend.label}, ${opened.region})?`,
        { modal: true, detail: `${putConfirmationDetail(access)}${use}` },
        'Put Key Policy',
      );
      if (confirm !== 'Put Key Policy') return { outcome: 'cancelled', message: 'Not confirmed.' };
      const again = reading && inUseDialog({ kind: 'putKeyPolicy' }, opened.keyId, reading, reading.now);
      if (again && (await vscode.window.showWarningMessage(again.message, { modal: true, detail: again.detail }, again.button)) !== again.button) {
        return { outcome: 'cancelled', message: 'Not confirmed: the key is in use.' };
      }
    }
    try {
      const client = await opened.backend.client(opened.region);
      await client.send(new PutKeyPolicyCommand({ KeyId: opened.keyId, PolicyName: 'default', Policy: text }));
      opened.live = text;
      this.changed.fire(liveUri);
      this.ctx.fireEngineChanged();
      const message = `Key policy of ${opened.keyId} updated.`;
      if (interactive) void vscode.window.showInformationMessage(message);
      return { outcome: 'put', message };
    } catch (error) {
      const message = formatKmsError(error);
      if (interactive) void vscode.window.showErrorMessage(message);
      return { outcome: 'refused', message };
    }
  }
}

export interface PutOutcome {
  readonly outcome: 'put' | 'unchanged' | 'hasErrors' | 'cancelled' | 'refused' | 'notLivePolicy';
  readonly message: string;
}

/** The storage folder of a backend's policy files: its id with path-unsafe characters replaced. */
function folderName(backendId: string): string {
  return backendId.replace(/[^\w.-]+/g, '_');
}

function prettyPolicy(policy: string): string {
  try {
    return JSON.stringify(JSON.parse(policy), null, 2) + '\n';
  } catch {
    return policy;
  }
}

function normalized(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

/** The diagnostics of a just-saved document, after the server had a moment to publish them. */
async function settledDiagnostics(uri: vscode.Uri): Promise<readonly vscode.Diagnostic[]> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, 1500);
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) done();
    });
    function done() {
      clearTimeout(timer);
      sub.dispose();
      resolve();
    }
  });
  return vscode.languages.getDiagnostics(uri);
}
