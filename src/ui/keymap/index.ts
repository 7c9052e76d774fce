/** What keys and mouse reports ask of the app (`Command`), and the key list the help overlay shows. */
export { keyCommand, mouseCommand, KEY_HELP, type Command } from './commands.js';
