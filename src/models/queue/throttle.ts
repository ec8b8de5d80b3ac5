/**
 * FIFO throughput limits: a token bucket per API action. A FIFO queue without high-throughput
 * mode allows 300 calls/s per action (3,000 messages/s with batches of 10); in high-throughput
 * mode the AWS features page gives up to 70,000 calls/s (region dependent; docs/semantics.md, SQS).
 * The bucket holds one second of calls, so a burst of up to `perSecond` calls passes at once.
 */
export class TokenBucket {
  private tokens: number;
  private last = 0;
  private readonly perMs: number;

  constructor(readonly perSecond: number) {
    this.tokens = perSecond;
    this.perMs = perSecond / 1000;
  }

  /** Takes one token at `now`; false when the call is throttled. */
  take(now: number): boolean {
    this.tokens = Math.min(this.perSecond, this.tokens + (now - this.last) * this.perMs);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Retry backoff after a ThrottlingException: 100 ms doubling to 20 s, as AWS SDKs do (no jitter, so runs stay exact). */
export function throttleBackoffMs(attempt: number): number {
  return Math.min(20_000, 100 * 2 ** attempt);
}
