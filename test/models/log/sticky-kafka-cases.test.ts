/**
 * The cases of Kafka's own sticky-assignor tests (AbstractStickyAssignorTest, StickyAssignorTest,
 * CooperativeStickyAssignorTest in apache/kafka, clients/src/test/java/org/apache/kafka/clients/
 * consumer/) that a queuesim scenario can produce: every member of a group subscribes to the
 * same topics, members join and leave, and a member only ever claims what it owns now (no
 * stale generations, no racks). Member and topic names are Kafka's, because Kafka walks its
 * members in HashMap order, which depends on the names. Where Kafka's test pins the assignment,
 * so does this one; where it checks only balance and stickiness, so does this one.
 */
import { describe, expect, it } from 'vitest';
import {
  assign,
  cooperativeFirstRound,
  javaHashMapOrder,
  type Assignment,
  type AssignmentStrategy,
  type MemberSubscription,
} from '../../../src/models/log/assignors.js';

type Owned = Record<string, string[]>;

/** Members subscribed to `topics`, owning what `owned` says ("topic1-0" style names). */
function members(topics: string[], owned: Owned): MemberSubscription[] {
  return Object.entries(owned).map(([id, tps]) => ({
    id,
    topics,
    owned: tps.map((s) => {
      const at = s.lastIndexOf('-');
      return { topic: s.slice(0, at), partition: Number(s.slice(at + 1)) };
    }),
  }));
}

const names = (a: Assignment): Owned =>
  Object.fromEntries([...a].map(([id, tps]) => [id, tps.map((tp) => `${tp.topic}-${tp.partition}`)]));

/** Sorted like Assignment lists are (topic, then partition), for comparing as sets. */
const set = (...tps: string[]): string[] =>
  [...tps].sort((a, b) => {
    const [ta, pa] = [a.slice(0, a.lastIndexOf('-')), Number(a.slice(a.lastIndexOf('-') + 1))];
    const [tb, pb] = [b.slice(0, b.lastIndexOf('-')), Number(b.slice(b.lastIndexOf('-') + 1))];
    return ta < tb ? -1 : ta > tb ? 1 : pa - pb;
  });

const run = (strategy: AssignmentStrategy, topics: Map<string, number>, subscribed: string[], owned: Owned): Owned =>
  names(assign(strategy, members(subscribed, owned), topics));

function balanced(out: Owned): boolean {
  const counts = Object.values(out).map((tps) => tps.length);
  return Math.max(...counts) - Math.min(...counts) <= 1;
}

const c = (i: number, max: number): string => `c${String(i).padStart(String(max).length, '0')}`;
const t = (i: number, max: number): string => `t${String(i).padStart(String(max).length, '0')}`;

describe('Java HashMap iteration order, which decides who keeps the larger quota', () => {
  it('walks consumer1 … consumer4 backwards: their hashes fall in buckets 12, 11, 10, 9', () => {
    expect(javaHashMapOrder(['consumer1', 'consumer2', 'consumer3', 'consumer4'])).toEqual(['consumer4', 'consumer3', 'consumer2', 'consumer1']);
  });
});

