// Parses policy text into a PolicyModel with jsonc-parser, tolerating broken JSON: whatever
// parses is modelled, and every syntax error is reported with its range.
import {
  findNodeAtLocation,
  getNodeValue,
  parseTree,
  printParseErrorCode,
  type Node as JsonNode,
  type ParseError,
} from 'jsonc-parser';
import type {
  ConditionEntry,
  ConditionScalar,
  EmbeddedPolicy,
  Located,
  PolicyModel,
  PrincipalElement,
  PrincipalEntry,
  PrincipalType,
  SourceRange,
  StatementModel,
} from './policyModel';

const PRINCIPAL_TYPES: ReadonlySet<string> = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);

export function rangeOf(node: JsonNode): SourceRange {
  return { start: node.offset, end: node.offset + node.length };
}

function located<T>(value: T, node: JsonNode): Located<T> {
  return { value, range: rangeOf(node) };
}

function describeParseError(error: ParseError): string {
  const code = printParseErrorCode(error.error);
  // "PropertyNameExpected" -> "Property name expected"
  const words = code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Property node (key + value) of an object, by exact name. */
function property(object: JsonNode, name: string): JsonNode | undefined {
  if (object.type !== 'object') return undefined;
  return object.children?.find((p) => p.children?.[0]?.value === name);
}

function propertyValue(object: JsonNode, name: string): JsonNode | undefined {
  return property(object, name)?.children?.[1];
}

function propertyNames(object: JsonNode): Located<string>[] {
  if (object.type !== 'object') return [];
  const names: Located<string>[] = [];
  for (const p of object.children ?? []) {
    const keyNode = p.children?.[0];
    if (keyNode && typeof keyNode.value === 'string') names.push(located(keyNode.value, keyNode));
  }
  return names;
}

/** A string or an array of strings; anything else yields undefined (reported as malformed). */
function stringList(node: JsonNode | undefined): Located<string>[] | undefined {
  if (!node) return undefined;
  if (node.type === 'string') return [located(node.value as string, node)];
  if (node.type === 'array') {
    const items: Located<string>[] = [];
    for (const child of node.children ?? []) {
      if (child.type !== 'string') return undefined;
      items.push(located(child.value as string, child));
    }
    return items;
  }
  return undefined;
}

function parsePrincipal(node: JsonNode | undefined): PrincipalElement | undefined {
  if (!node) return undefined;
  if (node.type === 'string') {
    return {
      range: rangeOf(node),
      isBareWildcard: node.value === '*',
      entries: [{ type: '*', value: located(node.value as string, node) }],
      unknownTypes: [],
    };
  }
  if (node.type !== 'object') return undefined;
  const entries: PrincipalEntry[] = [];
  const unknownTypes: Located<string>[] = [];
  for (const p of node.children ?? []) {
    const keyNode = p.children?.[0];
    const valueNode = p.children?.[1];
    if (!keyNode || typeof keyNode.value !== 'string') continue;
    if (!PRINCIPAL_TYPES.has(keyNode.value)) {
      unknownTypes.push(located(keyNode.value, keyNode));
      continue;
    }
    for (const value of stringList(valueNode) ?? []) {
      entries.push({ type: keyNode.value as PrincipalType, value });
    }
  }
  return { range: rangeOf(node), isBareWildcard: false, entries, unknownTypes };
}

function conditionValues(node: JsonNode): Located<ConditionScalar>[] {
  const scalar = (n: JsonNode): Located<ConditionScalar> | undefined =>
    n.type === 'string' || n.type === 'number' || n.type === 'boolean'
      ? located(n.value as ConditionScalar, n)
      : undefined;
  if (node.type === 'array') {
    return (node.children ?? []).map(scalar).filter((v): v is Located<ConditionScalar> => !!v);
  }
  const single = scalar(node);
  return single ? [single] : [];
}

function parseCondition(node: JsonNode | undefined): ConditionEntry[] | undefined {
  if (!node || node.type !== 'object') return undefined;
  const entries: ConditionEntry[] = [];
  for (const operatorProperty of node.children ?? []) {
    const operatorNode = operatorProperty.children?.[0];
    const block = operatorProperty.children?.[1];
    if (!operatorNode || typeof operatorNode.value !== 'string' || !block || block.type !== 'object') continue;
    for (const keyProperty of block.children ?? []) {
      const keyNode = keyProperty.children?.[0];
      const valueNode = keyProperty.children?.[1];
      if (!keyNode || typeof keyNode.value !== 'string' || !valueNode) continue;
      entries.push({
        operator: located(operatorNode.value, operatorNode),
        key: located(keyNode.value, keyNode),
        values: conditionValues(valueNode),
        valueRange: rangeOf(valueNode),
      });
    }
  }
  return entries;
}

function parseStatement(node: JsonNode, index: number, path: (string | number)[]): StatementModel {
  const malformed: Located<string>[] = [];
  const list = (name: string): Located<string>[] | undefined => {
    const valueNode = propertyValue(node, name);
    if (!valueNode) return undefined;
    const items = stringList(valueNode);
    if (!items) malformed.push(located(name, valueNode));
    return items;
  };
  const single = (name: string): Located<string> | undefined => {
    const valueNode = propertyValue(node, name);
    if (!valueNode) return undefined;
    if (valueNode.type !== 'string') {
      malformed.push(located(name, valueNode));
      return undefined;
    }
    return located(valueNode.value as string, valueNode);
  };
  const principalNode = propertyValue(node, 'Principal');
  const notPrincipalNode = propertyValue(node, 'NotPrincipal');
  const conditionNode = propertyValue(node, 'Condition');
  const principal = parsePrincipal(principalNode);
  const notPrincipal = parsePrincipal(notPrincipalNode);
  if (principalNode && !principal) malformed.push(located('Principal', principalNode));
  if (notPrincipalNode && !notPrincipal) malformed.push(located('NotPrincipal', notPrincipalNode));
  const condition = parseCondition(conditionNode);
  if (conditionNode && !condition) malformed.push(located('Condition', conditionNode));
  return {
    index,
    range: rangeOf(node),
    path,
    sid: single('Sid'),
    effect: single('Effect'),
    principal,
    notPrincipal,
    action: list('Action'),
    notAction: list('NotAction'),
    resource: list('Resource'),
    notResource: list('NotResource'),
    condition,
    conditionRange: conditionNode ? rangeOf(conditionNode) : undefined,
    elementNames: propertyNames(node),
    malformedElements: malformed,
    node,
  };
}

/** Deeper than any policy; past it the recursive JSON parser would exhaust the stack. */
export const MAX_NESTING_DEPTH = 128;

/** The offset where brackets first nest deeper than `limit`, if they do (the JSON parser recurses per level). */
export function excessiveNestingAt(text: string, limit = MAX_NESTING_DEPTH): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > limit) return i;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return undefined;
}

