import type { Node } from 'web-tree-sitter';

/**
 * A tree-sitter node copied into plain JavaScript: read once through one cursor walk, then free to visit as often
 * as a fingerprint needs without crossing into WebAssembly again.
 */
export interface SyntaxNode {
  readonly type: string;
  /** False for anonymous tokens: keywords, operators, punctuation (their `type` is their text). */
  readonly named: boolean;
  /** The field of its parent this node sits in (`name`, `left`, `attribute`, …), if any. */
  readonly field: string | null;
  /** The source text of leaves (identifiers, strings, numbers); empty for inner nodes. */
  readonly text: string;
  readonly children: readonly SyntaxNode[];
}

/** Node types kept whole as leaves: their text is what matters, not their parts. */
const LEAVES: ReadonlySet<string> = new Set(['identifier', 'string', 'integer', 'float', 'concatenated_string']);

/** Copies `node` and everything below it, comments left out. */
export function syntaxTree(node: Node): SyntaxNode {
  const cursor = node.walk();
  try {
    const copy = (field: string | null): SyntaxNode => {
      const type = cursor.nodeType;
      const named = cursor.nodeIsNamed;
      const leaf = LEAVES.has(type);
      const children: SyntaxNode[] = [];
      if (!leaf && cursor.gotoFirstChild()) {
        do {
          if (cursor.nodeType !== 'comment') children.push(copy(cursor.currentFieldName));
        } while (cursor.gotoNextSibling());
        cursor.gotoParent();
      }
      return { type, named, field, text: leaf ? cursor.nodeText : '', children };
    };
    return copy(null);
  } finally {
    cursor.delete();
  }
}
