import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONTENT_RULES } from '../../src/quality/content-rules.js';
import { validateContent } from '../../src/quality/content-validator.js';

/** The issues of one rule for a content. */
function issues(rule: string, content: string, options: { contentType?: string; strict?: boolean } = {}) {
  return validateContent({ content, ...options }).issues.filter((i) => i.rule === rule);
}

describe('content validation rules', () => {
  it('has a test below for every rule of the table, and the table has unique ids', () => {
    const ids = CONTENT_RULES.map((r) => r.id);
    assert.deepEqual(ids, [
      'empty',
      'too-short',
      'placeholder',
      'unbalanced-code-fence',
      'javascript-link',
      'invalid-json',
      'repeated-paragraph',
    ]);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('empty: flags empty and whitespace-only content as an error, and nothing else', () => {
    for (const content of ['', '   ', '\n\t \n']) {
      const result = validateContent({ content });
      assert.equal(result.valid, false);
      assert.deepEqual(
        result.issues.map((i) => [i.rule, i.severity, i.start, i.end]),
        [['empty', 'error', 0, content.length]],
      );
    }
    assert.deepEqual(issues('empty', 'x'), []);
  });

  it('too-short: warns below the minimum of the content type, not at it', () => {
    assert.equal(issues('too-short', 'Too short').length, 1);
    assert.equal(issues('too-short', 'Ten chars!').length, 0);
    assert.equal(issues('too-short', 'Nineteen characters', { contentType: 'markdown' }).length, 1);
    assert.equal(issues('too-short', '{}', { contentType: 'JSON' }).length, 0);
    const [issue] = issues('too-short', 'short');
    assert.equal(issue?.severity, 'warning');
    assert.match(issue?.message ?? '', /Only 5 characters; text content needs at least 10/);
    assert.equal(validateContent({ content: 'short' }).valid, true);
  });

  it('placeholder: finds lorem ipsum, TODO/FIXME/TBD and [insert …] slots with their line and column', () => {
    const content = 'Intro line here.\nLorem ipsum dolor.\nSee [insert link here] and TODO later, FIXME.';
    const found = issues('placeholder', content);
    assert.deepEqual(
      found.map((i) => [content.slice(i.start, i.end), i.line, i.column]),
      [
        ['Lorem ipsum', 2, 1],
        ['[insert link here]', 3, 5],
        ['TODO', 3, 28],
        ['FIXME', 3, 40],
      ],
    );
    assert.deepEqual(issues('placeholder', 'A todo list of tasks, all done; the data is final.'), []);
  });

  it('unbalanced-code-fence: flags a fence opened and never closed, at its line', () => {
    const open = 'Here is code:\n```ts\nconst a = 1;\n';
    const [issue] = issues('unbalanced-code-fence', open);
    assert.equal(issue?.line, 2);
    assert.equal(issue?.severity, 'error');
    assert.deepEqual(issues('unbalanced-code-fence', 'Code:\n```ts\nconst a = 1;\n```\nDone.'), []);
    assert.deepEqual(issues('unbalanced-code-fence', '~~~\n```\nstill inside\n~~~\n'), []);
    assert.equal(issues('unbalanced-code-fence', '```\na\n```\n```js\nb').length, 1);
  });

  it('javascript-link: flags Markdown links and autolinks to javascript: URLs, in any case and spacing', () => {
    for (const content of [
      'Click [here](javascript:alert(1)) now',
      'Click [here]( JavaScript:void(0)) now',
      'Click [here](<javascript:alert(1)>) now',
      'Visit <javascript:alert(1)> now',
    ]) {
      const [issue] = issues('javascript-link', content);
      assert.ok(issue !== undefined, content);
      assert.equal(issue.severity, 'error');
      assert.equal(content.slice(issue.start, issue.start + 1), content.startsWith('Visit') ? '<' : ']');
    }
    assert.deepEqual(
      issues('javascript-link', 'See [docs](https://example.com/javascript:guide) and javascript: talk'),
      [],
    );
  });

  it('invalid-json: with contentType json only, says where the JSON breaks', () => {
    const [issue] = issues('invalid-json', '{"a": [1, 2,]}', { contentType: 'json' });
    assert.equal(issue?.severity, 'error');
    assert.equal(issue?.start, 12);
    assert.match(issue?.message ?? '', /^Not valid JSON: /);
    assert.deepEqual(issues('invalid-json', '{"a": [1, 2]}', { contentType: 'json' }), []);
    assert.deepEqual(issues('invalid-json', '{"a": [1, 2,]}'), []);
  });

  it('repeated-paragraph: in strict mode only, flags the second copy of a paragraph, ignoring case and spacing', () => {
    const content =
      'The answer is forty-two, as computed.\n\nSome other text.\n\nThe answer is  FORTY-TWO,\nas computed.';
    assert.deepEqual(issues('repeated-paragraph', content), []);
    const [issue] = issues('repeated-paragraph', content, { strict: true });
    assert.equal(issue?.line, 5);
    assert.match(issue?.message ?? '', /repeats the one at line 1/);
    assert.deepEqual(issues('repeated-paragraph', 'Short.\n\nShort.', { strict: true }), []);
  });

  it('scores 100 minus 25 per error and 10 per warning; strict turns warnings into errors', () => {
    const content = 'TODO: [insert summary]';
    const lax = validateContent({ content });
    assert.deepEqual([lax.valid, lax.score], [true, 80]);
    const strict = validateContent({ content, strict: true });
    assert.deepEqual([strict.valid, strict.score], [false, 50]);
    assert.equal(validateContent({ content: 'xxxxx\n```' }).score, 65);
    assert.equal(
      validateContent({
        content: '[a](javascript:1) [b](javascript:2) [c](javascript:3) [d](javascript:4) [e](javascript:5)',
      }).score,
      0,
    );
  });

  it('stays fast on hostile input: long runs of spaces after a link, and thousands of placeholders', () => {
    const started = performance.now();
    const spaces = validateContent({ content: `[a](${' '.repeat(31_000)}x`, contentType: 'markdown', strict: true });
    const todos = validateContent({ content: 'TODO '.repeat(6_000) });
    assert.ok(performance.now() - started < 2_000, `took ${performance.now() - started} ms`);
    assert.equal(spaces.issues.filter((i) => i.rule === 'javascript-link').length, 0);
    assert.equal(todos.issues.length, 50);
    assert.equal(todos.score, 0);
  });
});
