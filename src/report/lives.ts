/**
 * The lives of the anomaly examples, for the HTML report of a run with `--history`: each
 * example message drawn as swim lanes (one lane per consumer instance that held it, one for
 * the system) over its lifetime, with its timeline in words below. Plain inline SVG and
 * HTML, so the page stays self-contained.
 */
import { readHistoryLines } from '../observe/history-file.js';
import type { HistoryOp } from '../observe/history-check.js';
import type { Result } from '../observe/result.js';
import { clock, describe, mergeByTime } from './explain.js';
import { escapeHtml, type LivesHtml } from './html.js';

/** The lines of some messages, by id, and the lines about no message. */
export interface MessageLives {
  byMessage: Map<number, HistoryOp[]>;
  context: HistoryOp[];
}

/** The ids of the result's anomaly examples. */
export function exampleIds(result: Result): Set<number> {
  const ids = new Set<number>();
  for (const list of Object.values(result.anomalies)) for (const a of list) ids.add(a.messageId);
  return ids;
}

/** Reads the lines of `ids` (and the lines about no message) from a history file. */
export async function collectLives(path: string, ids: Set<number>): Promise<MessageLives> {
  const byMessage = new Map<number, HistoryOp[]>();
  const context: HistoryOp[] = [];
  for await (const text of readHistoryLines(path)) {
    // Cheap test first: most lines are about other messages.
    const at = text.indexOf('"msg":');
    if (at < 0) {
      const op = JSON.parse(text) as HistoryOp;
      if (op.op !== 'history') context.push(op);
      continue;
    }
    const id = Number.parseInt(text.slice(at + 6), 10);
    if (!ids.has(id)) continue;
    let list = byMessage.get(id);
    if (list === undefined) byMessage.set(id, (list = []));
    list.push(JSON.parse(text) as HistoryOp);
  }
  return { byMessage, context };
}

const LANE_HEIGHT = 26;
const LABEL_WIDTH = 130;
const PLOT_WIDTH = 840;
const SYSTEM_LANE = 'system';

/** Marker colour per operation; anomalies in the report's warning colour. */
const COLOURS: Record<string, string> = {
  publish: '#64748b', accepted: '#64748b', enqueue: '#64748b', deliver: '#2563eb',
  process: '#16a34a', ack: '#475569', commit: '#475569', delete: '#475569',
  abandon: '#111827', crash: '#111827', leave: '#111827', 'handler-failed': '#b45309',
  duplicate: '#dc2626', loss: '#dc2626', 'ordering-violation': '#dc2626', 'dead-letter': '#7c3aed',
  drop: '#dc2626', rejected: '#dc2626',
};

/** The section: one figure per example message that the history holds. */
export function livesHtml(result: Result, lives: MessageLives): LivesHtml {
  const figures: string[] = [];
  const drawn = new Set<number>();
  for (const id of exampleIds(result)) {
    const ops = lives.byMessage.get(id);
    if (ops === undefined) continue;
    figures.push(lifeFigure(id, ops, lives.context));
    drawn.add(id);
  }
  if (figures.length === 0) return { section: '', drawn };
  return { section: `<section>
<style>${LIVES_STYLE}</style>
<h2>Message lives (from history.jsonl.gz)</h2>
<p class="meta">Each anomaly example above links here. Lanes are the consumer instances that held
the message, and the system; time runs left to right over the message's life. Red marks are
anomalies; black bars are crashes and clean leaves of those instances.</p>
${figures.join('\n')}
</section>`, drawn };
}

