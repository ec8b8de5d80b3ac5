/**
 * The README's Programmatic API example compiles against the package as a user installs it
 * (`import … from 'queuesim'`, resolved through package.json to dist/index.d.ts; run
 * `npm run build` first, as `npm test` does), with `strict` on, and runs: its output is the
 * built-in's hand-computed answer (crash-before-ack: five losses at most-once, five duplicates
 * at least-once, none at effectively-once).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The first ```ts block of the "Programmatic API" section. */
function example(): string {
  const section = README.slice(README.indexOf('## Programmatic API'));
  const match = /```ts\n([\s\S]*?)```/.exec(section.slice(0, section.indexOf('\n## ', 3)));
  if (match === null) throw new Error('README has no ```ts block under "## Programmatic API"');
  return match[1];
}

/** A project outside the repository that depends on queuesim, holding the example. */
function userProject(code: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'queuesim-api-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'queuesim'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, outDir: 'out', skipLibCheck: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')] },
    files: ['example.ts'],
  }));
  writeFileSync(join(dir, 'example.ts'), code);
  return dir;
}

const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

describe('README Programmatic API example', () => {
  it('type-checks against the exported types and runs', () => {
    const dir = userProject(example());
    execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    // Run from the repository, where its paths (scenarios/…) point.
    const out = execFileSync(process.execPath, [join(dir, 'out', 'example.js')], { cwd: ROOT, encoding: 'utf8' });
    const lines = out.trim().split('\n');
    expect(lines.slice(0, 3).map((l) => l.replace(/, p99 .*/, ''))).toEqual([
      'at-least-once: 0 lost, 5 duplicated',
      'at-most-once: 5 lost, 0 duplicated',
      'effectively-once: 0 lost, 0 duplicated',
    ]);
    expect(lines[3]).toBe('every expectation met');
    expect(lines.slice(4).map((l) => l.replace(/:.*/, ''))).toEqual(['service=const(50ms)', 'service=const(90ms)']);
  }, 120_000);

  it('a type error in the example would fail: the compile is a real check', () => {
    const dir = userProject(`import { runScenario } from 'queuesim';\nconst n: number = runScenario;\n`);
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout);
    }
    expect(output).toMatch(/example\.ts\(2,7\): error TS2322/);
  }, 60_000);
});
