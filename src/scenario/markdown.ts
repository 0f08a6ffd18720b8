/**
 * A small, safe Markdown reader for lesson text: headings, paragraphs, lists, fenced code,
 * inline code, bold, italics and links. It returns a tree of plain data that the page turns into
 * React elements (never HTML strings), so a scenario's text cannot inject markup: HTML tags stay
 * literal text, and a link is kept only when it is http(s) (other links keep their text only).
 */
import { isHttpUrl } from './validate.ts';

export type Inline =
  | { readonly t: 'text'; readonly text: string }
  | { readonly t: 'code'; readonly text: string }
  | { readonly t: 'strong'; readonly children: readonly Inline[] }
  | { readonly t: 'em'; readonly children: readonly Inline[] }
  | { readonly t: 'link'; readonly href: string; readonly children: readonly Inline[] };

export type Block =
  | { readonly t: 'heading'; readonly level: 1 | 2 | 3 | 4; readonly children: readonly Inline[] }
  | { readonly t: 'p'; readonly children: readonly Inline[] }
  | { readonly t: 'ul' | 'ol'; readonly items: readonly (readonly Inline[])[] }
  | { readonly t: 'pre'; readonly text: string };

/** Inline Markdown: `code`, **strong**, *em* / _em_, [text](http(s) url). */
export function parseInline(src: string): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const flush = (): void => {
    if (text !== '') out.push({ t: 'text', text });
    text = '';
  };
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '\\' && i + 1 < src.length && /[\\`*_[\]()#-]/.test(src[i + 1]!)) {
      text += src[i + 1];
      i += 2;
      continue;
    }
    if (ch === '`') {
      const end = src.indexOf('`', i + 1);
      if (end > i) {
        flush();
        out.push({ t: 'code', text: src.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if (src.startsWith('**', i)) {
      const end = src.indexOf('**', i + 2);
      if (end > i + 2) {
        flush();
        out.push({ t: 'strong', children: parseInline(src.slice(i + 2, end)) });
        i = end + 2;
        continue;
      }
    }
    if ((ch === '*' || ch === '_') && src[i + 1] !== ' ' && src[i + 1] !== undefined) {
      const end = src.indexOf(ch, i + 1);
      const wordy = ch === '_' && i > 0 && /\w/.test(src[i - 1]!);
      if (end > i + 1 && !wordy) {
        flush();
        out.push({ t: 'em', children: parseInline(src.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    if (ch === '[') {
      const m = /^\[([^\]]+)\]\(([^)\s]+)\)/.exec(src.slice(i));
      if (m) {
        flush();
        const children = parseInline(m[1]!);
        out.push(isHttpUrl(m[2]!) ? { t: 'link', href: m[2]!, children } : { t: 'em', children });
        i += m[0].length;
        continue;
      }
    }
    text += ch;
    i++;
  }
  flush();
  return out;
}

/** Block Markdown: # headings, paragraphs, - / 1. lists, ``` fenced code. */
export function parseMarkdown(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const out: Block[] = [];
  let para: string[] = [];
  let list: { t: 'ul' | 'ol'; items: string[] } | undefined;
  const endPara = (): void => {
    if (para.length > 0) out.push({ t: 'p', children: parseInline(para.join(' ')) });
    para = [];
  };
  const endList = (): void => {
    if (list) out.push({ t: list.t, items: list.items.map(parseInline) });
    list = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trimStart().startsWith('```')) {
      endPara();
      endList();
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i]!.trimStart().startsWith('```'); i++)
        body.push(lines[i]!);
      out.push({ t: 'pre', text: body.join('\n') });
      continue;
    }
    const h = /^(#{1,4})\s+(.*)$/.exec(line);
    if (h) {
      endPara();
      endList();
      out.push({
        t: 'heading',
        level: h[1]!.length as 1 | 2 | 3 | 4,
        children: parseInline(h[2]!.trim()),
      });
      continue;
    }
    const item = /^\s*(?:([-*])|(\d+)\.)\s+(.*)$/.exec(line);
    if (item) {
      endPara();
      const t = item[1] !== undefined ? 'ul' : 'ol';
      if (list && list.t !== t) endList();
      list ??= { t, items: [] };
      list.items.push(item[3]!);
      continue;
    }
    if (line.trim() === '') {
      endPara();
      endList();
      continue;
    }
    if (list && /^\s+\S/.test(line)) {
      list.items[list.items.length - 1] += ` ${line.trim()}`;
      continue;
    }
    endList();
    para.push(line.trim());
  }
  endPara();
  endList();
  return out;
}
