/** The assignors against the examples documented in Kafka's javadoc (docs/semantics.md, log). */
import { describe, expect, it } from 'vitest';
import {
  assign,
  cooperativeFirstRound,
  tpKey,
  type Assignment,
  type MemberSubscription,
} from '../../../src/models/log/assignors.js';

const names = (a: Assignment): Record<string, string[]> =>
  Object.fromEntries([...a].map(([id, tps]) => [id, tps.map((tp) => `${tp.topic}p${tp.partition}`)]));

const member = (id: string, topics: string[], owned: string[] = []): MemberSubscription => ({
  id,
  topics,
  owned: owned.map((s) => {
    const [topic, p] = s.split('p');
    return { topic, partition: Number(p) };
  }),
});

const twoTopics = new Map([['t0', 3], ['t1', 3]]);

describe('range', () => {
  it('C0, C1 on t0, t1 with 3 partitions each: the first member gets the extra in every topic', () => {
    const a = assign('range', [member('C1', ['t0', 't1']), member('C0', ['t0', 't1'])], twoTopics);
    expect(names(a)).toEqual({ C0: ['t0p0', 't0p1', 't1p0', 't1p1'], C1: ['t0p2', 't1p2'] });
  });

  it('leaves members beyond the partition count idle', () => {
    const ms = ['a', 'b', 'c', 'd'].map((id) => member(id, ['t']));
    expect(names(assign('range', ms, new Map([['t', 2]])))).toEqual({ a: ['tp0'], b: ['tp1'], c: [], d: [] });
  });

  it('orders members lexicographically by member id', () => {
    const ms = [member('g-010', ['t']), member('g-002', ['t'])];
    expect(names(assign('range', ms, new Map([['t', 3]])))).toEqual({ 'g-002': ['tp0', 'tp1'], 'g-010': ['tp2'] });
  });
});

describe('roundrobin', () => {
  it('the javadoc example: C0 gets t0p0, t0p2, t1p1 and C1 gets t0p1, t1p0, t1p2', () => {
    const a = assign('roundrobin', [member('C0', ['t0', 't1']), member('C1', ['t0', 't1'])], twoTopics);
    expect(names(a)).toEqual({ C0: ['t0p0', 't0p2', 't1p1'], C1: ['t0p1', 't1p0', 't1p2'] });
  });

  it('the javadoc example with unequal subscriptions (C0: t0; C1: t0, t1; C2: t0, t1, t2)', () => {
    const topics = new Map([['t0', 1], ['t1', 2], ['t2', 3]]);
    const a = assign('roundrobin', [
      member('C0', ['t0']),
      member('C1', ['t0', 't1']),
      member('C2', ['t0', 't1', 't2']),
    ], topics);
    expect(names(a)).toEqual({ C0: ['t0p0'], C1: ['t1p0'], C2: ['t1p1', 't2p0', 't2p1', 't2p2'] });
  });
});

describe('sticky', () => {
  const four = new Map([['t0', 2], ['t1', 2], ['t2', 2], ['t3', 2]]);
  const all = ['t0', 't1', 't2', 't3'];

  it('the javadoc example, first assignment: the same as roundrobin', () => {
    const a = assign('sticky', ['C0', 'C1', 'C2'].map((id) => member(id, all)), four);
    expect(names(a)).toEqual({
      C0: ['t0p0', 't1p1', 't3p0'],
      C1: ['t0p1', 't2p0', 't3p1'],
      C2: ['t1p0', 't2p1'],
    });
  });

  it('the javadoc example, C1 leaves: C0 and C2 keep everything they had, counts 4 and 4', () => {
    const a = assign('sticky', [
      member('C0', all, ['t0p0', 't1p1', 't3p0']),
      member('C2', all, ['t1p0', 't2p1']),
    ], four);
    const out = names(a);
    expect(out.C0).toEqual(expect.arrayContaining(['t0p0', 't1p1', 't3p0']));
    expect(out.C2).toEqual(expect.arrayContaining(['t1p0', 't2p1']));
    expect([out.C0.length, out.C2.length]).toEqual([4, 4]);
    // Roundrobin would have moved partitions that had an owner still in the group.
    const rr = names(assign('roundrobin', [member('C0', all), member('C2', all)], four));
    expect(rr.C0).not.toEqual(expect.arrayContaining(['t1p1']));
  });

  it('a joining member takes only the surplus: balance first, then minimum movement', () => {
    const six = new Map([['t', 6]]);
    const a = assign('sticky', [
      member('a', ['t'], ['tp0', 'tp1', 'tp2']),
      member('b', ['t'], ['tp3', 'tp4', 'tp5']),
      member('c', ['t']),
    ], six);
    expect(names(a)).toEqual({ a: ['tp0', 'tp1'], b: ['tp3', 'tp4'], c: ['tp2', 'tp5'] });
  });

  it('unequal subscriptions stay balanced where eligibility allows', () => {
    const topics = new Map([['t0', 1], ['t1', 2], ['t2', 3]]);
    const a = assign('sticky', [
      member('C0', ['t0']),
      member('C1', ['t0', 't1']),
      member('C2', ['t0', 't1', 't2']),
    ], topics);
    const counts = [...a.values()].map((tps) => tps.length);
    expect(counts.reduce((s, n) => s + n, 0)).toBe(6);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(2);
    expect(names(a).C0).toEqual(['t0p0']); // C0 can take nothing else
  });
});

describe('cooperative-sticky', () => {
  it('computes the sticky target, but holds back partitions another member still owns', () => {
    const six = new Map([['t', 6]]);
    const members = [
      member('a', ['t'], ['tp0', 'tp1', 'tp2']),
      member('b', ['t'], ['tp3', 'tp4', 'tp5']),
      member('c', ['t']),
    ];
    const target = assign('cooperative-sticky', members, six);
    expect(names(target)).toEqual(names(assign('sticky', members, six)));
    const first = cooperativeFirstRound(target, members);
    // c's target tp2 and tp5 are still owned by a and b: revoked now, handed over next round.
    expect(names(first)).toEqual({ a: ['tp0', 'tp1'], b: ['tp3', 'tp4'], c: [] });
    const owners = new Map<string, string>();
    for (const [id, tps] of first) for (const tp of tps) {
      expect(owners.has(tpKey(tp))).toBe(false);
      owners.set(tpKey(tp), id);
    }
  });
});
