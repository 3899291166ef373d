// "Ins Terminal" under a lesson's shell code blocks: one click puts the command at the
// prompt. It is pasted, not run: the learner reads it and presses Enter (bash's bracketed
// paste keeps a pasted newline from running anything early).

const SHELL_LANGUAGES = new Set(['bash', 'sh', 'shell', 'console']);

/** The code as Expressive Code's copy button holds it (lines joined by U+007F). */
function codeOf(figure: Element): string | null {
  const copy = figure.querySelector<HTMLElement>('.copy button[data-code]')?.dataset.code;
  const text = copy?.replaceAll('\u007f', '\n') ?? figure.querySelector('pre')?.textContent ?? null;
  return text?.trim() || null;
}

export function mountRunButtons(root: ParentNode, paste: (text: string) => void): void {
  const blocks = root.querySelectorAll<HTMLElement>('.sl-markdown-content .expressive-code');
  for (const block of blocks) {
    const figure = block.querySelector('figure');
    const language = figure?.querySelector('pre')?.dataset.language ?? '';
    if (!figure || !SHELL_LANGUAGES.has(language) || block.nextElementSibling?.classList.contains('wb-run')) continue;
    const code = codeOf(figure);
    if (!code) continue;
    const bar = document.createElement('div');
    bar.className = 'wb-run not-content';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'wb-run-button';
    button.textContent = 'Ins Terminal';
    button.title = 'Befehl ins Terminal einfügen; mit Enter ausführen';
    button.addEventListener('click', () => paste(code));
    bar.append(button);
    block.after(bar);
  }
}
