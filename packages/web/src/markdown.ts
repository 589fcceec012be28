/**
 * A small Markdown renderer that is safe by construction: it builds a tree of a few known elements whose text is
 * only ever set as text, never parsed as HTML. Raw HTML in the source stays visible text; a link is kept only when
 * its URL is http(s) or mailto (a `javascript:` or `data:` link becomes plain text). No image is ever loaded.
 *
 * Supported: paragraphs, `#` headings, fenced code blocks, `-`/`*`/`1.` lists, `>` quotes, `---` rules, inline
 * `code`, **strong**, *emphasis*, [links](https://…) and bare https:// URLs.
 */

export type MdNode = string | MdElement;
export interface MdElement {
  tag:
    | 'p'
    | 'h1'
    | 'h2'
    | 'h3'
    | 'h4'
    | 'pre'
    | 'code'
    | 'ul'
    | 'ol'
    | 'li'
    | 'blockquote'
    | 'hr'
    | 'strong'
    | 'em'
    | 'a';
  href?: string;
  children: MdNode[];
}

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** The URL if it is safe to link to, else `undefined`. Relative URLs are refused too: answers link out, not in. */
export function safeHref(raw: string): string | undefined {
  const trimmed = raw.trim();
  // Control characters and whitespace inside a scheme (`java\tscript:`) are how filters are fooled; refuse them.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find control characters
  if (/[\u0000-\u001f\u007f\s]/.test(trimmed)) return undefined;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return undefined;
  }
  return SAFE_PROTOCOLS.has(url.protocol) ? url.href : undefined;
}

/** Parses Markdown into a tree of block elements. */
export function parseMarkdown(source: string): MdElement[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: MdElement[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trimStart().startsWith(fence[1]!)) body.push(lines[i++]!);
      i++;
      blocks.push({ tag: 'pre', children: [{ tag: 'code', children: [body.join('\n')] }] });
      continue;
    }
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    if (heading) {
      blocks.push({ tag: `h${heading[1]!.length}` as MdElement['tag'], children: parseInline(heading[2]!) });
      i++;
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      blocks.push({ tag: 'hr', children: [] });
      i++;
      continue;
    }
    if (/^\s*>/.test(line)) {
      const quoted: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i]!)) quoted.push(lines[i++]!.replace(/^\s*>\s?/, ''));
      blocks.push({ tag: 'blockquote', children: parseMarkdown(quoted.join('\n')) });
      continue;
    }
    const bullet = /^\s*([-*+]|\d{1,9}[.)])\s+/.exec(line);
    if (bullet) {
      const ordered = /\d/.test(bullet[1]!);
      const items: MdElement[] = [];
      while (i < lines.length) {
        const item = /^\s*([-*+]|\d{1,9}[.)])\s+(.*)$/.exec(lines[i]!);
        if (item === null || /\d/.test(item[1]!) !== ordered) break;
        const text = [item[2]!];
        i++;
        // Indented continuation lines belong to the item.
        while (i < lines.length && /^\s{2,}\S/.test(lines[i]!) && !/^\s*([-*+]|\d{1,9}[.)])\s+/.test(lines[i]!))
          text.push(lines[i++]!.trim());
        items.push({ tag: 'li', children: parseInline(text.join(' ')) });
      }
      blocks.push({ tag: ordered ? 'ol' : 'ul', children: items });
      continue;
    }
    const para: string[] = [];
    while (
      i < lines.length &&
      lines[i]!.trim() !== '' &&
      !/^\s*(```|~~~|#{1,4}\s|>|([-*+]|\d{1,9}[.)])\s+)/.test(lines[i]!)
    )
      para.push(lines[i++]!);
    if (para.length === 0) para.push(lines[i++]!);
    blocks.push({ tag: 'p', children: parseInline(para.join('\n')) });
  }
  return blocks;
}

/** Underscores mark emphasis only at word edges: `snake_case` and `__proto__`-like names stay as they are. */
function underscoreFlanks(text: string, start: number, length: number): boolean {
  return !/\w/.test(text[start - 1] ?? '') && !/\w/.test(text[start + length] ?? '');
}

/** Parses inline Markdown: code spans first (their content is literal), then links, strong, emphasis, bare URLs. */
export function parseInline(text: string): MdNode[] {
  const out: MdNode[] = [];
  let plain = '';
  const flush = (): void => {
    if (plain !== '') out.push(plain);
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const code = /^(`+)([\s\S]*?[^`])\1(?!`)/.exec(rest);
    if (code) {
      flush();
      out.push({ tag: 'code', children: [code[2]!.trim()] });
      i += code[0].length;
      continue;
    }
    const link = /^\[([^\]\n]{1,500})\]\(\s*((?:[^()\s]|\([^()\s]*\)){1,2000})(?:\s+"[^"]*")?\s*\)/.exec(rest);
    if (link) {
      flush();
      const href = safeHref(link[2]!);
      // An unsafe link keeps its text but loses its target.
      if (href === undefined) out.push(...parseInline(link[1]!));
      else out.push({ tag: 'a', href, children: parseInline(link[1]!) });
      i += link[0].length;
      continue;
    }
    const strong = /^(\*\*|__)(?=\S)([\s\S]*?\S)\1/.exec(rest);
    if (strong && (strong[1] === '**' || underscoreFlanks(text, i, strong[0].length))) {
      flush();
      out.push({ tag: 'strong', children: parseInline(strong[2]!) });
      i += strong[0].length;
      continue;
    }
    const em = /^(\*|_)(?=\S)([\s\S]*?\S)\1(?!\1)/.exec(rest);
    if (em && (em[1] === '*' || underscoreFlanks(text, i, em[0].length))) {
      flush();
      out.push({ tag: 'em', children: parseInline(em[2]!) });
      i += em[0].length;
      continue;
    }
    const bare = /^https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"]/.exec(rest);
    if (bare && !/\w/.test(text[i - 1] ?? '')) {
      const href = safeHref(bare[0]);
      if (href !== undefined) {
        flush();
        out.push({ tag: 'a', href, children: [bare[0]] });
        i += bare[0].length;
        continue;
      }
    }
    plain += text[i];
    i++;
  }
  flush();
  return out;
}

/** Builds DOM nodes for a parsed tree: elements by name, text only through text nodes. */
export function toDom(nodes: readonly MdNode[], doc: Document = document): Node[] {
  return nodes.map((node) => {
    if (typeof node === 'string') return doc.createTextNode(node);
    const element = doc.createElement(node.tag);
    if (node.tag === 'a' && node.href !== undefined) {
      element.setAttribute('href', node.href);
      element.setAttribute('rel', 'noopener noreferrer nofollow');
      element.setAttribute('target', '_blank');
    }
    element.append(...toDom(node.children, doc));
    return element;
  });
}

/** Replaces `target`'s content with the rendered Markdown. */
export function renderMarkdown(target: Element, source: string): void {
  target.replaceChildren(...toDom(parseMarkdown(source), target.ownerDocument));
}
