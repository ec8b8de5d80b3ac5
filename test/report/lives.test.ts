/**
 * The HTML report of a run with a history: each anomaly example links to its life, drawn as
 * swim lanes per consumer instance, with its timeline in words; examples without a history
 * stay plain text.
 */
import { describe, expect, it } from 'vitest';
import { chartConfigs } from '../../src/report/charts.js';
import { renderHtml } from '../../src/report/html.js';
import { livesHtml, type MessageLives } from '../../src/report/lives.js';
import type { HistoryOp } from '../../src/observe/history-check.js';
import { sampleResult } from './fixture.js';

const base = { msg: 40_211, key: 'order-17', seq: 3, group: 'billing' };
const life: HistoryOp[] = [
  { t: 700_000, op: 'publish', ...base, producer: 'api' },
  { t: 700_000, op: 'enqueue', ...base },
  { t: 700_010, op: 'deliver', ...base, instance: 'billing/0', attempt: 1, redelivered: false },
  { t: 700_020, op: 'process', ...base, instance: 'billing/0' },
  { t: 731_240, op: 'deliver', ...base, instance: 'billing/1', attempt: 2, redelivered: true },
  { t: 731_250, op: 'process', ...base, instance: 'billing/1' },
  { t: 731_250, op: 'duplicate', ...base, instance: 'billing/1' },
];
const crash: HistoryOp = { t: 700_021, op: 'crash', subject: 'billing/0', detail: 'after-process-before-ack' };

describe('message lives in the report', () => {
  const result = sampleResult();
  const lives: MessageLives = { byMessage: new Map([[40_211, life]]), context: [crash] };
  const html = renderHtml(result, chartConfigs(result), livesHtml(result, lives));

  it('links the example to its figure', () => {
    expect(html).toContain('<a href="#life-40211">40211</a>');
    expect(html).toContain('<figure class="life" id="life-40211">');
  });

  it('draws one lane per instance that held it, plus the system', () => {
    const figure = html.slice(html.indexOf('id="life-40211"'));
    const lanes = [...figure.slice(0, figure.indexOf('</svg>')).matchAll(/<text x="4" y="\d+" class="lane">([^<]+)</g)].map((m) => m[1]);
    expect(lanes).toEqual(['system', 'billing/0', 'billing/1']);
    // 7 steps as markers, the crash as a bar on its instance's lane.
    expect(figure.slice(0, figure.indexOf('</svg>')).match(/<circle /g)).toHaveLength(7);
    expect(figure).toContain('<title>11:40.021 billing/0: crash (after-process-before-ack)</title>');
  });

  it('tells the timeline in words, the anomaly marked', () => {
    expect(html).toContain('<span class="t">12:11.240</span> delivered to billing/1 (2nd delivery, redelivered=true) [billing]');
    expect(html).toContain('<li class="bad"><span class="t">12:11.250</span> DUPLICATE EFFECT: processed again by billing/1 [billing]</li>');
  });

  it('without lives, the page has no section and no links', () => {
    const plain = renderHtml(result, chartConfigs(result));
    expect(plain).not.toContain('Message lives');
    expect(plain).not.toContain('href="#life-');
  });
});
