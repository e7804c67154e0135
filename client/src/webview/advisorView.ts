/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The advisor webview's script: renders the questions it is sent as an accessible form (radio
// groups, checkboxes, number inputs, all with labels), posts every change, and renders the
// recommendation, reasons and costs the extension computes. It decides nothing itself.
import type { AdvisorDefinition, AdvisorState } from '../../../server/src/core/advisor/decisionAdvisor';
import type { AdvisorQuestion } from '../../../server/src/core/advisor/advisorQuestions';
import type { FromWebview, ToWebview } from '../advisor/advisorMessages';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): { answers?: Record<string, unknown>; prices?: Record<string, unknown> } | undefined;
  setState(state: { answers: Record<string, unknown>; prices: Record<string, unknown> }): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const form = document.getElementById('questions') as HTMLFormElement;
const result = document.getElementById('result') as HTMLElement;
let definition: AdvisorDefinition | undefined;
let setupNote = '';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function icon(name: string): HTMLElement {
  return el('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
}

function renderQuestion(q: AdvisorQuestion, value: unknown): HTMLElement {
  const help = el('p', { class: 'help', id: `help-${q.id}` }, q.help);
  if (q.kind === 'single' || q.kind === 'multi') {
    const fieldset = el('fieldset', { 'aria-describedby': `help-${q.id}` }, el('legend', {}, q.text));
    for (const option of q.options) {
      const id = `${q.id}-${option.value}`;
      const checked = q.kind === 'single' ? value === option.value : Array.isArray(value) && value.includes(option.value);
      const input = el('input', { type: q.kind === 'single' ? 'radio' : 'checkbox', name: q.id, id, value: option.value });
      input.checked = checked;
      fieldset.append(el('div', { class: 'choice' }, input, el('label', { for: id }, option.label)));
    }
    fieldset.append(help);
    return fieldset;
  }
  if (q.kind === 'boolean') {
    const input = el('input', { type: 'checkbox', name: q.id, id: q.id, 'aria-describedby': `help-${q.id}` });
    input.checked = value === true;
    return el('div', { class: 'field' }, el('div', { class: 'choice' }, input, el('label', { for: q.id }, q.text)), help);
  }
  const input = el('input', { type: 'number', name: q.id, id: q.id, min: String(q.min), max: String(q.max), step: String(q.step), value: String(value ?? ''), 'aria-describedby': `help-${q.id}` });
  return el('div', { class: 'field' }, el('label', { for: q.id }, q.text), input, help);
}

function renderForm(def: AdvisorDefinition, state: AdvisorState): void {
  form.replaceChildren();
  for (const q of def.questions) form.append(renderQuestion(q, (state.answers as unknown as Record<string, unknown>)[q.id]));
  const prices = el('fieldset', { class: 'prices' }, el('legend', {}, 'Price assumptions (USD, editable)'));
  for (const [key, label] of Object.entries(def.priceLabels)) {
    const id = `price-${key}`;
    prices.append(
      el('div', { class: 'field' }, el('label', { for: id }, label), el('input', { type: 'number', id, name: `price.${key}`, min: '0', step: 'any', value: String((state.prices as unknown as Record<string, number>)[key]) })),
    );
  }
  prices.append(el('p', { class: 'help' }, 'Defaults: AWS list prices in us-east-1 (aws.amazon.com/kms/pricing, aws.amazon.com/cloudhsm/pricing). Change them for your Region or contract.'));
  form.append(prices);
}

function readForm(def: AdvisorDefinition): { answers: Record<string, unknown>; prices: Record<string, unknown> } {
  const answers: Record<string, unknown> = {};
  for (const q of def.questions) {
    const inputs = [...form.querySelectorAll<HTMLInputElement>(`[name="${q.id}"]`)];
    if (q.kind === 'single') answers[q.id] = inputs.find((i) => i.checked)?.value;
    else if (q.kind === 'multi') answers[q.id] = inputs.filter((i) => i.checked).map((i) => i.value);
    else if (q.kind === 'boolean') answers[q.id] = inputs[0]?.checked ?? false;
    else answers[q.id] = inputs[0]?.value;
  }
  const prices: Record<string, unknown> = {};
  for (const input of form.querySelectorAll<HTMLInputElement>('[name^="price."]')) prices[input.name.slice('price.'.length)] = input.value;
  return { answers, prices };
}

function money(usd: number): string {
  return usd.toLocaleString('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 2 });
}

function renderResult(state: AdvisorState): void {
  const r = state.recommendation;
  const questionText = new Map(definition?.questions.map((q) => [q.id, q.text]));
  const card = el('div', { class: `card ${r.conflicting ? 'conflict' : ''}` });
  card.append(el('h2', { id: 'recommendation' }, icon(r.conflicting ? 'warning' : 'pass'), ' ', r.name));
  if (r.combination) card.append(el('p', { class: 'combination' }, r.combination));
  const reasons = el('ul', { class: 'reasons', 'aria-label': 'Reasons' });
  for (const reason of r.reasons) {
    const mark = reason.effect === 'rulesOut' ? 'close' : reason.effect === 'favours' ? 'check' : 'arrow-down';
    reasons.append(el('li', { class: reason.effect }, icon(mark), ' ', el('strong', {}, `${questionText.get(reason.questionId) ?? reason.questionId}: `), reason.text));
  }
  card.append(reasons);
  const combined = state.combinedCost;
  const cost = state.costs.find((c) => c.option === r.recommended);
  if (combined) {
    // A combination costs what all its parts cost: the total, then each part.
    const names = combined.options.map((o) => r.assessments.find((a) => a.option === o)?.name ?? o).join(' + ');
    card.append(el('p', { class: 'cost' }, icon('credit-card'), ` Estimated total ${money(combined.monthlyUsd)} per month for ${names}`));
    card.append(el('ul', { class: 'cost-lines', 'aria-label': 'Cost of the combination' }, ...combined.lines.map((l) => el('li', {}, `${l.label} = ${money(l.usd)}`))));
    for (const note of combined.notes) card.append(el('p', { class: 'help' }, note));
  } else if (cost) {
    card.append(el('p', { class: 'cost' }, icon('credit-card'), ` Estimated ${money(cost.monthlyUsd)} per month`));
    for (const note of cost.notes) card.append(el('p', { class: 'help' }, note));
  }
  const create = el('button', { type: 'button', id: 'createSetup', 'data-option': r.recommended }, icon('add'), ' Create this setup in the embedded engine');
  card.append(create);
  if (setupNote) card.append(el('p', { class: 'setup-note', role: 'status' }, setupNote));

  const table = el('table', { class: 'options' }, el('caption', {}, 'All options'), el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Option'), el('th', { scope: 'col' }, 'Monthly estimate'), el('th', { scope: 'col' }, 'Ruled out by'))));
  const body = el('tbody');
  for (const a of r.assessments) {
    const c = state.costs.find((x) => x.option === a.option);
    const breakdown = c ? c.lines.map((l) => `${l.label} = ${money(l.usd)}`).join('\n') : '';
    body.append(
      el(
        'tr',
        { class: a.option === r.recommended ? 'recommended' : '' },
        el('th', { scope: 'row' }, a.name),
        el('td', { title: breakdown }, c ? `${money(c.monthlyUsd)}${c.notes.length ? ' *' : ''}` : '—'),
        el('td', {}, a.ruledOutBy.length ? a.ruledOutBy.map((x) => questionText.get(x.questionId) ?? x.questionId).join('; ') : 'fits every requirement'),
      ),
    );
  }
  table.append(body);
  const notes = [...new Set(state.costs.flatMap((c) => c.notes))].map((note) => el('p', { class: 'help' }, `* ${note}`));
  result.replaceChildren(card, table, ...notes);
}

let pending: number | undefined;
function onChange(): void {
  if (!definition) return;
  const values = readForm(definition);
  vscode.setState(values);
  setupNote = '';
  // Typing in a number field sends at most one update per 150 ms.
  if (pending !== undefined) clearTimeout(pending);
  pending = window.setTimeout(() => vscode.postMessage({ type: 'update', answers: values.answers, prices: values.prices }), 150);
}

form.addEventListener('change', onChange);
form.addEventListener('input', onChange);
form.addEventListener('submit', (e) => e.preventDefault());
result.addEventListener('click', (e) => {
  const button = (e.target as HTMLElement).closest<HTMLButtonElement>('#createSetup');
  if (!button) return;
  button.disabled = true;
  vscode.postMessage({ type: 'createSetup', option: button.dataset.option as 'kms' });
});

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'init': {
      definition = message.definition;
      const saved = vscode.getState();
      renderForm(message.definition, message.state);
      renderResult(message.state);
      if (saved) vscode.postMessage({ type: 'update', answers: saved.answers, prices: saved.prices });
      break;
    }
    case 'state':
      renderResult(message.state);
      break;
    case 'setupResult':
      setupNote = message.message;
      (document.getElementById('createSetup') as HTMLButtonElement | null)?.removeAttribute('disabled');
      result.querySelector('.setup-note')?.remove();
      result.querySelector('.card')?.append(el('p', { class: `setup-note ${message.ok ? 'ok' : 'failed'}`, role: 'status' }, setupNote));
      break;
  }
});

vscode.postMessage({ type: 'ready' });
