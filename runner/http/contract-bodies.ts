// Request bodies of the HTTP API as zod schemas: the runner validates with them, and
// contract.ts derives the types the page sends from them (type-only, so the page's
// bundle does not carry zod).
import { z } from 'zod';

/** POST /api/labs/:lab/steps/:step/reveal */
export const revealBody = z.strictObject({ what: z.enum(['hint', 'solution']) });

/** Largest request body the API reads; every body it takes is a few bytes. */
export const BODY_LIMIT_BYTES = 16 * 1024;
