// No dead ends in the course: every internal link and asset of the built site
// (site/dist, built by ./werkbank before the tests) exists.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../runner/config.ts';
import { findBrokenLinks } from './links.ts';

const siteDir = join(repoRoot, 'site', 'dist');

describe('links of the built site', () => {
  it('lead to pages, assets and anchors that exist', () => {
    expect(findBrokenLinks(siteDir)).toEqual([]);
  });
});

describe('the link checker', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function site(files: Record<string, string>): string {
    dir = mkdtempSync(join(tmpdir(), 'werkbank-links-'));
    for (const [name, html] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), html);
    }
    return dir;
  }

  it('reports a lesson that links to a page missing from the build, and a missing anchor', () => {
    const root = site({
      'index.html': '<a href="/lektionen/a/">A</a> <a href="https://kubernetes.io/">extern</a> <a href="/api/auth/login">Anmelden</a> <a href="/apis/">weg</a>',
      'lektionen/a/index.html':
        '<h2 id="lab">Lab</h2><a href="../b/">B</a> <a href="#lab">hier</a> <a href="/lektionen/gibt-es-nicht/">weg</a> <a href="/#fehlt">Anker</a> <img src="/_astro/bild.svg">',
      'lektionen/b/index.html': '<a href="/lektionen/a/#lab">zurück</a>',
      '_astro/bild.svg': '<svg/>',
    });
    expect(findBrokenLinks(root)).toEqual([
      { page: 'index.html', link: '/apis/', reason: 'Ziel fehlt in der gebauten Website' },
      { page: 'lektionen/a/index.html', link: '/lektionen/gibt-es-nicht/', reason: 'Ziel fehlt in der gebauten Website' },
      { page: 'lektionen/a/index.html', link: '/#fehlt', reason: 'Anker #fehlt fehlt auf der Zielseite' },
    ]);
  });
});
