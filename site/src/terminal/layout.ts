// Where the terminal dock sits and how big it is. The first paint uses the same
// attributes (set by an inline script in TerminalDock.astro), so nothing jumps.
export type DockSide = 'right' | 'bottom';

export interface DockLayout {
  side: DockSide;
  /** Width (right) or height (bottom) in CSS pixels. */
  size: number;
  collapsed: boolean;
}

export const LAYOUT_STORAGE_KEY = 'werkbank.terminal';

export function clampDockSize(side: DockSide, size: number): number {
  const viewport = side === 'right' ? window.innerWidth : window.innerHeight;
  const minimum = side === 'right' ? 320 : 160;
  return Math.round(Math.max(minimum, Math.min(size, viewport * 0.8)));
}

export function readLayout(): DockLayout {
  const root = document.documentElement;
  const side: DockSide = root.dataset.wbDock === 'bottom' ? 'bottom' : 'right';
  const size = Number.parseFloat(root.style.getPropertyValue('--wb-dock-size'));
  return {
    side,
    size: clampDockSize(side, Number.isFinite(size) ? size : 480),
    collapsed: root.dataset.wbDockCollapsed === 'true',
  };
}

export function applyLayout(layout: DockLayout): void {
  const root = document.documentElement;
  root.dataset.wbDock = layout.side;
  root.dataset.wbDockCollapsed = String(layout.collapsed);
  root.style.setProperty('--wb-dock-size', `${layout.size}px`);
}

export function saveLayout(layout: DockLayout): void {
  try {
    localStorage.setItem(LAYOUT_STORAGE_KEY, JSON.stringify(layout));
  } catch {
    // Private mode or full storage: the layout just is not remembered.
  }
}
