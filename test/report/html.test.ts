import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartConfigs } from '../../src/report/charts.js';
import { escapeHtml, jsonForHtml, renderHtml } from '../../src/report/html.js';
import type { Result } from '../../src/observe/result.js';
import { formatClock } from '../../src/scenarios/units.js';
import { sampleResult } from './fixture.js';

const EVIL = '<script>alert(1)</script>';

function render(result: Result): string {
  return renderHtml(result, chartConfigs(result));
}

function dataBlock(html: string): string {
  const start = '<script type="application/json" id="queuesim-data">';
  const from = html.indexOf(start);
  if (from < 0) throw new Error('no data block');
  return html.slice(from + start.length, html.indexOf('</script>', from));
}

describe('the timeline of a crash loop', () => {
  // 1,500 crashes and 1,500 restarts, one every second.
  const result = sampleResult();
  result.timeline = Array.from({ length: 3000 }, (_, i) => ({ tMs: i * 1000, kind: i % 2 === 0 ? 'crash' : 'restart', subject: 'billing/0' }));
  const html = render(result);
  const section = html.slice(html.indexOf('<h2>Timeline</h2>'), html.indexOf('</section>', html.indexOf('<h2>Timeline</h2>')));

  it('counts the entries per kind, shows the first 30 and folds the next 1,000', () => {
    expect(section).toContain('3000 entries');
    expect(section).toContain('<td class="crash">crash</td><td class="num">1500</td><td class="num">+0:00</td><td class="num">+49:58</td>');
    const [open, folded] = section.split('<details>');
    expect(open.match(/<tr><td class="num">\+/g)).toHaveLength(30);
    expect(folded.match(/<tr><td class="num">\+/g)).toHaveLength(1000);
    expect(folded).toContain('<summary>1000 more entries</summary>');
    expect(folded).toContain('1970 later entries are in result.json');
  });

  it('shows a short timeline whole, without folding', () => {
    result.timeline = result.timeline.slice(0, 30);
    expect(render(result)).not.toContain('<details>');
  });
});

describe('renderHtml', () => {
  const result = sampleResult();
  const html = render(result);

  it('has a canvas per chart', () => {
    const ids = [...html.matchAll(/<canvas id="(chart-\d+)"/g)].map((m) => m[1]);
    expect(ids).toEqual(['chart-0', 'chart-1', 'chart-2']);
  });

  it('inlines Chart.js and the annotation plugin', () => {
    const require = createRequire(import.meta.url);
    const umd = join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
    const chartJs = readFileSync(umd, 'utf8');
    // The first kilobyte is enough to tell the real build is there.
    expect(html).toContain(chartJs.slice(0, 1000));
    expect(html).toContain('chartjs-plugin-annotation');
  });

  it('references nothing outside the file', () => {
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<script\b[^>]*\bsrc=/i);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    expect(style).not.toMatch(/@import|url\(/i);
    // No `//host` reference hides in markup outside the inlined libraries either.
    const markup = html.replace(/<script>[\s\S]*?<\/script>/g, '');
    expect(markup).not.toMatch(/https?:\/\//i);
  });

  it('shows the scenario, its description, seed, groups, expectations, timeline and source', () => {
    expect(html).toContain('<h1>flash-sale-broker</h1>');
    expect(html).toContain(escapeHtml(result.description));
    expect(html).toContain('<dt>seed</dt><dd>42</dd>');
    expect(html).toContain('<th scope="col">billing</th><th scope="col">email</th>');
    expect(html).toContain(
      '<th scope="row">losses</th><td class="num plain">0</td><td class="num bad">3</td>',
    );
    expect(html).toContain('<td class="fail">FAIL</td><td class="expr">email.losses == 0</td>');
    expect(html).toContain('<td class="crash">crash</td><td>billing/c1</td><td>before-ack</td>');
    expect(html).toContain(`<pre class="source">${escapeHtml(result.source)}</pre>`);
  });

  it('embeds chart data that parses back to the chart configs', () => {
    const data = JSON.parse(dataBlock(html));
    const names = data.charts.map((c: { name: string }) => c.name);
    expect(names).toEqual(['lag', 'throughput', 'latency']);
    expect(data.charts[0].config).toEqual(chartConfigs(result)[0].config);
    expect(data.charts[0].xTicks[0]).toEqual({ value: 0, label: expect.any(String) });
  });

  it('escapes every result string: a hostile scenario name never appears raw', () => {
    const hostile = sampleResult({
      scenario: EVIL,
      description: `desc ${EVIL} <!-- comment`,
      source: `name: "${EVIL}"\n`,
      phases: [{ name: `</SCRIPT><script>alert(2)</script>`, producer: 'p', startMs: 1, endMs: 2 }],
      timeline: [{ tMs: 5, kind: 'crash', subject: `<img src=x onerror=alert(3)>` }],
    });
    const page = render(hostile);
    expect(page).not.toContain(EVIL);
    expect(page).not.toMatch(/<script>alert/i);
    expect(page).not.toContain('<img src=x');
    expect(page).toContain(`<h1>${escapeHtml(EVIL)}</h1>`);
    // Exactly our four script elements close: the JSON, two libraries and the page script.
    expect(page.match(/<\/script/gi)).toHaveLength(4);
    expect(page.match(/<!--/g)).toBeNull();
    // The data still round-trips to the original strings.
    const data = JSON.parse(dataBlock(page));
    expect(data.charts[0].title).toBe(`${EVIL}: lag`);
  });

  it('is deterministic', () => {
    expect(render(sampleResult())).toBe(html);
  });

  it("labels tooltips like formatClock (the page's copy of it agrees)", () => {
    const source = /function clock\(ms\) \{[\s\S]*?\n  \}/.exec(html)?.[0];
    expect(source).toBeDefined();
    const clock = new Function(`${source}; return clock;`)() as (ms: number) => string;
    for (const ms of [0, 999, 1000, 59_999, 750_000, 3_599_999, 5_400_000, 90_061_500, -61_000]) {
      expect(clock(ms)).toBe(formatClock(ms));
    }
  });
});

describe('jsonForHtml', () => {
  it('escapes <, > and & so no </script or <!-- survives, and stays valid JSON', () => {
    const value = { a: '</ScRiPt><!-- & -->', b: [1, null] };
    const json = jsonForHtml(value);
    expect(json).not.toMatch(/<\/script|<!--|[<>&]/i);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('system figures', () => {
  it("shows a managed queue's cost beside the group figures", () => {
    const cost = {
      requestsByAction: { DeleteMessage: 10, ReceiveMessage: 30, SendMessage: 10 },
      billedRequests: 50,
      emptyReceives: 20,
      throttledByAction: {},
      overLimit: 0,
      dollars: 0.00002,
      dollarsPerMillionProcessed: 2,
      queues: {},
    };
    const result = sampleResult({ cost } as Partial<Result>);
    const html = renderHtml(result, chartConfigs(result));
    const section = html.slice(html.indexOf('<h2>Cost</h2>'), html.indexOf('<h2>Expectations</h2>'));
    expect(section).toContain('billed requests 50');
    expect(section).toContain('empty receives 20');
    expect(html.indexOf('<h2>Groups</h2>')).toBeLessThan(html.indexOf('<h2>Cost</h2>'));
  });

  it('has no such section when the system reports none', () => {
    const result = sampleResult();
    expect(renderHtml(result, chartConfigs(result))).not.toContain('<h2>Cost</h2>');
  });
});
