/**
 * The layers hold (README, "Layout"): every import under src/ — type-only imports included —
 * points down the layers, and no module reaches itself through its imports. Also the kernel
 * layer's determinism rule on the source text: no wall clock and no unseeded randomness in the
 * simulation layers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

/** Higher imports lower or equal, never the other way round. */
const LAYER_RANKS: [prefix: string, rank: number][] = [
  ['version.ts', 0],
  ['sim/', 0],
  ['models/', 1],
  ['observe/', 2],
  ['scenarios/', 3],
  // The report renders experiments' results and the commands write reports: one layer.
  ['experiments/', 4],
  ['report/', 4],
  ['cli.ts', 5],
  ['index.ts', 5],
  // The fuzzer drives the CLI.
  ['fuzz/', 6],
];

/** Imports that go against the layers today, each with why it is here. None now. */
const KNOWN_UPWARD: Record<string, string> = {};

/** Cycles that remain, as the sorted list of their files joined by ' ', each with why. None now. */
const KNOWN_CYCLES: Record<string, string> = {};

const DETERMINISTIC_LAYERS = ['sim/', 'models/', 'observe/'];
const FORBIDDEN = [/Math\.random/, /Date\.now/, /performance\.now/, /new Date\b/, /hrtime/];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [relative(SRC, path)] : [];
  });
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)'(\.[^']+)'/gm;

/** The files under src/ that `file` imports (static, dynamic and type-only). */
function importsOf(file: string): string[] {
  const source = readFileSync(join(SRC, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
  return [...source.matchAll(IMPORT)].map((match) =>
    relative(SRC, resolve(SRC, dirname(file), match[1])).replace(/\.js$/, '.ts'),
  );
}

function rank(file: string): number {
  const layer = LAYER_RANKS.find(([prefix]) => file.startsWith(prefix));
  if (layer === undefined) throw new Error(`${file} is in no layer: add it to LAYER_RANKS`);
  return layer[1];
}

/** Strongly connected components of more than one file (Tarjan), each sorted. */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const files = sourceFiles(SRC).sort();
const graph = new Map(files.map((file) => [file, importsOf(file)]));

describe('the import graph of src/', () => {
  it('reads every source file and its imports', () => {
    expect(files.length).toBeGreaterThan(80);
    expect(graph.get('cli.ts')).toContain('scenarios/load.ts');
  });

  it('resolves every relative import to a source file', () => {
    const missing = [...graph].flatMap(([file, imports]) =>
      imports.filter((target) => !graph.has(target)).map((target) => `${file} -> ${target}`),
    );
    expect(missing).toEqual([]);
  });

  it('has no import pointing up the layers', () => {
    const upward = [...graph].flatMap(([file, imports]) =>
      imports
        .filter((target) => rank(target) > rank(file))
        .map((target) => `${file} -> ${target}`)
        .filter((edge) => !(edge in KNOWN_UPWARD)),
    );
    expect(upward).toEqual([]);
  });

  it('has no cycle', () => {
    const loops = cycles(graph)
      .map((component) => component.join(' '))
      .filter((loop) => !(loop in KNOWN_CYCLES));
    expect(loops).toEqual([]);
  });

  it('lists only exceptions that still exist, so the lists shrink as they are fixed', () => {
    const edges = new Set([...graph].flatMap(([file, imports]) => imports.map((t) => `${file} -> ${t}`)));
    expect(Object.keys(KNOWN_UPWARD).filter((edge) => !edges.has(edge))).toEqual([]);
    const loops = new Set(cycles(graph).map((component) => component.join(' ')));
    expect(Object.keys(KNOWN_CYCLES).filter((loop) => !loops.has(loop))).toEqual([]);
  });

  it('finds a cycle and an upward import when there is one', () => {
    const sample = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['d']],
      ['e', ['a']],
    ]);
    expect(cycles(sample)).toEqual([['a', 'b', 'c'], ['d']]);
    expect(rank('observe/ledger.ts')).toBeGreaterThan(rank('models/consumer.ts'));
  });
});

describe('the simulation layers (sim, models, observe)', () => {
  const deterministic = files.filter((file) => DETERMINISTIC_LAYERS.some((layer) => file.startsWith(layer)));

  it.each(deterministic)('%s uses no wall clock and no Math.random', (file) => {
    const source = readFileSync(join(SRC, file), 'utf8');
    for (const pattern of FORBIDDEN) expect(source).not.toMatch(pattern);
  });
});
