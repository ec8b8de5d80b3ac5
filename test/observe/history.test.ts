/**
 * The history: the lines the ledger's facts become, the filters, and the checker that derives
 * the counts from lines alone (hand-written histories of a few operations, exact answers).
 */
import { describe, expect, it } from 'vitest';
import { Ledger, NO_KEY } from '../../src/observe/ledger.js';
import { HistoryRecorder, MessageSet, type HistoryFilter } from '../../src/observe/history.js';
import { checkHistory, type HistoryOp } from '../../src/observe/history-check.js';

function recorded(filter?: HistoryFilter, anomalous?: MessageSet) {
  const l = new Ledger();
  let now = 0;
  l.useClock(() => now);
  const [k0, k1] = l.addKeyNames(['a', 'b']);
  l.addProducer('api');
  l.addGroup('g');
  const lines: string[] = [];
  l.useHistory(new HistoryRecorder({ source: l, sink: { write: (line) => lines.push(line) }, ack: 'commit', filter, anomalous }));
  const ops = () => lines.map((line) => JSON.parse(line) as HistoryOp);
  return { l, at: (t: number) => (now = t), lines, ops, k0, k1 };
}

describe('recorded lines', () => {
  it('turn each fact into one self-contained line, in order', () => {
    const { l, at, lines, k0 } = recorded();
    const id = l.produce(0, k0);
    l.enqueue(0, id, 'orders-3', 57);
    l.accept(id);
    at(5);
    l.deliver(0, id, 1, 'g/0');
    at(20);
    l.process(0, id);
    at(25.5);
    l.ack(0, id);
    expect(lines).toEqual([
      '{"t":0,"op":"publish","msg":0,"key":"a","seq":0,"producer":"api"}',
      '{"t":0,"op":"enqueue","msg":0,"key":"a","seq":0,"group":"g","partition":"orders-3","offset":57}',
      '{"t":0,"op":"accepted","msg":0,"key":"a","seq":0}',
      '{"t":5,"op":"deliver","msg":0,"key":"a","seq":0,"group":"g","instance":"g/0","attempt":1,"redelivered":false,"partition":"orders-3","offset":57}',
      '{"t":20,"op":"process","msg":0,"key":"a","seq":0,"group":"g","instance":"g/0","partition":"orders-3","offset":57}',
      '{"t":25.5,"op":"commit","msg":0,"key":"a","seq":0,"group":"g","instance":"g/0","partition":"orders-3","offset":57}',
    ]);
  });

  it('a handler start carries its service time; SQS visibility changes and expiries name the holder', () => {
    const { l, at, lines } = recorded();
    const id = l.produce(0, NO_KEY);
    l.enqueue(0, id);
    at(1000);
    l.deliver(0, id, 1, 'g/0');
    l.serve(0, id, 45_000);
    at(11_000);
    l.visibilityChanged(0, id, 30_000);
    at(41_000);
    l.visibilityExpired(0, id);
    l.abandon(0, id, 'crash-after-ack');
    at(42_000);
    l.visibilityExpired(0, id);
    expect(lines.slice(-5)).toEqual([
      '{"t":1000,"op":"process-start","msg":0,"group":"g","instance":"g/0","serviceMs":45000}',
      '{"t":11000,"op":"visibility-change","msg":0,"group":"g","instance":"g/0","timeoutMs":30000}',
      '{"t":41000,"op":"visibility-expired","msg":0,"group":"g","instance":"g/0"}',
      '{"t":41000,"op":"abandon","msg":0,"group":"g","instance":"g/0","cause":"crash-after-ack"}',
      '{"t":42000,"op":"visibility-expired","msg":0,"group":"g","instance":null}',
    ]);
  });

  it('a redelivery says redelivered=true and a second processing is a duplicate effect', () => {
    const { l, ops } = recorded();
    const id = l.produce(0, NO_KEY);
    l.accept(id);
    l.enqueue(0, id);
    l.deliver(0, id, 1, 'g/0');
    l.process(0, id);
    l.abandon(0, id, 'crash-after-ack');
    l.deliver(0, id, 2, 'g/1');
    l.process(0, id);
    const tail = ops().slice(-4).map((o) => [o.op, o.instance, o.redelivered]);
    expect(tail).toEqual([
      ['abandon', 'g/0', undefined],
      ['deliver', 'g/1', true],
      ['process', 'g/1', undefined],
      ['duplicate', 'g/1', undefined],
    ]);
    // Keyless messages carry no key or seq field.
    expect(ops()[0]).not.toHaveProperty('key');
  });

  it('timeline entries become lines about no message, and dead letters count deaths', () => {
    const { l, ops } = recorded();
    const id = l.produce(0, NO_KEY);
    l.mark('crash', 'g/0', 'mid-process');
    l.deadLetter(0, id, 'rejected');
    l.deadLetter(0, id, 'expired');
    expect(ops()[1]).toEqual({ t: 0, op: 'crash', subject: 'g/0', detail: 'mid-process' });
    expect(ops().filter((o) => o.op === 'dead-letter').map((o) => [o.reason, o.deaths])).toEqual([
      ['rejected', 1],
      ['expired', 2],
    ]);
  });
});

