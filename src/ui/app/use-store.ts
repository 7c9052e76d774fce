import { useSyncExternalStore } from 'react';
import type { AppState, Store } from '../state/index.js';

/** The store's current state; the component renders again whenever it changes. */
export function useStore(store: Store): AppState {
  return useSyncExternalStore(store.subscribe, store.getState);
}
