// Columns and rows the dock's screen will hold, before xterm.js can measure them. Also
// inlined (as source text) into the lesson page right after the dock's markup
// (TerminalDock.astro), so it must stay self-contained: no imports, nothing from outside
// its body, no helpers a bundler would have to add.

export interface TerminalFont {
  family: string;
  size: number;
}

/** The terminal's font, shared with dock.ts so the estimate matches what xterm.js draws. */
export const TERMINAL_FONT: TerminalFont = {
  family: "'JetBrains Mono', 'DejaVu Sans Mono', 'Liberation Mono', monospace",
  size: 14,
};

export function estimateSize(screen: HTMLElement, font: TerminalFont): { cols: number; rows: number } {
  const probe = document.createElement('span');
  probe.style.cssText = `position:absolute;visibility:hidden;white-space:pre;line-height:normal;font-family:${font.family};font-size:${font.size}px`;
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
