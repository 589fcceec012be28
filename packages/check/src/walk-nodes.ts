import { visitorKeys } from 'oxc-parser';
import { type AstNode, isNode } from './ast-node.js';

/**
 * Visits `root` and its descendants depth-first in source order. Returning false from `visit` skips the node's
 * children.
 */
export function walkNodes(root: AstNode, visit: (node: AstNode) => boolean | undefined): void {
  if (visit(root) === false) return;
  for (const key of visitorKeys[root.type] ?? []) {
    const value = root[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) walkNodes(item, visit);
    } else if (isNode(value)) {
      walkNodes(value, visit);
    }
  }
}
