// The code lenses of Simulate access: "Simulate access" on each statement of a key policy, and
// "Run scenario" with the current decision on a scenario file.
import type { CodeLens } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseScenarioText } from '../core/access/scenarioParser';
import { simulateAccess } from '../core/access/simulateAccess';
import { parseKeyPolicy } from '../core/policy/keyPolicyParser';

export function statementLenses(document: TextDocument): CodeLens[] {
  const model = parseKeyPolicy(document.getText());
  return model.statements.map((statement) => {
    const start = document.positionAt(statement.range.start);
    return {
      range: { start, end: start },
      command: {
        title: `$(play) Simulate access${statement.sid ? ` (${statement.sid.value})` : ''}`,
        command: 'kmsPolicyStudio.simulateAccess',
        arguments: [document.uri, statement.index],
      },
    };
  });
}

export function scenarioLenses(document: TextDocument): CodeLens[] {
  const text = document.getText();
  const firstBrace = Math.max(0, text.indexOf('{'));
  const at = document.positionAt(firstBrace);
  const range = { start: at, end: at };
  const run: CodeLens = { range, command: { title: '$(play) Run scenario', command: 'kmsPolicyStudio.runScenario', arguments: [document.uri] } };
  const { scenario, issues } = parseScenarioText(text, document.uri);
  const outcome = scenario ? simulateAccess(scenario) : undefined;
  const title = outcome
    ? `${outcome.decision}${outcome.error ? ` (${outcome.error})` : ''}: ${outcome.summary}`
    : `${issues.length} problem${issues.length === 1 ? '' : 's'} to fix before it can run`;
  return [run, { range, command: { title, command: 'kmsPolicyStudio.runScenario', arguments: [document.uri] } }];
}
