import { describe, expect, it } from 'vitest';
import type { Action } from '../timeline/history.ts';
import {
  EMPTY_URL_STATE,
  URL_LIMITS,
  decodeHistory,
  decodeUrlState,
  encodeHistory,
  encodeUrlState,
  historyJson,
  parseHistoryJson,
} from './urlState.ts';

/** base64url of bytes or text, as the encoder writes it (no Node Buffer in the page's types). */
function b64(data: string | Uint8Array): string {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const actions: Action[] = [
  { kind: 'keys', at: 120_000, tty: 1, data: 's' },
  { kind: 'keys', at: 250_000, tty: 1, data: 'leep 1 &\r' },
  { kind: 'open', at: 900_000 },
  { kind: 'keys', at: 1_400_000, tty: 2, data: 'ps\r' },
  { kind: 'keys', at: 1_400_000, tty: 1, data: '\x03' },
  { kind: 'relogin', at: 2_000_000, tty: 2 },
  { kind: 'keys', at: 2_000_500, tty: 1, data: 'échø ✓ "quoted" \\ \x1b[A' },
];

describe('the history in the URL', () => {
  it('round-trips every kind of input, times to the microsecond', async () => {
    const text = await encodeHistory(actions, 3_000_000, 1);
    expect(text).toMatch(/^[zj][A-Za-z0-9_-]+$/);
    expect(await decodeHistory(text, 1)).toEqual({ actions, endAt: 3_000_000 });
  });

  it('is compact: a typed session of 20 command lines fits a short link', async () => {
    const typed: Action[] = [];
    let at = 0;
    for (let i = 0; i < 20; i += 1)
      for (const ch of `sleep ${i} & ps -o pid,comm\r`) {
        at += 137_000 + ((i * 7919) % 60) * 1000;
        typed.push({ kind: 'keys', at, tty: 1, data: ch });
      }
    const text = await encodeHistory(typed, at + 5_000_000, 1);
    expect(text.startsWith('z')).toBe(true);
    // 500 keystrokes: about 4 characters each once compressed.
    expect(text.length).toBeLessThan(2_500);
    expect((await decodeHistory(text, 1)).actions).toEqual(typed);
  });

  it('the JSON form is a flat list of times, keys and terminal switches', () => {
    expect(historyJson(actions.slice(0, 4), 2_000_000, 1)).toBe(
      '[600000,120000,"s",130000,"leep 1 &\\r",650000,{"o":1},500000,{"t":2},"ps\\r"]',
    );
  });

  it('refuses hostile or broken histories with a reason', async () => {
    const bad = async (text: string): Promise<string> =>
      decodeHistory(text, 1).then(
        () => 'accepted',
        (e: Error) => e.message,
      );
    const j = (json: string): string => `j${b64(json)}`;
    expect(await bad('x123')).toBe('does not start with z or j (its encoding)');
    expect(await bad('j$$$')).toBe('has characters that are not base64url');
    expect(await bad(j('{'))).toBe('is not valid JSON');
    expect(await bad(j('{"a":1}'))).toBe('is not a non-empty list');
    expect(await bad(j('[-5]'))).toBe('does not start with the end time (microseconds)');
    expect(await bad(j('[0, 1.5]'))).toBe('item 2 is not a whole number of microseconds');
    expect(await bad(j('[0, -1]'))).toBe('item 2 is not a whole number of microseconds');
    expect(await bad(j('[0, ""]'))).toMatch(/item 2 is empty or longer than/);
    expect(await bad(j(`[0, "${'a'.repeat(URL_LIMITS.inputChars + 1)}"]`))).toMatch(/longer than/);
    expect(await bad(j('[0, {"t": 0}]'))).toBe('item 2 names no terminal number');
    expect(await bad(j('[0, {"t": 1e9}]'))).toBe('item 2 names no terminal number');
    expect(await bad(j('[0, {"r": "1"}]'))).toBe('item 2 names no terminal number');
    expect(await bad(j('[0, {"o": 1, "x": 2}]'))).toBe(
      'item 2 is not a time, keys or a terminal action',
    );
    expect(await bad(j('[0, null]'))).toBe('item 2 is not a time, keys or a terminal action');
    expect(await bad(j('[0, {"__proto__": 1}]'))).toBe(
      'item 2 is not a time, keys or a terminal action',
    );
    expect(await bad(j(`[0, ${URL_LIMITS.span}, 1]`))).toBe(
      'spans more than a day of virtual time',
    );
    expect(await bad(j(`[${URL_LIMITS.span}, 1]`))).toBe('spans more than a day of virtual time');
    expect(() =>
      parseHistoryJson(
        JSON.stringify([0, ...Array.from({ length: URL_LIMITS.inputs + 1 }, () => 'a')]),
        1,
      ),
    ).toThrow(`has more than ${URL_LIMITS.inputs} inputs`);
    expect(await bad(`j${b64(new Uint8Array([0xff, 0xfe]))}`)).toBe('is not UTF-8 text');
    expect(await bad('zAAAA')).toBe('is not valid compressed data');
    expect(await bad('z' + 'A'.repeat(URL_LIMITS.historyChars))).toMatch(/is longer than/);
  });

  it('a small link that inflates to a huge text is refused, not expanded', async () => {
    // 8 MB of one key compresses to a few kB: a zip bomb in a link.
    const bomb = new Blob([new Uint8Array(8_000_000).fill(0x61)])
      .stream()
      .pipeThrough(new CompressionStream('deflate-raw'));
    const bytes = new Uint8Array(await new Response(bomb).arrayBuffer());
    const text = `z${b64(bytes)}`;
    expect(text.length).toBeLessThan(URL_LIMITS.historyChars);
    await expect(decodeHistory(text, 1)).rejects.toThrow(
      `expands to more than ${URL_LIMITS.historyBytes} bytes`,
    );
  });

  it('parseHistoryJson numbers terminals from the first one it is given', () => {
    expect(parseHistoryJson('[5,"a",{"t":3},"b"]', 4).actions).toEqual([
      { kind: 'keys', at: 0, tty: 4, data: 'a' },
      { kind: 'keys', at: 0, tty: 3, data: 'b' },
    ]);
  });
});

describe('the query string', () => {
  it('round-trips lesson, world, step, viewpoint, modes and history', async () => {
    const state = {
      lesson: 'zombies-101',
      world: 'zombies-101',
      step: 3,
      view: { ns: 4 },
      stage: true,
      embed: false,
      history: { actions, endAt: 2_500_000 },
    } as const;
    const search = await encodeUrlState(state, 1);
    expect(search).toMatch(/^\?lesson=zombies-101&world=zombies-101&step=3&view=4&stage=1&h=z/);
    expect(await decodeUrlState(search, 1)).toEqual({ state, problems: [] });
  });

  it('an empty state is an empty query string, and reads back as itself', async () => {
    expect(await encodeUrlState(EMPTY_URL_STATE, 1)).toBe('');
    expect(await decodeUrlState('', 1)).toEqual({ state: EMPTY_URL_STATE, problems: [] });
    expect((await decodeUrlState('?utm_source=x', 1)).problems).toEqual([]);
  });

  it('a world that is not a lesson id is refused with a sentence', async () => {
    const { state, problems } = await decodeUrlState('?world=%3Cscript%3E', 1);
    expect(state.world).toBeNull();
    expect(problems).toEqual([
      '"world" must be a lesson id (lowercase letters, digits and dashes), not "<script>".',
    ]);
  });

  it('keeps what is good in a bad link and says what was wrong with the rest', async () => {
    const { state, problems } = await decodeUrlState(
      '?lesson=../../etc/passwd&step=-1&view=ns:%0a2&stage=yes&embed=1&h=notvalid&step=2',
      1,
    );
    expect(state).toEqual({ ...EMPTY_URL_STATE, embed: true });
    expect(problems).toEqual([
      '"lesson" must be a lesson id (lowercase letters, digits and dashes), not "../../etc/passwd".',
      '"step" is given 2 times; the first is used.',
      '"step" must be a step number from 0 to 999, not "-1".',
      '"view" must be "host" or a namespace number, not "ns:?2".',
      '"stage" must be 1 or 0, not "yes".',
      'The typed history ("h") does not start with z or j (its encoding); it was not replayed.',
    ]);
  });

  it('quotes a hostile value short and printable', async () => {
    const { problems } = await decodeUrlState(`?lesson=${'<script>'.repeat(50)}`, 1);
    expect(problems[0]).toBe(
      '"lesson" must be a lesson id (lowercase letters, digits and dashes), not "<script><script><script><script><scri...".',
    );
    const big = await decodeUrlState(`?view=99999999&step=1000`, 1);
    expect(big.state.view).toBe('host');
    expect(big.state.step).toBe(0);
    expect(big.problems).toHaveLength(2);
  });
});
