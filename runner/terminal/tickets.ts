// One-time tickets that let a learner's browser open their terminal websocket. The
// page fetches one with its learner cookie right before connecting, so a socket
// opened from anywhere else (another site, a script without the cookie) gets nothing.
import { randomBytes } from 'node:crypto';

interface Ticket {
  learnerId: string;
  expiresAt: number;
}

export class TicketStore {
  private readonly tickets = new Map<string, Ticket>();
  readonly ttlMs: number;
  private readonly now: () => number;

  constructor(ttlMs = 30_000, now: () => number = Date.now) {
    this.ttlMs = ttlMs;
    this.now = now;
  }

  issue(learnerId: string): string {
    this.sweep();
    const ticket = randomBytes(32).toString('base64url');
    this.tickets.set(ticket, { learnerId, expiresAt: this.now() + this.ttlMs });
    return ticket;
  }

  /** True once, for an unexpired ticket issued to this learner; any attempt (also with
   * no or another learner) uses the ticket up. */
  redeem(ticket: string, learnerId: string | null): boolean {
    const found = this.tickets.get(ticket);
    if (!found) return false;
    this.tickets.delete(ticket);
    return learnerId !== null && found.learnerId === learnerId && found.expiresAt > this.now();
  }

  private sweep(): void {
    const now = this.now();
    for (const [ticket, { expiresAt }] of this.tickets) {
      if (expiresAt <= now) this.tickets.delete(ticket);
    }
  }
}
