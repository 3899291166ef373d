// Seats in the course: a learner holds one while they have a shell or a sandbox/cluster
// (starting or running). When every seat is taken, latecomers wait in a first-come,
// first-served queue: asking again keeps one's place (and never improves it), and whoever
// stops asking (the page closed) drops out after a while, so the queue moves on.

export interface CourseQueueOptions {
  /** Seats at most (WERKBANK_MAX_SHELLS). */
  maxSeats: number;
  /** The learners holding a seat now: shells live or starting, sandboxes and clusters. */
  holders: () => ReadonlySet<string>;
  /** A waiting learner who has not asked for this long leaves the queue (the page asks every 15 s). */
  dropAfterMs?: number;
  /** A learner let in from the queue keeps the seat this long until their shell or sandbox holds it. */
  reserveMs?: number;
  now?: () => number;
}

export type Admission = { ok: true } | { ok: false; position: number; message: string };

interface Waiting {
  learnerId: string;
  lastAskedAt: number;
}

export function courseFullMessage(maxSeats: number, position: number): string {
  return (
    `Der Kurs ist gerade voll: ${maxSeats === 1 ? 'das eine Terminal ist' : `alle ${maxSeats} Terminals sind`} belegt. ` +
    `Du bist auf Platz ${position} der Warteliste. Lass diese Seite offen, sie fragt alle 15 Sekunden nach.`
  );
}

export class CourseQueue {
  private readonly options: Required<Omit<CourseQueueOptions, 'now'>> & { now: () => number };
  private readonly waiting: Waiting[] = [];
  /** Learners let in from the queue whose shell or sandbox is not there yet → until when. */
  private readonly reserved = new Map<string, number>();

  constructor(options: CourseQueueOptions) {
    this.options = { dropAfterMs: 45_000, reserveMs: 30_000, now: Date.now, ...options };
  }

  get maxSeats(): number {
    return this.options.maxSeats;
  }

  /** The waiting learners in order (for tests and the health page). */
  get queue(): string[] {
    return this.waiting.map((entry) => entry.learnerId);
  }

  /** The learner let in from the queue took their seat (their ticket was used, their
   * cluster asked for): the reservation is not needed any more. */
  seated(learnerId: string): void {
    this.reserved.delete(learnerId);
  }

  /** Whether this learner may have a shell or sandbox now; otherwise their place in the queue. */
  admit(learnerId: string): Admission {
    const now = this.options.now();
    const holders = this.options.holders();
    for (const [reservedId, until] of this.reserved) {
      if (until <= now || holders.has(reservedId)) this.reserved.delete(reservedId);
    }
    for (let index = this.waiting.length - 1; index >= 0; index--) {
      const entry = this.waiting[index]!;
      if (now - entry.lastAskedAt > this.options.dropAfterMs || holders.has(entry.learnerId)) this.waiting.splice(index, 1);
    }
    if (holders.has(learnerId) || this.reserved.has(learnerId)) return { ok: true };

    const taken = holders.size + this.reserved.size;
    const free = Math.max(0, this.options.maxSeats - taken);
    const known = this.waiting.find((entry) => entry.learnerId === learnerId);
    // Nobody waiting: as before the queue existed, whoever asks while there is room gets in.
    if (!known && this.waiting.length === 0 && free > 0) return { ok: true };
    const entry = known ?? { learnerId, lastAskedAt: now };
    entry.lastAskedAt = now;
    if (!known) this.waiting.push(entry);
    const position = this.waiting.indexOf(entry) + 1;
    if (position <= free) {
      this.waiting.splice(position - 1, 1);
      this.reserved.set(learnerId, now + this.options.reserveMs);
      return { ok: true };
    }
    return { ok: false, position, message: courseFullMessage(this.options.maxSeats, position) };
  }
}
