// Module preloads for the chunks a page's scripts import. Astro's page scripts are
// module scripts that run in order once the page is parsed; the chunks they share
// (the terminal's early start, the API helpers) are found only when the browser gets
// round to compiling each script, late on a busy page, and the first script still
// waiting for its chunk holds up every script after it (xterm.js among them). A
// `<link rel="modulepreload">` per imported chunk in the head has them fetched with the
// page instead. Runs on the built HTML, after Astro has written it.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { init, parse } from 'es-module-lexer';

/** Astro writes each page script as exactly this (its own output, not arbitrary HTML). */
const PAGE_SCRIPT = /<script type="module" src="(\/[^"]+\.js)"><\/script>/g;

async function htmlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.html')).map((entry) => join(entry.parentPath, entry.name));
}

/** Every chunk a script imports statically, directly or through other chunks (site paths). */
async function staticImports(outDir: string, script: string, cache: Map<string, string[]>): Promise<string[]> {
  const found = new Set<string>();
  const pending = [script];
  while (pending.length > 0) {
    const path = pending.pop()!;
    let imports = cache.get(path);
    if (!imports) {
      const [parsed] = parse(await readFile(join(outDir, path), 'utf8'));
      // Static imports only (a dynamic one, `d` ≥ 0, is loaded when it is needed).
      imports = parsed.filter((entry) => entry.d === -1 && entry.n?.startsWith('.')).map((entry) => new URL(entry.n!, `http://site${path}`).pathname);
      cache.set(path, imports);
    }
    for (const imported of imports) {
      if (!found.has(imported)) {
        found.add(imported);
        pending.push(imported);
      }
    }
  }
  return [...found];
}

export async function addModulePreloads(outDir: string): Promise<number> {
  await init;
  const cache = new Map<string, string[]>();
  let pages = 0;
  for (const file of await htmlFiles(outDir)) {
    const html = await readFile(file, 'utf8');
    const scripts = [...html.matchAll(PAGE_SCRIPT)].map((match) => match[1]!);
    const chunks = new Set<string>();
    for (const script of scripts) for (const chunk of await staticImports(outDir, script, cache)) chunks.add(chunk);
    for (const script of scripts) chunks.delete(script);
    if (chunks.size === 0 || !html.includes('</head>')) continue;
    const links = [...chunks].sort().map((chunk) => `<link rel="modulepreload" href="${chunk}">`).join('');
    await writeFile(file, html.replace('</head>', `${links}</head>`));
    pages += 1;
  }
  return pages;
}

export function modulePreload(): AstroIntegration {
  return {
    name: 'werkbank-module-preload',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const pages = await addModulePreloads(fileURLToPath(dir));
        logger.info(`modulepreload für ${pages} Seiten`);
      },
    },
  };
}
