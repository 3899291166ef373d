// The terminal beside a lesson: creates xterm.js (this module runs only in the browser,
// as the dock's client script), connects it, and lets the learner place (right/bottom),
// resize and collapse the dock. The layout is remembered per browser.
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { TerminalConnection, type ConnectionState } from './connection.ts';
import { startTerminalEarly, TERMINAL_FONT } from './early.ts';
import { readLayout, saveLayout, applyLayout, clampDockSize, dockSizeLimits, sideDockFits, type DockLayout } from './layout.ts';
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

// What xterm.js says to screen readers, in the course's language.
Terminal.strings.promptLabel = 'Terminal-Eingabe';
Terminal.strings.tooMuchOutput = 'Zu viel Ausgabe zum Vorlesen.';

/** Where the browser remembers that the learner wants the terminal read out. */
const SCREEN_READER_STORAGE_KEY = 'werkbank.screenReader';

/** xterm's screen-reader mode puts the terminal's rows into the accessibility tree and
 * announces new output; it costs some speed, so it is the learner's choice (remembered
 * per browser) and off by default. */
function wireScreenReaderSwitch(dock: HTMLElement, term: Terminal): void {
  const button = dock.querySelector<HTMLButtonElement>('[data-action="screen-reader"]');
  if (!button) return;
  const apply = (on: boolean) => {
    term.options.screenReaderMode = on;
    button.setAttribute('aria-pressed', String(on));
    // xterm's row list has no name of its own; a screen reader announces this one.
    dock.querySelector('.xterm-accessibility-tree')?.setAttribute('aria-label', 'Terminal-Ausgabe');
  };
  let on = false;
  try {
    on = localStorage.getItem(SCREEN_READER_STORAGE_KEY) === 'on';
  } catch {
    // Storage blocked: the mode starts off.
  }
  apply(on);
  button.addEventListener('click', () => {
    on = !on;
    apply(on);
    try {
      localStorage.setItem(SCREEN_READER_STORAGE_KEY, on ? 'on' : 'off');
    } catch {
      // Private mode or full storage: it holds for this page only.
    }
  });
}

/** How long an Escape waits for a Tab (leave the terminal) before the shell gets it. */
const ESCAPE_WAIT_MS = 400;

const TABBABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

/** The control a Tab (or Shift+Tab) from `from` would reach if the terminal let it go. */
function neighbourOf(from: Element, backwards: boolean): HTMLElement | undefined {
  const candidates = [...document.querySelectorAll<HTMLElement>(TABBABLE)].filter(
    (node) => !node.closest('.xterm') && node.tabIndex >= 0 && node.checkVisibility(),
  );
  const after = candidates.filter((node) => from.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING);
  const before = candidates.filter((node) => from.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_PRECEDING);
  // Past either end it wraps around, as Tab does within a page.
  return backwards ? (before.at(-1) ?? candidates.at(-1)) : (after[0] ?? candidates[0]);
}

/** Tab belongs to the shell (completion), so the terminal would keep the keyboard for
 * good. Escape followed by Tab (or Shift+Tab) leaves it instead. Escape alone still
 * reaches the program (vim): it is held back briefly and sent as soon as another key
 * comes or the wait is over, in the order typed. */
function letKeyboardOut(term: Terminal): void {
  let pendingEscape: number | undefined;
  const flushEscape = () => {
    if (pendingEscape === undefined) return;
    clearTimeout(pendingEscape);
    pendingEscape = undefined;
    term.input('\x1b', true);
  };
  term.attachCustomKeyEventHandler((event) => {
    if (event.type !== 'keydown') return true;
    if (pendingEscape !== undefined) {
      if (['Shift', 'Control', 'Alt', 'Meta'].includes(event.key)) return true;
      if (event.key === 'Tab' && !event.ctrlKey && !event.altKey && !event.metaKey) {
        clearTimeout(pendingEscape);
        pendingEscape = undefined;
        event.preventDefault();
        const textarea = term.textarea;
        const target = textarea && neighbourOf(textarea, event.shiftKey);
        if (target) target.focus();
        else term.blur();
        return false;
      }
      flushEscape();
    }
    if (event.key === 'Escape' && !event.ctrlKey && !event.altKey && !event.metaKey && !event.shiftKey) {
      event.preventDefault();
      pendingEscape = window.setTimeout(flushEscape, ESCAPE_WAIT_MS);
      return false;
    }
    return true;
  });
  term.textarea?.setAttribute('aria-describedby', 'wb-dock-keys');
}

