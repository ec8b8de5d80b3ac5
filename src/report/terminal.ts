/**
 * What reaches the terminal: scenario strings (phase names, keys, unknown `expect:` keys) may
 * hold control characters that retitle or clear a terminal, so every byte below 0x20 except
 * newline and tab, and DEL and the C1 controls, is shown escaped (`\x1b`). Only queuesim's own
 * colours (SGR sequences, `ESC[…m`) pass on stdout. Colour follows no-color.org: NO_COLOR
 * (non-empty) turns it off, FORCE_COLOR (non-empty, not 0) turns it on off a terminal too.
 */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex
const COLOUR_OR_CONTROL = /\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function escaped(char: string): string {
  return `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/** Text with every control character escaped; `keepColour` lets SGR colour codes through. */
export function printable(text: string, keepColour = false): string {
  if (!keepColour) return text.replace(CONTROL, escaped);
  return text.replace(COLOUR_OR_CONTROL, (match) => (match.length > 1 ? match : escaped(match)));
}

/** Whether to colour output on a stream, given whether it is a terminal and the environment. */
export function useColour(isTty: boolean, env: NodeJS.ProcessEnv): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTty;
}
