/** Topic patterns, headers matching and routing: one copy per queue, alternate exchange, mandatory. */
import { describe, expect, it } from 'vitest';
import { topicMatches } from '../../../src/models/broker/topic.js';
import { Exchange, headersMatch } from '../../../src/models/broker/exchange.js';
import { group, run } from '../../helpers.js';

describe('topic patterns', () => {
  // [pattern, routing key, matches] — RabbitMQ's rules: `*` exactly one word, `#` zero or more;
  // the empty key has zero words; empty words between dots are words.
  const table: [string, string, boolean][] = [
    ['#', '', true],
    ['#', 'a', true],
    ['#', 'a.b.c', true],
    ['*', '', false],
    ['*', 'a', true],
    ['*', 'a.b', false],
    ['a.*.c', 'a.b.c', true],
    ['a.*.c', 'a.c', false],
    ['a.*.c', 'a.b.b.c', false],
    ['a.*.c', 'a..c', true],
    ['a.b.*', 'a.b.c', true],
    ['a.b.*', 'a.b', false],
    ['audit.#', 'audit', true],
    ['audit.#', 'audit.x.y', true],
    ['audit.#', 'auditx', false],
    ['#.c', 'c', true],
    ['#.c', 'a.b.c', true],
    ['#.c', 'a.b.c.d', false],
    ['a.#.c', 'a.c', true],
    ['a.#.c', 'a.x.y.c', true],
    ['a.#.#.c', 'a.c', true],
    ['#.*', '', false],
    ['#.*', 'a', true],
    ['*.#', 'a.b', true],
    ['', '', true],
    ['', 'a', false],
    ['a.', 'a.', true],
    ['a.*', 'a.', true],
    ['a.#', 'a.', true],
    ['order.*', 'order.created', true],
    ['order.*', 'order.created.eu', false],
    ['a.b', 'a.b', true],
    ['a.b', 'a.B', false],
  ];
  for (const [pattern, key, expected] of table) {
    it(`"${pattern}" ${expected ? 'matches' : 'does not match'} "${key}"`, () => {
      expect(topicMatches(pattern, key)).toBe(expected);
    });
  }
});

describe('exchanges', () => {
  it('a queue gets one copy even when several of its bindings match', () => {
    const ex = new Exchange('t', 'topic', null);
    ex.bind({ queue: 0, key: 'order.*', arguments: {} });
    ex.bind({ queue: 1, key: '#', arguments: {} });
    ex.bind({ queue: 0, key: '#.created', arguments: {} });
    expect(ex.route('order.created', {})).toEqual([0, 1]);
    expect(ex.route('order.paid', {})).toEqual([0, 1]);
    expect(ex.route('user.created', {})).toEqual([1, 0]);
  });

  it('direct routes by exact key, fanout ignores it', () => {
    const direct = new Exchange('d', 'direct', null);
    direct.bind({ queue: 0, key: 'a', arguments: {} });
    direct.bind({ queue: 1, key: 'a', arguments: {} });
    direct.bind({ queue: 2, key: 'b', arguments: {} });
    expect(direct.route('a', {})).toEqual([0, 1]);
    expect(direct.route('c', {})).toEqual([]);
    const fanout = new Exchange('f', 'fanout', null);
    fanout.bind({ queue: 3, key: 'ignored', arguments: {} });
    expect(fanout.route('anything', {})).toEqual([3]);
  });

  it('headers: x-match all / any, x- arguments ignored', () => {
    const headers = { format: 'pdf', type: 'report' };
    expect(headersMatch({ 'x-match': 'all', format: 'pdf', type: 'report' }, headers)).toBe(true);
    expect(headersMatch({ format: 'pdf', type: 'log' }, headers)).toBe(false);
    expect(headersMatch({ 'x-match': 'any', format: 'zip', type: 'report' }, headers)).toBe(true);
    expect(headersMatch({ 'x-match': 'any', format: 'zip' }, headers)).toBe(false);
    expect(headersMatch({ 'x-match': 'all', 'x-other': 'q', format: 'pdf' }, headers)).toBe(true);
    expect(headersMatch({ 'x-match': 'all-with-x', 'x-other': 'q', format: 'pdf' }, headers)).toBe(false);
    expect(headersMatch({ 'x-match': 'any-with-x', 'x-other': 'q' }, { 'x-other': 'q' })).toBe(true);
    expect(headersMatch({ format: 'pdf' }, headers)).toBe(true);
  });
});

