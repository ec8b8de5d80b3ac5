/**
 * The README documents the whole command line: the synopsis under "## Commands" lists every
 * flag of every command (read from the program itself, so a new flag without docs fails here),
 * each flag is also described in the text, and every exit code is explained, the internal
 * error's included, which a crafted failure shows is what `main` returns.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProgram, EXIT, main, type Io } from '../../src/cli.js';

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
const commandsSection = README.slice(README.indexOf('## Commands'), README.indexOf('\n## ', README.indexOf('## Commands') + 3));
const synopsis = /```\n([\s\S]*?)```/.exec(commandsSection)?.[1] ?? '';
const text = README.replace(synopsis, '');
const quiet: Io = { out: () => {}, err: () => {}, errIsTty: false, outIsTty: false };

/** The synopsis entry of a command: its `queuesim <name>` lines and their continuations. */
function entry(name: string): string {
  const lines = synopsis.split('\n');
  return lines.filter((l, i) => l.startsWith(`queuesim ${name} `) || l === `queuesim ${name}` ||
    (l.startsWith(' ') && lines.slice(0, i).reverse().find((p) => !p.startsWith(' '))?.startsWith(`queuesim ${name}`))).join('\n');
}

describe('README: the command line', () => {
  const program = createProgram(quiet, () => {});

  for (const command of program.commands) {
    it(`lists and describes every flag of ${command.name()}`, () => {
      const listed = entry(command.name());
      expect(listed).not.toBe('');
      for (const option of command.options) {
        expect(listed, `synopsis of ${command.name()}`).toContain(`[${option.long}`.replace('[--', '--'));
        // Described in prose or shown in an example, outside the synopsis.
        expect(text, `text about ${option.long}`).toMatch(new RegExp(`${option.long}(?![\\w-])`));
      }
    });
  }

  it('explains every exit code: 0, 1, 2, 3 (internal error) and 130 (interrupted)', () => {
    const codes = README.slice(README.indexOf('Exit codes, like'));
    for (const code of Object.values(EXIT)) expect(codes).toContain(`**${code}**`);
    expect(codes).toMatch(/\*\*3\*\* an internal error/);
    expect(codes).toMatch(/\*\*130\*\* interrupted/);
  });

  it('an internal error exits 3 with the stack and a request to report it', async () => {
    let err = '';
    const broken: Io = { ...quiet, out: () => { throw new TypeError('stdout went away'); }, err: (t) => (err += t) };
    expect(await main(['node', 'queuesim', 'list'], broken)).toBe(EXIT.internal);
    expect(err).toMatch(/^queuesim: internal error \(a bug in queuesim, please report it\):\nTypeError: stdout went away\n {4}at /);
  });
});
