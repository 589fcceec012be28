/**
 * The text after `tag` in the comments that mark the statement starting on the line at `lineStart`: the block of
 * `#` comment lines directly above it, or a comment at the end of its own first line (`class Tracker:  # @factoryOnly`).
 * Undefined when no such comment has the tag.
 *
 * @example
 * markerText('# @factoryOnly ./factory.py\nclass Tracker: ...', 28, '@factoryOnly'); // ' ./factory.py'
 */
export function markerText(source: string, lineStart: number, tag: string): string | undefined {
  const lineEnd = source.indexOf('\n', lineStart);
  const own = source.slice(lineStart, lineEnd === -1 ? source.length : lineEnd);
  const trailing = afterTag(own.slice(own.indexOf('#') + 1), tag, own.includes('#'));
  if (trailing !== undefined) return trailing;
  let end = lineStart - 1;
  while (end > 0) {
    const start = source.lastIndexOf('\n', end - 1) + 1;
    const line = source.slice(start, end).trim();
    if (!line.startsWith('#')) return undefined;
    const found = afterTag(line.slice(1), tag, true);
    if (found !== undefined) return found;
    end = start - 1;
  }
  return undefined;
}

function afterTag(comment: string, tag: string, isComment: boolean): string | undefined {
  if (!isComment) return undefined;
  const at = comment.indexOf(tag);
  if (at === -1 || /[\w-]/.test(comment.charAt(at + tag.length))) return undefined;
  return comment.slice(at + tag.length);
}
