// Diagrams at their own size. Beside a docked terminal, and on a phone above all, a
// diagram shrinks with the lesson column until its labels are a few pixels high. A button
// under each diagram (or a tap on the diagram) shows it full size in a dialog that
// scrolls in both directions; Esc or "Schließen" closes it and the focus goes back.

/** Inline SVG diagrams of a lesson (code blocks are figures too, without an svg child). */
const DIAGRAMS = '.sl-markdown-content figure:has(> svg)';

export function mountDiagramZoom(dialog: HTMLDialogElement): void {
  const title = dialog.querySelector<HTMLElement>('.wb-diagram-title');
  const body = dialog.querySelector<HTMLElement>('.wb-diagram-body');
  if (!title || !body) return;
  let opener: HTMLElement | null = null;

  const open = (figure: HTMLElement, from: HTMLElement) => {
    const svg = figure.querySelector<SVGSVGElement>(':scope > svg');
    if (!svg) return;
    const clone = svg.cloneNode(true) as SVGSVGElement;
    // Its own width (the viewBox), never less than the dialog: labels at their drawn size.
    const width = svg.viewBox.baseVal?.width || svg.getBoundingClientRect().width;
    clone.style.width = `${width}px`;
    clone.style.minWidth = '100%';
    clone.style.height = 'auto';
    body.replaceChildren(clone);
    title.textContent = figure.querySelector('figcaption')?.textContent?.trim() || svg.querySelector('title')?.textContent?.trim() || 'Diagramm';
    opener = from;
    dialog.showModal();
  };

  dialog.querySelector('.wb-diagram-close')?.addEventListener('click', () => dialog.close());
  // A tap on the dimmed page around the dialog closes it as well.
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  dialog.addEventListener('close', () => {
    body.replaceChildren();
    opener?.focus();
    opener = null;
  });

  for (const figure of document.querySelectorAll<HTMLElement>(DIAGRAMS)) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'wb-diagram-open';
    button.textContent = 'Diagramm vergrößern';
    figure.append(button);
    button.addEventListener('click', () => open(figure, button));
    // A tap on the diagram itself does the same; the keyboard has the button.
    figure.querySelector(':scope > svg')?.addEventListener('click', () => open(figure, button));
  }
}
