// A head start for the terminal. xterm.js is most of a lesson page's script and takes a
// while to arrive and start; meanwhile the inline script at the top of the page has
// fetched the ticket, opened the socket and said hello with an estimated size
// (SkipLink.astro), so the runner starts the shell while the page and xterm.js load.
// This small module takes that socket over with what it kept (or does the same itself
// when the page's head start is missing); the connection (connection.ts) then takes it
// with everything received so far, and corrects the size once xterm.js has measured.
import { TERMINAL_PATH, type ClientMessage } from '../../../runner/terminal/protocol.ts';
import { fetchTicket } from './connection.ts';
import { TERMINAL_FONT } from './font.ts';

export { TERMINAL_FONT };

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

/** What the page's inline script received on its socket, and the size its hello gave
 * (null: no hello yet). */
interface PreconnectKept {
  backlog: MessageEvent<ArrayBuffer | string>[];
  closed: CloseEvent | null;
  announced: { cols: number; rows: number } | null;
}

/** Asked for by an inline script at the top of a lesson page (SkipLink.astro), while the
 * page is still being read: the ticket's response, and the socket opened with it, which
 * says hello as soon as it is open. */
interface Preconnect {
  ticket: Promise<Response>;
  socket: Promise<WebSocket | null>;
  /** Stops the inline script's listeners (and a hello not yet said), handing over what
   * it kept. */
  take(): PreconnectKept;
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
  // As xterm.js's fit: the screen's border box, less 14 px for the scroll bar.
  const style = getComputedStyle(screen);
  const width = Number.parseInt(style.width) - 14;
  const height = Number.parseInt(style.height);
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
      const kept = socket ? preconnect?.take() : undefined;
      if (!socket) {
        const url = new URL(TERMINAL_PATH, window.location.href);
        url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
        url.searchParams.set('ticket', value);
        socket = new WebSocket(url);
      }
      socket.binaryType = 'arraybuffer';
      const early: EarlySocket = {
        socket,
        // Kept by the inline script: the same array goes on filling up from here.
        backlog: kept?.backlog ?? [],
        closed: kept?.closed ?? null,
        announced: kept?.announced ?? estimateSize(screen),
      };
      socket.addEventListener('message', keep);
      socket.addEventListener('close', noteClose);
      // The runner waits for a hello: said here unless the inline script said it already.
      if (!kept?.announced) {
        const sayHello = () => socket.send(JSON.stringify({ type: 'hello', ...early.announced } satisfies ClientMessage));
        if (socket.readyState === WebSocket.OPEN) sayHello();
        else socket.addEventListener('open', sayHello, { once: true });
      }
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
