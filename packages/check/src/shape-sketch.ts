import { shortHash } from './short-hash.js';

/**
 * Every word but a reserved one becomes `$`, so renaming cannot change a sketch. Reserved words are never a
 * binding's name, so they are kept. (Member names are kept by the exact shape but not here: by text alone `a.B`
 * in a type, whose `B` the exact shape renames, cannot be told from a member access.)
 */
const RENAMABLE_WORD = new RegExp(
  String.raw`(?<![\w$#\u0080-\uffff])` +
    String.raw`(?!(?:break|case|catch|class|const|continue|debugger|default|delete|do|else|export|extends|false|finally|for|function|if|import|in|instanceof|new|null|return|super|switch|this|throw|true|try|typeof|var|void|while|with)(?![\w$\u0080-\uffff]))` +
    String.raw`[A-Za-z_$#\u0080-\uffff][\w$\u0080-\uffff]*`,
  'g',
);

/**
 * String and number literals (roughly: quotes in comments and regular expressions are taken for strings, the same
 * way in every copy): a sketch ignores constants, as the type-2 comparison does.
 */
const LITERAL = /'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|(?<![\w$])\.?\d[\w.]*/g;

/**
 * Comments (roughly: a `//` or `/*` inside a string is taken for one too, the same way in every copy), layout, and
 * the punctuation the syntax tree does not keep (parentheses, commas, semicolons).
 */
const COMMENT_OR_LAYOUT = /\/\/[^\n]*|\/\*[\s\S]*?\*\/|[\s(),;]+/g;

/**
 * A coarse fingerprint of code, read from its text without parsing: comments, layout, parentheses, commas and
 * semicolons dropped, string and number literals made `0`, every renamable word made `$`. Code whose syntax trees are equal after renaming has equal
 * sketches, so only declarations whose sketches collide need their exact shape (see `exactShape`); most have none
 * in common.
 *
 * @param ranges - `[start, end)` offsets of the parts of `source` that make up the shape, in order
 */
export function shapeSketch(source: string, ranges: readonly (readonly [number, number])[]): string {
  let sketched = '';
  for (const [start, end] of ranges) {
    // Literals, then words: neither holds a line break, and a `//` or `/*` left after them starts a comment.
    const text = source
      .slice(start, end)
      .replace(LITERAL, '0')
      .replace(RENAMABLE_WORD, '$')
      .replace(COMMENT_OR_LAYOUT, '');
    sketched += `|${text}`;
  }
  return shortHash(sketched);
}
