// Request bodies of the HTTP API as zod schemas: the runner validates with them, and
// contract.ts derives the types the page sends from them (type-only, so the page's
// bundle does not carry zod).
import { z } from 'zod';
import { SIZE_LIMITS } from '../terminal/protocol.ts';

/** POST /api/labs/:lab/steps/:step/reveal */
export const revealBody = z.strictObject({ what: z.enum(['hint', 'solution']) });

/** POST /api/terminal/ticket, optional: the terminal's size as the page estimates it,
 * so the runner starts the shell with the ticket (TerminalSessions.prepare). */
export const ticketBody = z.strictObject({
  cols: z.number().int().min(SIZE_LIMITS.minCols).max(SIZE_LIMITS.maxCols),
  rows: z.number().int().min(SIZE_LIMITS.minRows).max(SIZE_LIMITS.maxRows),
});

/** Largest request body the API reads; every body it takes is a few bytes. */
export const BODY_LIMIT_BYTES = 16 * 1024;
