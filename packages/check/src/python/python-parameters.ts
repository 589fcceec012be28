import { COMMENT_START, END_OF_CODE, PythonCodeWalk } from './python-code-walk.js';

/** The name of a function and the spaces after it, up to its `(`. */
const NAME_TO_PARENTHESIS = /[ \t]*[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*[ \t]*\(/y;

/**
 * The inside of a function's parameter list, `[start, end)` between its parentheses, for the skeleton to leave out:
 * no fact reads a function's parameters but where the list starts and ends (the sketch reads them from the source),
 * and `def f():` parses with less than half the work of a long list. Undefined when the header is not `def name(`…`)`
 * with balanced brackets before the end of its logical line, or the list is empty.
 *
 * @param afterDef - where the name follows `def`
 * @param end - where the header's logical line ends
 * @param quoted - the strings and comments found so far, flattened and ascending (see `scanPython`)
 */
export function parameterListCut(
  source: string,
  afterDef: number,
  end: number,
  quoted: readonly number[],
): readonly [number, number] | undefined {
  NAME_TO_PARENTHESIS.lastIndex = afterDef;
  if (!NAME_TO_PARENTHESIS.test(source)) return undefined;
  const open = NAME_TO_PARENTHESIS.lastIndex - 1;
  const walk = new PythonCodeWalk(source, open, end, quoted);
  for (let char = walk.next(); char !== END_OF_CODE; char = walk.next()) {
    // Back at depth 0: the bracket that closes the one opened at `open` (a comment inside the list is passed over).
    if (walk.depth === 0 && char !== COMMENT_START) {
      return char === 0x29 && walk.at > open + 1 ? [open + 1, walk.at] : undefined;
    }
  }
  return undefined;
}
