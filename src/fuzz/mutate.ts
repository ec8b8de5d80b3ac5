/**
 * Seeded mutations of scenario files, the fuzzer's input: deleted and duplicated keys, type
 * changes, extreme numbers, bad and enormous units, alias bombs, control bytes and junk,
 * oversized files. The same seed gives the same files.
 */
import seedrandom from 'seedrandom';
import { parse, stringify } from 'yaml';

export type Random = () => number;

export function seeded(seed: number): Random {
  return seedrandom(String(seed));
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];

const EXTREME_NUMBERS = [0, -1, 1e308, -1e308, 1e12, 1e9, 1e7, 2 ** 53, 0.5, 1e-300, 4294967296];
const EXTREME_TEXTS = [
  '1ms', '1us', '99999d', `${'9'.repeat(400)}ms`, '0', '-5s', 'fast', '1e400/s', '5000/s', '1000000000/s',
  '50x', '1e308x', '10ms', 'exp(0ms)', 'lognormal(mu=1000, sigma=1)', 'pareto(scale=10ms, shape=0.0001)',
  'normal(mean=1d, sd=1000d)', 'empirical(file=/nonexistent.csv)', 'uniform(5ms, 1ms)', 'const(999999d)',
  'zipf(1.1)', 'all', '\u001b]0;pwned\u0007title', '\u001b[2J', 'a'.repeat(300), '__proto__', '../../x',
];

/** Paths of every value in a plain document, as key lists. */
function paths(data: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (data !== null && typeof data === 'object') {
    for (const [key, value] of Object.entries(data)) {
      const path = [...prefix, Array.isArray(data) ? Number(key) : key];
      out.push(path);
      paths(value, path, out);
    }
  }
  return out;
}

function parentOf(data: unknown, path: (string | number)[]): Record<string | number, unknown> {
  let node = data as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  return node;
}

/** One structural mutation of the parsed document, in place. */
function mutateData(data: unknown, random: Random): void {
  const all = paths(data);
  if (all.length === 0) return;
  const path = pick(random, all);
  const parent = parentOf(data, path);
  const key = path[path.length - 1];
  const value = parent[key];
  const kind = Math.floor(random() * 7);
  if (kind === 0) {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else if (kind === 1) {
    parent[key] = pick(random, EXTREME_NUMBERS);
  } else if (kind === 2) {
    parent[key] = pick(random, EXTREME_TEXTS);
  } else if (kind === 3) {
    parent[key] = pick(random, [null, [], {}, true, [value], { value }, String(value)]);
  } else if (kind === 4 && Array.isArray(parent)) {
    // A list entry repeated many times: many groups, producers, topics, faults.
    const copies = pick(random, [2, 10, 200, 2000]);
    for (let i = 0; i < copies; i++) parent.push(structuredClone(value));
  } else if (kind === 5 && typeof value === 'string') {
    // Units and names bent: a digit grown, a unit replaced.
    parent[key] = value.replace(/\d+/, (d) => d + pick(random, ['0', '000000', '9'.repeat(30)])).replace(/ms\b/, pick(random, ['ms', 'xs', 'us', '']));
  } else {
    // A field from elsewhere in the document grafted here (a foreign or misplaced key).
    const [donor] = pick(random, all).slice(-1);
    if (!Array.isArray(parent) && typeof donor === 'string') parent[donor] = value;
  }
}

/** Text-level damage: alias bombs, duplicated lines, control and junk bytes, huge files. */
function mutateText(text: string, random: Random): string {
  const lines = text.split('\n');
  const at = Math.floor(random() * lines.length);
  switch (Math.floor(random() * 6)) {
    case 0: {
      let bomb = 'bomb0: &b0 [x, x, x, x, x, x, x, x, x]\n';
      const depth = pick(random, [2, 4, 9]);
      for (let i = 1; i <= depth; i++) bomb += `bomb${i}: &b${i} [${Array(9).fill(`*b${i - 1}`).join(', ')}]\n`;
      return `${bomb}${text}`;
    }
    case 1:
      lines.splice(at, 0, lines[at]);
      return lines.join('\n');
    case 2: {
      const junk = Array.from({ length: 1 + Math.floor(random() * 8) }, () => String.fromCharCode(Math.floor(random() * 256))).join('');
      return text.slice(0, Math.floor(random() * text.length)) + junk + text.slice(Math.floor(random() * text.length));
    }
    case 3:
      return random() < 0.1 ? `${text}\ndescription: "${'x'.repeat(11 * 1024 * 1024)}"\n` : `${text}\ndescription: "${'y'.repeat(100_000)}"\n`;
    case 4:
      return text.slice(0, Math.floor(random() * text.length));
    default:
      return `${text}\n${lines[at].replace(/:.*/, ': *nowhere')}\n`;
  }
}

/** A mutated copy of a scenario's text: one to three structural or textual mutations. */
export function mutate(source: string, random: Random): string {
  let text = source;
  const rounds = random() < 0.7 ? 1 : 2;
  for (let r = 0; r < rounds; r++) {
    // A document with a bomb in it is only damaged as text: expanding it is what it attacks.
    if (random() < 0.75 && !text.includes('&b0')) {
      let data: unknown;
      try {
        data = parse(text, { maxAliasCount: -1 });
      } catch {
        data = null;
      }
      if (data === null || typeof data !== 'object') {
        text = mutateText(text, random);
        continue;
      }
      mutateData(data, random);
      text = stringify(data, { aliasDuplicateObjects: false, lineWidth: 0 });
    } else {
      text = mutateText(text, random);
    }
  }
  return text;
}
