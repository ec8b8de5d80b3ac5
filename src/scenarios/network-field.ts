/**
 * The `system.network` field: the round trip between a system and its clients, fixed
 * (`1.3ms`) or a distribution (`lognormal(mean=1.3ms, p99=5ms)`); 0, the default, for none
 * (docs/semantics.md, "Consumers on every system").
 */
import type { Distribution } from '../sim/distributions.js';
import type { Rng } from '../sim/rng.js';
import type { Network } from '../models/network.js';
import { parseDistribution } from './distribution-text.js';
import { parsed } from './fields.js';
import { parseDuration } from './units.js';

function parseNetwork(text: string | number): Distribution | null {
  let ms: number | null = null;
  try {
    ms = parseDuration(text);
  } catch {
    // not a plain duration: a distribution, or an error from its parser below
  }
  if (ms === 0) return null;
  return parseDistribution(ms === null ? String(text) : `const(${ms}ms)`);
}

export const networkField = () =>
  parsed(parseNetwork, 'Round-trip time between the system and its clients: 1.3ms, or a distribution ' +
    'like lognormal(mean=1.3ms, p99=5ms). Each message, ack or request takes half of one. Default 0: none.',
    'durationOrDistribution')
    .optional();

/** The model's network for a parsed `system.network`, drawing from its own stream. */
export function networkOf(rtt: Distribution | null | undefined, rng: Rng): Network | null {
  return rtt === null || rtt === undefined ? null : { rtt, random: rng.stream('system/network') };
}
