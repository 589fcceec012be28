import { visitorKeys } from 'oxc-parser';
import { type AstNode, isNode } from './ast-node.js';

/**
 * Visits `root` and its descendants depth-first in source order. Returning false from `visit` skips the node's
 * children.
 */
export function walkNodes(root: AstNode, visit: (node: AstNode) => boolean | undefined): void {
  if (visit(root) === false) return;
  // Indexed loops: array iterators allocate until the optimising compiler takes over, and walks run per node.
  const keys = visitorKeys[root.type] ?? [];
  for (let k = 0; k < keys.length; k++) {
    const value = root[keys[k] as string];
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (isNode(item)) walkNodes(item, visit);
      }
    } else if (isNode(value)) {
      walkNodes(value, visit);
    }
  }
}
