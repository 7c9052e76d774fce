/**
 * The terminal app, `mnist-tui` with no command. Its folders, lowest first;
 * each imports only from those above it in this list:
 *
 * - `graphics`  what this terminal can draw (detection), and sixel through tmux
 * - `input`     mouse reports in the input stream
 * - `chart`     the loss chart of the Train view
 * - `terminal`  the terminal around the app: modes, keys, exit signals, pictures beside Ink
 * - `state`     the app state, its reducer and store
 * - `layout`    screen geometry: where each part of each view goes, for a terminal size
 * - `keymap`    what keys and mouse reports ask of the app
 * - `views`     the screens, pure functions of the state
 * - `background` training, encoding and the new-numbers search, off the screen
 * - `app`       the shell: `runApp`, the controller and the hooks that join it all up
 */
export { runApp } from './app/index.js';
export { NOT_A_TERMINAL } from './terminal/index.js';
