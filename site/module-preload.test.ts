import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addModulePreloads, missingPreloads } from './module-preload.ts';

// A built site in miniature: the dock's script imports early.js, which imports the
// protocol; the GPU renderer is imported only when used.
const FILES: Record<string, string> = {
  '_astro/dock.js': 'import{a}from"./early.js";import"./shared.js";const gpu=()=>import("./webgl.js");a(gpu);',
  '_astro/early.js': 'export{b as a}from"./protocol.js";',
  '_astro/protocol.js': 'export const b=1;',
  '_astro/shared.js': 'export const s=1;',
  '_astro/webgl.js': 'export const w=1;',
  '_astro/panel.js': 'import"./shared.js";',
  '_astro/inline-dep.js': 'export const i=1;',
  'lektionen/speicher/index.html':
    '<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Speicher</title></head><body><main>Text</main>' +
    '<script type="module" src="/_astro/dock.js"></script><script type="module" src="/_astro/panel.js"></script>' +
    '<script type="module">import{i}from"/_astro/inline-dep.js";console.log(i)</script></body></html>',
  'index.html': '<!doctype html><html lang="de"><head><title>Start</title></head><body><p>Ohne Skripte</p></body></html>',
};

let site: string;
beforeEach(async () => {
  site = await mkdtemp(join(tmpdir(), 'wb-preload-'));
  for (const [path, content] of Object.entries(FILES)) {
    await mkdir(dirname(join(site, path)), { recursive: true });
    await writeFile(join(site, path), content);
  }
});
afterEach(() => rm(site, { recursive: true, force: true }));

const preloadsOf = (html: string) => [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((match) => match[1]);

describe('modulepreload links after the build', () => {
  it('names every chunk a page imports statically, however deep, once, in its head', async () => {
    expect(await addModulePreloads(site)).toBe(1);
    const html = await readFile(join(site, 'lektionen/speicher/index.html'), 'utf8');
    const head = html.slice(0, html.indexOf('</head>'));
    expect(preloadsOf(head).sort()).toEqual(['/_astro/early.js', '/_astro/inline-dep.js', '/_astro/protocol.js', '/_astro/shared.js']);
    expect(preloadsOf(html)).toHaveLength(4);
  });

  it('leaves dynamic imports lazy and pages without scripts untouched', async () => {
    await addModulePreloads(site);
    expect(await readFile(join(site, 'lektionen/speicher/index.html'), 'utf8')).not.toContain('webgl.js');
    expect(await readFile(join(site, 'index.html'), 'utf8')).toBe(FILES['index.html']);
  });

  it('adds nothing on a second run (a rebuild step may run it again)', async () => {
    await addModulePreloads(site);
    const once = await readFile(join(site, 'lektionen/speicher/index.html'), 'utf8');
    expect(await addModulePreloads(site)).toBe(0);
    expect(await readFile(join(site, 'lektionen/speicher/index.html'), 'utf8')).toBe(once);
  });

  it('resolves relative script addresses against the page', async () => {
    const html = '<html><head></head><body><script type="module" src="../../_astro/early.js"></script></body></html>';
    const read = async (path: string) => FILES[path.slice(1)];
    expect(await missingPreloads(html, '/lektionen/speicher/index.html', read)).toEqual(['/_astro/protocol.js']);
  });
});