const topology = (producer: string) => `
name: routing
duration: 1001ms
drain: 1s
system:
  type: broker
  exchanges:
    - { name: orders, type: topic, alternateExchange: unrouted }
    - { name: unrouted, type: fanout }
    - { name: strict, type: direct }
    - { name: docs, type: headers }
  queues:
    - name: billing
      bindings: [{ exchange: orders, routingKey: "order.*" }, { exchange: orders, routingKey: "#.created" }]
    - name: audit
      bindings: [{ exchange: orders, routingKey: "#" }]
    - name: parked
      bindings: [{ exchange: unrouted }]
    - name: pdfs
      bindings: [{ exchange: docs, arguments: { x-match: all, format: pdf } }]
producers:
  - { name: p, rate: 10/s, arrivals: uniform, ${producer} }
consumers:
  - { group: billing, service: const(1ms) }
  - { group: audit, service: const(1ms) }
`;

describe('routing end to end', () => {
  it('topic fan-out: one copy per queue, each processed once', () => {
    const r = run(topology('exchange: orders, routingKey: "order.created"'));
    expect(r.summary).toMatchObject({ produced: 10, accepted: 10, rejected: 0 });
    expect(group(r, 'billing')).toMatchObject({ deliveries: 10, processed: 10 });
    expect(group(r, 'audit')).toMatchObject({ deliveries: 10, processed: 10 });
    expect(group(r, 'parked').backlogAtEnd).toBe(0);
  });

  it('the routing key template takes the message key', () => {
    // Keys key-0..key-4; `audit` gets all, `billing` only order.* (none: keys have no dot).
    const r = run(topology('exchange: orders, routingKey: "audit.{key}", keys: { count: 5 }'));
    expect(group(r, 'audit').processed).toBe(10);
    expect(group(r, 'billing').deliveries).toBe(0);
  });

  it('the alternate exchange takes what matches nothing', () => {
    const r = run(topology('exchange: strict, routingKey: nowhere'));
    expect(r.summary).toMatchObject({ accepted: 0, rejected: 10, rejectedByCause: { unroutable: 10 } });
    const viaAlternate = run(topology('exchange: orders, routingKey: ""').replace('routingKey: "#" }', 'routingKey: "x" }'));
    expect(viaAlternate.summary.accepted).toBe(10);
    expect(group(viaAlternate, 'parked').backlogAtEnd).toBe(10);
  });

  it('unroutable: returned to a mandatory publisher, else dropped; both count as rejected', () => {
    const figures = (yaml: string) => run(yaml).broker!.unroutable;
    expect(figures(topology('exchange: strict, routingKey: x, mandatory: true'))).toEqual({ returned: 10, dropped: 0 });
    expect(figures(topology('exchange: strict, routingKey: x'))).toEqual({ returned: 0, dropped: 10 });
  });

  it('headers exchange routes by message headers', () => {
    const pdf = run(topology('exchange: docs, headers: { format: pdf }'));
    expect(group(pdf, 'pdfs').backlogAtEnd).toBe(10);
    const zip = run(topology('exchange: docs, headers: { format: zip }'));
    expect(zip.summary.rejectedByCause).toEqual({ unroutable: 10 });
  });

  it('the default exchange routes by queue name', () => {
    const r = run(topology('routingKey: audit'));
    expect(group(r, 'audit').processed).toBe(10);
    expect(group(r, 'billing').deliveries).toBe(0);
  });
});
