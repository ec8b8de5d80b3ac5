/**
 * Every YAML example in README.md validates. A block's info string says what it is:
 * - ```` ```yaml ````: a whole scenario file, validated as it stands;
 * - ```` ```yaml fragment ````: part of one, merged over a small work-queue scenario (its
 *   top-level keys replace the base's) and validated in that context;
 *   ```` ```yaml fragment base=<built-in> ```` merges it over that built-in scenario instead,
 *   and other `key=value` words set top-level fields of the context (`duration=4h`);
 * - ```` ```yaml <anything else> ```` (`ci`): not queuesim input; it must still parse as YAML.
 * A `variants:` block is applied too, so its paths and values are checked as `compare` would.
 * The examples' CSV files are read from a folder holding `data/checkout-day.csv` (shipped with
 * the built-ins) and a `data/orders.csv` with the column the example names.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseScenario } from '../../src/scenarios/load.js';
import { resolveScenarioFile } from '../../src/scenarios/built-in.js';
import { applyVariants, fileVariants } from '../../src/experiments/variants.js';

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

const BASE = `name: readme-example
duration: 1h
system: { type: workqueue }
producers: [{ name: p, rate: 10/s }]
consumers: [{ group: g, instances: 1, service: exp(10ms) }]
`;

interface Block {
  line: number;
  info: string[];
  text: string;
}

/** Fenced ```yaml blocks with the line they start on and their info string's words. */
export function yamlBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*(.*)$/.exec(lines[i]);
    if (open === null) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    if (open[1] === 'yaml') blocks.push({ line: i + 1, info: open[2].split(/\s+/).filter(Boolean), text: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return blocks;
}

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'queuesim-readme-'));
  mkdirSync(join(dir, 'data'));
  copyFileSync(join(ROOT, 'scenarios', 'data', 'checkout-day.csv'), join(dir, 'data', 'checkout-day.csv'));
  writeFileSync(join(dir, 'data', 'orders.csv'), `customer_id\n${Array.from({ length: 50 }, (_, i) => `c-${i % 7}`).join('\n')}\n`);
  return dir;
}

/** The scenario a block stands for: itself, or merged over its base. */
function scenarioText(block: Block): string {
  if (block.info[0] !== 'fragment') return block.text;
  const baseName = block.info.find((w) => w.startsWith('base='))?.slice('base='.length);
  const base = parse(baseName === undefined ? BASE : readFileSync(resolveScenarioFile(baseName), 'utf8')) as Record<string, unknown>;
  // Other `key=value` words set top-level fields of the context (`duration=4h`).
  const context = Object.fromEntries(block.info.filter((w) => w.includes('=') && !w.startsWith('base='))
    .map((w) => [w.slice(0, w.indexOf('=')), parse(w.slice(w.indexOf('=') + 1))]));
  return stringify({ ...base, ...context, ...(parse(block.text) as Record<string, unknown>) });
}

describe('README.md YAML examples', () => {
  const blocks = yamlBlocks(README);
  const baseDir = dataDir();

  it('finds the examples, each marked as a scenario, a fragment or something else', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    expect(blocks.filter((b) => b.info.length === 0).length).toBeGreaterThanOrEqual(1);
    expect(blocks.filter((b) => b.info[0] === 'fragment').length).toBeGreaterThanOrEqual(8);
  });

  for (const block of blocks) {
    const what = block.info.length === 0 ? 'scenario' : block.info.join(' ');
    it(`README.md:${block.line} (${what}) validates`, () => {
      if (block.info.length > 0 && block.info[0] !== 'fragment') {
        expect(() => parse(block.text)).not.toThrow();
        return;
      }
      const text = scenarioText(block);
      const file = `README.md:${block.line}`;
      const scenario = parseScenario(text, file, { baseDir });
      expect(scenario.spec.name).toBeTruthy();
      const base = { source: text, file, options: { baseDir } };
      const variants = fileVariants(base);
      expect(applyVariants(base, [], variants)).toHaveLength(variants.length);
    });
  }

  it('a fragment that does not fit its context fails: the check can fail', () => {
    const bad: Block = { line: 0, info: ['fragment'], text: 'expect:\n  nosuchgroup.p99LatencyMs: "< 5m"' };
    expect(() => parseScenario(scenarioText(bad), 'bad', { baseDir })).toThrow(/nosuchgroup/);
  });
});
