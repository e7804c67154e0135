// The simulation result view's HTML, rendered from real evaluator answers: the decision in
// words, the error the caller would see, the deciding statements as links to their ranges,
// the trace collapsible, and every policy-supplied string escaped (a policy is hostile input).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseScenarioText } from '../../../server/src/core/access/scenarioParser';
import { simulateAccess } from '../../../server/src/core/access/simulateAccess';
import { explainSimulation } from '../../../server/src/core/access/simulationExplainer';
import type { SimulateResult } from '../../../server/src/protocol';
import { buildSimulationView } from '../../../client/src/simulation/simulationViewModel';
import { buildSimulationReport } from '../../../client/src/simulation/simulationReport';
import { parseFromSimulationView } from '../../../client/src/simulation/resultViewMessages';
import { decisionLook, renderSimulationResultHtml, simulationResultBody } from '../../../client/src/webview/simulationResultHtml';
import { escapeHtml, jsonForHtml } from '../../../client/src/webview/htmlText';

const SCENARIO_URI = 'file:///work/demo/hostile.kms-scenario.json';
const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const HOSTILE_SID = '<script>alert(1)</script>';

function scenarioText(principal: string, action: string, statements: unknown[], encryptionContext?: Record<string, string>): string {
  return JSON.stringify(
    {
      request: { principal, action, resource: KEY, region: 'us-east-1', ...(encryptionContext ? { encryptionContext } : {}) },
      key: { arn: KEY, account: '111122223333', region: 'us-east-1', state: 'Enabled', keyManager: 'CUSTOMER', keySpec: 'SYMMETRIC_DEFAULT' },
      keyPolicy: { Version: '2012-10-17', Statement: statements },
    },
    null,
    2,
  );
}

/** What the language server answers for a scenario file: the evaluator's result, as simulateFeature sends it. */
function simulate(text: string): SimulateResult {
  const { scenario, issues } = parseScenarioText(text, SCENARIO_URI);
  assert.ok(scenario, JSON.stringify(issues));
  const result = simulateAccess(scenario);
  return {
    decision: result.decision,
    error: result.error,
    errorMessage: result.errorMessage ?? undefined,
    explanation: explainSimulation(result),
    trace: result.trace,
    summary: result.summary,
    allowedBy: result.allowedBy,
    result,
  };
}

const PAGE = { cspSource: 'vscode-webview://abc', nonce: 'n0nce', scriptUri: 'vscode-webview://abc/simulationResult.js', styleUri: 'vscode-webview://abc/resultViews.css' };

