/**
 * Select Graphic Rendition 0: ends every colour and style set before it, so
 * a coloured line cannot tint what the terminal draws after it.
 */
export const SGR_RESET = '\x1b[0m';
