// Which kind, kubectl and helm Werkbank uses, tool by tool: the user's own from PATH when
// its version fits, else a verified release download, else the build from Go sources
// (docker/toolchain/build.sh). Everything else of the toolchain (Kubernetes server
// binaries for the node image, etcd, kwok, …) always comes from the source build.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { toolchain, type Toolchain } from './paths.ts';
import { isOffline, pinnedVersion, releaseAsset, releasePath, releasePlatformSupported } from './releases.ts';
import { LEARNER_TOOLS, parseToolVersion, VERSION_ARGS, versionMismatch, type LearnerTool } from './tool-version.ts';

export type ToolSource = 'path' | 'download' | 'source';

export const SOURCE_LABEL: Record<ToolSource, string> = {
  path: 'aus PATH',
  download: 'Release-Download',
  source: 'aus Go-Quellen gebaut',
};

export interface ToolCandidate {
  path: string;
  source: ToolSource;
  /** As the binary reported it; null when it did not answer. */
  version: string | null;
  /** German reason why it is not used; absent for the chosen one. */
  rejected?: string;
}

export interface ToolResolution {
  tool: LearnerTool;
  /** The binary to run; null when none is there yet. */
  chosen: ToolCandidate | null;
  /** Binaries looked at and not taken, each with its reason. */
  rejected: ToolCandidate[];
  /** How a missing tool gets here: a release download, or the source build. */
  provide: 'download' | 'source';
  /** Why it is not downloaded, when provide is "source" (German). */
  noDownloadReason: string | null;
}

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  /** Contents of versions.env; read from the repo when absent. */
  versionsEnv?: string;
  /** Runs `binary …VERSION_ARGS` and returns its stdout, or null when it fails. */
  readVersion?: (tool: LearnerTool, binary: string) => string | null;
}

function runVersion(tool: LearnerTool, binary: string): string | null {
  try {
    return execFileSync(binary, VERSION_ARGS[tool], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Each executable `name` on PATH, in PATH order, once per real file (/bin may be /usr/bin). */
function onPath(name: string, env: NodeJS.ProcessEnv): string[] {
  const seen = new Set<string>();
  return (env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, name))
    .filter(isExecutableFile)
    .filter((path) => {
      const real = realpathSync(path);
      return !seen.has(real) && seen.add(real);
    });
}

export function resolveTool(tool: LearnerTool, options: ResolveOptions = {}): ToolResolution {
  const env = options.env ?? process.env;
  const readVersion = options.readVersion ?? runVersion;
  const tools = toolchain({ env, versionsEnv: options.versionsEnv });
  const pins = { kind: tools.versions.kind, kubernetes: tools.versions.kubernetes };
  const offline = isOffline(env);
  const rejected: ToolCandidate[] = [];

  const inspect = (path: string, source: ToolSource): ToolCandidate => {
    const stdout = readVersion(tool, path);
    const version = stdout === null ? null : parseToolVersion(tool, stdout);
    if (!version) {
      return { path, source, version: null, rejected: `${path} nennt keine lesbare Version („${tool} ${VERSION_ARGS[tool].join(' ')}“ scheitert)` };
    }
    const mismatch = versionMismatch(tool, version, pins);
    return mismatch ? { path, source, version: version.text, rejected: mismatch } : { path, source, version: version.text };
  };

  let chosen: ToolCandidate | null = null;
  // Our own downloads and builds are known-good versions; only PATH needs a version check.
  if (!offline) {
    for (const path of onPath(tool, env)) {
      const candidate = inspect(path, 'path');
      if (!candidate.rejected) {
        chosen = candidate;
        break;
      }
      rejected.push(candidate);
    }
  }
  const downloaded = releasePath(tool, tools);
  if (!chosen && !offline && existsSync(downloaded)) chosen = inspect(downloaded, 'download');
  const built = tools[tool];
  if (chosen?.rejected) {
    rejected.push(chosen);
    chosen = null;
  }
  if (!chosen && existsSync(built)) chosen = { path: built, source: 'source', version: `v${pinnedVersion(tool, tools)}` };

  const noDownloadReason = downloadBlocker(tool, offline, options.versionsEnv);
  return { tool, chosen, rejected, provide: noDownloadReason ? 'source' : 'download', noDownloadReason };
}

function downloadBlocker(tool: LearnerTool, offline: boolean, versionsEnv?: string): string | null {
  if (offline) return 'WERKBANK_OFFLINE=1 ist gesetzt';
  if (!releasePlatformSupported()) return `für ${process.platform}-${process.arch} sind keine Prüfsummen hinterlegt`;
  if (!releaseAsset(tool, versionsEnv).sha256) return `docker/versions.env hat noch keine Prüfsumme für ${tool}`;
  return null;
}

export function resolveLearnerTools(options: ResolveOptions = {}): Record<LearnerTool, ToolResolution> {
  return Object.fromEntries(LEARNER_TOOLS.map((tool) => [tool, resolveTool(tool, options)])) as Record<LearnerTool, ToolResolution>;
}

export type { Toolchain };
