#!/usr/bin/env node
/**
 * `npm run bench`: fixed workloads with fixed seeds, each in its own process so that peak
 * memory is its own. Prints kernel events/s, simulated messages/s (produced), deliveries/s
 * (to every consumer group: a publish routed to three queues is three) and peak RSS, with the
 * machine's node version. A benchmark, not a test: nothing here fails on timing.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { readdirSync } from 'node:fs';

const WORKLOADS = {
  /** The bare kernel: M/M/8 at ρ = 0.9, 1,000,000 customers, seeded streams. */
  'kernel M/M/8 rho=0.9': async () => {
    const { Kernel } = await import('../dist/sim/kernel.js');
    const { Rng } = await import('../dist/sim/rng.js');
    const kernel = new Kernel();
    const rng = new Rng(1);
    const arrivals = rng.stream('arrivals');
    const service = rng.stream('service');
    const c = 8;
    const meanService = 10;
    const meanGap = meanService / (0.9 * c);
    const customers = 1_000_000;
    let busy = 0;
    let waiting = 0;
    let arrived = 0;
    const exp = (random, mean) => -mean * Math.log(1 - random());
    const depart = () => {
      if (waiting > 0) {
        waiting--;
        kernel.schedule(exp(service, meanService), depart, null);
      } else busy--;
    };
    const arrive = () => {
      if (busy < c) {
        busy++;
        kernel.schedule(exp(service, meanService), depart, null);
      } else waiting++;
      if (++arrived < customers) kernel.schedule(exp(arrivals, meanGap), arrive, null);
    };
    kernel.schedule(0, arrive, null);
    const t0 = process.hrtime.bigint();
    kernel.run();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return { seconds, events: kernel.events, messages: customers, deliveries: customers };
  },
  'flash-sale.yaml': () => scenario(new URL('../scenarios/flash-sale.yaml', import.meta.url)),
  // Every scenario in bench/workloads/ is a workload too.
  ...Object.fromEntries(
    readdirSync(new URL('./workloads/', import.meta.url))
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => [f, () => scenario(new URL(`./workloads/${f}`, import.meta.url))]),
  ),
};

async function scenario(url) {
  const { loadScenario, runScenario } = await import('../dist/index.js');
  const s = loadScenario(fileURLToPath(url));
  let stateBytes = 0;
  const t0 = process.hrtime.bigint();
  const result = runScenario(s, { onStateBytes: (bytes) => (stateBytes = bytes) });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const messages = result.summary.produced;
  const deliveries = Object.values(result.summary.groups).reduce((sum, g) => sum + g.deliveries, 0);
  return { seconds, events: result.summary.events, messages, deliveries, bytesPerMessage: stateBytes / messages };
}

async function one(name) {
  const r = await WORKLOADS[name]();
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ ...r, peakRssMb }));
}

function main() {
  const self = fileURLToPath(import.meta.url);
  console.log(`queuesim bench: node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}`);
  console.log('workload'.padEnd(34), 'wall s'.padStart(8), 'events/s'.padStart(12), 'msgs/s'.padStart(12), 'deliveries/s'.padStart(13), 'peak RSS MB'.padStart(12), 'state B/msg'.padStart(12));
  for (const name of Object.keys(WORKLOADS)) {
    const child = spawnSync(process.execPath, [self, '--one', name], { encoding: 'utf8' });
    if (child.status !== 0) {
      console.log(name.padEnd(34), 'failed:', child.stderr.trim().split('\n').slice(-3).join(' '));
      continue;
    }
    const r = JSON.parse(child.stdout);
    const fmt = (n) => Math.round(n).toLocaleString('en-US');
    console.log(
      name.padEnd(34),
      r.seconds.toFixed(2).padStart(8),
      fmt(r.events / r.seconds).padStart(12),
      fmt(r.messages / r.seconds).padStart(12),
      fmt(r.deliveries / r.seconds).padStart(13),
      r.peakRssMb.toFixed(0).padStart(12),
      (r.bytesPerMessage === undefined ? '' : r.bytesPerMessage.toFixed(1)).padStart(12),
    );
  }
}

const at = process.argv.indexOf('--one');
if (at !== -1) await one(process.argv[at + 1]);
else main();
