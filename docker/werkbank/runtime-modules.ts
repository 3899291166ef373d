// Copies the npm packages the runner needs at run time (and nothing of Astro, Vite,
// vitest or TypeScript) from the repository's node_modules into a build context. The
// packages are the ones `npm install` put there from package-lock.json, so the image
// gets exactly the locked versions and the node-pty that was compiled against the
// cached Node, without asking the registry again.
//
//   node docker/werkbank/runtime-modules.ts <repo root> <target dir>
// prints the number of packages and their total size.
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { z } from 'zod';

/** What the runner, the checks and the labs import from npm (node:* aside). */
export const RUNTIME_PACKAGES = [
  '@hono/node-server',
  '@kubernetes/client-node',
  '@xterm/addon-serialize',
  '@xterm/headless',
  'hono',
  'node-pty',
  // Lesson markup (runner/labs/lesson-markup.ts): the lab loader reads the MDX steps.
  'satteri',
  'sirv',
  'ws',
  'yaml',
  'zod',
] as const;

const lockSchema = z.object({
  packages: z.record(
    z.string(),
    z.object({
      dependencies: z.record(z.string(), z.string()).optional(),
      optionalDependencies: z.record(z.string(), z.string()).optional(),
      peerDependencies: z.record(z.string(), z.string()).optional(),
      dev: z.boolean().optional(),
      link: z.boolean().optional(),
    }),
  ),
});

type LockPackages = z.infer<typeof lockSchema>['packages'];

/** Where Node finds `name` when `from` (a lock path like node_modules/a/node_modules/b)
 * imports it: its own node_modules first, then each enclosing one up to the root. */
function resolveInLock(packages: LockPackages, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = posix.join(base, 'node_modules', name);
    if (packages[candidate]) return candidate;
    if (base === '') return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

/** Lock paths (node_modules/…) of the given packages and everything they need. Optional
 * and peer dependencies count when the lock holds them (installed on this platform). */
export function runtimeClosure(lockText: string, roots: readonly string[] = RUNTIME_PACKAGES): string[] {
  const { packages } = lockSchema.parse(JSON.parse(lockText));
  const seen = new Set<string>();
  const queue: Array<{ from: string; name: string; required: boolean }> = roots.map((name) => ({ from: '', name, required: true }));
  while (queue.length > 0) {
    const { from, name, required } = queue.shift()!;
    const path = resolveInLock(packages, from, name);
    if (!path) {
      if (required) throw new Error(`${name} (gebraucht von ${from || 'dem Runner'}) fehlt in package-lock.json.`);
      continue;
    }
    if (seen.has(path)) continue;
    seen.add(path);
    const entry = packages[path]!;
    for (const dep of Object.keys(entry.dependencies ?? {})) queue.push({ from: path, name: dep, required: true });
    for (const dep of Object.keys({ ...entry.optionalDependencies, ...entry.peerDependencies })) {
      queue.push({ from: path, name: dep, required: false });
    }
  }
  return [...seen].sort();
}

const THIS_PLATFORM = `${process.platform}-${process.arch}`;

/** Whether a file inside a package (path relative to it) belongs in the image. */
export function wanted(inside: string): boolean {
  // Nested node_modules are copied as their own entries of the closure.
  if (inside.includes('/node_modules/')) return false;
  // Source maps only help stack traces point into TypeScript sources that are not there.
  if (inside.endsWith('.map')) return false;
  // node-pty ships prebuilt binaries for macOS and Windows; ours is built in build/.
  const prebuild = /\/prebuilds\/([^/]+)/.exec(inside);
  return !prebuild || prebuild[1] === THIS_PLATFORM;
}

function main(): void {
  const [root, target] = process.argv.slice(2);
  if (!root || !target) throw new Error('Aufruf: runtime-modules.ts <Repository> <Zielverzeichnis>');
  const paths = runtimeClosure(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  for (const path of paths) {
    const source = join(root, path);
    // An optional package for another platform is in the lock but not installed.
    if (!existsSync(source)) continue;
    cpSync(source, join(target, path), { recursive: true, filter: (file) => wanted(file.slice(source.length)) });
  }
  console.log(`${paths.length} Pakete`);
}

if (import.meta.main) main();
