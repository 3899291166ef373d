// The browser end of the terminal protocol (runner/terminal/protocol.ts): fetches a
// ticket, keeps one websocket open, acknowledges rendered output for flow control, and
// reconnects by itself after a network blip or a closed laptop lid.
import type { Terminal } from '@xterm/xterm';
import {
  CLOSE_CODES,
  FLOW_CONTROL,
  TERMINAL_PATH,
  TICKET_PATH,
  type ClientMessage,
  type ServerMessage,
  type TicketResponse,
} from '../../../runner/terminal/protocol.ts';
import type { EarlyStart } from './early.ts';
import { showQueueNotice, type WaitReason } from './queue-notice.ts';

export type ConnectionState =
  | { kind: 'connecting' }
  | { kind: 'connected' }
  /** `message`: why, when the runner said so (the course is full). */
  | { kind: 'reconnecting'; inMs: number; message?: string }
  | { kind: 'taken-over' }
  | { kind: 'exited'; code: number }
  | { kind: 'refused'; message: string };

/** The runner said no (foreign page, bad request): retrying will not help. */
class TicketRefused extends Error {}

/** Every shell on the runner is taken, or the runner is still preparing: worth trying again. */
class CourseFull extends Error {
  readonly reason: WaitReason;
  constructor(message: string, reason: WaitReason) {
    super(message);
    this.reason = reason;
  }
}

/** A one-time ticket for the terminal socket, tied to this browser's learner cookie. */
export async function fetchTicket(requested?: Promise<Response>): Promise<string> {
  // `requested`: the page asked already (SkipLink.astro's preconnect).
  const response = await (requested ?? fetch(TICKET_PATH, { method: 'POST', credentials: 'same-origin' }));
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string; login?: string; preparation?: unknown };
    const message = body.error ?? `Fehler ${response.status}`;
    // The runner wants a sign-in first: off to it, and back to this page afterwards.
    if (response.status === 401 && body.login) window.location.assign(`${body.login}?returnTo=${encodeURIComponent(window.location.pathname + window.location.search)}`);
    if (response.status === 503 && body.error) throw new CourseFull(message, body.preparation ? 'preparation' : 'queue');
    throw response.status < 500 ? new TicketRefused(message) : new Error(message);
  }
  return ((await response.json()) as TicketResponse).ticket;
}

const HEARTBEAT_MS = 10_000;
/** No pong for this long: the socket is dead even if the browser has not noticed. */
const DEAD_AFTER_MS = 25_000;
const MAX_BACKOFF_MS = 5_000;
/** While the course is full: ask again this often (a shell frees up when someone leaves). */
const FULL_RETRY_MS = 15_000;

export class TerminalConnection {
  private readonly term: Terminal;
  private readonly onState: (state: ConnectionState) => void;
  private readonly encoder = new TextEncoder();
  private socket: WebSocket | null = null;
  /** Bumped per socket, so callbacks of an old socket's writes cannot ack on a new one. */
  private generation = 0;
  private renderedBytes = 0;
  private acknowledgedBytes = 0;
  private failedAttempts = 0;
  private lastPongAt = 0;
  private pingId = 0;
  private heartbeat: number | undefined;
  private retryTimer: number | undefined;
  private state: ConnectionState = { kind: 'connecting' };

