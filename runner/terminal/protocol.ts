// The terminal websocket protocol, shared by the runner and the browser client.
//
// Binary frames carry raw pty bytes in both directions (keystrokes up, output down).
// Text frames carry JSON control messages, validated with the schemas below.
//
// Connect: POST /api/terminal/ticket (same-origin, learner cookie) returns a one-time
// ticket (a JSON body {cols, rows} starts the learner's shell at once, for their hello
// to take); open ws(s)://<host>/api/terminal?ticket=<ticket>; send `hello` first.
// The server answers `ready`, then output. `ready` means "reset your screen": when
// `restored` is true the next binary frame is the serialized screen of the shell
// that kept running while the socket was gone.
export const TERMINAL_PATH = '/api/terminal';
export const TICKET_PATH = '/api/terminal/ticket';

/** Flow control after VS Code: the client acknowledges rendered bytes, the server
 * pauses the pty above the high watermark of unacknowledged bytes and resumes below
 * the low one, so a flood (`yes`) never piles up in server memory or in the socket. */
export const FLOW_CONTROL = {
  ackEveryBytes: 32 * 1024,
  // Bounds how much output is still on its way when the learner presses Ctrl-C
  // (the browser renders this in a few milliseconds) ...
  highWatermarkBytes: 512 * 1024,
  // ... and resumes while the browser still has work queued, so it never idles.
  lowWatermarkBytes: 256 * 1024,
} as const;

/** Largest websocket message the server accepts; larger ones close the socket. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

export const SIZE_LIMITS = { minCols: 2, maxCols: 500, minRows: 1, maxRows: 200 } as const;

/** Close codes the client reacts to (4000–4999 are free for applications). */
export const CLOSE_CODES = {
  /** Another tab of the same learner took the terminal over. */
  takenOver: 4000,
  /** The shell ended (`exit`); a new connection starts a new shell. */
  shellExited: 4001,
  /** The runner is shutting down. */
  serverShutdown: 4002,
  /** The first message was not a valid hello. */
  protocolError: 4003,
} as const;

// Kept free of runtime dependencies: the browser bundle imports this file. The
// runner validates incoming messages with client-messages.ts.
export type ClientMessage =
  | { type: 'hello'; cols: number; rows: number }
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'ack'; bytes: number }
  | { type: 'ping'; id: number };

export type ServerMessage =
  | { type: 'ready'; restored: boolean }
  | { type: 'pong'; id: number }
  | { type: 'exit'; code: number };

export interface TicketResponse {
  ticket: string;
  expiresInMs: number;
}

/** Clamps a requested size into what a pty and the screen mirror can take. */
export function clampSize(cols: number, rows: number): { cols: number; rows: number } {
  const clamp = (value: number, min: number, max: number) =>
    Math.min(max, Math.max(min, Math.round(Number.isFinite(value) ? value : min)));
  return {
    cols: clamp(cols, SIZE_LIMITS.minCols, SIZE_LIMITS.maxCols),
    rows: clamp(rows, SIZE_LIMITS.minRows, SIZE_LIMITS.maxRows),
  };
}
