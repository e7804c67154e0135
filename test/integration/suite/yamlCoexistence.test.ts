// Our extension beside Red Hat's YAML language server (yaml-language-server, the server inside the
// Red Hat YAML extension), run by the test-only extension in ../yamlServerExtension with the
// settings a CloudFormation user has: CloudFormation's tags declared, a template schema mapped.
// A template stays the YAML extension's document: it keeps the `yaml` language, that server's
// syntax and schema errors, hovers and completions, and gets our KMS findings and hovers beside them.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { YamlServerApi } from '../yamlServerExtension/extension';
import { closeAllEditors, studio, waitFor, workspaceFile } from './studioTestSupport';

const YAML_SERVER_EXTENSION_ID = 'kms-policy-studio.kms-studio-test-yaml-language-server';
const OUR_SOURCE = 'kms-policy';
/** yaml-language-server's sources: `YAML` for syntax, `yaml-schema: <schema title>` for schema errors. */
const isYamlServerSource = (source: string | undefined) => source === 'YAML' || Boolean(source?.startsWith('yaml-schema'));

async function yamlServer(): Promise<YamlServerApi> {
  const extension = vscode.extensions.getExtension<YamlServerApi>(YAML_SERVER_EXTENSION_ID);
  assert.ok(extension, `${YAML_SERVER_EXTENSION_ID} is not installed`);
  const api = await extension.activate();
  await api.ready;
  return api;
}

const codeOf = (d: vscode.Diagnostic) => String(typeof d.code === 'object' ? d.code.value : d.code);
const describeDiagnostic = (d: vscode.Diagnostic) => `${d.source} ${d.range.start.line + 1}:${d.range.start.character + 1} ${d.source === OUR_SOURCE ? `${codeOf(d)} ` : ''}${d.message}`;

/** The demo template with a duplicate key (a YAML error) and a non-boolean EnableKeyRotation (a schema error), in a temp cloudformation/ folder. */
function scratchTemplate(): vscode.Uri {
  const original = readFileSync(workspaceFile('cloudformation/kms-key.yaml').fsPath, 'utf8');
  const broken = original
    .replace('    Default: KeyAdministrators\n', '    Default: KeyAdministrators\n    Default: Administrators\n')
    .replace('EnableKeyRotation: true', 'EnableKeyRotation: every-year');
  assert.notEqual(broken, original);
  const folder = join(mkdtempSync(join(tmpdir(), 'kms-studio-yaml-')), 'cloudformation');
  mkdirSync(folder);
  const file = join(folder, 'kms-key-scratch.yaml');
  writeFileSync(file, broken);
  return vscode.Uri.file(file);
}

function positionOf(document: vscode.TextDocument, needle: string, after?: string): vscode.Position {
  const text = document.getText();
  const offset = text.indexOf(needle, after ? text.indexOf(after) : 0);
  assert.ok(offset >= 0, `${needle} is in the template`);
  return document.positionAt(offset);
}

function hoverText(hover: vscode.Hover): string {
  return hover.contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
}

