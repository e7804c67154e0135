// Builds the text edits quick fixes carry: replace an element's value, add a statement,
// add a condition. Indentation follows the document's own.
import { findNodeAtOffset, type Node as JsonNode } from 'jsonc-parser';
import type { PolicyModel, SourceRange, StatementModel } from '../policy/policyModel';
import type { OffsetEdit } from './analysisTypes';

export function propertyNode(object: JsonNode, name: string): JsonNode | undefined {
  if (object.type !== 'object') return undefined;
  return object.children?.find((p) => p.children?.[0]?.value === name);
}

export function elementValueNode(object: JsonNode, name: string): JsonNode | undefined {
  return propertyNode(object, name)?.children?.[1];
}

export function nodeRange(node: JsonNode): SourceRange {
  return { start: node.offset, end: node.offset + node.length };
}

function lineIndentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/** The document's indentation unit: the first indented line's leading whitespace (2 spaces when none). */
export function indentUnit(text: string): string {
  const m = /\n([ \t]+)\S/.exec(text);
  return m ? m[1]! : '  ';
}

/** JSON of `value`, pretty-printed with `unit`, every line after the first prefixed by `baseIndent`. */
export function jsonAt(value: unknown, unit: string, baseIndent: string): string {
  return JSON.stringify(value, null, unit).split('\n').join(`\n${baseIndent}`);
}

/** Appends a statement to the Statement array; undefined when the policy has no array to append to. */
export function appendStatementEdit(model: PolicyModel, statement: unknown): OffsetEdit | undefined {
  const root = model.root;
  if (!root || root.type !== 'object') return undefined;
  const unit = indentUnit(model.text);
  const array = elementValueNode(root, 'Statement');
  if (!array) {
    const last = root.children?.at(-1);
    const indent = unit;
    const text = `"Statement": [\n${indent}${unit}${jsonAt(statement, unit, indent + unit)}\n${indent}]`;
    if (!last) return { range: { start: root.offset + 1, end: root.offset + 1 }, newText: `\n${indent}${text}\n` };
    const end = last.offset + last.length;
    return { range: { start: end, end }, newText: `,\n${indent}${text}` };
  }
  if (array.type !== 'array') return undefined;
  const lastStatement = array.children?.at(-1);
  if (!lastStatement) {
    const indent = lineIndentAt(model.text, array.offset) + unit;
    return { range: { start: array.offset + 1, end: array.offset + 1 }, newText: `\n${indent}${jsonAt(statement, unit, indent)}\n${lineIndentAt(model.text, array.offset)}` };
  }
  const indent = lineIndentAt(model.text, lastStatement.offset);
  const end = lastStatement.offset + lastStatement.length;
  return { range: { start: end, end }, newText: `,\n${indent}${jsonAt(statement, unit, indent)}` };
}

/** Adds `"operator": {"key": values}` to a statement's Condition, creating what is missing. */
export function addConditionEdit(
  model: PolicyModel,
  statement: StatementModel,
  operator: string,
  key: string,
  values: unknown,
): OffsetEdit | undefined {
  const unit = indentUnit(model.text);
  const node = statement.node;
  const lastProperty = node.children?.at(-1);
  if (!lastProperty) return undefined;
  const propertyIndent = lineIndentAt(model.text, lastProperty.offset);
  const condition = elementValueNode(node, 'Condition');
  if (!condition) {
    const end = lastProperty.offset + lastProperty.length;
    const text = `"Condition": ${jsonAt({ [operator]: { [key]: values } }, unit, propertyIndent)}`;
    return { range: { start: end, end }, newText: `,\n${propertyIndent}${text}` };
  }
  if (condition.type !== 'object') return undefined;
  const block = elementValueNode(condition, operator);
  if (block?.type === 'object' && block.children?.length) {
    const last = block.children.at(-1)!;
    const indent = lineIndentAt(model.text, last.offset);
    const end = last.offset + last.length;
    return { range: { start: end, end }, newText: `,\n${indent}${JSON.stringify(key)}: ${jsonAt(values, unit, indent)}` };
  }
  if (block) return undefined;
  const lastOperator = condition.children?.at(-1);
  if (!lastOperator) {
    const indent = propertyIndent + unit;
    return {
      range: { start: condition.offset + 1, end: condition.offset + 1 },
      newText: `\n${indent}${JSON.stringify(operator)}: ${jsonAt({ [key]: values }, unit, indent)}\n${propertyIndent}`,
    };
  }
  const indent = lineIndentAt(model.text, lastOperator.offset);
  const end = lastOperator.offset + lastOperator.length;
  return { range: { start: end, end }, newText: `,\n${indent}${JSON.stringify(operator)}: ${jsonAt({ [key]: values }, unit, indent)}` };
}

/** Removes the array item at `range` with its separating comma; undefined when it is not in an array of two or more. */
export function removeArrayItemEdit(model: PolicyModel, range: SourceRange): OffsetEdit | undefined {
  if (!model.root) return undefined;
  const node = findNodeAtOffset(model.root, range.start, true);
  const array = node?.parent;
  if (!node || array?.type !== 'array' || !array.children || array.children.length < 2) return undefined;
  const items = array.children;
  const index = items.indexOf(node);
  if (index < 0) return undefined;
  const end = node.offset + node.length;
  if (index < items.length - 1) return { range: { start: node.offset, end: items[index + 1]!.offset }, newText: '' };
  const previous = items[index - 1]!;
  return { range: { start: previous.offset + previous.length, end }, newText: '' };
}
