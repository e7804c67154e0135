// Reads a `*.kms-scenario.json` text: JSON syntax errors and schema errors come back as issues
// with the JSON path and source range of each; a valid scenario comes back with its policies
// wrapped with their text, so the trace can point at statements in the scenario file.
import Ajv, { type ValidateFunction } from 'ajv';
import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import scenarioSchema from '../../../../schemas/scenario.schema.json';
import { convertedMembers, fromAwsCliShapes } from './awsCliShapes';
import { formatPath, validateWithSchema, type JsonIssue } from './jsonSchemaIssues';
import type { AccessScenario, NamedPolicy, OrganizationPolicyLevel } from './scenario';

let validator: ValidateFunction | undefined;

function scenarioValidator(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, strict: false, verbose: true }).compile(scenarioSchema);
  return validator;
}

/** Schema issues of a parsed scenario value (empty when valid). */
export function validateScenario(value: unknown): JsonIssue[] {
  return validateWithSchema(scenarioValidator(), fromAwsCliShapes(value));
}

export interface ScenarioParseResult {
  /** Present only when the text is valid JSON and the scenario passes the schema. */
  readonly scenario?: AccessScenario;
  readonly issues: readonly JsonIssue[];
  /** Things that make a valid scenario answer differently than its author probably meant. */
  readonly warnings?: readonly JsonIssue[];
}

/** Parts of a valid scenario that cannot do what they seem to: a request for another key, a grant for another key. */
function scenarioWarnings(scenario: AccessScenario, root: JsonNode): JsonIssue[] {
  const warnings: JsonIssue[] = [];
  const warn = (pointer: (string | number)[], message: string): void => {
    const node = findNodeAtLocation(root, pointer);
    warnings.push({ path: formatPath(pointer), pointer, message: `${formatPath(pointer)}: ${message}`, range: node ? { start: node.offset, end: node.offset + node.length } : undefined });
  };
  const { request, key } = scenario;
  if (request.resource !== key.arn) warn(['request', 'resource'], `names a different key than key.arn (${key.arn}); the answer will be NotFoundException`);
  if (request.region && request.region !== key.region && !request.keyIdAsGiven?.startsWith('arn:')) {
    warn(['request', 'region'], `the key is in ${key.region}; a key id or alias resolves only in the caller's Region`);
  }
  (scenario.grants ?? []).forEach((grant, i) => {
    if (grant.keyArn !== key.arn) warn(['grants', i, 'keyArn'], 'is not key.arn; this grant never applies to the request');
  });
  return warnings;
}

function describeSyntax(error: ParseError): string {
  return printParseErrorCode(error.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function wrap(document: unknown, name: string, text: string, source: string | undefined, pointer: (string | number)[]): NamedPolicy {
  return { name, document, sourceText: text, source, sourcePointer: pointer };
}

/** Parses and validates scenario text. `source` (a path or URI) is recorded for the trace. */
export function parseScenarioText(text: string, source?: string): ScenarioParseResult {
  if (!text.trim()) {
    return { issues: [{ path: '', pointer: [], message: 'the file is empty; a scenario is a JSON object with request, key and keyPolicy', range: { start: 0, end: 0 } }] };
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length || !root) {
    const issues: JsonIssue[] = errors.map((e) => ({
      path: '',
      pointer: [],
      message: `JSON syntax: ${describeSyntax(e)} at offset ${e.offset}`,
      range: { start: e.offset, end: e.offset + Math.max(1, e.length) },
    }));
    if (!issues.length) issues.push({ path: '', pointer: [], message: 'the file is not a JSON object', range: { start: 0, end: 0 } });
    return { issues };
  }
  const written = getNodeValue(root) as unknown;
  // Pasted `aws kms describe-key` / `get-key-policy` / `list-grants` output counts as written in our shape.
  const value = fromAwsCliShapes(written);
  const converted = convertedMembers(written);
  const issues = validateWithSchema(scenarioValidator(), value, root);
  if (issues.length) return { issues };
  const raw = value as AccessScenario;
  const levels = (list: readonly OrganizationPolicyLevel[] | undefined, field: string, label: string): OrganizationPolicyLevel[] | undefined =>
    list?.map((level, i) => ({
      orgIdentifier: level.orgIdentifier,
      policies: level.policies.map((p, j) => wrap(p, `${label} ${j + 1} at ${level.orgIdentifier}`, text, source, [field, i, 'policies', j])),
    }));
  const scenario: AccessScenario = {
    ...raw,
    keyPolicy: converted.keyPolicy ? { name: 'key policy', document: raw.keyPolicy, source } : wrap(raw.keyPolicy, 'key policy', text, source, ['keyPolicy']),
    identityPolicies: raw.identityPolicies?.map((p, i) => wrap(p, `identity policy ${i + 1}`, text, source, ['identityPolicies', i])),
    permissionBoundary: raw.permissionBoundary ? wrap(raw.permissionBoundary, 'permissions boundary', text, source, ['permissionBoundary']) : raw.permissionBoundary,
    sessionPolicy: raw.sessionPolicy ? wrap(raw.sessionPolicy, 'session policy', text, source, ['sessionPolicy']) : raw.sessionPolicy,
    serviceControlPolicies: levels(raw.serviceControlPolicies, 'serviceControlPolicies', 'SCP'),
    resourceControlPolicies: levels(raw.resourceControlPolicies, 'resourceControlPolicies', 'RCP'),
  };
  return { scenario, issues: [], warnings: scenarioWarnings(raw, root) };
}