export function parseKeyPolicy(text: string): PolicyModel {
  const tooDeep = excessiveNestingAt(text);
  if (tooDeep !== undefined) {
    const problem = { message: `Nested more than ${MAX_NESTING_DEPTH} levels deep; a policy never is`, range: { start: tooDeep, end: tooDeep + 1 } };
    return { text, root: undefined, syntaxProblems: [problem], value: undefined, statements: [], elementNames: [] };
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  // At least one character wide so editors can show it, but never past the end of the text.
  const syntaxProblems = errors.map((e) => {
    const start = Math.min(e.offset, text.length);
    return { message: describeParseError(e), range: { start, end: Math.min(text.length, start + Math.max(e.length, 1)) } };
  });
  return buildPolicyModel(text, root, syntaxProblems);
}

/**
 * The model of a policy whose tree is already parsed: a standalone document's, or one a
 * template front-end built from the policy inside a CloudFormation template (then `text` is
 * the whole template and `embedded` says so).
 */
export function buildPolicyModel(text: string, root: JsonNode | undefined, syntaxProblems: PolicyModel['syntaxProblems'], embedded?: EmbeddedPolicy): PolicyModel {
  if (!root) {
    return { text, root, syntaxProblems, value: undefined, statements: [], elementNames: [], ...(embedded ? { embedded } : {}) };
  }
  const versionNode = propertyValue(root, 'Version');
  const idNode = propertyValue(root, 'Id');
  const statementNode = root.type === 'object' ? findNodeAtLocation(root, ['Statement']) : undefined;
  const statements: StatementModel[] = [];
  if (statementNode?.type === 'object') {
    statements.push(parseStatement(statementNode, 0, ['Statement']));
  } else if (statementNode?.type === 'array') {
    (statementNode.children ?? []).forEach((child, i) => {
      if (child.type === 'object') statements.push(parseStatement(child, i, ['Statement', i]));
    });
  }
  return {
    text,
    root,
    syntaxProblems,
    value: getNodeValue(root),
    version: versionNode?.type === 'string' ? located(versionNode.value as string, versionNode) : undefined,
    id: idNode?.type === 'string' ? located(idNode.value as string, idNode) : undefined,
    statementElement: statementNode ? rangeOf(statementNode) : undefined,
    statements,
    elementNames: propertyNames(root),
    ...(embedded ? { embedded } : {}),
  };
}
