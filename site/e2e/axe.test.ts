// axe-core on the pages a learner and an instructor see, in light and dark mode: no
// serious or critical violations. axe's source is put into the page by Playwright (no
// network), the theme both by the browser's preference and by Starlight's own switch.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { freshPagePerTest, waitForPrompt } from './browser.ts';

const baseUrl = inject('baseUrl');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let page: Page;
freshPagePerTest((fresh) => {
  page = fresh;
});

interface Finding {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

async function seriousFindings(path: string, theme: 'light' | 'dark'): Promise<Finding[]> {
  await page.emulateMedia({ colorScheme: theme });
  await page.addInitScript((chosen) => localStorage.setItem('starlight-theme', chosen), theme);
  const [pathname, query] = path.split('?');
  if (query === 'bildschirmleser') await page.addInitScript(() => localStorage.setItem('werkbank.screenReader', 'on'));
  await page.goto(`${baseUrl}${pathname}`);
  if (query === 'bildschirmleser') await waitForPrompt(page);
  await page.waitForLoadState('load');
  // Expressive Code makes a code block that scrolls sideways focusable shortly after load
  // (it waits for the layout to settle); axe judges the settled page.
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.expressive-code pre')].every((pre) => !pre.checkVisibility() || pre.scrollWidth <= pre.clientWidth || pre.hasAttribute('tabindex')),
  );
  expect(await page.getAttribute('html', 'data-theme')).toBe(theme);
  await page.addScriptTag({ content: axeSource });
  const findings = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document) => Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> }> }> } }).axe;
    const result = await axe.run(document);
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.slice(0, 5).map((node) => `${JSON.stringify(node.target)} ${node.failureSummary ?? ''}`),
    }));
  });
  return findings.filter((finding) => finding.impact === 'serious' || finding.impact === 'critical');
}

const PAGES = [
  ['the course overview', '/'],
  ['the lab lesson "grundlagen"', '/lektionen/grundlagen/'],
  ['the lab lesson "speicher"', '/lektionen/speicher/'],
  ['the learner progress page', '/fortschritt/'],
  ['the instructor page', '/lehrende/'],
  ['the 404 page', '/lektionen/gibt-es-nicht/'],
  ['the lab lesson "grundlagen" read out by the terminal (Bildschirmleser-Modus)', '/lektionen/grundlagen/?bildschirmleser'],
] as const;

describe('axe-core finds nothing serious or critical', () => {
  for (const theme of ['light', 'dark'] as const) {
    for (const [name, path] of PAGES) {
      it(`on ${name} (${theme})`, async () => {
        expect(await seriousFindings(path, theme)).toEqual([]);
      });
    }
  }
});
