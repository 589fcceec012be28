import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type MdNode, parseInline, parseMarkdown, safeHref } from '../src/markdown.js';

/** Every link target in a tree. */
function hrefs(nodes: readonly MdNode[]): string[] {
  return nodes.flatMap((n) =>
    typeof n === 'string' ? [] : [...(n.href === undefined ? [] : [n.href]), ...hrefs(n.children)],
  );
}
/** All text of a tree. */
function text(nodes: readonly MdNode[]): string {
  return nodes.map((n) => (typeof n === 'string' ? n : text(n.children))).join('');
}

describe('the chat page Markdown renderer', () => {
  it('keeps raw HTML as visible text, never as elements', () => {
    const tree = parseMarkdown('Look: <img src=x onerror=alert(1)> and <script>alert(2)</script>');
    assert.deepEqual(tree, [
      { tag: 'p', children: ['Look: <img src=x onerror=alert(1)> and <script>alert(2)</script>'] },
    ]);
  });

  it('drops the target of javascript:, data: and obfuscated links but keeps their text', () => {
    for (const target of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,x',
      'java\tscript:x',
      '/relative',
      'vbscript:x',
    ]) {
      const tree = parseInline(`[click](${target})`);
      assert.deepEqual(hrefs(tree), [], target);
      if (!target.includes('\t')) assert.equal(text(tree), 'click');
    }
    assert.equal(safeHref(' javascript:alert(1)'), undefined);
  });

  it('links http(s) and mailto targets, and bare https URLs', () => {
    assert.deepEqual(hrefs(parseInline('[docs](https://example.com/a?b=1) and mail [me](mailto:a@b.c)')), [
      'https://example.com/a?b=1',
      'mailto:a@b.c',
    ]);
    assert.deepEqual(hrefs(parseInline('see https://example.com/x.')), ['https://example.com/x']);
  });

  it('renders headings, lists, code, quotes, strong and emphasis', () => {
    const tree = parseMarkdown(
      '# Title\n\n- one **bold**\n- two *em*\n\n1. first\n2. second\n\n```\nconst a = `<b>`;\n```\n\n> quoted `x`',
    );
    assert.deepEqual(
      tree.map((b) => b.tag),
      ['h1', 'ul', 'ol', 'pre', 'blockquote'],
    );
    assert.deepEqual(tree[1], {
      tag: 'ul',
      children: [
        { tag: 'li', children: ['one ', { tag: 'strong', children: ['bold'] }] },
        { tag: 'li', children: ['two ', { tag: 'em', children: ['em'] }] },
      ],
    });
    assert.deepEqual(tree[3], { tag: 'pre', children: [{ tag: 'code', children: ['const a = `<b>`;'] }] });
    assert.deepEqual(parseInline('window.__pwned=1 and window.__pwned=2'), ['window.__pwned=1 and window.__pwned=2']);
    assert.deepEqual(parseInline('a __b__ c'), ['a ', { tag: 'strong', children: ['b'] }, ' c']);
    assert.deepEqual(parseInline('a `**not bold**` b'), ['a ', { tag: 'code', children: ['**not bold**'] }, ' b']);
  });
});
