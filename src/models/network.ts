/**
 * The network between a client and a server (docs/semantics.md, "Consumers on every system"):
 * each message on a connection takes half a round trip, drawn from the system's `network`
 * distribution. One `Link` is one direction of one connection: like TCP, it keeps order, so a
 * message never overtakes one sent before it on the same link.
 *
 * A system without a network setting (the default, 0) has no links at all and keeps its
 * synchronous calls, so queueing-theory results and the goldens hold exactly.
 */
import type { Kernel } from '../sim/kernel.js';
import type { Distribution } from '../sim/distributions.js';
import type { Random } from '../sim/rng.js';

/** A system's network: the round-trip time and the stream it is drawn from. */
export interface Network {
  rtt: Distribution;
  random: Random;
}

export class Link {
  /** When the last message sent on this link arrives: a later one cannot arrive before. */
  private lastArrivalMs = 0;

  constructor(
    private readonly kernel: Kernel,
    private readonly network: Network,
  ) {}

  /** Delivers `fn(arg)` at the other end, half a round trip from now, in sending order. */
  send<A>(fn: (arg: A) => void, arg: A): void {
    const oneWayMs = this.network.rtt.sample(this.network.random) / 2;
    const arrivalMs = Math.max(this.kernel.now + oneWayMs, this.lastArrivalMs);
    this.lastArrivalMs = arrivalMs;
    this.kernel.at(arrivalMs, fn, arg);
  }
}