describe("Beside Red Hat's YAML language server (yaml-language-server)", () => {
  after(closeAllEditors);

  it('leaves a CloudFormation template yaml, reports our finding, and flags none of its tags', async () => {
    await studio();
    const yaml = await yamlServer();
    const uri = workspaceFile('cloudformation/kms-key.yaml');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, 'yaml');

    // yaml-language-server validated it against the schema with the tags declared: nothing to say.
    const theirs = await waitFor('yaml-language-server to publish nothing for kms-key.yaml', () => {
      const published = yaml.published(uri);
      return published && published.length === 0 ? published : undefined;
    });
    const ours = await waitFor('our diagnostics on kms-key.yaml', () => {
      const found = vscode.languages.getDiagnostics(uri).filter((d) => d.source === OUR_SOURCE);
      return found.length ? found : undefined;
    });
    const all = vscode.languages.getDiagnostics(uri);
    console.log(`diagnostics: ${all.map(describeDiagnostic).join(' | ')}`);
    assert.deepEqual(theirs, []);
    assert.ok(ours.some((d) => codeOf(d) === 'KMS_ADMIN_CAN_ESCALATE'), `expected KMS_ADMIN_CAN_ESCALATE among ${ours.map(codeOf).join(', ')}`);
    // Only the two servers speak here, and neither calls !Sub, !GetAtt or !Ref unknown.
    assert.deepEqual(all.filter((d) => d.source !== OUR_SOURCE && !isYamlServerSource(d.source)).map(describeDiagnostic), []);
    assert.deepEqual(all.filter((d) => /\btag\b/i.test(d.message)).map(describeDiagnostic), []);
    assert.deepEqual(ours.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).map(describeDiagnostic), []);
    assert.equal(yaml.state(), 'running');
  });

  it("keeps yaml-language-server's syntax and schema errors beside our findings, through an edit", async () => {
    await studio();
    const yaml = await yamlServer();
    const uri = scratchTemplate();
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, 'yaml');
    const duplicateLine = positionOf(document, 'Default: Administrators').line;

    // Lines read afresh each time: the edit below moves the later ones up.
    const both = (diagnostics: readonly vscode.Diagnostic[]) => ({
      duplicate: diagnostics.find((d) => d.source === 'YAML' && d.range.start.line === duplicateLine && /unique/i.test(d.message)),
      schema: diagnostics.find((d) => d.source?.startsWith('yaml-schema') && d.range.start.line === positionOf(document, 'EnableKeyRotation').line && /boolean/i.test(d.message)),
      ours: diagnostics.find((d) => d.source === OUR_SOURCE && codeOf(d) === 'KMS_ADMIN_CAN_ESCALATE'),
    });
    const found = await waitFor('both servers\' diagnostics on the scratch template', () => {
      const f = both(vscode.languages.getDiagnostics(uri));
      return f.duplicate && f.schema && f.ours ? f : undefined;
    });
    const all = vscode.languages.getDiagnostics(uri);
    console.log(`diagnostics: ${all.map(describeDiagnostic).join(' | ')}`);
    assert.ok(found.duplicate && found.schema && found.ours);
    assert.deepEqual(all.filter((d) => /\btag\b/i.test(d.message)).map(describeDiagnostic), []);

    // Fixing the duplicate key clears that error only: the schema error and our finding stay.
    assert.ok(await editor.edit((edit) => edit.delete(document.lineAt(duplicateLine).rangeIncludingLineBreak)));
    const afterEdit = await waitFor('the duplicate-key error to go', () => {
      const published = yaml.published(uri);
      if (!published || published.some((d) => /unique/i.test(d.message))) return undefined;
      const f = both(vscode.languages.getDiagnostics(uri));
      return f.schema && f.ours ? f : undefined;
    });
    console.log(`after the edit: ${vscode.languages.getDiagnostics(uri).map(describeDiagnostic).join(' | ')}`);
    assert.equal(afterEdit.duplicate, undefined);
    assert.equal(yaml.state(), 'running');
    assert.equal(yaml.stops(), 0, 'yaml-language-server never stopped');
    await document.save();
  });

  it('answers a hover with both servers\' text, and completes from the schema', async () => {
    await studio();
    const yaml = await yamlServer();
    const uri = scratchTemplate();
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    // Both servers have the document once each has reported on it.
    await waitFor('both servers to have read the scratch template', () =>
      yaml.published(uri) && vscode.languages.getDiagnostics(uri).some((d) => d.source === OUR_SOURCE));

    const decrypt = positionOf(document, 'kms:Decrypt', 'KeyPolicy:').translate(0, 5);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, decrypt);
    const texts = hovers.map(hoverText);
    console.log(`hovers on kms:Decrypt: ${texts.map((t) => JSON.stringify(t.slice(0, 120))).join(' | ')}`);
    assert.ok(texts.some((t) => t.includes('Schema text: a KMS operation')), 'yaml-language-server hovers with the schema description');
    assert.ok(texts.some((t) => t.includes('kms:Decrypt') && !t.includes('Schema text')), 'our server hovers with the KMS action');

    // Completion on templates is yaml-language-server's alone (ours completes key policies only).
    const effect = positionOf(document, 'Effect: Allow', 'KeyPolicy:').translate(0, 'Effect: '.length);
    const completions = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, effect);
    const labels = completions.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    console.log(`completions at Effect (tags left out): ${labels.filter((l) => !l.startsWith('!')).join(', ')}`);
    assert.ok(labels.includes('Allow') && labels.includes('Deny'), `the schema's Effect values among ${labels.join(', ')}`);
    assert.equal(yaml.state(), 'running');
    assert.equal(yaml.stops(), 0, 'yaml-language-server never stopped');
  });
});
