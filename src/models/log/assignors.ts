/**
 * Kafka's partition assignors, as pure functions (docs/semantics.md, log): `range` (the default),
 * `roundrobin`, `sticky` and `cooperative-sticky`. They know nothing about time or records:
 * members and their subscriptions in, partitions per member out.
 *
 * Member ordering follows `MemberInfo.compareTo` for dynamic members: lexicographic by member
 * id (static members are not modelled).
 */

export type AssignmentStrategy = 'range' | 'roundrobin' | 'sticky' | 'cooperative-sticky';
export const ASSIGNMENT_STRATEGIES: readonly AssignmentStrategy[] = [
  'range',
  'roundrobin',
  'sticky',
  'cooperative-sticky',
];

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface MemberSubscription {
  id: string;
  topics: string[];
  /** Partitions the member owns now (sticky assignors keep them where they can). */
  owned: TopicPartition[];
}

/** Member id → its partitions, sorted by topic then partition. */
export type Assignment = Map<string, TopicPartition[]>;

export function assign(
  strategy: AssignmentStrategy,
  members: MemberSubscription[],
  partitionsPerTopic: Map<string, number>,
): Assignment {
  const sorted = [...members].sort((a, b) => compare(a.id, b.id));
  switch (strategy) {
    case 'range':
      return range(sorted, partitionsPerTopic);
    case 'roundrobin':
      return roundRobin(sorted, partitionsPerTopic);
    case 'sticky':
    case 'cooperative-sticky':
      return sticky(sorted, partitionsPerTopic);
  }
}

/**
 * The first round of a cooperative rebalance: the target assignment minus every partition that
 * another member still owns. Those are revoked by their owner now and handed over in a second
 * round, so no partition ever has two owners in one round.
 */
export function cooperativeFirstRound(target: Assignment, members: MemberSubscription[]): Assignment {
  const ownerOf = new Map<string, string>();
  for (const m of members) for (const tp of m.owned) ownerOf.set(tpKey(tp), m.id);
  const round = new Map<string, TopicPartition[]>();
  for (const [id, tps] of target) {
    round.set(id, tps.filter((tp) => {
      const owner = ownerOf.get(tpKey(tp));
      return owner === undefined || owner === id;
    }));
  }
  return round;
}

function range(members: MemberSubscription[], partitionsPerTopic: Map<string, number>): Assignment {
  const out = emptyAssignment(members);
  for (const topic of sortedTopics(partitionsPerTopic)) {
    const subscribers = members.filter((m) => m.topics.includes(topic));
    const n = partitionsPerTopic.get(topic) ?? 0;
    const c = subscribers.length;
    if (c === 0) continue;
    const q = Math.floor(n / c);
    const r = n % c;
    subscribers.forEach((m, i) => {
      const start = q * i + Math.min(i, r);
      const length = q + (i < r ? 1 : 0);
      for (let p = start; p < start + length; p++) out.get(m.id)!.push({ topic, partition: p });
    });
  }
  return finish(out);
}

function roundRobin(members: MemberSubscription[], partitionsPerTopic: Map<string, number>): Assignment {
  const out = emptyAssignment(members);
  if (members.length === 0) return out;
  let cursor = 0; // one circular iterator over all members, not reset per topic
  for (const tp of allPartitions(members, partitionsPerTopic)) {
    if (!members.some((m) => m.topics.includes(tp.topic))) continue;
    while (!members[cursor].topics.includes(tp.topic)) cursor = (cursor + 1) % members.length;
    out.get(members[cursor].id)!.push(tp);
    cursor = (cursor + 1) % members.length;
  }
  return finish(out);
}

/**
 * Sticky: balanced first (counts differ by at most one when subscriptions are equal), then as
 * many current owners kept as possible. With equal subscriptions (always, in a scenario) this is
 * Kafka's constrained algorithm, step for step (`ConstrainedAssignmentBuilder`): members in
 * Java HashMap order each keep up to their quota of what they own, sorted by partition then
 * topic, and the rest is dealt round-robin, first to members under the minimum quota, then one
 * each to members allowed the maximum. With unequal subscriptions (only through the API):
 * an approximation of Kafka's general algorithm: keep what is valid, give each free partition to the
 * least-loaded eligible member, then move partitions from members two or more ahead.
 */
function sticky(members: MemberSubscription[], partitionsPerTopic: Map<string, number>): Assignment {
  const out = emptyAssignment(members);
  if (members.length === 0) return out;
  const all = allPartitions(members, partitionsPerTopic);
  const claimed = new Set<string>();
  const valid = new Map<string, TopicPartition[]>();
  for (const m of members) {
    const kept = m.owned
      .filter((tp) => tp.partition < (partitionsPerTopic.get(tp.topic) ?? 0) && m.topics.includes(tp.topic))
      .filter((tp) => !claimed.has(tpKey(tp)))
      .sort(compareTp);
    for (const tp of kept) claimed.add(tpKey(tp));
    valid.set(m.id, kept);
  }
  const first = members[0].topics;
  const equal = members.every((m) => m.topics.length === first.length && m.topics.every((t) => first.includes(t)));
  if (equal) constrained(members, all.filter((tp) => first.includes(tp.topic)), valid, out);
  else general(members, all, valid, out);
  return finish(out);
}