  constructor(term: Terminal, onState: (state: ConnectionState) => void) {
    this.term = term;
    this.onState = onState;
    term.onData((data) => this.sendInput(this.encoder.encode(data)));
    term.onBinary((data) => this.sendInput(Uint8Array.from(data, (char) => char.charCodeAt(0))));
    term.onResize(({ cols, rows }) => this.send({ type: 'resize', cols, rows }));
    // Coming back from sleep or offline: check now instead of waiting for a timer.
    window.addEventListener('online', () => this.checkNow());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.checkNow();
    });
  }

  get currentState(): ConnectionState {
    return this.state;
  }

  /** Connects; `early` is the page's head start (early.ts): the first ticket, fetched
   * while xterm.js loaded, and the socket it opened. */
  start(early?: EarlyStart): void {
    void this.connect(early);
  }

  /** Opens the terminal again after it was taken over by another tab or the shell ended. */
  reopen(): void {
    this.failedAttempts = 0;
    void this.connect();
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    this.onState(state);
  }

  private async connect(early?: EarlyStart): Promise<void> {
    clearTimeout(this.retryTimer);
    this.closeSocket();
    const generation = ++this.generation;
    this.setState({ kind: 'connecting' });
    let ticket: string;
    try {
      ticket = await (early?.ticket ?? fetchTicket());
    } catch (error) {
      if (generation !== this.generation) return;
      if (error instanceof TicketRefused) this.setState({ kind: 'refused', message: error.message });
      else if (error instanceof CourseFull) {
        showQueueNotice(this.term, error.message, error.reason);
        this.scheduleReconnect({ delayMs: FULL_RETRY_MS, message: error.message });
      }
      else this.scheduleReconnect();
      return;
    }
    if (generation !== this.generation) return;

    // The head start may have opened the socket with this ticket already.
    const adopted = (await early?.takeSocket()) ?? null;
    if (generation !== this.generation) {
      adopted?.socket.close();
      return;
    }
    let socket: WebSocket;
    if (adopted) socket = adopted.socket;
    else {
      const url = new URL(TERMINAL_PATH, window.location.href);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      url.searchParams.set('ticket', ticket);
      socket = new WebSocket(url);
      socket.binaryType = 'arraybuffer';
    }
    this.socket = socket;
    this.renderedBytes = 0;
    this.acknowledgedBytes = 0;

    const onOpen = () => {
      this.lastPongAt = Date.now();
      const { cols, rows } = this.term;
      // An adopted socket said hello with an estimated size; xterm.js has measured since.
      if (!adopted) this.send({ type: 'hello', cols, rows });
      else if (adopted.announced.cols !== cols || adopted.announced.rows !== rows) this.send({ type: 'resize', cols, rows });
      this.startHeartbeat();
    };
    const onMessage = (event: MessageEvent<ArrayBuffer | string>) => {
      if (typeof event.data === 'string') this.onControl(JSON.parse(event.data) as ServerMessage);
      else this.render(new Uint8Array(event.data), generation);
    };
    const onClose = (event: CloseEvent) => {
      if (generation !== this.generation) return;
      this.stopHeartbeat();
      this.socket = null;
      if (event.code === CLOSE_CODES.takenOver) this.setState({ kind: 'taken-over' });
      else if (event.code === CLOSE_CODES.shellExited) {
        if (this.state.kind !== 'exited') this.setState({ kind: 'exited', code: 0 });
      } else if (event.code === 1011 && event.reason) {
        // The runner says why the shell cannot start (e.g. the sandbox); no quick retries.
        this.scheduleReconnect({ delayMs: 15_000, message: event.reason });
      } else this.scheduleReconnect();
    };
    socket.onopen = onOpen;
    socket.onmessage = onMessage;
    socket.onclose = onClose;
    if (adopted) {
      // What happened before the connection listened, in order.
      if (socket.readyState === WebSocket.OPEN) onOpen();
      for (const event of adopted.backlog) onMessage(event);
      if (adopted.closed) onClose(adopted.closed);
    }
  }

  private onControl(message: ServerMessage): void {
    switch (message.type) {
      case 'ready':
        this.failedAttempts = 0;
        // The server sends the whole screen (or a fresh shell) next.
        this.term.reset();
        this.setState({ kind: 'connected' });
        break;
      case 'pong':
        this.lastPongAt = Date.now();
        break;
      case 'exit':
        this.setState({ kind: 'exited', code: message.code });
        break;
    }
  }

  private render(bytes: Uint8Array, generation: number): void {
    this.term.write(bytes, () => {
      if (generation !== this.generation) return;
      this.renderedBytes += bytes.length;
      const unacknowledged = this.renderedBytes - this.acknowledgedBytes;
      if (unacknowledged >= FLOW_CONTROL.ackEveryBytes) {
        this.acknowledgedBytes = this.renderedBytes;
        this.send({ type: 'ack', bytes: unacknowledged });
      }
    });
  }

  private sendInput(bytes: Uint8Array<ArrayBuffer>): void {
    if (this.state.kind === 'exited') {
      this.reopen();
      return;
    }
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(bytes);
  }

  private send(message: ClientMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private scheduleReconnect(reason?: { delayMs: number; message: string }): void {
    const backoff = reason?.delayMs ?? Math.min(MAX_BACKOFF_MS, 250 * 2 ** this.failedAttempts);
    const delay = backoff * (0.8 + Math.random() * 0.4);
    this.failedAttempts += 1;
    this.setState({ kind: 'reconnecting', inMs: Math.round(delay), ...(reason ? { message: reason.message } : {}) });
    this.retryTimer = window.setTimeout(() => void this.connect(), delay);
  }

  private checkNow(): void {
    if (this.state.kind === 'reconnecting') void this.connect();
    else if (this.socket?.readyState === WebSocket.OPEN) this.send({ type: 'ping', id: ++this.pingId });
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.heartbeat = window.setInterval(() => {
      if (Date.now() - this.lastPongAt > DEAD_AFTER_MS) {
        // A dead TCP connection may take minutes to report its close; do not wait.
        this.generation += 1;
        this.closeSocket();
        this.scheduleReconnect();
        return;
      }
      this.send({ type: 'ping', id: ++this.pingId });
    }, HEARTBEAT_MS);
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
  }

  private closeSocket(): void {
    this.stopHeartbeat();
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close();
  }
}
