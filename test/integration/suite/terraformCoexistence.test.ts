// Our extension beside the Terraform extension users already have. HashiCorp's (hashicorp.terraform,
// with terraform-ls) cannot be installed here, so the test-only extension in
// ../terraformStandInExtension stands in for it: it contributes the `terraform` language for .tf
// files as HashiCorp's manifest does, and answers for `terraform` documents with diagnostics,
// hovers, completions, an outline, code lenses and a formatter of its own.
// A .tf file stays the Terraform extension's document: it keeps the `terraform` language, that
// extension's diagnostics, hovers, completion, outline and formatting, and gets our findings,
// hovers and the Who can use / Simulate access lenses beside them, which answer from the module.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { closeAllEditors, studio, waitFor, workspaceFile, type StudioApi } from './studioTestSupport';

const STAND_IN_EXTENSION_ID = 'kms-policy-studio.kms-studio-test-terraform-stand-in';
const STAND_IN_SOURCE = 'terraform-stand-in';
const OUR_SOURCE = 'kms-policy';
/** The block keywords the stand-in completes, and nothing else. */
const STAND_IN_COMPLETIONS = ['data', 'locals', 'module', 'output', 'provider', 'resource', 'terraform', 'variable'];
/** The module's role, as its environment names it (the module's account is a placeholder). */
const APP_ROLE = 'arn:aws:iam::000000000000:role/app';

async function standIn(): Promise<void> {
  const extension = vscode.extensions.getExtension(STAND_IN_EXTENSION_ID);
  assert.ok(extension, `${STAND_IN_EXTENSION_ID} is not installed`);
  await extension.activate();
}

const codeOf = (d: vscode.Diagnostic) => String(typeof d.code === 'object' ? d.code.value : d.code);
const describeDiagnostic = (d: vscode.Diagnostic) => `${d.source} ${d.range.start.line + 1}:${d.range.start.character + 1} ${codeOf(d)} ${d.message.slice(0, 80)}`;
const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === OUR_SOURCE);
const standIns = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === STAND_IN_SOURCE);

function positionOf(document: vscode.TextDocument, needle: string, after?: string): vscode.Position {
  const text = document.getText();
  const from = after ? text.indexOf(after) : 0;
  assert.ok(from >= 0, `${after} is in ${document.uri.path}`);
  const offset = text.indexOf(needle, from);
  assert.ok(offset >= 0, `${needle} is in ${document.uri.path}`);
  return document.positionAt(offset);
}

function hoverText(hover: vscode.Hover): string {
  return hover.contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
}

async function openTerraform(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
  assert.equal(editor.document.languageId, 'terraform', `${uri.path} keeps the Terraform extension's language`);
  return editor;
}

async function codeLenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
}
const titleOf = (lens: vscode.CodeLens) => lens.command?.title ?? '';
const isOurLens = (lens: vscode.CodeLens) => lens.command?.command.startsWith('kmsPolicyStudio.') ?? false;

/** A copy of the example module (main.tf and signing.tf) in a temp folder, to edit freely. */
function scratchModule(): { main: vscode.Uri; signing: vscode.Uri } {
  const source = workspaceFile('terraform').fsPath;
  const folder = join(mkdtempSync(join(tmpdir(), 'kms-studio-tf-')), 'terraform');
  mkdirSync(folder);
  for (const name of readdirSync(source).filter((n) => n.endsWith('.tf'))) copyFileSync(join(source, name), join(folder, name));
  return { main: vscode.Uri.file(join(folder, 'main.tf')), signing: vscode.Uri.file(join(folder, 'signing.tf')) };
}

