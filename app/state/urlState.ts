/**
 * The lab's state in the URL, so a link reproduces what the sender saw: the lesson and its step,
 * the viewpoint, the page mode, and every input typed so far with its virtual time (replayed in
 * the deterministic model on load; see app/timeline/history.ts).
 *
 *   ?lesson=zombies&world=zombies&step=2&view=host&stage=1&h=z<base64url of deflate-raw of the history>
 * (`world`: the lesson whose world the history was typed in; absent for the default host)
 *
 * Everything that comes in is validated; a problem is reported in words (which parameter, what
 * was wrong) and the rest of the link still applies. Headless: tested on its own.
 */
import type { Micros } from '../../src/kernel-sim/index.ts';
import type { Action } from '../timeline/history.ts';

export type UrlViewpoint = 'host' | { readonly ns: number };

export interface UrlState {
  readonly lesson: string | null;
  /** The lesson whose world the history was recorded in (null: the default host). */
  readonly world: string | null;
  readonly step: number;
  readonly view: UrlViewpoint;
  readonly stage: boolean;
  readonly embed: boolean;
  /** The inputs to replay, and the virtual time the sender was at. */
  readonly history: { readonly actions: readonly Action[]; readonly endAt: Micros } | null;
}

export interface Decoded {
  readonly state: UrlState;
  /** What was wrong with the link, one sentence each; empty for a good link. */
  readonly problems: readonly string[];
}

export const EMPTY_URL_STATE: UrlState = {
  lesson: null,
  world: null,
  step: 0,
  view: 'host',
  stage: false,
  embed: false,
  history: null,
};

/** Limits that keep a hostile link from hanging the page. */
export const URL_LIMITS = {
  /** Characters of the `h` parameter. */
  historyChars: 200_000,
  /** Bytes of the decompressed history. */
  historyBytes: 2_000_000,
  /** Inputs in a history. */
  inputs: 50_000,
  /** Characters of one input. */
  inputChars: 10_000,
  /** Virtual time a history may span (one day). */
  span: 86_400_000_000,
  steps: 999,
  nsId: 1_000_000,
  tty: 64,
} as const;

const LESSON_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

// ------------------------------------------------------------------ the history's encoding

/**
 * The history as compact JSON: one flat array, read left to right with a current time and a
 * current terminal. A number lets that many microseconds pass; a string is keys typed on the
 * current terminal; {"t":n} switches to terminal n; {"o":1} opens a terminal; {"r":n} logs in
 * again on terminal n. The first element is the end time's distance from the last input.
 * Then deflate-raw and base64url, prefixed "z" (or "j" and plain base64url where the browser
 * has no CompressionStream).
 */
export function historyJson(actions: readonly Action[], endAt: Micros, firstTty: number): string {
  const items: unknown[] = [];
  let now = 0;
  let tty = firstTty;
  for (const a of actions) {
    if (a.at !== now) items.push(a.at - now);
    now = a.at;
    if (a.kind === 'keys') {
      if (a.tty !== tty) items.push({ t: a.tty });
      tty = a.tty;
      items.push(a.data);
    } else if (a.kind === 'open') items.push({ o: 1 });
    else items.push({ r: a.tty });
  }
  return JSON.stringify([Math.max(0, endAt - now), ...items]);
}

export function parseHistoryJson(
  text: string,
  firstTty: number,
): { readonly actions: Action[]; readonly endAt: Micros } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error('is not valid JSON', { cause: e });
  }
  if (!Array.isArray(data) || data.length === 0) throw new Error('is not a non-empty list');
  if (data.length > URL_LIMITS.inputs * 2 + 1)
    throw new Error(`has more than ${URL_LIMITS.inputs} inputs`);
  const [tail, ...items] = data as unknown[];
  if (!isDelta(tail)) throw new Error('does not start with the end time (microseconds)');
  const actions: Action[] = [];
  let now = 0;
  let tty = firstTty;
  const ttyOk = (n: unknown): n is number =>
    typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= URL_LIMITS.tty;
  for (const [i, item] of items.entries()) {
    const where = `item ${i + 2}`;
    if (typeof item === 'number') {
      if (!isDelta(item)) throw new Error(`${where} is not a whole number of microseconds`);
      now += item;
      if (now > URL_LIMITS.span) throw new Error('spans more than a day of virtual time');
    } else if (typeof item === 'string') {
      if (item.length === 0 || item.length > URL_LIMITS.inputChars)
        throw new Error(`${where} is empty or longer than ${URL_LIMITS.inputChars} characters`);
      actions.push({ kind: 'keys', at: now, tty, data: item });
    } else if (isRecord(item) && Object.keys(item).length === 1 && 't' in item) {
      if (!ttyOk(item.t)) throw new Error(`${where} names no terminal number`);
      tty = item.t;
    } else if (isRecord(item) && Object.keys(item).length === 1 && item.o === 1) {
      actions.push({ kind: 'open', at: now });
    } else if (isRecord(item) && Object.keys(item).length === 1 && 'r' in item) {
      if (!ttyOk(item.r)) throw new Error(`${where} names no terminal number`);
      actions.push({ kind: 'relogin', at: now, tty: item.r });
    } else throw new Error(`${where} is not a time, keys or a terminal action`);
    if (actions.length > URL_LIMITS.inputs)
      throw new Error(`has more than ${URL_LIMITS.inputs} inputs`);
  }
  const endAt = now + tail;
  if (endAt > URL_LIMITS.span) throw new Error('spans more than a day of virtual time');
  return { actions, endAt };
}

