// Binds one websocket to a learner's shell: the first message must be `hello`, then
// binary frames are keystrokes and text frames are control messages. A malformed
// control frame is counted and ignored; a silent peer is dropped by the keep-alive.
import { WebSocket, type RawData } from 'ws';
import { ClusterError } from '../clusters/errors.ts';
import { clientMessageSchema } from './client-messages.ts';
import { CLOSE_CODES, type ClientMessage, type ServerMessage } from './protocol.ts';
import type { TerminalPeer, TerminalSession } from './session.ts';
import { CourseFull, type TerminalSessions } from './sessions.ts';

export interface TerminalStats {
  malformedFrames: number;
  oversizedFrames: number;
  connections: number;
}

export function newTerminalStats(): TerminalStats {
  return { malformedFrames: 0, oversizedFrames: 0, connections: 0 };
}

const HELLO_TIMEOUT_MS = 10_000;
/** The close reason the page shows in the terminal bar (at most 123 bytes). */
const SANDBOX_FAILED_REASON = 'Deine Sandbox startet nicht. Details und „Erneut versuchen“ im Cluster-Bereich.';
const KEEPALIVE_INTERVAL_MS = 15_000;

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function parseControl(data: RawData): ClientMessage | null {
  try {
    const parsed = clientMessageSchema.safeParse(JSON.parse(toBuffer(data).toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function peerFor(ws: WebSocket): TerminalPeer {
  return {
    sendOutput(bytes) {
      if (ws.readyState === WebSocket.OPEN) ws.send(bytes, { binary: true });
    },
    sendControl(message: ServerMessage) {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
    },
    close(code, reason) {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, reason);
    },
  };
}

export function connectTerminal(
  ws: WebSocket,
  learnerId: string,
  sessions: TerminalSessions,
  stats: TerminalStats,
): void {
  stats.connections += 1;
  const peer = peerFor(ws);
  // Settles with null when the shell could not start, so later frames have nothing to
  // reject (an unhandled rejection would take the whole runner down).
  let session: Promise<TerminalSession | null> | null = null;
  let alive = true;

  const helloTimer = setTimeout(() => peer.close(CLOSE_CODES.protocolError, 'hello erwartet'), HELLO_TIMEOUT_MS);
  const keepAlive = setInterval(() => {
    if (!alive) {
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, KEEPALIVE_INTERVAL_MS);
  ws.on('pong', () => {
    alive = true;
  });

  const onControl = (message: ClientMessage) => {
    if (message.type === 'ping') {
      peer.sendControl({ type: 'pong', id: message.id });
      return;
    }
    if (!session) {
      if (message.type !== 'hello') {
        stats.malformedFrames += 1;
        return;
      }
      clearTimeout(helloTimer);
      // Attached even when the socket closed meanwhile: the detach that follows then
      // starts the grace timer, so no shell is left without an owner.
      session = sessions
        .open(learnerId, message.cols, message.rows)
        .then(async (opened) => {
          await opened.attach(peer, message.cols, message.rows);
          return opened;
        })
        .catch((error: unknown) => {
          if (error instanceof CourseFull) {
            // 1013 "try again later": the page's next ticket request gets the message.
            peer.close(1013, 'Kurs voll');
            return null;
          }
          console.error(`[terminal] Shell für ${learnerId} konnte nicht starten:`, error);
          // A sandbox that cannot start says why in the cluster panel, with a retry.
          peer.close(1011, error instanceof ClusterError ? SANDBOX_FAILED_REASON : 'Shell konnte nicht starten');
          return null;
        });
      return;
    }
    // Handled in order after the attach: a resize typed right after hello must not
    // overtake it.
    void session.then((opened) => {
      if (message.type === 'ack') opened?.acknowledge(message.bytes);
      else if (message.type === 'resize') opened?.resize(message.cols, message.rows);
      else stats.malformedFrames += 1; // a second hello
    });
  };

  ws.on('message', (data, isBinary) => {
    alive = true;
    if (isBinary) {
      if (!session) {
        stats.malformedFrames += 1;
        return;
      }
      const keys = toBuffer(data);
      void session.then((opened) => opened?.input(keys));
      return;
    }
    const message = parseControl(data);
    if (message) onControl(message);
    else stats.malformedFrames += 1;
  });

  let closed = false;
  const onGone = () => {
    if (closed) return;
    closed = true;
    clearTimeout(helloTimer);
    clearInterval(keepAlive);
    void session?.then((opened) => opened?.detach(peer));
  };
  ws.on('error', (error: Error & { code?: string }) => {
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') stats.oversizedFrames += 1;
    onGone();
  });
  ws.on('close', onGone);
}