for (const strategy of ['sticky', 'cooperative-sticky'] as const) {
  describe(`${strategy}: Kafka's assignor test cases`, () => {
    it('testOneConsumerOneTopic', () => {
      expect(run(strategy, new Map([['topic', 3]]), ['topic'], { consumer: [] })).toEqual({ consumer: ['topic-0', 'topic-1', 'topic-2'] });
    });

    it('testOneConsumerMultipleTopics', () => {
      const out = run(strategy, new Map([['topic1', 1], ['topic2', 2]]), ['topic1', 'topic2'], { consumer: [] });
      expect(out).toEqual({ consumer: ['topic1-0', 'topic2-0', 'topic2-1'] });
    });

    it('testTwoConsumersOneTopicOnePartition (Kafka checks validity; its algorithm gives it to consumer1)', () => {
      const out = run(strategy, new Map([['topic', 1]]), ['topic'], { consumer1: [], consumer2: [] });
      expect(out).toEqual({ consumer1: ['topic-0'], consumer2: [] });
    });

    it('testTwoConsumersOneTopicTwoPartitions', () => {
      const out = run(strategy, new Map([['topic', 2]]), ['topic'], { consumer1: [], consumer2: [] });
      expect(out).toEqual({ consumer1: ['topic-0'], consumer2: ['topic-1'] });
    });

    it('testTwoConsumersTwoTopicsSixPartitions', () => {
      const out = run(strategy, new Map([['topic1', 3], ['topic2', 3]]), ['topic1', 'topic2'], { consumer1: [], consumer2: [] });
      expect(out).toEqual({ consumer1: set('topic1-0', 'topic1-2', 'topic2-1'), consumer2: set('topic1-1', 'topic2-0', 'topic2-2') });
    });

    it('testConsumerOwningMinQuotaExpectedMaxQuota', () => {
      const out = run(strategy, new Map([['topic1', 2], ['topic2', 3]]), ['topic1', 'topic2'], {
        consumer1: ['topic1-0', 'topic2-1'],
        consumer2: ['topic1-1', 'topic2-2'],
      });
      expect(out).toEqual({ consumer1: set('topic1-0', 'topic2-1', 'topic2-0'), consumer2: set('topic1-1', 'topic2-2') });
    });

    it('testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers: consumer2 comes first in HashMap order and keeps two', () => {
      const out = run(strategy, new Map([['topic1', 2], ['topic2', 2]]), ['topic1', 'topic2'], {
        consumer1: ['topic1-0', 'topic2-0'],
        consumer2: ['topic1-1', 'topic2-1'],
        consumer3: [],
      });
      expect(out).toEqual({ consumer1: ['topic1-0'], consumer2: set('topic1-1', 'topic2-1'), consumer3: ['topic2-0'] });
    });

    it('testAllConsumersAreUnderMinQuota', () => {
      const out = run(strategy, new Map([['topic1', 2], ['topic2', 3]]), ['topic1', 'topic2'], {
        consumer1: ['topic1-0'],
        consumer2: ['topic1-1'],
        consumer3: [],
      });
      expect(out).toEqual({ consumer1: set('topic1-0', 'topic2-1'), consumer2: set('topic1-1', 'topic2-2'), consumer3: ['topic2-0'] });
    });

    it('testAddRemoveConsumerOneTopic', () => {
      const topics = new Map([['topic', 3]]);
      expect(run(strategy, topics, ['topic'], { consumer1: [] })).toEqual({ consumer1: ['topic-0', 'topic-1', 'topic-2'] });
      const two = run(strategy, topics, ['topic'], { consumer1: ['topic-0', 'topic-1', 'topic-2'], consumer2: [] });
      expect(two).toEqual({ consumer1: ['topic-0', 'topic-1'], consumer2: ['topic-2'] });
      expect(run(strategy, topics, ['topic'], { consumer2: two.consumer2 })).toEqual({ consumer2: ['topic-0', 'topic-1', 'topic-2'] });
    });

    it('testTopicBalanceAfterReassignment: every member holds as many of each topic, at 1, 2, 4 and 2 members', () => {
      const topics = new Map([['topic1', 12], ['topic2', 12]]);
      const subscribed = ['topic1', 'topic2'];
      const perTopic = (out: Owned, n: number): void => {
        for (const tps of Object.values(out)) {
          expect(tps.filter((tp) => tp.startsWith('topic1-')).length).toBe(n);
          expect(tps.filter((tp) => tp.startsWith('topic2-')).length).toBe(n);
        }
      };
      const one = run(strategy, topics, subscribed, { consumer1: [] });
      perTopic(one, 12);
      const two = run(strategy, topics, subscribed, { consumer1: one.consumer1, consumer2: [] });
      perTopic(two, 6);
      const four = run(strategy, topics, subscribed, { ...two, consumer3: [], consumer4: [] });
      perTopic(four, 3);
      perTopic(run(strategy, topics, subscribed, { consumer3: four.consumer3, consumer4: four.consumer4 }), 6);
    });

    it('testAddRemoveTwoConsumersTwoTopics: owned partitions are kept in partition order, then topic', () => {
      const topics = new Map([['topic1', 3], ['topic2', 4]]);
      const subscribed = ['topic1', 'topic2'];
      const two = run(strategy, topics, subscribed, { consumer1: [], consumer2: [] });
      expect(two).toEqual({
        consumer1: set('topic1-0', 'topic1-2', 'topic2-1', 'topic2-3'),
        consumer2: set('topic1-1', 'topic2-0', 'topic2-2'),
      });
      // consumer1 keeps topic1-0 and topic2-1 (partitions 0 and 1), not topic1-0 and topic1-2.
      const four = run(strategy, topics, subscribed, { ...two, consumer3: [], consumer4: [] });
      expect(four).toEqual({
        consumer1: set('topic1-0', 'topic2-1'),
        consumer2: set('topic2-0', 'topic1-1'),
        consumer3: set('topic1-2', 'topic2-3'),
        consumer4: ['topic2-2'],
      });
      const back = run(strategy, topics, subscribed, { consumer3: four.consumer3, consumer4: four.consumer4 });
      expect(back).toEqual({
        consumer3: set('topic1-2', 'topic2-3', 'topic1-0', 'topic2-1'),
        consumer4: set('topic2-2', 'topic1-1', 'topic2-0'),
      });
    });

    it('testReassignmentAfterOneConsumerAdded: 20 partitions over 9, then 10 members, balanced', () => {
      const topics = new Map([['topic', 20]]);
      const nine: Owned = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [c(i + 1, 10), []]));
      expect(balanced(run(strategy, topics, ['topic'], nine))).toBe(true);
      const ten = run(strategy, topics, ['topic'], { ...nine, [c(10, 10)]: [] });
      expect(Object.values(ten).map((tps) => tps.length)).toEqual(Array(10).fill(2));
    });

    it('testSameSubscriptions: 14 topics of 1 … 14 partitions, 8 members, c5 leaves: balanced and sticky', () => {
      const topics = new Map(Array.from({ length: 14 }, (_, i) => [t(i + 1, 15), i + 1] as [string, number]));
      const subscribed = [...topics.keys()];
      const eight = run(strategy, topics, subscribed, Object.fromEntries(Array.from({ length: 8 }, (_, i) => [c(i + 1, 9), []])));
      expect(balanced(eight)).toBe(true);
      const { [c(5, 9)]: gone, ...rest } = eight;
      const seven = run(strategy, topics, subscribed, rest);
      // 105 partitions over 7 members: 15 each; every member keeps all it had (13 or 14).
      expect(Object.values(seven).map((tps) => tps.length)).toEqual(Array(7).fill(15));
      for (const [id, tps] of Object.entries(rest)) expect(seven[id]).toEqual(expect.arrayContaining(tps));
      expect(Object.values(seven).flat()).toEqual(expect.arrayContaining(gone));
    });

    it('testStickiness: 3 partitions, 4 members, consumer1 leaves: members that had one keep it', () => {
      const topics = new Map([['topic1', 3]]);
      const four = run(strategy, topics, ['topic1'], { consumer1: [], consumer2: [], consumer3: [], consumer4: [] });
      expect(Object.values(four).every((tps) => tps.length <= 1)).toBe(true);
      const { consumer1: _leaves, ...rest } = four;
      const three = run(strategy, topics, ['topic1'], rest);
      for (const [id, tps] of Object.entries(three)) {
        expect(tps.length).toBe(1);
        if (rest[id].length === 1) expect(tps).toEqual(rest[id]);
      }
    });

    it('testAllConsumersReachExpectedQuotaAndAreConsideredFilled', () => {
      const out = run(strategy, new Map([['topic', 4]]), ['topic'], {
        consumer1: ['topic-0', 'topic-1'],
        consumer2: ['topic-2'],
        consumer3: [],
      });
      expect(out).toEqual({ consumer1: ['topic-0', 'topic-1'], consumer2: ['topic-2'], consumer3: ['topic-3'] });
    });
  });
}

describe('cooperative-sticky: nothing is assigned in the round that revokes it (CooperativeStickyAssignorTest)', () => {
  it('testAddRemoveTwoConsumersTwoTopics in two rounds: the new members get the moved partitions in the second', () => {
    const topics = new Map([['topic1', 3], ['topic2', 4]]);
    const subscribed = ['topic1', 'topic2'];
    const owned = {
      consumer1: set('topic1-0', 'topic1-2', 'topic2-1', 'topic2-3'),
      consumer2: set('topic1-1', 'topic2-0', 'topic2-2'),
      consumer3: [],
      consumer4: [],
    };
    const before = members(subscribed, owned);
    const first = names(cooperativeFirstRound(assign('cooperative-sticky', before, topics), before));
    expect(first).toEqual({ consumer1: set('topic1-0', 'topic2-1'), consumer2: set('topic2-0', 'topic1-1'), consumer3: [], consumer4: [] });
    const second = run('cooperative-sticky', topics, subscribed, first);
    expect(second).toEqual({
      consumer1: set('topic1-0', 'topic2-1'),
      consumer2: set('topic2-0', 'topic1-1'),
      consumer3: set('topic1-2', 'topic2-3'),
      consumer4: ['topic2-2'],
    });
  });
});