describe('filters', () => {
  function traffic(filter: HistoryFilter) {
    const r = recorded(filter);
    for (let i = 0; i < 6; i++) {
      r.at(i * 1000);
      const id = r.l.produce(0, i % 2 === 0 ? r.k0 : r.k1);
      r.l.accept(id);
    }
    r.l.mark('crash', 'g/0');
    return r.ops().filter((o) => o.op === 'publish').map((o) => o.msg);
  }

  it('--history-keys keeps the messages of those keys', () => {
    expect(traffic({ keys: ['b'] })).toEqual([1, 3, 5]);
  });

  it('--history-messages keeps ids from..to, both included', () => {
    expect(traffic({ messages: { from: 2, to: 4 } })).toEqual([2, 3, 4]);
  });

  it('--history-window keeps lines from..to in simulated time, both included', () => {
    expect(traffic({ window: { fromMs: 1000, toMs: 3000 } })).toEqual([1, 2, 3]);
  });

  it('filters combine: every condition holds', () => {
    expect(traffic({ keys: ['a'], messages: { from: 1, to: 5 } })).toEqual([2, 4]);
  });

  it('a first pass marks the anomalous messages; the second keeps only their lines', () => {
    const anomalous = new MessageSet();
    const first = new Ledger();
    first.useClock(() => 0);
    first.addProducer('api');
    first.addGroup('g');
    first.useHistory(new HistoryRecorder({ source: first, sink: null, ack: 'ack', anomalous }));
    const ids = [0, 1, 2, 3].map(() => first.produce(0, NO_KEY));
    first.reject(ids[1], 'max-length');
    for (const id of [0, 2, 3]) {
      first.accept(id);
      first.enqueue(0, id);
      first.deliver(0, id, 1, 'g/0');
    }
    first.deliver(0, ids[3], 2, 'g/0'); // redelivered
    expect([0, 1, 2, 3].map((id) => anomalous.has(id))).toEqual([false, true, false, true]);
    expect(anomalous.size).toBe(2);
  });
});

describe('checker', () => {
  const op = (t: number, name: string, fields: Partial<HistoryOp> = {}): HistoryOp => ({ t, op: name, ...fields });

  it('an empty history has nothing', () => {
    expect(checkHistory([])).toEqual({ produced: 0, accepted: 0, rejected: {}, duplicateAppends: 0, groups: {} });
  });

  it('derives duplicates and redeliveries from process and deliver lines', () => {
    const g = 'g';
    const checked = checkHistory([
      op(0, 'publish', { msg: 0 }),
      op(0, 'accepted', { msg: 0 }),
      op(0, 'enqueue', { msg: 0, group: g }),
      op(1, 'deliver', { msg: 0, group: g, attempt: 1 }),
      op(2, 'process', { msg: 0, group: g }),
      op(3, 'deliver', { msg: 0, group: g, attempt: 2 }),
      op(4, 'process', { msg: 0, group: g }),
      op(4, 'duplicate', { msg: 0, group: g }), // a verdict line: not read
      op(5, 'process', { msg: 0, group: g }),
      op(6, 'ack', { msg: 0, group: g }),
    ]).groups.g;
    expect(checked).toMatchObject({ deliveries: 2, redeliveries: 1, processed: 1, duplicates: 2, backlogAtEnd: 0 });
  });

  it('a loss is an ack before processing then the holder going down, or a drop before processing', () => {
    const g = 'g';
    const checked = checkHistory([
      op(0, 'enqueue', { msg: 0, group: g }),
      op(0, 'enqueue', { msg: 1, group: g }),
      op(0, 'enqueue', { msg: 2, group: g }),
      op(1, 'ack', { msg: 0, group: g }),
      op(2, 'abandon', { msg: 0, group: g, cause: 'crash-after-ack' }),
      op(2, 'abandon', { msg: 1, group: g, cause: 'crash-after-ack' }), // not acked: comes back
      op(3, 'process', { msg: 2, group: g }),
      op(4, 'drop', { msg: 2, group: g, cause: 'retention' }), // processed before: no loss
      op(5, 'drop', { msg: 1, group: g, cause: 'retention' }),
    ]).groups.g;
    expect(checked.losses).toEqual({ 'crash-after-ack': 1, retention: 1 });
    expect(checked.backlogAtEnd).toBe(0);
  });

  it('an ordering violation is a lower seq of a key processed after a higher one; replays are not', () => {
    const g = 'g';
    const checked = checkHistory([
      op(0, 'process', { msg: 1, key: 'a', seq: 1, group: g }),
      op(1, 'process', { msg: 0, key: 'a', seq: 0, group: g }),
      op(2, 'process', { msg: 5, key: 'b', seq: 0, group: g }),
      op(3, 'process', { msg: 0, key: 'a', seq: 0, group: g, replay: true }),
    ]).groups.g;
    expect(checked).toMatchObject({ orderingViolations: 1, processed: 3, duplicates: 0, replayed: 1 });
  });

  it('a withdrawn copy leaves the backlog until it is stored again', () => {
    const g = 'g';
    const ops = [op(0, 'enqueue', { msg: 0, group: g }), op(1, 'withdraw', { msg: 0, group: g })];
    expect(checkHistory(ops).groups.g.backlogAtEnd).toBe(0);
    ops.push(op(2, 'enqueue', { msg: 0, group: g }));
    expect(checkHistory(ops).groups.g.backlogAtEnd).toBe(1);
  });
});
