// What version a kind, kubectl or helm binary reports, and whether Werkbank can use it.
// Kept apart from running the binaries so the rules are testable with plain strings.
import { z } from 'zod';

/** The tools a learner types; the only ones that may come from PATH or a download. */
export type LearnerTool = 'kind' | 'kubectl' | 'helm';
export const LEARNER_TOOLS: readonly LearnerTool[] = ['kind', 'kubectl', 'helm'];

/** The arguments that make each tool print its own version, without contacting a cluster. */
export const VERSION_ARGS: Record<LearnerTool, string[]> = {
  kind: ['version'],
  kubectl: ['version', '--client', '--output=json'],
  helm: ['version', '--short'],
};

export interface ToolVersion {
  major: number;
  minor: number;
  patch: number;
  /** As the tool printed it, e.g. "v1.34.12" or "v1.32.4-dispatcher". */
  text: string;
}

const SEMVER = /v?(\d+)\.(\d+)\.(\d+)[^\s"]*/;

function fromMatch(match: RegExpExecArray | null): ToolVersion | null {
  if (!match) return null;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), text: match[0] };
}

const kubectlJson = z.object({ clientVersion: z.object({ gitVersion: z.string() }) });

/** The version in a tool's answer to VERSION_ARGS; null when it is not recognisable. */
export function parseToolVersion(tool: LearnerTool, stdout: string): ToolVersion | null {
  switch (tool) {
    case 'kind':
      // "kind v0.33.0 go1.26.8 linux/amd64"
      return fromMatch(/(?<=^kind )v(\d+)\.(\d+)\.(\d+)\S*/m.exec(stdout));
    case 'helm':
      // "v3.22.0+g1234abc" (or without the commit when built from source)
      return fromMatch(/^v(\d+)\.(\d+)\.(\d+)\S*/m.exec(stdout));
    case 'kubectl': {
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        return null;
      }
      const parsed = kubectlJson.safeParse(json);
      return parsed.success ? fromMatch(SEMVER.exec(parsed.data.clientVersion.gitVersion)) : null;
    }
  }
}

export interface Pins {
  /** KIND_VERSION, e.g. "0.33.0" */
  kind: string;
  /** KUBERNETES_VERSION, e.g. "1.34.12" */
  kubernetes: string;
}

function majorMinor(version: string): [number, number] {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return [major, minor];
}

/** Why a found version does not fit (German, for doctor's report), or null when it fits:
 * kind of the pinned minor (its node image format and flags change between minors),
 * kubectl within one minor of the cluster (Kubernetes' version skew policy), any Helm 3. */
export function versionMismatch(tool: LearnerTool, found: ToolVersion, pins: Pins): string | null {
  switch (tool) {
    case 'kind': {
      const [major, minor] = majorMinor(pins.kind);
      if (found.major === major && found.minor === minor) return null;
      return `kind ${found.text} passt nicht – Werkbank braucht kind ${major}.${minor}.x (festgelegt: ${pins.kind})`;
    }
    case 'kubectl': {
      const [major, minor] = majorMinor(pins.kubernetes);
      if (found.major === major && Math.abs(found.minor - minor) <= 1) return null;
      return `kubectl ${found.text} ist mehr als eine Minor-Version von Kubernetes ${pins.kubernetes} entfernt (passend: ${major}.${minor - 1} bis ${major}.${minor + 1})`;
    }
    case 'helm':
      if (found.major === 3) return null;
      return `helm ${found.text} ist kein Helm 3 – die Labs sind für Helm 3 geschrieben`;
  }
}