function createTerminal(screen: HTMLElement): { term: Terminal; fit: () => void } {
  const term = new Terminal({
    cursorBlink: true,
    fontFamily: TERMINAL_FONT.family,
    fontSize: TERMINAL_FONT.size,
    scrollback: 5000,
    theme: { background: '#16181d', foreground: '#e6e6e6', cursor: '#7dd3fc' },
  });
  const fitAddon = new FitAddon();
  term.loadAddon(fitAddon);
  term.open(screen);
  letKeyboardOut(term);
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

/** What a screen reader says about the resize handle: which way it moves, and the size. */
function describeSeparator(separator: HTMLElement | null, layout: DockLayout): void {
  if (!separator) return;
  const { min, max } = dockSizeLimits(layout.side);
  // The handle is a line between lesson and terminal: upright when the dock is on the right.
  separator.setAttribute('aria-orientation', layout.side === 'right' ? 'vertical' : 'horizontal');
  separator.setAttribute('aria-valuemin', String(min));
  separator.setAttribute('aria-valuemax', String(max));
  separator.setAttribute('aria-valuenow', String(Math.min(max, Math.max(min, layout.size))));
  separator.setAttribute('aria-valuetext', `${layout.size} Pixel ${layout.side === 'right' ? 'breit' : 'hoch'}`);
}

function wireLayoutControls(dock: HTMLElement, refit: () => void): void {
  let layout = readLayout();
  const sideButton = dock.querySelector<HTMLButtonElement>('[data-action="side"]');
  const collapseButton = dock.querySelector<HTMLButtonElement>('[data-action="collapse"]');
  const separator = dock.querySelector<HTMLElement>('.wb-dock-resizer');
  const show = (next: DockLayout) => {
    layout = next;
    applyLayout(layout);
    describeSeparator(separator, layout);
  };
  const update = (next: DockLayout) => {
    show(next);
    saveLayout(layout);
    requestAnimationFrame(refit);
  };
  show({ ...layout, size: clampDockSize(layout.side, layout.size) });
  // A phone turned upright, a window made narrow: the side dock gives way (not saved, so
  // the wider screen gets it back on the next visit).
  window.addEventListener('resize', () => {
    const side = layout.side === 'right' && !sideDockFits() ? 'bottom' : layout.side;
    show({ ...layout, side, size: clampDockSize(side, side === layout.side ? layout.size : window.innerHeight * 0.4) });
  });

  sideButton?.addEventListener('click', () => {
    const side = layout.side === 'right' || !sideDockFits() ? 'bottom' : 'right';
    // Each side has its own limits: a tall bottom dock is far too wide on the right.
    update({ ...layout, side, size: clampDockSize(side, side === 'right' ? window.innerWidth * 0.42 : window.innerHeight * 0.4) });
  });
  collapseButton?.addEventListener('click', () => update({ ...layout, collapsed: !layout.collapsed }));

  separator?.addEventListener('pointerdown', (down) => {
    down.preventDefault();
    separator.setPointerCapture(down.pointerId);
    document.documentElement.dataset.wbResizing = '';
    const onMove = (move: PointerEvent) => {
      const size = layout.side === 'right' ? window.innerWidth - move.clientX : window.innerHeight - move.clientY;
      show({ ...layout, size: clampDockSize(layout.side, size), collapsed: false });
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
  // Started by the dock's first script while this one loaded (early.ts); started here
  // when that did not run.
  const early = window.werkbankEarlyTerminal ?? startTerminalEarly(screen);
  const { term, fit } = createTerminal(screen);
  performance.mark('werkbank:xterm-ready');
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
  wireScreenReaderSwitch(dock, term);
  window.werkbankTerminal = { term, connection };
  // "Zum Terminal" (the skip link at the top of a lesson) puts the keyboard in the shell.
  for (const link of document.querySelectorAll<HTMLAnchorElement>('a[href="#wb-terminal"]')) {
    link.addEventListener('click', (event) => {
      event.preventDefault();
      if (document.documentElement.dataset.wbDockCollapsed === 'true') {
        dock.querySelector<HTMLButtonElement>('[data-action="collapse"]')?.click();
      }
      term.focus();
    });
  }
  mountRunButtons(document, (text) => {
    if (document.documentElement.dataset.wbDockCollapsed === 'true') {
      dock.querySelector<HTMLButtonElement>('[data-action="collapse"]')?.click();
    }
    term.paste(text);
    term.focus();
  });
  connection.start(early);
  // Probing for a GPU holds the main thread (a first WebGL context takes tens of ms, more
  // on a busy machine), which would hold up the socket's hello and the first prompt: it
  // waits until the shell has written and the page is idle.
  const firstOutput = term.onWriteParsed(() => {
    firstOutput.dispose();
    const whenIdle = window.requestIdleCallback ?? ((run: () => void) => setTimeout(run, 200));
    whenIdle(() => void useGpuRenderer(term));
  });
}
