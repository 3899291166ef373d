// The build's modulepreload links: every chunk a page script imports statically, also
// through another chunk, is named in the head; lazily imported ones and the page
// scripts themselves are not.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { addModulePreloads } from './module-preload.ts';

let dir = '';
afterEach(() => rm(dir, { recursive: true, force: true }));

async function site(files: Record<string, string>): Promise<void> {
  dir = await mkdtemp(join(tmpdir(), 'werkbank-preload-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

const preloads = async (page: string) => [...(await readFile(join(dir, page), 'utf8')).matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((match) => match[1]);

it('names the chunks the page scripts import, directly and through other chunks', async () => {
  await site({
    'lektionen/a/index.html':
      '<html><head><title>A</title></head><body><p>Text</p><script type="module" src="/_astro/dock.js"></script><script type="module" src="/_astro/lab.js"></script></body></html>',
    '_astro/dock.js': 'import{n as e}from"./early.js";import"./xterm.js";e();',
    '_astro/early.js': 'import{t}from"./shared.js";export const n=()=>t();',
    '_astro/xterm.js': 'export const x=1;const later=()=>import("./webgl.js");',
    '_astro/lab.js': 'import{a}from"./api.js";a();',
    '_astro/api.js': 'export const a=()=>1;',
    '_astro/shared.js': 'export const t=()=>1;',
    '_astro/webgl.js': 'export const w=1;',
    'ohne-skripte/index.html': '<html><head><title>B</title></head><body><p>Nur Text</p></body></html>',
  });
  expect(await addModulePreloads(dir)).toBe(1);
  expect(await preloads('lektionen/a/index.html')).toEqual(['/_astro/api.js', '/_astro/early.js', '/_astro/shared.js', '/_astro/xterm.js']);
  expect(await preloads('ohne-skripte/index.html')).toEqual([]);
  // In the head, before anything in the body asks for them.
  const html = await readFile(join(dir, 'lektionen/a/index.html'), 'utf8');
  expect(html.indexOf('modulepreload')).toBeLessThan(html.indexOf('</head>'));
});
