/**
 * What a new number's name may be, how two names are compared, and how a
 * name saved before these rules is shown safely. A name is a caption in the
 * gallery and part of one-line messages, so every character in it must be
 * visible, and two names that look alike must count as the same name.
 */

/** Long enough for a made-up word, short enough for a gallery caption. */
const MAX_NAME_LENGTH = 32;

/** More marks than this on one letter stack up out of the caption's line. */
const MAX_MARKS_IN_A_ROW = 3;

/**
 * Characters that draw nothing or move other characters: controls (Cc),
 * formats such as bidi overrides and zero-width spaces (Cf), lone surrogates
 * (Cs), private use (Co), unassigned code points (Cn), line and paragraph
 * separators, and the default-ignorable fillers (Hangul fillers, variation
 * selectors) that render as nothing.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;

/** Any space but the plain one: a no-break or ideographic space looks like a space and is not one. */
const ODD_SPACE = /[^\S ]/u;

const MARK_RUN = new RegExp(`\\p{M}{${MAX_MARKS_IN_A_ROW + 1}}`, 'u');

/** The name as it is stored: NFC-normalised, trimmed, inner runs of spaces made one. */
export function normaliseName(raw: string): string {
  return raw.normalize('NFC').trim().replace(/ {2,}/g, ' ');
}

/**
 * Why a {@link normaliseName normalised} name cannot be used, in one line;
 * undefined when it can: it must be non-empty, at most 32 characters, and
 * hold no invisible, bidi or unassigned characters nor a pile of combining
 * marks.
 */
export function nameProblem(name: string): string | undefined {
  if (name === '') return 'a new number needs a name';
  const characters = [...name];
  if (characters.length > MAX_NAME_LENGTH) {
    return `a name is at most ${MAX_NAME_LENGTH} characters; this one is longer than ${MAX_NAME_LENGTH} (${characters.length})`;
  }
  const hidden = characters.find(isHidden);
  if (hidden !== undefined) {
    return `a name cannot hold control characters or invisible, bidi or unassigned ones (found ${codePoint(hidden)})`;
  }
  if (/^\p{M}/u.test(name) || MARK_RUN.test(name)) {
    return `a name cannot start with a combining mark or stack more than ${MAX_MARKS_IN_A_ROW} on one letter`;
  }
  return undefined;
}

/**
 * The key two names are compared by: compatibility-normalised (so fullwidth
 * "ＡＢ" is "AB") and case-folded (upper then lower case, so "Straße" is
 * "STRASSE" and final sigma is sigma), then normalised again because case
 * mapping can decompose letters.
 */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}

/**
 * A name saved before the current rules, made safe to print: every character
 * {@link nameProblem} would refuse is shown as its code point, so a bidi
 * override cannot reorder a line and a zero-width space cannot hide.
 */
export function visibleName(name: string): string {
  return [...name].map((c) => (isHidden(c) ? `<${codePoint(c)}>` : c)).join('');
}

function isHidden(character: string): boolean {
  return INVISIBLE.test(character) || ODD_SPACE.test(character);
}

function codePoint(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}
