/** The terminal's font: xterm.js draws with it (dock.ts), and the page estimates the
 * screen's columns and rows from it before xterm.js has loaded (SkipLink.astro, early.ts). */
export const TERMINAL_FONT = {
  family: "'JetBrains Mono', 'DejaVu Sans Mono', 'Liberation Mono', monospace",
  size: 14,
};
