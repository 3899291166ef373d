// The projects' own release binaries of kind, kubectl and helm: where they are published
// and the SHA-256 sum each must have (docker/versions.env), and where a download is kept.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnvFile, toolchain, type Toolchain } from './paths.ts';
import type { LearnerTool } from './tool-version.ts';

const versionsFile = join(import.meta.dirname, '..', 'versions.env');

export interface ReleaseAsset {
  tool: LearnerTool;
  version: string;
  url: string;
  /** Lower-case hex; null while versions.env has no real sum (then nothing is downloaded). */
  sha256: string | null;
  /** For archives: the path of the binary inside the .tar.gz. */
  member: string | null;
}

const KEY: Record<LearnerTool, string> = { kind: 'KIND', kubectl: 'KUBECTL', helm: 'HELM' };

/** The release of `tool` in the version versions.env pins. */
export function releaseAsset(tool: LearnerTool, versionsEnv?: string): ReleaseAsset {
  const text = versionsEnv ?? readFileSync(versionsFile, 'utf8');
  const values = parseEnvFile(text);
  const version = pinnedVersion(tool, toolchain({ versionsEnv: text, env: {} }));
  const key = KEY[tool];
  const pattern = values[`${key}_RELEASE_URL`];
  if (!pattern) throw new Error(`docker/versions.env nennt keine ${key}_RELEASE_URL.`);
  const sum = (values[`${key}_RELEASE_SHA256`] ?? '').toLowerCase();
  return {
    tool,
    version,
    url: pattern.replaceAll('{version}', version),
    sha256: /^[0-9a-f]{64}$/.test(sum) ? sum : null,
    member: values[`${key}_RELEASE_MEMBER`] || null,
  };
}

/** The version versions.env pins for `tool` (kubectl: the Kubernetes version). */
export function pinnedVersion(tool: LearnerTool, tools: Toolchain): string {
  return tool === 'kubectl' ? tools.versions.kubernetes : tools.versions[tool];
}

/** Where a verified download of `tool` lives: next to the source builds, but apart. */
export function releasePath(tool: LearnerTool, tools: Toolchain): string {
  return join(tools.dir, `release-${tool}-${pinnedVersion(tool, tools)}`, tool);
}

/** WERKBANK_OFFLINE=1: only what is built from Go sources here – no downloads, and no
 * tools from PATH, so a CI run is the same on every machine. */
export function isOffline(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.WERKBANK_OFFLINE === '1';
}

/** Downloads are only for the platform whose sums are pinned. */
export function releasePlatformSupported(): boolean {
  return process.platform === 'linux' && process.arch === 'x64';
}
