// The terminal beside a lesson: creates xterm.js (this module runs only in the browser,
// as the dock's client script), connects it, and lets the learner place (right/bottom),
// resize and collapse the dock. The layout is remembered per browser.
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { fetchTicket, TerminalConnection, type ConnectionState } from './connection.ts';
import { readLayout, saveLayout, applyLayout, clampDockSize, type DockLayout } from './layout.ts';
import { mountRunButtons } from './run-buttons.ts';

declare global {
  interface Window {
    /** For browser tests and benchmarks. */
    werkbankTerminal?: { term: Terminal; connection: TerminalConnection };
  }
}

const STATE_TEXT: Record<ConnectionState['kind'], string> = {
  connecting: 'Verbinde …',
  connected: 'Verbunden',
  reconnecting: 'Verbindung unterbrochen – verbinde neu …',
  'taken-over': 'In einem anderen Tab geöffnet.',
  exited: 'Die Shell wurde beendet. Eine Taste startet eine neue.',
  refused: 'Das Terminal wurde abgelehnt.',
};

function createTerminal(screen: HTMLElement): { term: Terminal; fit: () => void } {
  const term = new Terminal({
    cursorBlink: true,
    fontFamily: "'JetBrains Mono', 'DejaVu Sans Mono', 'Liberation Mono', monospace",
    fontSize: 14,
    scrollback: 5000,
    theme: { background: '#16181d', foreground: '#e6e6e6', cursor: '#7dd3fc' },
  });
  const fitAddon = new FitAddon();
  term.loadAddon(fitAddon);
  term.open(screen);
  const fit = () => {
    if (screen.offsetWidth > 0 && screen.offsetHeight > 0) fitAddon.fit();
  };
  fit();
  return { term, fit };
}

/** WebGL when a GPU draws it; a software rasterizer (SwiftShader, llvmpipe) is slower
 * than xterm's DOM renderer, which is already active. */
async function useGpuRenderer(term: Terminal): Promise<void> {
  const probe = document.createElement('canvas').getContext('webgl2');
  const info = probe?.getExtension('WEBGL_debug_renderer_info');
  const renderer = info ? String(probe?.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '';
  probe?.getExtension('WEBGL_lose_context')?.loseContext();
  if (!probe || /swiftshader|llvmpipe|software/i.test(renderer)) return;
  try {
    const { WebglAddon } = await import('@xterm/addon-webgl');
    const webgl = new WebglAddon();
    // A lost GPU context (driver reset, too many tabs) falls back to the DOM renderer.
    webgl.onContextLoss(() => webgl.dispose());
    term.loadAddon(webgl);
  } catch {
    // WebGL2 refused after all: stay with the DOM renderer.
  }
}

function wireLayoutControls(dock: HTMLElement, refit: () => void): void {
  let layout = readLayout();
  const update = (next: DockLayout) => {
    layout = next;
    applyLayout(layout);
    saveLayout(layout);
    requestAnimationFrame(refit);
  };
  const sideButton = dock.querySelector<HTMLButtonElement>('[data-action="side"]');
  const collapseButton = dock.querySelector<HTMLButtonElement>('[data-action="collapse"]');
  const separator = dock.querySelector<HTMLElement>('.wb-dock-resizer');

  sideButton?.addEventListener('click', () =>
    update({ ...layout, side: layout.side === 'right' ? 'bottom' : 'right' }),
  );
  collapseButton?.addEventListener('click', () => update({ ...layout, collapsed: !layout.collapsed }));

  separator?.addEventListener('pointerdown', (down) => {
    down.preventDefault();
    separator.setPointerCapture(down.pointerId);
    document.documentElement.dataset.wbResizing = '';
    const onMove = (move: PointerEvent) => {
      const size = layout.side === 'right' ? window.innerWidth - move.clientX : window.innerHeight - move.clientY;
      layout = { ...layout, size: clampDockSize(layout.side, size), collapsed: false };
      applyLayout(layout);
    };
    const onUp = () => {
      separator.removeEventListener('pointermove', onMove);
      delete document.documentElement.dataset.wbResizing;
      update(layout);
    };
    separator.addEventListener('pointermove', onMove);
    separator.addEventListener('pointerup', onUp, { once: true });
    separator.addEventListener('pointercancel', onUp, { once: true });
  });
  separator?.addEventListener('keydown', (event) => {
    const grow = layout.side === 'right' ? 'ArrowLeft' : 'ArrowUp';
    const shrink = layout.side === 'right' ? 'ArrowRight' : 'ArrowDown';
    if (event.key !== grow && event.key !== shrink) return;
    event.preventDefault();
    const step = event.key === grow ? 32 : -32;
    update({ ...layout, size: clampDockSize(layout.side, layout.size + step) });
  });
}

function showState(dock: HTMLElement, state: ConnectionState): void {
  dock.dataset.state = state.kind;
  // Lets tests (and curious learners in devtools) see that a reconnect happened.
  if (state.kind === 'connected') dock.dataset.connections = String(Number(dock.dataset.connections ?? 0) + 1);
  const status = dock.querySelector<HTMLElement>('.wb-dock-status');
  const action = dock.querySelector<HTMLButtonElement>('[data-action="reopen"]');
  if (status) {
    if (state.kind === 'refused') status.textContent = `${STATE_TEXT.refused} ${state.message}`;
    else if (state.kind === 'reconnecting' && state.message) status.textContent = `${state.message} Das Terminal verbindet sich dann von selbst.`;
    else status.textContent = STATE_TEXT[state.kind];
  }
  if (action) {
    action.hidden = !['taken-over', 'exited', 'refused'].includes(state.kind);
    action.textContent = state.kind === 'taken-over' ? 'Hier öffnen' : 'Neu verbinden';
  }
}

export function mountTerminalDock(dock: HTMLElement): void {
  const screen = dock.querySelector<HTMLElement>('.wb-dock-screen');
  if (!screen) return;
  // Fetched while the terminal sets up: the two do not depend on each other.
  const ticket = fetchTicket();
  ticket.catch(() => {}); // handled by the connection when it awaits it
  const { term, fit } = createTerminal(screen);
  let fitScheduled = false;
  const scheduleFit = () => {
    if (fitScheduled) return;
    fitScheduled = true;
    requestAnimationFrame(() => {
      fitScheduled = false;
      fit();
    });
  };
  new ResizeObserver(scheduleFit).observe(screen);
  wireLayoutControls(dock, scheduleFit);

  const connection = new TerminalConnection(term, (state) => showState(dock, state));
  dock.querySelector('[data-action="reopen"]')?.addEventListener('click', () => {
    connection.reopen();
    term.focus();
  });
  window.werkbankTerminal = { term, connection };
  mountRunButtons(document, (text) => {
    if (document.documentElement.dataset.wbDockCollapsed === 'true') {
      dock.querySelector<HTMLButtonElement>('[data-action="collapse"]')?.click();
    }
    term.paste(text);
    term.focus();
  });
  connection.start(ticket);
  void useGpuRenderer(term);
}
