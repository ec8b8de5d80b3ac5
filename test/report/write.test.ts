import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/observe/result.js';
import { csvField, resultJson, timeseriesCsv, writeReport, wroteFiles } from '../../src/report/write.js';
import { SAMPLE_COUNT, sampleResult } from './fixture.js';
import { pngHeader } from './png.js';

let root: string;
let n = 0;
const freshDir = () => join(root, `out-${++n}`);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'queuesim-write-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('resultJson', () => {
  it('is 2-space JSON with a trailing newline that parses back to the result', () => {
    const result = sampleResult();
    const json = resultJson(result);
    const head = '{\n  "queuesim": "0.1.0",\n  "scenario": "flash-sale-broker",';
    expect(json.startsWith(head)).toBe(true);
    expect(json.endsWith('}\n')).toBe(true);
    expect(JSON.parse(json)).toEqual(result);
  });
});

describe('timeseriesCsv', () => {
  const csv = timeseriesCsv(sampleResult());
  const lines = csv.split('\n');

  it('has the long-format header and one row per sample, metric and subject', () => {
    expect(lines[0]).toBe('t_ms,metric,subject,value');
    expect(csv.endsWith('\n')).toBe(true);
    // 8 per-group metrics x 2 groups + producedPerSec x 1 producer.
    expect(lines.length - 2).toBe(SAMPLE_COUNT * 17);
  });

  it('orders rows by metric, subject, time', () => {
    expect(lines.slice(1, 4)).toEqual([
      '10000,lag,billing,0',
      '20000,lag,billing,0',
      '30000,lag,billing,0',
    ]);
    expect(lines[1 + SAMPLE_COUNT]).toBe('10000,lag,email,500');
    const order = [...new Set(lines.slice(1, -1).map((l) => l.split(',')[1]))];
    expect(order).toEqual([
      'lag',
      'latencyMaxMs',
      'latencyP50Ms',
      'latencyP99Ms',
      'oldestAgeMs',
      'processedPerSec',
      'producedPerSec',
      'ready',
      'unacked',
    ]);
  });

  it('writes null as an empty value', () => {
    expect(lines).toContain('710000,latencyP50Ms,billing,');
    expect(lines).toContain('700000,latencyP50Ms,billing,33354');
    expect(lines).toContain('610000,producedPerSec,checkout,500');
  });

  it('quotes subjects per RFC 4180', () => {
    const series = { tMs: [0, 5], lag: { 'a,"b"': [1, null], plain: [2, 3] } };
    expect(timeseriesCsv(sampleResult({ series }))).toBe(
      [
        't_ms,metric,subject,value',
        '0,lag,"a,""b""",1',
        '5,lag,"a,""b""",',
        '0,lag,plain,2',
        '5,lag,plain,3',
        '',
      ].join('\n'),
    );
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
  });

  it('is deterministic', () => {
    expect(timeseriesCsv(sampleResult())).toBe(csv);
  });
});

describe('writeReport', () => {
  it('writes every file and nothing else', async () => {
    const dir = join(freshDir(), 'nested');
    const result = sampleResult();
    const written = await writeReport(dir, result, { charts: true, html: true });
    const pngs = ['lag.png', 'throughput.png', 'latency.png'];
    const names = ['result.json', 'timeseries.csv', ...pngs, 'report.html'];
    expect(written).toEqual(names.map((name) => join(dir, name)));
    expect((await readdir(dir)).sort()).toEqual([...names].sort());
    expect(await readFile(join(dir, 'result.json'), 'utf8')).toBe(resultJson(result));
    expect(await readFile(join(dir, 'timeseries.csv'), 'utf8')).toBe(timeseriesCsv(result));
    for (const png of ['lag.png', 'throughput.png', 'latency.png']) {
      expect(pngHeader(await readFile(join(dir, png)))).toEqual({ width: 1000, height: 500 });
    }
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it('writes only JSON and CSV without charts and html', async () => {
    const dir = freshDir();
    await writeReport(dir, sampleResult(), { charts: false, html: false });
    expect((await readdir(dir)).sort()).toEqual(['result.json', 'timeseries.csv']);
  });

  it('replaces the files of an earlier run', async () => {
    const dir = freshDir();
    await mkdir(dir);
    await writeFile(join(dir, 'result.json'), 'old');
    await writeReport(dir, sampleResult(), { charts: false, html: false });
    expect(await readFile(join(dir, 'result.json'), 'utf8')).toBe(resultJson(sampleResult()));
  });

  it('leaves nothing behind when rendering throws', async () => {
    const dir = freshDir();
    // A result whose series is missing: the charts cannot be built.
    const broken = { ...sampleResult(), series: undefined } as unknown as Result;
    await expect(writeReport(dir, broken, { charts: true, html: true })).rejects.toThrow();
    await expect(readdir(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('removes its temporary files and keeps the old ones when a write fails', async () => {
    const dir = freshDir();
    await mkdir(dir);
    await writeFile(join(dir, 'result.json'), 'old');
    await writeFile(join(dir, 'notes.txt'), 'unrelated');
    let tempsSeen: string[] = [];
    const failing = writeReport(dir, sampleResult(), {
      charts: true,
      html: true,
      beforeRename: async () => {
        tempsSeen = (await readdir(dir)).filter((f) => f.endsWith('.tmp'));
        throw new Error('disk full (simulated)');
      },
    });
    await expect(failing).rejects.toThrow('disk full (simulated)');
    expect(tempsSeen).toHaveLength(6);
    expect((await readdir(dir)).sort()).toEqual(['notes.txt', 'result.json']);
    expect(await readFile(join(dir, 'result.json'), 'utf8')).toBe('old');
  });
});

describe('wroteFiles', () => {
  it('counts files in words a person would write', () => {
    expect(wroteFiles(1, 'out')).toBe('wrote 1 file to out/\n');
    expect(wroteFiles(3, 'reports/x')).toBe('wrote 3 files to reports/x/\n');
  });
});
