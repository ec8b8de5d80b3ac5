/**
 * The operation history (`run --history`): one JSON line per lifecycle step of every message,
 * in simulated-time order, like a Jepsen history. docs/history.md documents the format.
 *
 * The ledger calls the recorder from its fact methods when a history is being recorded, so
 * models report each step once and the history and the summary can never disagree about what
 * was reported. The recorder turns each fact into a self-contained line (message id, time,
 * key, seq, group, place and offset) and hands it to a sink; it keeps per message only the
 * partition and offset of log records (two paged integers), so it streams like the ledger.
 *
 * It knows nothing about files: a sink takes the lines (a gzip file, an array in tests).
 */
import { pagedInt32, pagedUint8, type Paged } from '../sim/paged.js';

/** Bumped when a line changes meaning or loses a field; new fields keep the version. */
export const HISTORY_FORMAT = 'queuesim-history/2';

/** Where lines go. */
export interface HistorySink {
  write(line: string): void;
}

/** What the recorder reads from the ledger to make each line readable on its own. */
export interface HistorySource {
  readonly now: number;
  keyName(key: number): string | null;
  keyOfMessage(id: number): number;
  seqOfMessage(id: number): number;
  groupName(g: number): string;
}

/**
 * Which messages' lines are kept. All conditions hold together; lines about no message
 * (crash, rebalance, …) are kept unless a window leaves them out.
 */
export interface HistoryFilter {
  /** Key names (`--history-keys`). */
  keys?: readonly string[];
  /** Message ids from … to, both included (`--history-messages 1000..2000`). */
  messages?: { from: number; to: number };
  /** Simulated time from … to in ms, both included (`--history-window 10m..12m`). */
  window?: { fromMs: number; toMs: number };
  /** Messages marked in this set only (`--history-anomalies`, from a first pass). */
  only?: MessageSet;
}

/** A set of message ids: one byte per message in paged arrays, so it stays flat. */
export class MessageSet {
  private readonly marks = pagedUint8();
  size = 0;

  add(id: number): void {
    if (this.marks.get(id) !== 0) return;
    this.marks.set(id, 1);
    this.size++;
  }

  has(id: number): boolean {
    return this.marks.get(id) !== 0;
  }
}

/** What the system calls its acknowledgement (docs/history.md, "ack"). */
export type AckName = 'ack' | 'commit' | 'delete';

export interface RecorderOptions {
  source: HistorySource;
  /** null: record nothing, only mark anomalous messages in `anomalous`. */
  sink: HistorySink | null;
  ack: AckName;
  filter?: HistoryFilter;
  /** Filled with every message that had an anomaly (docs/history.md, "--history-anomalies"). */
  anomalous?: MessageSet;
}

const json = (text: string | null): string => JSON.stringify(text);

interface Holding {
  instance: string;
  handled: boolean;
  acked: boolean;
}


export class HistoryRecorder {
  /** Lines written. */
  lines = 0;
  private readonly source: HistorySource;
  private readonly sink: HistorySink | null;
  private readonly ack: AckName;
  private readonly anomalous: MessageSet | null;
  private readonly keyFilter: Set<string> | null;
  private readonly filter: HistoryFilter;
  /** Log records: partition (index into `places`) and offset of each message, -1 elsewhere. */
  private readonly placeOf: Paged<Int32Array> = pagedInt32(-1);
  private readonly offsetOf: Paged<Int32Array> = pagedInt32(-1);
  private readonly places: string[] = [];
  private readonly placeIndex = new Map<string, number>();
  /**
   * The instance holding each in-flight delivery, by group, so that processing and ack lines
   * name it. Forgotten once the message is both processed (or suppressed) and acknowledged,
   * or abandoned, dropped or dead-lettered: it holds the in-flight messages, not all.
   */
  private readonly holder: Map<number, Holding>[] = [];
  /** Dead-letterings so far per message (x-death count / SQS redrive), for the few that have. */
  private readonly deaths = new Map<number, number>();
  /** `,"group":"…"` per group and the JSON text of each key name, made once. */
  private readonly groupJson: string[] = [];
  private readonly keyText: string[] = [];

  constructor(options: RecorderOptions) {
    this.source = options.source;
    this.sink = options.sink;
    this.ack = options.ack;
    this.anomalous = options.anomalous ?? null;
    this.filter = options.filter ?? {};
    this.keyFilter = this.filter.keys === undefined ? null : new Set(this.filter.keys);
  }

  /** The first line: what produced this history and how it was filtered. */
  header(fields: Record<string, unknown>): void {
    this.sink?.write(JSON.stringify({ format: HISTORY_FORMAT, op: 'history', ...fields }));
  }

