/**
 * The app state behind a subscribe/dispatch pair, so the controller (outside
 * React) and the views (inside) share one source of truth.
 */
import type { AppState } from './app-state.js';
import { reduce, type Action } from './reducer.js';

export interface Store {
  getState(): AppState;
  dispatch(action: Action): void;
  /** Calls `listener` after each change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /**
   * Runs `work`, telling listeners once at the end however many actions it
   * dispatched: a burst of mouse reports then costs one render, not one each.
   */
  batch(work: () => void): void;
}

export function createStore(initial: AppState): Store {
  let state = initial;
  let depth = 0;
  let changed = false;
  const listeners = new Set<() => void>();
  const notify = () => {
    changed = false;
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
