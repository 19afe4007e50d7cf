// The Markdown helpers of the dataset card, on the strings that would otherwise add structure.
import { describe, expect, it } from 'vitest';
import { code, count, fenced, measure, table, text, trusted } from '../../../src/runs/markdown.js';

describe('text', () => {
  it('escapes inline syntax and HTML, and keeps the text on one line', () => {
    expect(text('**a** _b_ ~c~ [d] `e` \\ | <i>&')).toBe('\\*\\*a\\*\\* \\_b\\_ \\~c\\~ \\[d\\] \\`e\\` \\\\ \\| &lt;i&gt;&amp;');
    expect(text('one\ntwo\r\nthree\u2028four')).toBe('one two three four');
    expect(text('a\u202eb\u2066c')).toBe('a b c');
  });

  it('escapes a block marker at the start, and only there', () => {
    expect(text('# h')).toBe('\\# h');
    expect(text('- item')).toBe('\\- item');
    expect(text('---')).toBe('\\---');
    expect(text('12. item')).toBe('12\\. item');
    expect(text('0.1.0 and 2024-04-08')).toBe('0.1.0 and 2024-04-08');
    expect(text('a - b # c')).toBe('a - b # c');
  });

  it('sets link-like tokens as code, so no autolink can form, and splits them at pipes', () => {
    expect(text('see https://x.example/a now')).toBe('see `https://x.example/a` now');
    expect(text('www.x.example a@b.example')).toBe('`www.x.example` `a@b.example`');
    expect(text('https://x|y')).toBe('`https://x`\\|y');
  });
});

describe('code', () => {
  it('uses a fence longer than any backtick run inside, padded when the value starts or ends with one', () => {
    expect(code('a')).toBe('`a`');
    expect(code('a`b')).toBe('``a`b``');
    expect(code('`x')).toBe('`` `x ``');
  });

  it('escapes each pipe with an odd run of backslashes before it, so no table cell is split', () => {
    expect(code('a|b')).toBe('`a\\|b`');
    expect(code('a\\|b')).toBe('`a\\\\\\|b`');
    expect(code('a\\\\|b')).toBe('`a\\\\\\|b`');
  });
});

describe('fenced', () => {
  it('uses a fence longer than any backtick run inside, and drops unsafe characters but not line breaks', () => {
    expect(fenced('a\nb', 'sh')).toBe('```sh\na\nb\n```');
    expect(fenced('x ```` y')).toBe('`````\nx ```` y\n`````');
    expect(fenced('a\u202eb\r\nc')).toBe('```\na b \nc\n```');
  });
});

describe('table, trusted, count, measure', () => {
  it('render deterministically', () => {
    expect(table(['a', 'b'], [['1', '2']])).toBe('| a | b |\n| --- | --- |\n| 1 | 2 |');
    expect(trusted('x | `y`')).toBe('x \\| `y`');
    expect([0, 999, 1000, 2_409_207, 12.5].map(count)).toEqual(['0', '999', '1,000', '2,409,207', '12.5']);
    expect([null, 0, 0.123456, 1.2182019686, 1e-11, 2395054.66].map(measure)).toEqual(['—', '0', '0.1235', '1.218', '1.000e-11', '2.395e+6']);
  });
});
