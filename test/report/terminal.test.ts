/** Terminal output: control characters from scenario strings are escaped; NO_COLOR and FORCE_COLOR honoured. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printable, useColour } from '../../src/report/terminal.js';
import { VALID_SCENARIO } from '../helpers.js';

describe('printable', () => {
  it('escapes a title change (OSC) and a screen clear, keeping newlines and tabs', () => {
    expect(printable('a\u001b]0;pwned\u0007b\n\tc\u001b[2J')).toBe('a\\x1b]0;pwned\\x07b\n\tc\\x1b[2J');
  });

  it('lets only colour codes through on stdout', () => {
    expect(printable('\u001b[31mred\u001b[0m \u001b[2J \u009b', true)).toBe('\u001b[31mred\u001b[0m \\x1b[2J \\x9b');
  });
});

describe('useColour (no-color.org)', () => {
  it.each([
    [true, {}, true],
    [false, {}, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [false, { FORCE_COLOR: '1' }, true],
    [false, { FORCE_COLOR: '0' }, false],
    [true, { NO_COLOR: '1', FORCE_COLOR: '1' }, true],
  ])('tty %s, env %j: %s', (tty, env, colour) => {
    expect(useColour(tty, env)).toBe(colour);
  });
});

describe('the CLI', () => {
  it('prints an unknown expect key holding escapes without the raw bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'queuesim-terminal-'));
    const file = join(dir, 'esc.yaml');
    writeFileSync(file, `${VALID_SCENARIO}expect:\n  "\\e]0;pwned\\a\\e[2Jlosses": 0\n`);
    const cli = new URL('../../bin/queuesim.js', import.meta.url).pathname;
    const child = spawnSync(process.execPath, [cli, 'validate', file], { encoding: 'utf8' });
    expect(child.status).toBe(2);
    expect(child.stderr).toContain('\\x1b]0;pwned\\x07\\x1b[2Jlosses');
    expect(child.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
  });
});
