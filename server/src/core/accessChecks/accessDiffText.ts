// The access diff in words, for the editor: the code lens title and the read-only document. The
// lines come from `accessDiff` (each witnessed by the evaluator); this only frames them.
import type { AccessDiff } from './accessChecks';

/** The code lens title: `Access diff vs HEAD: +2 / −1`, or that nothing changed. */
export function accessDiffLensTitle(diff: Pick<AccessDiff, 'lines'>, against: string): string {
  const added = diff.lines.filter((l) => l.startsWith('+')).length;
  const removed = diff.lines.filter((l) => l.startsWith('-')).length;
  if (!added && !removed) return `No access change vs ${against}`;
  return `Access diff vs ${against}: +${added} / \u2212${removed}`;
}

/** The whole diff as a document: a heading naming both sides, the lines, and how far it looked. */
export function accessDiffDocument(diff: Pick<AccessDiff, 'lines' | 'exhaustive' | 'evaluations'>, referenceName: string, candidateName: string): string {
  const out = [`Access diff: ${referenceName} \u2192 ${candidateName}`, ''];
  if (!diff.lines.length) out.push(`${candidateName} grants the same access as ${referenceName}: no request is allowed by one and not the other.`);
  else out.push(`What ${candidateName} grants that ${referenceName} does not (+), and what it takes away (-):`, '', ...diff.lines);
  out.push('', `${diff.evaluations} request(s) evaluated${diff.exhaustive ? '' : ' (condition classes too many to combine in full: each varied alone)'}.`);
  out.push('Each line is a request the evaluator allowed under one policy and not the other; Simulate access replays it with the full trace.');
  return out.join('\n') + '\n';
}
