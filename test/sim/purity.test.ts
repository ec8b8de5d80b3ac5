/**
 * The kernel layer's determinism rules, checked on the source text (README, "Determinism"): no
 * wall clock and no unseeded randomness under src/sim, and no imports from the layers above.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SIM_DIR = join(import.meta.dirname, '../../src/sim');
const FORBIDDEN = [/Math\.random/, /Date\.now/, /performance\.now/, /new Date\b/, /hrtime/];
const UPWARD_IMPORT = /from '\.\.\/(models|observe|report|scenarios|cli)/;

describe('src/sim', () => {
  const files = readdirSync(SIM_DIR).filter((name) => name.endsWith('.ts'));

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  it.each(files)('%s uses no wall clock, no Math.random and no layer above it', (name) => {
    const source = readFileSync(join(SIM_DIR, name), 'utf8');
    for (const pattern of FORBIDDEN) expect(source).not.toMatch(pattern);
    expect(source).not.toMatch(UPWARD_IMPORT);
  });
});
