/** Terminal input beyond Ink's keyboard handling: mouse reports. */
export { createMouseParser, MOUSE_ON, MOUSE_OFF, type MouseEvent, type MouseParseResult } from './mouse.js';
