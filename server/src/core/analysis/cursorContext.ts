// Where a cursor sits in a policy, as a JSON path plus what is under it: the hover and
// completion providers key their help on these paths (["Statement", 2, "Action", 0]).
import { findNodeAtOffset, getLocation, getNodePath, type Node as JsonNode } from 'jsonc-parser';
import type { PolicyModel, StatementModel } from '../policy/policyModel';

export interface CursorContext {
  /** JSON path to the value or property at the cursor. */
  readonly path: readonly (string | number)[];
  /** The cursor is on a property name (or where one would be typed). */
  readonly isPropertyKey: boolean;
  /** The string/number/boolean node at the cursor, when any. */
  readonly node?: JsonNode;
  /** The statement the cursor is in, when any. */
  readonly statement?: StatementModel;
  /** The path relative to the statement (e.g. ["Action", 0]). */
  readonly inStatement?: readonly (string | number)[];
}

export function cursorContext(model: PolicyModel, offset: number): CursorContext {
  // No tree (empty or hopelessly nested text): nothing to locate, and no re-parse of it.
  if (!model.root) return { path: [], isPropertyKey: false };
  let node: JsonNode | undefined;
  const found = findNodeAtOffset(model.root, offset, true);
  if (found && (found.type === 'string' || found.type === 'number' || found.type === 'boolean')) node = found;
  // A policy inside a template: its text is not JSON, so the path comes from the tree.
  const location = model.embedded
    ? { path: found ? getNodePath(found) : [], isAtPropertyKey: !!found && found.parent?.type === 'property' && found.parent.children?.[0] === found }
    : getLocation(model.text, offset);
  const path = location.path;
  let statement: StatementModel | undefined;
  let inStatement: (string | number)[] | undefined;
  if (path[0] === 'Statement') {
    if (typeof path[1] === 'number') {
      statement = model.statements.find((s) => s.path[1] === path[1]);
      inStatement = path.slice(2);
    } else if (path.length >= 1) {
      statement = model.statements.find((s) => s.path.length === 1);
      inStatement = path.slice(1);
    }
  }
  return { path, isPropertyKey: location.isAtPropertyKey, node, statement, inStatement };
}
