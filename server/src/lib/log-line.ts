/**
 * One event, one log line: control characters (CR, LF, NUL, escapes) and Unicode line separators are written as
 * escapes, so a value from a request (Hono decodes `%0A` in a path to a line break) cannot start a line of its own.
 */
export function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]/gu, (char) =>
    char === '\n' ? '\\n' : char === '\r' ? '\\r' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The server's log: one line per event on stdout. */
export const consoleLog = (line: string): void => console.log(oneLine(line));