  // ---- producers and the system ------------------------------------------------------------
  // Lines are concatenated by hand, not built as objects for JSON.stringify: recording then
  // costs about a microsecond per line. Every string value goes through `json`.

  publish(id: number, producer: string): void {
    if (this.keeps(id)) this.line(id, 'publish', `,"producer":${json(producer)}`);
  }

  accepted(id: number): void {
    if (this.keeps(id)) this.line(id, 'accepted', '');
  }

  rejected(id: number, cause: string): void {
    this.flag(id);
    if (this.keeps(id)) this.line(id, 'rejected', `,"cause":${json(cause)}`);
  }

  duplicateAppend(id: number): void {
    this.flag(id);
    if (this.keeps(id)) this.line(id, 'duplicate-append', this.at(id));
  }

  /** Stored for group g: in a queue (place = the group's queue) or at a partition offset. */
  enqueue(g: number, id: number, place: string | null, offset: number): void {
    if (place !== null) {
      let p = this.placeIndex.get(place);
      if (p === undefined) {
        p = this.places.push(json(place)) - 1;
        this.placeIndex.set(place, p);
      }
      this.placeOf.set(id, p);
      this.offsetOf.set(id, offset);
    }
    if (this.keeps(id)) this.line(id, 'enqueue', this.group(g) + this.at(id));
  }

  // ---- consumers ---------------------------------------------------------------------------

  deliver(g: number, id: number, attempt: number, instance: string | null): void {
    if (attempt > 1) this.flag(id);
    if (instance !== null) this.holders(g).set(id, { instance, handled: false, acked: false });
    if (!this.keeps(id)) return;
    const who = instance === null ? 'null' : json(instance);
    this.line(id, 'deliver',
      `${this.group(g)},"instance":${who},"attempt":${attempt},"redelivered":${attempt > 1}${this.at(id)}`);
  }

  /** A handler starts on the delivery for `serviceMs` (half the drawn time if it will crash midway). */
  processStart(g: number, id: number, serviceMs: number, instance?: string): void {
    if (this.keeps(id)) this.line(id, 'process-start', this.consumer(g, id, `,"serviceMs":${serviceMs}`, instance));
  }

  /** SQS: the visibility timeout ran out; `instance` is who held it (null after a crash). */
  visibilityExpired(g: number, id: number): void {
    if (this.keeps(id)) this.line(id, 'visibility-expired', this.consumer(g, id, ''));
  }

  /** SQS: ChangeMessageVisibility hid the held message for `timeoutMs` more from now. */
  visibilityChanged(g: number, id: number, timeoutMs: number): void {
    if (this.keeps(id)) this.line(id, 'visibility-change', this.consumer(g, id, `,"timeoutMs":${timeoutMs}`));
  }

  /** The side effect was applied; `replay` marks a deliberate replay (a log group sought back). */
  process(g: number, id: number, replay: boolean, instance?: string): void {
    if (this.keeps(id)) this.line(id, 'process', this.consumer(g, id, replay ? ',"replay":true' : '', instance));
    this.handled(g, id, instance);
  }

  failed(g: number, id: number, instance?: string): void {
    this.flag(id);
    if (this.keeps(id)) this.line(id, 'handler-failed', this.consumer(g, id, '', instance));
  }

  suppressed(g: number, id: number, instance?: string): void {
    if (this.keeps(id)) this.line(id, 'suppressed', this.consumer(g, id, '', instance));
    this.handled(g, id, instance);
  }

  acked(g: number, id: number): void {
    if (this.keeps(id)) this.line(id, this.ack, this.consumer(g, id, ''));
    const holding = this.holders(g).get(id);
    if (holding === undefined) return;
    if (holding.handled) this.holders(g).delete(id);
    else holding.acked = true;
  }

  abandoned(g: number, id: number, cause: string): void {
    if (this.keeps(id)) this.line(id, 'abandon', this.consumer(g, id, `,"cause":${json(cause)}`));
    this.holders(g).delete(id);
  }

  deadLettered(g: number, id: number, reason: string): void {
    this.flag(id);
    const deaths = (this.deaths.get(id) ?? 0) + 1;
    this.deaths.set(id, deaths);
    if (this.keeps(id)) {
      this.line(id, 'dead-letter', `${this.group(g)},"reason":${json(reason)},"deaths":${deaths}${this.at(id)}`);
    }
    this.holders(g).delete(id);
  }

  withdrawn(g: number, id: number): void {
    if (this.keeps(id)) this.line(id, 'withdraw', this.group(g) + this.at(id));
  }