describe("Beside the Terraform extension (a stand-in for HashiCorp's, which cannot be installed here)", () => {
  let api: StudioApi;
  before(async () => {
    api = await studio();
    await standIn();
  });
  afterEach(closeAllEditors);

  it("leaves .tf files terraform and reports our grant finding beside the stand-in's diagnostic", async () => {
    const signing = workspaceFile('terraform/signing.tf');
    const editor = await openTerraform(signing);
    const grantee = positionOf(editor.document, 'aws_iam_role.app.arn', 'grantee_principal');
    const found = await waitFor('our KMS_GRANT_ONLY_ACCESS and the stand-in\'s diagnostic on signing.tf', () => {
      const grantOnly = ours(signing).find((d) => codeOf(d) === 'KMS_GRANT_ONLY_ACCESS');
      const theirs = standIns(signing);
      return grantOnly && theirs.length ? { grantOnly, theirs } : undefined;
    });
    const all = vscode.languages.getDiagnostics(signing);
    console.log(`signing.tf: ${all.map(describeDiagnostic).join(' | ')}`);
    assert.deepEqual(found.grantOnly.range.start, grantee);
    assert.equal(found.grantOnly.severity, vscode.DiagnosticSeverity.Information);
    assert.match(found.grantOnly.message, /^Only aws_kms_grant\.app_signs lets aws_iam_role\.app use aws_kms_key\.release_signing/);
    // The stand-in's diagnostic is where it put it (the first block), untouched by ours.
    assert.equal(found.theirs.length, 1);
    assert.equal(found.theirs[0]!.range.start.line, positionOf(editor.document, 'resource "aws_kms_key" "release_signing"').line);
    // Only the two extensions speak here.
    assert.deepEqual(all.filter((d) => d.source !== OUR_SOURCE && d.source !== STAND_IN_SOURCE).map(describeDiagnostic), []);

    const main = workspaceFile('terraform/main.tf');
    await openTerraform(main);
    await waitFor("the stand-in's diagnostic on main.tf", () => standIns(main).length === 1);
    assert.equal(editor.document.languageId, 'terraform');
  });

  it('answers a hover on a key-policy action with both extensions\' text', async () => {
    const main = workspaceFile('terraform/main.tf');
    const editor = await openTerraform(main);
    const decrypt = positionOf(editor.document, 'kms:Decrypt', 'policy = jsonencode').translate(0, 5);
    const texts = await waitFor('both hovers on kms:Decrypt', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', main, decrypt);
      const found = hovers.map(hoverText);
      return found.some((t) => t.startsWith('**Terraform stand-in**')) && found.some((t) => t.startsWith('**kms:Decrypt**')) ? found : undefined;
    });
    console.log(`hovers on kms:Decrypt: ${texts.map((t) => JSON.stringify(t.slice(0, 100))).join(' | ')}`);
    assert.ok(texts.includes('**Terraform stand-in**: `kms:Decrypt`'), 'the stand-in hovers with its own text');
    assert.ok(texts.some((t) => t.startsWith('**kms:Decrypt**') && t.includes('Controls permission to decrypt ciphertext')), 'our server describes the action');
    assert.equal(texts.length, 2, 'one hover from each extension');
  });

  it('leaves completion, the outline and formatting to the Terraform extension', async () => {
    const main = workspaceFile('terraform/main.tf');
    const editor = await openTerraform(main);
    // Wait until our server has read the document, so an answer of ours could not be missed.
    await waitFor('our lenses on main.tf', async () => (await codeLenses(main)).some(isOurLens));

    // Inside a key policy's action, where a key-policy file gets our action completions.
    const inAction = positionOf(editor.document, 'kms:Decrypt', 'policy = jsonencode').translate(0, 4);
    const completions = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', main, inAction);
    const labels = completions.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    console.log(`completions in kms:Decrypt: ${labels.join(', ')}`);
    assert.deepEqual([...labels].sort(), STAND_IN_COMPLETIONS);

    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', main);
    console.log(`outline: ${symbols.map((s) => s.name).join(', ')}`);
    assert.deepEqual(symbols.map((s) => s.name), [
      'data "aws_caller_identity" "current"',
      'data "aws_partition" "current"',
      'data "aws_region" "current"',
      'resource "aws_kms_key" "app_data"',
      'resource "aws_kms_alias" "app_data"',
      'resource "aws_iam_role" "app"',
      'resource "aws_iam_role_policy" "app_kms"',
      'data "aws_iam_policy_document" "app_kms"',
    ]);
    assert.ok(symbols.every((s) => s.detail === STAND_IN_SOURCE), 'every symbol is the stand-in\'s');

    // The example has no trailing whitespace: the stand-in's formatter has nothing to do, and no other formatter answers.
    const edits = await vscode.commands.executeCommand<vscode.TextEdit[] | undefined>('vscode.executeFormatDocumentProvider', main, { tabSize: 2, insertSpaces: true });
    assert.deepEqual(edits ?? [], []);
  });

  it('puts Who can use and Simulate access lenses on the key policy beside the stand-in\'s, and they answer from the module', async () => {
    const main = workspaceFile('terraform/main.tf');
    const { document } = await openTerraform(main);
    const lenses = await waitFor('our lenses on main.tf', async () => {
      const found = await codeLenses(main);
      return found.some(isOurLens) ? found : undefined;
    });
    console.log(`lenses on main.tf: ${lenses.map((l) => `${l.range.start.line + 1}: ${titleOf(l)}`).join(' | ')}`);
    assert.deepEqual(lenses.filter(isOurLens).map(titleOf), [
      '$(organization) Who can use aws_kms_key.app_data?',
      '$(play) Simulate access (Enable IAM User Permissions)',
      '$(play) Simulate access (Allow the application to use the key through S3)',
    ]);
    // The stand-in's reference counts stay, one on each two-label block.
    assert.equal(lenses.filter((l) => titleOf(l).endsWith('references (stand-in)')).length, 8);
    assert.ok(lenses.some((l) => titleOf(l) === '2 references (stand-in)' && l.range.start.line === positionOf(document, 'resource "aws_kms_key" "app_data"').line));

    // "Who can use aws_kms_key.app_data?": the lens's command with its arguments, as a click runs it.
    const whoCanUse = lenses.find((l) => titleOf(l).includes('Who can use'))!.command!;
    assert.deepEqual(whoCanUse.arguments, [`${main.toString()}#aws_kms_key.app_data`]);
    const answer = await vscode.commands.executeCommand<{ keyArn: string; rows: { principal: string; name?: string; cells: { action: string; decision: string; via?: string | null }[] }[] } | undefined>(
      whoCanUse.command,
      ...whoCanUse.arguments!,
    );
    assert.ok(answer, 'Who can use answered');
    assert.match(answer.keyArn, /^arn:aws:kms:[a-z0-9-]+:\d{12}:key\//);
    const app = answer.rows.find((r) => r.principal === APP_ROLE);
    assert.ok(app, `the module's role is a row: ${answer.rows.map((r) => r.principal).join(', ')}`);
    const decrypt = app.cells.find((c) => c.action === 'kms:Decrypt');
    console.log(`who can use aws_kms_key.app_data: ${app.name} kms:Decrypt -> ${decrypt?.decision} via ${decrypt?.via}`);
    assert.equal(decrypt?.decision, 'Allow');
    assert.equal(decrypt?.via, 'key policy + IAM');
    const matrix = await waitFor('the Who Can Use view', () => (api.whoCanUseView()?.matrix.keyArn === answer.keyArn ? api.whoCanUseView() : undefined));
    assert.ok(matrix.matrix.rows.some((r) => r.principal === APP_ROLE));

    // "Simulate access" on the statement that names the module's role: its lens carries the request.
    const simulate = lenses.find((l) => titleOf(l).includes('through S3'))!.command!;
    const [policyUri, statementIndex, request] = simulate.arguments as [string, number, { resource: string; principal?: string; action?: string }];
    assert.equal(policyUri, main.toString());
    assert.equal(statementIndex, 1);
    // Without a principal and an action the command would ask for them: check before running it.
    assert.deepEqual(request, { resource: answer.keyArn, principal: APP_ROLE, action: 'kms:Decrypt' });
    const result = await vscode.commands.executeCommand<{ decision: string; error: string | null } | undefined>(simulate.command, ...simulate.arguments!);
    assert.equal(result?.decision, 'Allow');
    const shown = await waitFor('the simulation result view', () => (api.simulationView()?.view.request.principal === APP_ROLE ? api.simulationView() : undefined));
    console.log(`simulate access (S3 statement) -> ${shown.title}`);
    assert.equal(shown.view.decision, 'Allow');
    assert.equal(shown.view.request.action, 'kms:Decrypt');
  });

  it("updates our findings and lenses as a .tf file is edited, beside the stand-in's", async () => {
    const scratch = scratchModule();
    const main = await openTerraform(scratch.main);
    await waitFor("the stand-in's diagnostic on the scratch main.tf", () => standIns(scratch.main).length === 1);
    const lensesBefore = await waitFor('our lenses on the scratch main.tf', async () => {
      const found = (await codeLenses(scratch.main)).filter(isOurLens);
      return found.length ? found : undefined;
    });

    // A statement that lets anyone decrypt, inserted as one line (with trailing spaces for the formatter).
    const at = positionOf(main.document, '    ]\n  })', 'Allow the application to use the key through S3');
    const inserted = '      { Sid = "Anyone", Effect = "Allow", Principal = "*", Action = "kms:Decrypt", Resource = "*" },  \n';
    assert.ok(await main.edit((edit) => edit.insert(at, inserted)));
    const wildcard = await waitFor('our KMS_WILDCARD_PRINCIPAL on the inserted line', () =>
      ours(scratch.main).find((d) => codeOf(d) === 'KMS_WILDCARD_PRINCIPAL' && d.range.start.line === at.line));
    assert.equal(wildcard.severity, vscode.DiagnosticSeverity.Error);
    await waitFor("the stand-in's diagnostic for the edited version", () =>
      standIns(scratch.main).find((d) => d.message.includes(`version ${main.document.version}`)));
    console.log(`after the edit: ${vscode.languages.getDiagnostics(scratch.main).map(describeDiagnostic).join(' | ')}`);
    assert.equal(standIns(scratch.main).length, 1);
    const lensesAfter = await waitFor('a lens for the new statement', async () => {
      const found = (await codeLenses(scratch.main)).filter(isOurLens);
      return found.some((l) => titleOf(l) === '$(play) Simulate access (Anyone)') ? found : undefined;
    });
    assert.equal(lensesAfter.length, lensesBefore.length + 1);
    // The stand-in's formatter answers for the document: the trailing spaces of the inserted line.
    const edits = await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider', scratch.main, { tabSize: 2, insertSpaces: true });
    assert.deepEqual(edits.map((e) => [e.range.start.line, e.range.start.character, e.range.end.character, e.newText]), [[at.line, inserted.length - 3, inserted.length - 1, '']]);
    assert.equal(main.document.languageId, 'terraform');
  });

  it("updates an open file's findings when another file of its module is edited", async () => {
    const scratch = scratchModule();
    const signing = await openTerraform(scratch.signing);
    const main = await openTerraform(scratch.main);
    await waitFor('our grant finding on the scratch signing.tf', () => ours(scratch.signing).some((d) => codeOf(d) === 'KMS_GRANT_ONLY_ACCESS'));

    // An IAM policy in main.tf that allows the role to sign: the grant is no longer its only way
    // in, and signing.tf's finding goes though that file was not touched.
    const policyDocument = positionOf(main.document, 'data "aws_iam_policy_document" "app_kms" {\n').translate(1, 0);
    assert.ok(await main.edit((edit) => edit.insert(policyDocument, [
      '  statement {',
      '    actions   = ["kms:Sign", "kms:Verify", "kms:GetPublicKey"]',
      '    resources = [aws_kms_key.release_signing.arn]',
      '  }',
      '',
    ].join('\n'))));
    await waitFor('the grant finding to go from signing.tf', () => !ours(scratch.signing).some((d) => codeOf(d) === 'KMS_GRANT_ONLY_ACCESS'));
    console.log(`signing.tf after main.tf's edit: ${vscode.languages.getDiagnostics(scratch.signing).map(describeDiagnostic).join(' | ')}`);
    assert.equal(standIns(scratch.signing).length, 1);
    assert.equal(signing.document.languageId, 'terraform');
  });
});
