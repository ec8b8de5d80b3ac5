/**
 * The AWS SDK's standard retry mode, as the SQS producers' SendMessage calls use it: at most 3
 * attempts in all, and before retry n (1, 2) a full-jitter backoff of U(0, 1) × base × 2^(n−1),
 * at most 20 s, with base 500 ms for throttling errors (@smithy/util-retry's
 * StandardRetryStrategy and its constants). The jitter comes from a seeded stream, so runs stay
 * reproducible. The SDK's retry quota (a token bucket per client) is not modelled.
 */
import type { Random } from '../../sim/rng.js';

/** max_attempts of the standard retry mode: the first call and two retries. */
export const SDK_MAX_ATTEMPTS = 3;
/** THROTTLING_RETRY_DELAY_BASE. */
const THROTTLING_BASE_MS = 500;
/** MAXIMUM_RETRY_DELAY. */
const MAX_DELAY_MS = 20_000;

/** The wait before the next attempt, after `attempts` attempts were throttled. */
export function sdkBackoffMs(attempts: number, random: Random): number {
  return Math.floor(Math.min(MAX_DELAY_MS, random() * 2 ** (attempts - 1) * THROTTLING_BASE_MS));
}
