import { firstAtOrAfter } from '../sorted-search.js';

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
  let depth = 0;
  let q = firstAtOrAfter(quoted, open, 2);
  for (let i = open; i < end; ) {
    while ((quoted[q] ?? end) < i) q += 2;
    if (i === quoted[q]) {
      i = quoted[q + 1] ?? end;
      q += 2;
      continue;
    }
    const char = source.charCodeAt(i);
    if (char === 0x28 || char === 0x5b || char === 0x7b) depth++;
    else if (char === 0x29 || char === 0x5d || char === 0x7d) {
      if (--depth === 0) return char === 0x29 && i > open + 1 ? [open + 1, i] : undefined;
    }
    i += char === 0x5c ? 2 : 1;
  }
  return undefined;
}
