/**
 * The app shell: `runApp` takes over the terminal and runs the app until it
 * is quit; `App` connects input to the controller and the state to the
 * screen; the controller carries out commands with the background runners.
 */
export { runApp } from './run-app.js';
export { App } from './App.js';
export { createController } from './controller.js';