function lifeFigure(id: number, ops: HistoryOp[], context: HistoryOp[]): string {
  const lanes = [SYSTEM_LANE];
  for (const op of ops) {
    const lane = laneOf(op);
    if (!lanes.includes(lane)) lanes.push(lane);
  }
  const from = ops[0].t;
  const to = ops[ops.length - 1].t;
  const downs = context.filter((c) => c.t >= from && c.t <= to && lanes.includes(String(c.subject))
    && ['crash', 'leave', 'connection-lost'].includes(c.op));
  // Steps, not time, run left to right, evenly spaced (a message's life has bursts and long
  // waits); a crash sits between the steps around it. Clock labels mark the times.
  const steps = mergeByTime(ops, downs);
  const gap = PLOT_WIDTH / Math.max(steps.length - 1, 1);
  const xOf = new Map(steps.map((op, i) => [op, LABEL_WIDTH + i * gap] as const));
  const x = (op: HistoryOp): number => xOf.get(op)!;
  const y = (lane: string): number => 24 + lanes.indexOf(lane) * LANE_HEIGHT;
  const height = 24 + lanes.length * LANE_HEIGHT + 8;
  const parts: string[] = [];
  for (const lane of lanes) {
    parts.push(`<text x="4" y="${y(lane) + 4}" class="lane">${escapeHtml(lane)}</text>`);
    parts.push(`<line x1="${LABEL_WIDTH}" x2="${LABEL_WIDTH + PLOT_WIDTH}" y1="${y(lane)}" y2="${y(lane)}" stroke="#ddd"/>`);
  }
  for (const d of downs) {
    const lane = String(d.subject);
    parts.push(`<rect x="${x(d) - 2}" y="${y(lane) - 10}" width="4" height="20" fill="#111827"><title>${escapeHtml(`${clock(d.t)} ${describe(d)}`)}</title></rect>`);
    parts.push(`<text x="${x(d)}" y="${y(lane) - 12}" class="step" text-anchor="middle">${escapeHtml(d.op)}</text>`);
  }
  for (const op of ops) {
    const colour = COLOURS[op.op] ?? '#64748b';
    const title = escapeHtml(`${clock(op.t)} ${describe(op)}`);
    const cx = x(op).toFixed(1);
    const cy = y(laneOf(op));
    const bad = colour === '#dc2626';
    const r = bad ? 6 : 4;
    parts.push(`<circle cx="${cx}" cy="${cy}" r="${r}" fill="${colour}"${bad ? ' stroke="#fff"' : ''}><title>${title}</title></circle>`);
    parts.push(`<text x="${cx}" y="${cy - 8}" class="step" text-anchor="middle">${escapeHtml(stepLabel(op))}</text>`);
  }
  // A clock label under each new time, skipped where it would overlap the previous one.
  let lastLabel = -Infinity;
  let lastT = Number.NaN;
  const axis: string[] = [];
  for (const step of steps) {
    const at = x(step);
    if (step.t === lastT || at - lastLabel < 62) continue;
    axis.push(`<text x="${at}" y="${height - 1}" class="tick" text-anchor="middle">${clock(step.t)}</text>`);
    lastLabel = at;
    lastT = step.t;
  }
  const svg = `<svg class="life" viewBox="0 0 ${LABEL_WIDTH + PLOT_WIDTH + 40} ${height + 10}" width="100%" role="img" aria-label="swim lanes of message ${id}">${parts.join('')}${axis.join('')}</svg>`;
  const rows = ops.map((op) => `<li${COLOURS[op.op] === '#dc2626' ? ' class="bad"' : ''}><span class="t">${clock(op.t)}</span> ${escapeHtml(describe(op))}</li>`);
  const head = ops[0].key === undefined ? '' : ` (key ${escapeHtml(String(ops[0].key))}, seq ${String(ops[0].seq)})`;
  return `<figure class="life" id="life-${id}">
<figcaption>message ${id}${head}</figcaption>
${svg}
<details><summary>timeline (${ops.length} lines)</summary><ol class="life">${rows.join('')}</ol></details>
</figure>`;
}

/** A few letters over each marker: `pub`, `D2` (2nd delivery), `proc`, `DUP`, … */
function stepLabel(op: HistoryOp): string {
  switch (op.op) {
    case 'deliver': return `D${op.attempt ?? 1}`;
    case 'publish': return 'pub';
    case 'accepted': return 'acc';
    case 'enqueue': return 'enq';
    case 'process-start': return 'start';
    case 'process': return 'proc';
    case 'visibility-change': return 'vis+';
    case 'visibility-expired': return 'vis0';
    case 'duplicate': return 'DUP';
    case 'loss': return 'LOST';
    case 'ordering-violation': return 'ORDER';
    case 'abandon': return 'held';
    case 'handler-failed': return 'fail';
    case 'dead-letter': return 'DLQ';
  }
  return op.op;
}

/** The lane of a line: the instance that handled it, or the system. */
function laneOf(op: HistoryOp): string {
  return typeof op.instance === 'string' ? op.instance : SYSTEM_LANE;
}

const LIVES_STYLE = `
figure.life { margin: 16px 0; } figure.life figcaption { font-weight: bold; }
svg.life text.lane { font-size: 12px; fill: #222; } svg.life text.tick { font-size: 11px; fill: #666; }
svg.life text.step { font-size: 9px; fill: #444; }
ol.life { list-style: none; padding-left: 0; font-size: 0.9em; } ol.life .t { color: #666; display: inline-block; width: 6em; }
ol.life li.bad { color: #b91c1c; font-weight: bold; }
`;
