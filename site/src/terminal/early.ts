// A head start for the terminal. xterm.js is most of a lesson page's script and takes a
// while to arrive and start; meanwhile this small module fetches the ticket, opens the
// socket and says hello with a size estimated from the dock, so the runner starts the
// shell while xterm.js loads. The connection (connection.ts) takes the socket over with
// everything it has received so far, and corrects the size once xterm.js has measured.
import { TERMINAL_PATH, type ClientMessage } from '../../../runner/terminal/protocol.ts';
import { fetchTicket } from './connection.ts';

/** The terminal's font, shared with dock.ts so the estimate matches what xterm.js draws. */
export const TERMINAL_FONT = {
  family: "'JetBrains Mono', 'DejaVu Sans Mono', 'Liberation Mono', monospace",
  size: 14,
};

/** What the connection takes over: the socket, what came before it listened, and the
 * size the runner was told. */
export interface EarlySocket {
  socket: WebSocket;
  backlog: MessageEvent<ArrayBuffer | string>[];
  closed: CloseEvent | null;
  announced: { cols: number; rows: number };
}

export interface EarlyStart {
  ticket: Promise<string>;
  /** The socket opened with that ticket, once; null when it could not be opened. From
   * then on only the connection listens (its backlog holds what came before). */
  takeSocket(): Promise<EarlySocket | null>;
}

/** Asked for by an inline script at the top of a lesson page (SkipLink.astro), while the
 * page is still being read: the ticket's response, and the socket opened with it. */
interface Preconnect {
  ticket: Promise<Response>;
  socket: Promise<WebSocket | null>;
}

declare global {
  interface Window {
    werkbankEarlyTerminal?: EarlyStart;
    werkbankPreconnect?: Preconnect;
  }
}

/** The preconnected socket if it is still usable (its ticket is used up either way). */
async function preconnected(preconnect: Preconnect | undefined): Promise<WebSocket | null> {
  const socket = await preconnect?.socket.catch(() => null);
  return socket && socket.readyState <= WebSocket.OPEN ? socket : null;
}

/** Columns and rows the dock's screen will hold, before xterm.js can measure them. */
function estimateSize(screen: HTMLElement): { cols: number; rows: number } {
  const probe = document.createElement('span');
  probe.style.cssText = `position:absolute;visibility:hidden;white-space:pre;line-height:normal;font-family:${TERMINAL_FONT.family};font-size:${TERMINAL_FONT.size}px`;
  probe.textContent = 'W'.repeat(40);
  screen.append(probe);
  const cell = probe.getBoundingClientRect();
  probe.remove();
  const style = getComputedStyle(screen);
  // xterm.js keeps room for its scroll bar beside the text.
  const width = screen.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight) - 14;
  const height = screen.clientHeight - Number.parseFloat(style.paddingTop) - Number.parseFloat(style.paddingBottom);
  if (cell.width <= 0 || cell.height <= 0 || width <= 0 || height <= 0) return { cols: 80, rows: 24 };
  return { cols: Math.max(2, Math.floor(width / (cell.width / 40))), rows: Math.max(1, Math.floor(height / cell.height)) };
}

export function startTerminalEarly(screen: HTMLElement): EarlyStart {
  // For bench/page-open.ts: how soon after navigation the terminal got going.
  performance.mark('werkbank:terminal-start');
  const preconnect = window.werkbankPreconnect;
  const ticket = fetchTicket(preconnect?.ticket);
  ticket.catch(() => {}); // the connection reports it when it awaits the ticket
  /** Stops the early listeners once the connection listens itself. */
  let release = () => {};
  const opened: Promise<EarlySocket | null> = ticket.then(
    async (value) => {
      let socket = await preconnected(preconnect);
      if (!socket) {
        const url = new URL(TERMINAL_PATH, window.location.href);
        url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
        url.searchParams.set('ticket', value);
        socket = new WebSocket(url);
      }
      socket.binaryType = 'arraybuffer';
      const early: EarlySocket = { socket, backlog: [], closed: null, announced: estimateSize(screen) };
      socket.addEventListener('message', keep);
      socket.addEventListener('close', noteClose);
      // A preconnected socket may be open already: the runner waits for this hello.
      const sayHello = () => socket.send(JSON.stringify({ type: 'hello', ...early.announced } satisfies ClientMessage));
      if (socket.readyState === WebSocket.OPEN) sayHello();
      else socket.addEventListener('open', sayHello);
      release = () => {
        socket.removeEventListener('message', keep);
        socket.removeEventListener('close', noteClose);
      };
      return early;

      function keep(event: MessageEvent<ArrayBuffer | string>) {
        early.backlog.push(event);
      }
      function noteClose(event: CloseEvent) {
        early.closed = event;
      }
    },
    () => null,
  );
  let taken = false;
  const start: EarlyStart = {
    ticket,
    async takeSocket() {
      if (taken) return null;
      taken = true;
      const early = await opened;
      release();
      return early;
    },
  };
  window.werkbankEarlyTerminal = start;
  return start;
}
