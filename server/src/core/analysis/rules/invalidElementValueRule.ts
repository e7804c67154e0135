import Ajv, { type ErrorObject } from 'ajv';
import { findNodeAtLocation } from 'jsonc-parser';
import schema from '../../../../../schemas/key-policy.schema.json';
import { DOCS } from '../../catalog/kmsCuratedFacts';
import { nodeRange } from '../policyEdits';
import type { Rule } from '../rule';

const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
const validate = ajv.compile(schema);

function pathSegments(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function expectation(error: ErrorObject): string {
  const description = (error.parentSchema as { description?: string } | undefined)?.description;
  if (description) return description;
  if (error.keyword === 'type') return `a ${String(error.params['type']).replace(',', ' or ')}`;
  if (error.keyword === 'minItems') return 'a non-empty array';
  if (error.keyword === 'minProperties') return 'a non-empty object';
  return error.message ?? 'valid';
}

/** Errors for which a dedicated rule already reports (missing elements, unknown elements). */
const LEFT_TO_OTHER_RULES = new Set(['required', 'additionalProperties']);

export const invalidElementValueRule: Rule = {
  code: 'INVALID_ELEMENT_VALUE',
  severity: 'error',
  docUrl: DOCS.iamGrammar,
  awsSays: 'The policy grammar gives each element its JSON type: Action, Resource and their Not forms are a string or an array of strings; Principal is "*" or an object; Condition is an object of operators, each an object of keys.',
  check(ctx) {
    const root = ctx.model.root;
    if (!root || root.type !== 'object' || ctx.model.syntaxProblems.length > 0) return;
    if (validate(ctx.model.value)) return;
    const errors = (validate.errors ?? []).filter((e) => !LEFT_TO_OTHER_RULES.has(e.keyword) && e.instancePath !== '');
    // Report the deepest failing values only: a bad Action also fails the Statement's anyOf.
    const paths = new Set(errors.map((e) => e.instancePath));
    const leaves = [...paths].filter((p) => ![...paths].some((q) => q !== p && q.startsWith(p + '/')));
    for (const path of leaves) {
      const atPath = errors.filter((e) => e.instancePath === path);
      const error = atPath.find((e) => e.keyword === 'anyOf') ?? atPath[0]!;
      const segments = pathSegments(path);
      const node = findNodeAtLocation(root, segments);
      if (!node) continue;
      const name = segments.filter((s) => typeof s === 'string').at(-1) ?? 'Statement';
      ctx.report(nodeRange(node), `${name}${typeof segments.at(-1) === 'number' ? ` item ${(segments.at(-1) as number) + 1}` : ''} must be ${expectation(error)}: KMS rejects the policy.`);
    }
  },
};
