/**
 * The HTML report in a real browser: Debian's chromium opens report.html from disk with the
 * network cut off, draws every chart, and reports no error. CI installs chromium (.ci/run), so
 * a missing browser is a failure, not a skip.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/write.js';
import { sampleResult } from './fixture.js';

// The page functions below run in chromium. The project compiles without DOM types (src must
// not use them), so declare the little they touch, locally to this module.
interface PageCanvas {
  id: string;
  width: number;
  height: number;
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  } | null;
}
declare const document: {
  documentElement: {
    hasAttribute(name: string): boolean;
    getAttribute(name: string): string | null;
  };
  querySelectorAll(selector: 'canvas'): ArrayLike<PageCanvas>;
};

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('report.html in chromium', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} not found: the HTML report test needs Debian's chromium ` +
          '(apt-get install chromium; .ci/run installs it).',
      );
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    dir = await mkdtemp(join(tmpdir(), 'queuesim-browser-'));
  });

  afterAll(async () => {
    await browser?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('draws every chart offline without console or page errors', async () => {
    const result = sampleResult({ scenario: '<script>alert(1)</script>' });
    await writeReport(dir, result, { charts: false, html: true });
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    const remote: string[] = [];
    page.on('console', (msg) => {
      const type = msg.type();
      if (type === 'error' || type === 'warning') problems.push(`console.${type}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('dialog', async (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      await dialog.dismiss();
    });
    await page.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      remote.push(url);
      return route.abort();
    });

    await page.goto(pathToFileURL(join(dir, 'report.html')).href);
    const READY = 'data-charts-ready';
    await page.waitForFunction((attr) => document.documentElement.hasAttribute(attr), READY, {
      timeout: 15_000,
    });

    const ready = await page.evaluate((attr) => document.documentElement.getAttribute(attr), READY);
    const canvases = await page.evaluate(() =>
      Array.from(document.querySelectorAll('canvas'), (canvas) => {
        const ctx = canvas.getContext('2d');
        if (ctx === null) return { id: canvas.id, width: 0, height: 0, inked: 0 };
        const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
        let inked = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked += 1;
        return { id: canvas.id, width: canvas.width, height: canvas.height, inked };
      }),
    );
    const title = await page.locator('h1').textContent();
    await page.close();

    expect(problems).toEqual([]);
    expect(remote).toEqual([]);
    expect(ready).toBe('3');
    expect(canvases.map((c) => c.id)).toEqual(['chart-0', 'chart-1', 'chart-2']);
    for (const canvas of canvases) {
      expect(canvas.width).toBeGreaterThan(300);
      expect(canvas.height).toBeGreaterThan(150);
      // Axes, grid, lines, legend: a drawn chart inks several percent of its pixels.
      expect(canvas.inked / (canvas.width * canvas.height)).toBeGreaterThan(0.02);
    }
    expect(title).toBe('<script>alert(1)</script>');
  });
});
