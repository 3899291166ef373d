// Finds internal links in a built static site that lead nowhere: every href/src that
// names a local path must resolve to a file in the build, and a #fragment on a page
// must name an element id there. Plain file reading, no browser: a broken link is a
// property of the HTML files alone.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';

export interface BrokenLink {
  /** The page holding the link, relative to the site root (e.g. "lektionen/services/index.html"). */
  page: string;
  /** The link as written in the HTML. */
  link: string;
  reason: string;
}

const ATTRIBUTE = /\s(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi;
const ID = /\sid\s*=\s*(?:"([^"]*)"|'([^']*)')/gi;
// Links with a scheme (https:, mailto:, data:, javascript:) or protocol-relative ones
// leave the site; only these are ours to check.
const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;
// The runner's own routes (sign-in, API) are answered by the runner, not by a built page.
const RUNNER_ROUTE = /^\/api\//;

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.html'))
    .map((name) => join(dir, name));
}

function decodeEntities(value: string): string {
  return value
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

function attributeValues(html: string, pattern: RegExp): string[] {
  return [...html.matchAll(pattern)].map((match) => decodeEntities(match[1] ?? match[2] ?? ''));
}

/** The file a site path is served from, the way a static server (and Astro's build) maps it. */
function targetFile(siteDir: string, sitePath: string): string | undefined {
  const candidates = sitePath.endsWith('/')
    ? [join(siteDir, sitePath, 'index.html')]
    : [join(siteDir, sitePath), join(siteDir, sitePath, 'index.html'), join(siteDir, `${sitePath}.html`)];
  return candidates.find((file) => existsSync(file) && statSync(file).isFile());
}

export function findBrokenLinks(siteDir: string): BrokenLink[] {
  const idsByFile = new Map<string, Set<string>>();
  const idsOf = (file: string): Set<string> => {
    let ids = idsByFile.get(file);
    if (!ids) {
      ids = new Set(attributeValues(readFileSync(file, 'utf8'), ID));
      idsByFile.set(file, ids);
    }
    return ids;
  };

  const broken: BrokenLink[] = [];
  for (const file of htmlFiles(siteDir)) {
    const page = relative(siteDir, file).split(sep).join('/');
    const pageDir = posix.dirname(`/${page}`);
    for (const link of attributeValues(readFileSync(file, 'utf8'), ATTRIBUTE)) {
      if (link === '' || EXTERNAL.test(link) || RUNNER_ROUTE.test(link)) continue;
      const [withoutFragment = '', fragment] = link.split('#', 2);
      const pathPart = withoutFragment.split('?', 1)[0] ?? '';
      let target: string | undefined = file;
      if (pathPart !== '') {
        let sitePath: string;
        try {
          sitePath = decodeURIComponent(pathPart.startsWith('/') ? pathPart : posix.join(pageDir, pathPart));
        } catch {
          broken.push({ page, link, reason: 'ungültige Prozent-Kodierung' });
          continue;
        }
        target = targetFile(siteDir, sitePath);
        if (!target) {
          broken.push({ page, link, reason: 'Ziel fehlt in der gebauten Website' });
          continue;
        }
      }
      if (fragment && target.endsWith('.html') && !idsOf(target).has(decodeURIComponent(fragment))) {
        broken.push({ page, link, reason: `Anker #${fragment} fehlt auf der Zielseite` });
      }
    }
  }
  return broken;
}