function isDelta(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n <= URL_LIMITS.span;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('has characters that are not base64url');
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i += 1) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

const canCompress = (): boolean =>
  typeof CompressionStream === 'function' && typeof DecompressionStream === 'function';

async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart])
    .stream()
    .pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Inflates, refusing to produce more than `limit` bytes (a small link must not expand to GBs). */
async function inflate(bytes: Uint8Array, limit: number): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart])
    .stream()
    .pipeThrough(new DecompressionStream('deflate-raw'));
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        throw new Error(`expands to more than ${limit} bytes`);
      }
      parts.push(value);
    }
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('expands')) throw e;
    throw new Error('is not valid compressed data', { cause: e });
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

export async function encodeHistory(
  actions: readonly Action[],
  endAt: Micros,
  firstTty: number,
): Promise<string> {
  const bytes = new TextEncoder().encode(historyJson(actions, endAt, firstTty));
  return canCompress() ? `z${toBase64Url(await deflate(bytes))}` : `j${toBase64Url(bytes)}`;
}

export async function decodeHistory(
  text: string,
  firstTty: number,
): Promise<{ readonly actions: Action[]; readonly endAt: Micros }> {
  if (text.length > URL_LIMITS.historyChars)
    throw new Error(`is longer than ${URL_LIMITS.historyChars} characters`);
  const kind = text[0];
  if (kind !== 'z' && kind !== 'j') throw new Error('does not start with z or j (its encoding)');
  const raw = fromBase64Url(text.slice(1));
  let bytes: Uint8Array;
  if (kind === 'z') {
    if (!canCompress()) throw new Error('is compressed and this browser cannot decompress');
    bytes = await inflate(raw, URL_LIMITS.historyBytes);
  } else {
    if (raw.byteLength > URL_LIMITS.historyBytes)
      throw new Error(`is longer than ${URL_LIMITS.historyBytes} bytes`);
    bytes = raw;
  }
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw new Error('is not UTF-8 text', { cause: e });
  }
  return parseHistoryJson(json, firstTty);
}

// ------------------------------------------------------------------ the whole query string

/** Reads a query string ("?a=b&..."); never throws: what is wrong is in `problems`. */
export async function decodeUrlState(search: string, firstTty: number): Promise<Decoded> {
  const params = new URLSearchParams(search);
  const problems: string[] = [];
  const single = (name: string): string | null => {
    const all = params.getAll(name);
    if (all.length > 1) problems.push(`"${name}" is given ${all.length} times; the first is used.`);
    return all[0] ?? null;
  };
  const flag = (name: string): boolean => {
    const v = single(name);
    if (v === null || v === '0') return false;
    if (v === '1' || v === '') return true;
    problems.push(`"${name}" must be 1 or 0, not "${shorten(v)}".`);
    return false;
  };

  let lesson: string | null = null;
  const lessonText = single('lesson');
  if (lessonText !== null) {
    if (LESSON_ID.test(lessonText)) lesson = lessonText;
    else
      problems.push(
        `"lesson" must be a lesson id (lowercase letters, digits and dashes), not "${shorten(lessonText)}".`,
      );
  }

  let world: string | null = null;
  const worldText = single('world');
  if (worldText !== null) {
    if (LESSON_ID.test(worldText)) world = worldText;
    else
      problems.push(
        `"world" must be a lesson id (lowercase letters, digits and dashes), not "${shorten(worldText)}".`,
      );
  }

  let step = 0;
  const stepText = single('step');
  if (stepText !== null) {
    if (/^\d{1,3}$/.test(stepText) && Number(stepText) <= URL_LIMITS.steps) step = Number(stepText);
    else
      problems.push(
        `"step" must be a step number from 0 to ${URL_LIMITS.steps}, not "${shorten(stepText)}".`,
      );
  }

  let view: UrlViewpoint = 'host';
  const viewText = single('view');
  if (viewText !== null && viewText !== 'host') {
    const n = /^\d{1,7}$/.test(viewText) ? Number(viewText) : NaN;
    if (Number.isInteger(n) && n >= 1 && n <= URL_LIMITS.nsId) view = { ns: n };
    else problems.push(`"view" must be "host" or a namespace number, not "${shorten(viewText)}".`);
  }

  const stage = flag('stage');
  const embed = flag('embed');

  let history: UrlState['history'] = null;
  const h = single('h');
  if (h !== null && h !== '') {
    try {
      history = await decodeHistory(h, firstTty);
    } catch (e) {
      problems.push(
        `The typed history ("h") ${e instanceof Error ? e.message : String(e)}; it was not replayed.`,
      );
    }
  }
  return { state: { lesson, world, step, view, stage, embed, history }, problems };
}

/** The query string for a state ("" when there is nothing to say). */
export async function encodeUrlState(state: UrlState, firstTty: number): Promise<string> {
  const params = new URLSearchParams();
  if (state.lesson !== null) params.set('lesson', state.lesson);
  if (state.world !== null) params.set('world', state.world);
  if (state.step !== 0) params.set('step', String(state.step));
  if (state.view !== 'host') params.set('view', String(state.view.ns));
  if (state.stage) params.set('stage', '1');
  if (state.embed) params.set('embed', '1');
  if (state.history !== null && state.history.actions.length > 0)
    params.set('h', await encodeHistory(state.history.actions, state.history.endAt, firstTty));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** A value quoted in a message: printable and short. */
function shorten(value: string): string {
  const clean = [...value].map((c) => (c < ' ' || c === '\x7f' ? '?' : c)).join('');
  return clean.length > 40 ? `${clean.slice(0, 37)}...` : clean;
}