function constrained(
  members: MemberSubscription[],
  partitions: TopicPartition[],
  valid: Map<string, TopicPartition[]>,
  out: Assignment,
): void {
  const m = members.length;
  const minQuota = Math.floor(partitions.length / m);
  const maxQuota = Math.ceil(partitions.length / m);
  const expectedOverMin = partitions.length % m;
  let overMin = 0;
  const underMin: string[] = [];
  let exactlyMin: string[] = [];
  const taken = new Set<string>();
  const keep = (id: string, tps: TopicPartition[]): void => {
    for (const tp of tps) {
      out.get(id)!.push(tp);
      taken.add(tpKey(tp));
    }
  };
  // Kafka walks its members in HashMap order, and keeps the owned partitions in partition
  // order, then topic: with two topics a member keeps p0 of both before p1 of either.
  for (const id of javaHashMapOrder(members.map((member) => member.id))) {
    const owned = [...valid.get(id)!].sort((a, b) => a.partition - b.partition || compare(a.topic, b.topic));
    if (owned.length < minQuota) {
      keep(id, owned);
      underMin.push(id);
    } else if (owned.length >= maxQuota && overMin < expectedOverMin) {
      keep(id, owned.slice(0, maxQuota));
      if (++overMin === expectedOverMin) exactlyMin = [];
    } else {
      keep(id, owned.slice(0, minQuota));
      if (overMin < expectedOverMin) exactlyMin.push(id);
    }
  }
  underMin.sort(compare);
  exactlyMin.sort(compare);
  // Round-robin over the members under the minimum quota (again and again while any is; one
  // that reaches it moves to the back of the other list), then one more each, first come
  // first served, to the members at exactly the minimum.
  let next = 0;
  for (const tp of partitions) {
    if (taken.has(tpKey(tp))) continue;
    if (next >= underMin.length) next = 0;
    const id = underMin.length > 0 ? underMin[next++] : exactlyMin.shift()!;
    if (out.get(id)!.push(tp) === minQuota) {
      underMin.splice(--next, 1);
      exactlyMin.push(id);
    }
  }
}

/**
 * The order in which a java.util.HashMap (default capacity, as Kafka's assignor builds it)
 * iterates these string keys, inserted in the given order: by bucket, String.hashCode spread
 * as HashMap.hash does; keys in one bucket keep their insertion order.
 */
export function javaHashMapOrder(keys: string[]): string[] {
  let capacity = 16;
  while (keys.length > capacity * 0.75) capacity *= 2;
  const bucket = (key: string): number => {
    let h = 0;
    for (let i = 0; i < key.length; i++) h = (Math.imul(31, h) + key.charCodeAt(i)) | 0;
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return keys.map((key, i) => ({ key, i, b: bucket(key) })).sort((x, y) => x.b - y.b || x.i - y.i).map((e) => e.key);
}

function general(
  members: MemberSubscription[],
  partitions: TopicPartition[],
  valid: Map<string, TopicPartition[]>,
  out: Assignment,
): void {
  const taken = new Set<string>();
  for (const member of members) {
    for (const tp of valid.get(member.id)!) {
      out.get(member.id)!.push(tp);
      taken.add(tpKey(tp));
    }
  }
  for (const tp of partitions) {
    if (taken.has(tpKey(tp))) continue;
    const target = leastLoaded(members.filter((m) => m.topics.includes(tp.topic)), out);
    if (target !== null) out.get(target.id)!.push(tp);
  }
  // Move partitions from a member two or more ahead of an eligible one; each move lowers the
  // sum of squared counts, so the loop ends.
  for (let moved = true; moved; ) {
    moved = false;
    for (const from of members) {
      const mine = out.get(from.id)!;
      for (let i = mine.length - 1; i >= 0 && !moved; i--) {
        const tp = mine[i];
        const to = leastLoaded(members.filter((m) => m.topics.includes(tp.topic)), out);
        if (to !== null && out.get(to.id)!.length + 2 <= mine.length) {
          mine.splice(i, 1);
          out.get(to.id)!.push(tp);
          moved = true;
        }
      }
    }
  }
}

function leastLoaded(candidates: MemberSubscription[], out: Assignment): MemberSubscription | null {
  let best: MemberSubscription | null = null;
  for (const m of candidates) {
    if (best === null || out.get(m.id)!.length < out.get(best.id)!.length) best = m;
  }
  return best;
}

function allPartitions(members: MemberSubscription[], partitionsPerTopic: Map<string, number>): TopicPartition[] {
  const subscribed = new Set(members.flatMap((m) => m.topics));
  const out: TopicPartition[] = [];
  for (const topic of sortedTopics(partitionsPerTopic)) {
    if (!subscribed.has(topic)) continue;
    for (let p = 0; p < (partitionsPerTopic.get(topic) ?? 0); p++) out.push({ topic, partition: p });
  }
  return out;
}

function emptyAssignment(members: MemberSubscription[]): Assignment {
  return new Map(members.map((m) => [m.id, []]));
}

function finish(out: Assignment): Assignment {
  for (const tps of out.values()) tps.sort(compareTp);
  return out;
}

function sortedTopics(partitionsPerTopic: Map<string, number>): string[] {
  return [...partitionsPerTopic.keys()].sort(compare);
}

export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

function compareTp(a: TopicPartition, b: TopicPartition): number {
  return compare(a.topic, b.topic) || a.partition - b.partition;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
