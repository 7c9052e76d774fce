/**
 * The app state behind a subscribe/dispatch pair, so the controller (outside
 * React) and the views (inside) share one source of truth.
 */
import type { AppState } from './app-state.js';
import { reduce, type Action } from './reducer.js';

export interface Store {
  getState(): AppState;
  dispatch(action: Action): void;
  /**
   * Applies `action` at once but tells listeners only within
   * BACKGROUND_FRAME_MS, together with any other posted actions, unless a
   * dispatch tells them sooner: background progress (training batches,
   * encodings, maps filling in) then costs a few frames a second, and a key
   * seldom has to wait behind one.
   */
  post(action: Action): void;
  /** Calls `listener` after each change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /**
   * Runs `work`, telling listeners once at the end however many actions it
   * dispatched: a burst of mouse reports then costs one render, not one each.
   */
  batch(work: () => void): void;
}

/** The longest a posted action waits to be shown: ten frames a second keep progress live. */
export const BACKGROUND_FRAME_MS = 100;

/** `schedule` runs the deferred notification of posted actions (a timer by default; tests run it by hand). */
export function createStore(
  initial: AppState,
  schedule: (task: () => void, ms: number) => { cancel(): void } = (task, ms) => {
    const timer = setTimeout(task, ms);
    return { cancel: () => clearTimeout(timer) };
  },
): Store {
  let state = initial;
  let depth = 0;
  let changed = false;
  let pending: { cancel(): void } | undefined;
  const listeners = new Set<() => void>();
  const notify = () => {
    changed = false;
    pending?.cancel();
    pending = undefined;
    listeners.forEach((listener) => listener());
  };
  return {
    getState: () => state,
    dispatch(action) {
      const next = reduce(state, action);
      if (next === state) return;
      state = next;
      changed = true;
      if (depth === 0) notify();
    },
    post(action) {
      const next = reduce(state, action);
      if (next === state) return;
      state = next;
      pending ??= schedule(() => {
        pending = undefined;
        notify();
      }, BACKGROUND_FRAME_MS);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    batch(work) {
      depth += 1;
      try {
        work();
      } finally {
        depth -= 1;
        if (depth === 0 && changed) notify();
      }
    },
  };
}
