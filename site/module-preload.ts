// A page's module scripts import shared chunks (the terminal dock → early.ts → the
// protocol), and a browser finds each chunk only once its importer has arrived: one round
// trip per level, on the way to a lesson's first prompt. Astro writes no modulepreload
// links for them, so after the build every page gets one for each chunk its module
// scripts import statically; all of them are then requested while the HTML is still read.
// Dynamic imports stay lazy (they are loaded when used, e.g. the terminal's GPU renderer).
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { init, parse as parseModule } from 'es-module-lexer';
import { ELEMENT_NODE, parse as parseHtml, TEXT_NODE, walkSync } from 'ultrahtml';

/** Reads a built file by its address on the site ("/_astro/x.js"); undefined if absent. */
export type ReadSiteFile = (path: string) => Promise<string | undefined>;

const PAGE_ORIGIN = 'http://site.invalid';

/** Addresses a module imports without `import()`, resolved against its own address. */
function staticImports(code: string, from: string): string[] {
  const [imports] = parseModule(code);
  const found: string[] = [];
  for (const entry of imports) {
    // d: -1 static import or re-export, -2 import.meta, ≥ 0 dynamic import().
    if (entry.d !== -1 || !entry.n) continue;
    // Bare names ("@xterm/xterm") never reach a built page; only files of the site count.
    if (!/^(\.{1,2})?\//.test(entry.n)) continue;
    const url = new URL(entry.n, new URL(from, PAGE_ORIGIN));
    if (url.origin === PAGE_ORIGIN) found.push(url.pathname);
  }
  return found;
}

interface PageModules {
  /** Module scripts the page names itself (the browser finds these on its own). */
  named: Set<string>;
  /** Code of inline module scripts, which may import chunks too. */
  inline: string[];
  /** Modules the page already preloads. */
  preloaded: Set<string>;
}

function pageModules(html: string, pagePath: string): PageModules {
  const modules: PageModules = { named: new Set(), inline: [], preloaded: new Set() };
  const address = (value: string) => new URL(value, new URL(pagePath, PAGE_ORIGIN)).pathname;
  walkSync(parseHtml(html), (node) => {
    if (node.type !== ELEMENT_NODE) return;
    const { attributes } = node;
    if (node.name === 'script' && attributes.type === 'module') {
      if (attributes.src) modules.named.add(address(attributes.src));
      else modules.inline.push(node.children.map((child) => (child.type === TEXT_NODE ? child.value : '')).join(''));
    }
    if (node.name === 'link' && attributes.rel === 'modulepreload' && attributes.href) modules.preloaded.add(address(attributes.href));
  });
  return modules;
}

/** The chunks a page's module scripts import, directly or through each other, that the
 * page neither names as a script nor preloads yet: in the order a browser would meet them. */
export async function missingPreloads(html: string, pagePath: string, read: ReadSiteFile): Promise<string[]> {
  await init;
  const page = pageModules(html, pagePath);
  const reached = new Set<string>();
  const queue: string[] = [...page.inline.flatMap((code) => staticImports(code, pagePath)), ...page.named];
  while (queue.length > 0) {
    const path = queue.shift()!;
    if (reached.has(path)) continue;
    reached.add(path);
    const code = await read(path);
    if (code !== undefined) queue.push(...staticImports(code, path));
  }
  return [...reached].filter((path) => !page.named.has(path) && !page.preloaded.has(path));
}

/** The page with a modulepreload link per missing chunk at the end of its head. */
export function withPreloads(html: string, paths: string[]): string {
  if (paths.length === 0) return html;
  const links = paths.map((path) => `<link rel="modulepreload" href="${path}">`).join('');
  const end = html.indexOf('</head>');
  if (end === -1) throw new Error('Die Seite hat kein </head>: Preload-Links lassen sich nicht einfügen.');
  return html.slice(0, end) + links + html.slice(end);
}

async function htmlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.html')).map((entry) => join(entry.parentPath, entry.name));
}

/** Adds the missing preloads to every page of a built site; returns how many pages changed. */
export async function addModulePreloads(siteDir: string): Promise<number> {
  const cache = new Map<string, Promise<string | undefined>>();
  const read: ReadSiteFile = (path) => {
    if (!cache.has(path)) cache.set(path, readFile(join(siteDir, ...path.split('/'))).then((data) => data.toString(), () => undefined));
    return cache.get(path)!;
  };
  let changed = 0;
  for (const file of await htmlFiles(siteDir)) {
    const pagePath = `/${relative(siteDir, file).split(sep).join('/')}`;
    const html = await readFile(file, 'utf8');
    const missing = await missingPreloads(html, pagePath, read);
    if (missing.length === 0) continue;
    await writeFile(file, withPreloads(html, missing));
    changed += 1;
  }
  return changed;
}

export function modulePreloads(): AstroIntegration {
  return {
    name: 'werkbank-module-preloads',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const pages = await addModulePreloads(fileURLToPath(dir));
        logger.info(`modulepreload-Links in ${pages} Seiten`);
      },
    },
  };
}
