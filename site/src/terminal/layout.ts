// Where the terminal dock sits and how big it is. The first paint uses the same
// attributes (set by the inline script at the top of the page, SkipLink.astro), so
// nothing jumps.
export type DockSide = 'right' | 'bottom';

export interface DockLayout {
  side: DockSide;
  /** Width (right) or height (bottom) in CSS pixels. */
  size: number;
  collapsed: boolean;
}

export const LAYOUT_STORAGE_KEY = 'werkbank.terminal';

/** Narrower than this, a lesson wraps a word or two per line. */
const LESSON_MIN_WIDTH = 320;
const DOCK_MIN_SIZE: Record<DockSide, number> = { right: 320, bottom: 160 };

/** Starlight's sidebar (18.75rem) stands beside the lesson from 50rem on. The inline
 * script in SkipLink.astro repeats this rule for the first paint. */
function sidebarWidth(viewportWidth: number): number {
  return viewportWidth >= 800 ? 300 : 0;
}

/** A side dock only where the lesson keeps its minimum width beside the smallest dock. */
export function sideDockFits(viewportWidth = window.innerWidth): boolean {
  return viewportWidth - sidebarWidth(viewportWidth) - DOCK_MIN_SIZE.right >= LESSON_MIN_WIDTH;
}

export function dockSizeLimits(side: DockSide): { min: number; max: number } {
  const min = DOCK_MIN_SIZE[side];
  const max =
    side === 'right'
      ? Math.min(window.innerWidth * 0.8, window.innerWidth - sidebarWidth(window.innerWidth) - LESSON_MIN_WIDTH)
      : window.innerHeight * 0.8;
  return { min, max: Math.round(Math.max(min, max)) };
}

export function clampDockSize(side: DockSide, size: number): number {
  const { min, max } = dockSizeLimits(side);
  return Math.round(Math.max(min, Math.min(size, max)));
}

export function readLayout(): DockLayout {
  const root = document.documentElement;
  const side: DockSide = root.dataset.wbDock === 'bottom' || !sideDockFits() ? 'bottom' : 'right';
  const size = Number.parseFloat(root.style.getPropertyValue('--wb-dock-size'));
  return {
    side,
    size: clampDockSize(side, Number.isFinite(size) ? size : 480),
    collapsed: root.dataset.wbDockCollapsed === 'true',
  };
}

export function applyLayout(layout: DockLayout): void {
  const root = document.documentElement;
  root.dataset.wbDockSideFits = String(sideDockFits());
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
