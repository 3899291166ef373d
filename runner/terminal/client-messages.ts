// Validation of what a browser sends on the terminal socket.
import { z } from 'zod';
import type { ClientMessage } from './protocol.ts';

const size = { cols: z.number(), rows: z.number() };

export const clientMessageSchema: z.ZodType<ClientMessage> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), ...size }),
  z.object({ type: z.literal('resize'), ...size }),
  z.object({ type: z.literal('ack'), bytes: z.number().int().positive() }),
  z.object({ type: z.literal('ping'), id: z.number().int() }),
]);
