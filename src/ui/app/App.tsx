import { useCallback } from 'react';
import type { MouseEvent } from '../input/index.js';
import { keyCommand, mouseCommand } from '../keymap/index.js';
import type { Store } from '../state/index.js';
import type { GraphicsOverlay, Key } from '../terminal/index.js';
import { Screen } from '../views/index.js';
import type { Controller } from './controller.js';
import { useGraphicsOverlay } from './use-graphics-overlay.js';
import { useStore } from './use-store.js';
import { useTerminalInput } from './use-terminal-input.js';

export interface AppProps {
  store: Store;
  controller: Controller;
  /** Where the pictures (maps, digits, the canvas) are drawn beside Ink; without one only the text is drawn. */
  overlay?: GraphicsOverlay;
}

/** Connects the terminal's input to the controller and the state to the screen. */
export function App({ store, controller, overlay }: AppProps) {
  const state = useStore(store);
  useGraphicsOverlay(overlay, state);
  const onInput = useCallback(
    (keys: Key[], mouse: MouseEvent[]) =>
      store.batch(() => {
        // A message answers the last thing done; the next key or click moves on from it.
        if (store.getState().message !== undefined && (keys.length > 0 || mouse.some((e) => e.kind === 'down'))) {
          store.dispatch({ type: 'message', text: undefined });
        }
        for (const event of mouse) {
          const command = mouseCommand(store.getState(), event);
          if (command !== undefined) controller.run(command);
        }
        for (const key of keys) {
          const command = keyCommand(store.getState(), key);
          if (command !== undefined) controller.run(command);
        }
      }),
    [store, controller],
  );
  useTerminalInput(onInput);
  return <Screen state={state} />;
}
