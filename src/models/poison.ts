/**
 * Poison messages: messages whose handler fails. Which messages are poison is a property of
 * the message, decided by a hash of (seed, message id), so every group and every variant of a
 * scenario sees the same poison messages (common random numbers), whatever the order in which
 * they are consumed. A poison message fails on every attempt, or only on its first `failures`
 * attempts (a transient fault).
 */
import type { MessageId } from './facts.js';

export interface PoisonRule {
  /** Every n-th message (ids n-1, 2n-1, …), or 0 for none. */
  every: number;
  /** Each message independently with this probability. */
  probability: number;
  /** Explicit message ids (production order, from 0). */
  ids: ReadonlySet<number>;
  /** Attempts that fail; Infinity for always. */
  failures: number;
  seed: number;
}

export function isPoison(rule: PoisonRule, id: MessageId): boolean {
  if (rule.every > 0 && (id + 1) % rule.every === 0) return true;
  if (rule.ids.has(id)) return true;
  return rule.probability > 0 && unitHash(rule.seed, id) < rule.probability;
}

/** Whether attempt `attempt` (1, 2, …) of message `id` fails under the rule. */
export function handlerFails(rule: PoisonRule, id: MessageId, attempt: number): boolean {
  return attempt <= rule.failures && isPoison(rule, id);
}

/**
 * A uniform value in [0, 1) from (seed, id): the 32-bit finaliser of MurmurHash3 over both,
 * so nearby ids give unrelated values. Integer arithmetic only: the same on every engine.
 */
function unitHash(seed: number, id: number): number {
  let h = (seed ^ Math.imul(id, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