const ROOT = { Sid: 'EnableIAMPolicies', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' };
const APP_DECRYPTS = {
  Sid: 'AppRoleDecrypts',
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::111122223333:role/AppRole' },
  Action: 'kms:Decrypt',
  Resource: '*',
  Condition: { StringEquals: { 'kms:EncryptionContext:team': 'billing' } },
};
const HOSTILE_DENY = { Sid: HOSTILE_SID, Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::111122223333:role/AppRole' }, Action: 'kms:Encrypt', Resource: '*' };

describe('simulation result view', () => {
  it('shows an Allow with its deciding statement as a link to that statement\'s range in the scenario', () => {
    const text = scenarioText('arn:aws:iam::111122223333:role/AppRole', 'kms:Decrypt', [ROOT, APP_DECRYPTS], { team: 'billing' });
    const view = buildSimulationView(simulate(text), { scenarioUri: SCENARIO_URI, principal: 'arn:aws:iam::111122223333:role/AppRole', action: 'kms:Decrypt' });
    assert.equal(view.decision, 'Allow');
    assert.equal(view.title, 'Simulation: Allow kms:Decrypt AppRole');
    assert.deepEqual(view.request.encryptionContext, [['team', 'billing']]);
    assert.equal(view.deciding.length, 1);
    const deciding = view.deciding[0]!;
    assert.equal(deciding.label, 'Statement[1] "AppRoleDecrypts"');
    const link = view.links[deciding.link!]!;
    assert.equal(link.target, SCENARIO_URI);
    // The link's range is the statement's object in the scenario text, brace to brace.
    const lines = text.split('\n');
    assert.equal(lines[link.startLine - 1]!.slice(link.startColumn - 1, link.startColumn), '{');
    assert.match(lines.slice(link.startLine - 1, link.endLine).join('\n'), /"Sid": "AppRoleDecrypts"/);
    assert.equal(lines[link.endLine - 1]!.slice(link.endColumn - 2, link.endColumn - 1), '}');

    const body = simulationResultBody(view);
    assert.match(body, /<header class="decision allow" role="status"/);
    assert.match(body, /<span class="decision-words">Allowed<\/span>/, 'the decision is in words, not colour alone');
    assert.match(body, new RegExp(`<a href="#" class="statement-link" data-link="${deciding.link}"[^>]*>Statement\\[1\\] &quot;AppRoleDecrypts&quot;</a>`));
    assert.match(body, /No error: the call succeeds\./);
    assert.match(body, /<details class="trace" id="trace"><summary><h2>Evaluation trace<\/h2><\/summary>/);
    assert.doesNotMatch(body, /data-action="copyError"/, 'nothing to copy when the call succeeds');
  });

  it('shows AWS\'s AccessDeniedException text for an implicit deny, and says no statement allows it', () => {
    const text = scenarioText('arn:aws:iam::111122223333:role/Stranger', 'kms:Decrypt', [APP_DECRYPTS]);
    const view = buildSimulationView(simulate(text), { scenarioUri: SCENARIO_URI });
    assert.equal(view.decision, 'ImplicitDeny');
    assert.equal(view.error, 'AccessDeniedException');
    const body = simulationResultBody(view);
    assert.match(body, /<header class="decision implicit-deny"/);
    assert.match(
      body,
      /<p class="error-message" id="error-message"><code>AccessDeniedException<\/code>: User: arn:aws:iam::111122223333:role\/Stranger is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:111122223333:key\/1234abcd-12ab-34cd-56ef-1234567890ab/,
    );
    assert.match(body, /No statement or grant allows this request/);
    assert.match(body, /data-action="copyError"/);
    // Every statement of the trace still links to its range.
    assert.equal(view.links.length, 1);
    assert.match(body, /did not match: /);
  });

  it('renders a Sid holding <script> as text: the only script elements are the nonce\'d one and the JSON state', () => {
    const text = scenarioText('arn:aws:iam::111122223333:role/AppRole', 'kms:Encrypt', [ROOT, HOSTILE_DENY]);
    const result = simulate(text);
    const asked = { scenarioUri: SCENARIO_URI, principal: 'arn:aws:iam::111122223333:role/AppRole', action: 'kms:Encrypt' };
    const view = buildSimulationView(result, asked);
    assert.equal(view.decision, 'ExplicitDeny');
    const html = renderSimulationResultHtml(view, PAGE, { kind: 'simulation', result, asked });
    assert.ok(html.includes('Statement[1] &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;'), 'the Sid shows as text');
    assert.ok(!html.includes(HOSTILE_SID), 'the raw Sid appears nowhere, not even in the embedded state');
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.deepEqual(scripts, ['<script type="application/json" id="view-state">', '<script nonce="n0nce" src="vscode-webview://abc/simulationResult.js">']);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src vscode-webview:\/\/abc; font-src vscode-webview:\/\/abc; img-src vscode-webview:\/\/abc; script-src &#39;nonce-n0nce&#39;">/);
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
    // The embedded state parses back to exactly what the panel restores from.
    const state = /<script type="application\/json" id="view-state">(.*?)<\/script>/s.exec(html)?.[1];
    assert.deepEqual(JSON.parse(state!), JSON.parse(JSON.stringify({ kind: 'simulation', result, asked })));
  });

  it('names the decision in words for each outcome, an allowed call that still fails included', () => {
    assert.equal(decisionLook('Allow', null).words, 'Allowed');
    assert.equal(decisionLook('Allow', 'DisabledException').words, 'Allowed by the policies, but the call fails with DisabledException');
    assert.equal(decisionLook('ExplicitDeny', 'AccessDeniedException').words, 'Explicitly denied');
    assert.equal(decisionLook('ImplicitDeny', 'AccessDeniedException').words, 'Implicitly denied (nothing allows it)');
    assert.equal(decisionLook('NotApplicable', null).words, 'Not applicable');
  });

  it('keeps the text report: "Open as text" shows the same decision line as before', () => {
    const text = scenarioText('arn:aws:iam::111122223333:role/AppRole', 'kms:Encrypt', [ROOT, HOSTILE_DENY]);
    const report = buildSimulationReport(simulate(text), { scenarioUri: SCENARIO_URI });
    assert.match(report.text, /^Decision: ExplicitDeny\n/);
  });

  it('accepts only well-formed messages from the webview, a link by its index', () => {
    assert.deepEqual(parseFromSimulationView({ type: 'openStatement', link: 2 }), { type: 'openStatement', link: 2 });
    assert.equal(parseFromSimulationView({ type: 'openStatement', link: 'file:///etc/passwd' }), undefined);
    assert.equal(parseFromSimulationView({ type: 'openStatement', link: -1 }), undefined);
    assert.equal(parseFromSimulationView({ type: 'openStatement', link: 1.5 }), undefined);
    assert.deepEqual(parseFromSimulationView({ type: 'openAsText' }), { type: 'openAsText' });
    assert.equal(parseFromSimulationView({ type: 'runCommand', command: 'workbench.action.terminal.new' }), undefined);
    assert.equal(parseFromSimulationView(null), undefined);
  });
});

describe('HTML text', () => {
  it('escapes the five characters that can leave text or a quoted attribute', () => {
    assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('embeds JSON that no value can close the script block of, and that parses back unchanged', () => {
    const value = { sid: '</script><script>alert(1)</script>', comment: '<!--', separators: '\u2028\u2029' };
    const embedded = jsonForHtml(value);
    assert.ok(!embedded.includes('<'));
    assert.deepEqual(JSON.parse(embedded), value);
  });
});