  dropped(g: number, id: number, cause: string): void {
    if (this.keeps(id)) this.line(id, 'drop', `${this.group(g)},"cause":${json(cause)}${this.at(id)}`);
    this.holders(g).delete(id);
  }

  // ---- the ledger's verdicts (the checker derives them again from the lines above) --------

  loss(g: number, id: number, cause: string): void {
    this.flag(id);
    if (this.keeps(id)) this.line(id, 'loss', `${this.group(g)},"cause":${json(cause)}${this.at(id)}`);
  }

  duplicate(g: number, id: number): void {
    this.flag(id);
    if (this.keeps(id)) this.line(id, 'duplicate', this.consumer(g, id, ''));
  }

  orderingViolation(g: number, id: number, afterSeq: number): void {
    this.flag(id);
    if (this.keeps(id)) this.line(id, 'ordering-violation', this.consumer(g, id, `,"afterSeq":${afterSeq}`));
  }

  // ---- lines about no message --------------------------------------------------------------

  /** A timeline entry: crash, leave, restart, rebalance, broker crash, … */
  mark(kind: string, subject: string, detail: string | undefined): void {
    if (!this.inWindow()) return;
    const fields: Record<string, unknown> = { t: this.source.now, op: kind, subject };
    if (detail !== undefined) fields.detail = detail;
    this.write(JSON.stringify(fields));
  }

  /** A log group's new assignment: member → partitions. */
  assignment(group: string, members: Record<string, string[]>): void {
    if (!this.inWindow()) return;
    this.write(JSON.stringify({ t: this.source.now, op: 'assignment', group, members }));
  }

  // ---- lines -------------------------------------------------------------------------------

  /** `{"t":…,"op":…,"msg":…,"key":…,"seq":…` + tail + `}`; keyless messages omit key and seq. */
  private line(id: number, op: string, tail: string): void {
    const key = this.source.keyOfMessage(id);
    let head = `{"t":${this.source.now},"op":"${op}","msg":${id}`;
    if (key >= 0) head += `,"key":${this.keyJson(key)},"seq":${this.source.seqOfMessage(id)}`;
    this.write(`${head}${tail}}`);
  }

  /** The partition and offset of a log record, or nothing. */
  private at(id: number): string {
    const p = this.placeOf.get(id);
    return p < 0 ? '' : `,"partition":${this.places[p]},"offset":${this.offsetOf.get(id)}`;
  }

  /** Group, the instance named (else the one holding the delivery), `extra`, then the record's place. */
  private consumer(g: number, id: number, extra: string, named?: string): string {
    const instance = named ?? this.holders(g).get(id)?.instance;
    const who = instance === undefined ? 'null' : json(instance);
    return `${this.group(g)},"instance":${who}${extra}${this.at(id)}`;
  }

  private group(g: number): string {
    while (this.groupJson.length <= g) {
      this.groupJson.push(`,"group":${json(this.source.groupName(this.groupJson.length))}`);
    }
    return this.groupJson[g];
  }

  private keyJson(key: number): string {
    let text = this.keyText[key];
    if (text === undefined) text = this.keyText[key] = json(this.source.keyName(key));
    return text;
  }

  /** The holder's delivery was handled; not when an earlier holder (`instance`) finished late. */
  private handled(g: number, id: number, instance?: string): void {
    const holding = this.holders(g).get(id);
    if (holding === undefined || (instance !== undefined && instance !== holding.instance)) return;
    if (holding.acked) this.holders(g).delete(id);
    else holding.handled = true;
  }

  private holders(g: number): Map<number, Holding> {
    while (this.holder.length <= g) this.holder.push(new Map());
    return this.holder[g];
  }

  private write(line: string): void {
    this.lines++;
    this.sink!.write(line);
  }

  private flag(id: number): void {
    this.anomalous?.add(id);
  }

  private keeps(id: number): boolean {
    if (this.sink === null) return false;
    const { messages, only } = this.filter;
    if (messages !== undefined && (id < messages.from || id > messages.to)) return false;
    if (only !== undefined && !only.has(id)) return false;
    if (this.keyFilter !== null) {
      const key = this.source.keyName(this.source.keyOfMessage(id));
      if (key === null || !this.keyFilter.has(key)) return false;
    }
    return this.inWindow();
  }

  private inWindow(): boolean {
    const window = this.filter.window;
    if (this.sink === null) return false;
    if (window === undefined) return true;
    const now = this.source.now;
    return now >= window.fromMs && now <= window.toMs;
  }
}
