// The repository files the runner needs at run time, for the image: the folders it reads
// as data (labs are imported by path at start-up, lessons read), plus every module that
// runner/main.ts reaches through relative imports, wherever it lives (docker/toolchain/…).
// Following the imports instead of listing files keeps the image working when a module
// moves or a new one appears.
//
//   node docker/werkbank/app-files.ts <repo root>   prints one path a line, sorted
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Taken whole: the runner's own folder (shell scripts beside its modules), the checks,
 * the labs and lessons it loads by name, the pinned versions docker/toolchain/paths.ts
 * reads, and what Node needs to run .ts as ESM. */
export const DATA_PATHS = ['runner', 'checks', 'labs', 'lessons', 'docker/versions.env', 'package.json', 'tsconfig.json'];
const ENTRY = 'runner/main.ts';

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)'(\.{1,2}\/[^']+)'/g;

function walk(root: string, path: string, out: string[]): void {
  const full = join(root, path);
  if (!existsSync(full)) return;
  if (!statSync(full).isDirectory()) {
    out.push(path);
    return;
  }
  for (const entry of readdirSync(full)) {
    if (entry === 'node_modules') continue;
    walk(root, join(path, entry), out);
  }
}

/** Relative paths of every file the image must hold; tests are left out. */
export function appFiles(root: string): string[] {
  const files = new Set<string>();
  for (const path of DATA_PATHS) {
    const found: string[] = [];
    walk(root, path, found);
    for (const file of found) files.add(file);
  }
  const queue = [...files].filter((file) => file.endsWith('.ts'));
  queue.push(ENTRY);
  const seen = new Set<string>();
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    // Tests import test helpers; nothing the runner runs needs them.
    if (file.endsWith('.test.ts')) continue;
    for (const match of readFileSync(join(root, file), 'utf8').matchAll(IMPORT)) {
      const target = relative(root, resolve(root, dirname(file), match[1]!));
      if (target.startsWith('..') || !existsSync(join(root, target))) continue;
      files.add(target);
      if (target.endsWith('.ts')) queue.push(target);
    }
  }
  return [...files].filter((file) => !file.endsWith('.test.ts')).sort();
}

if (import.meta.main) {
  const [root] = process.argv.slice(2);
  if (!root) throw new Error('Aufruf: app-files.ts <Repository>');
  for (const file of appFiles(root)) console.log(file);
}
