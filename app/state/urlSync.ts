/**
 * Keeps the address bar in step with the lab (lesson, step, viewpoint, mode, typed history) and
 * applies a link when the page opens. What a link gets wrong is kept in `useLinkStore` for the
 * page to show; the lab opens anyway with whatever was valid.
 */
import { create } from 'zustand';
import { runtimesReady } from './pageWorld.ts';
import type { LabMachine } from '../../src/lab/machine.ts';
import { useLabStore } from './labStore.ts';
import { HOST_VIEW, useUiStore } from './uiStore.ts';
import type { UrlState } from './urlState.ts';
import type * as UrlCodec from './urlState.ts';

// The codec (validation, compression) loads when first needed: off the first load.
const codec = (): Promise<typeof UrlCodec> => import('./urlState.ts');

interface LinkState {
  /** Sentences saying what was wrong with the link the page was opened with. */
  readonly problems: readonly string[];
  /** A link's history is being replayed. */
  readonly loading: boolean;
  readonly dismiss: () => void;
}

export const useLinkStore = create<LinkState>()((set) => ({
  problems: [],
  loading: false,
  dismiss: () => set({ problems: [] }),
}));

/** The state a link to this moment carries. */
export function currentUrlState(): UrlState {
  const ui = useUiStore.getState();
  const { history, machine } = useLabStore.getState();
  const inputs = history.shownInputs;
  return {
    lesson: ui.lessonId,
    world: useLabStore.getState().world,
    step: ui.stepIndex,
    view: ui.viewpoint.kind === 'host' ? 'host' : { ns: ui.viewpoint.ns },
    stage: ui.stage,
    embed: ui.embed,
    history: inputs.length === 0 ? null : { actions: inputs, endAt: machine.kernel.now },
  };
}

/** A link that reproduces what is on screen now. */
export async function shareLink(base: string = location.href): Promise<string> {
  const url = new URL(base);
  const { encodeUrlState } = await codec();
  url.search = await encodeUrlState(currentUrlState(), useLabStore.getState().machine.tty);
  url.hash = '';
  return url.toString();
}

/** Applies the query string the page was opened with. */
export async function applyUrl(search: string): Promise<void> {
  if (search === '' || search === '?') return;
  useLinkStore.setState({ loading: true });
  const firstTty = useLabStore.getState().machine.tty;
  const { decodeUrlState } = await codec();
  const { state, problems } = await decodeUrlState(search, firstTty);
  const found = [...problems];
  const ui = useUiStore.getState();
  ui.setStage(state.stage);
  ui.setEmbed(state.embed);
  ui.setLesson(state.lesson, state.step);
  if (state.lesson !== null && state.history === null && (state.embed || state.stage)) {
    // No lesson panel to press "Start" in: a slide's iframe or a talk opens in the lesson's world.
    const { findLesson, startLesson } = await import('../lesson/lessonStore.ts');
    if (findLesson(state.lesson) === undefined)
      found.push(`"lesson" names "${state.lesson}", which is not here; showing the default host.`);
    else {
      startLesson(state.lesson);
      ui.setStep(state.step);
    }
  }
  if (state.history !== null) {
    // The typed commands may run a container runtime: replay once its code is here.
    await runtimesReady;
    let start: { create: () => LabMachine; world: string } | undefined;
    if (state.world !== null) {
      const { lessonWorld } = await import('../lesson/lessonStore.ts');
      const create = lessonWorld(state.world);
      if (create === undefined)
        found.push(
          `"world" names lesson "${state.world}", which is not here; the history was replayed on the default host.`,
        );
      else start = { create, world: state.world };
    }
    const problem = useLabStore
      .getState()
      .loadHistory(state.history.actions, state.history.endAt, start);
    if (problem !== null) found.push(`The typed history was replayed only in part: ${problem}.`);
  }
  if (state.view !== 'host') {
    const ns = state.view.ns;
    const exists = useLabStore
      .getState()
      .machine.kernel.namespaceIds()
      .some((id) => id === ns);
    if (exists) ui.setViewpoint({ kind: 'ns', ns });
    else {
      ui.setViewpoint(HOST_VIEW);
      found.push(`"view" names PID namespace ${ns}, which does not exist here; showing the host.`);
    }
  }
  useLinkStore.setState({ loading: false, problems: found });
}

/**
 * Writes the current state into the address bar (history.replaceState, so Back still leaves
 * the lab) whenever inputs, lesson, viewpoint or mode change. Returns a function that stops.
 */
export function startUrlSync(delayMs = 400): () => void {
  let timer = 0;
  let lastKey = '';
  const schedule = (): void => {
    if (useLinkStore.getState().loading) return;
    const { history, live, position } = useLabStore.getState();
    const ui = useUiStore.getState();
    // Time alone moving does not rewrite the address; inputs and choices do.
    const key = JSON.stringify([
      history.shownInputs.length,
      history.inputs.length,
      live,
      position,
      ui.lessonId,
      useLabStore.getState().world,
      ui.stepIndex,
      ui.viewpoint,
      ui.stage,
      ui.embed,
    ]);
    if (key === lastKey) return;
    lastKey = key;
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      void codec()
        .then(({ encodeUrlState }) =>
          encodeUrlState(currentUrlState(), useLabStore.getState().machine.tty),
        )
        .then((search) => {
          const url = `${location.pathname}${search}${location.hash}`;
          if (url !== `${location.pathname}${location.search}${location.hash}`)
            window.history.replaceState(window.history.state, '', url);
        });
    }, delayMs);
  };
  const offLab = useLabStore.subscribe(schedule);
  const offUi = useUiStore.subscribe(schedule);
  return () => {
    offLab();
    offUi();
    window.clearTimeout(timer);
  };
}
