import { useSyncExternalStore } from 'react';
import type { AppState } from './app-state.js';
import type { Store } from './store.js';

/** The store's current state; the component renders again whenever it changes. */
export function useStore(store: Store): AppState {
  return useSyncExternalStore(store.subscribe, store.getState);
}
