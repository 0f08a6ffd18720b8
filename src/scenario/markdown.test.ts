import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown } from './markdown.ts';

describe('the lesson Markdown reader', () => {
  it('reads headings, paragraphs, lists and fenced code', () => {
    const md =
      '# Title\n\nOne line\nand the next.\n\n- a\n- b\n  continued\n\n1. first\n\n```\nps -ef\n```\n';
    expect(parseMarkdown(md)).toEqual([
      { t: 'heading', level: 1, children: [{ t: 'text', text: 'Title' }] },
      { t: 'p', children: [{ t: 'text', text: 'One line and the next.' }] },
      { t: 'ul', items: [[{ t: 'text', text: 'a' }], [{ t: 'text', text: 'b continued' }]] },
      { t: 'ol', items: [[{ t: 'text', text: 'first' }]] },
      { t: 'pre', text: 'ps -ef' },
    ]);
  });

  it('reads code, bold, italics and http(s) links', () => {
    expect(parseInline('run `ps`, **really** *now* [man](https://man7.org/x)')).toEqual([
      { t: 'text', text: 'run ' },
      { t: 'code', text: 'ps' },
      { t: 'text', text: ', ' },
      { t: 'strong', children: [{ t: 'text', text: 'really' }] },
      { t: 'text', text: ' ' },
      { t: 'em', children: [{ t: 'text', text: 'now' }] },
      { t: 'text', text: ' ' },
      { t: 'link', href: 'https://man7.org/x', children: [{ t: 'text', text: 'man' }] },
    ]);
  });

  it('never produces markup: HTML stays text, other links lose their target', () => {
    expect(parseInline('<img src=x onerror=alert(1)>')).toEqual([
      { t: 'text', text: '<img src=x onerror=alert(1)>' },
    ]);
    expect(parseInline('[click](javascript:alert(1))')).toEqual([
      { t: 'em', children: [{ t: 'text', text: 'click' }] },
      { t: 'text', text: ')' },
    ]);
    expect(parseInline('[x](data:text/html,hi)')).toEqual([
      { t: 'em', children: [{ t: 'text', text: 'x' }] },
    ]);
  });

  it('keeps snake_case words and lone stars as text', () => {
    expect(parseInline('zap_pid_ns_processes and 2 * 3')).toEqual([
      { t: 'text', text: 'zap_pid_ns_processes and 2 * 3' },
    ]);
  });
});
