// Tool versions and where each piece clusters need will come from: kind, kubectl and helm
// as docker/toolchain/resolve.ts chooses them, the Kubernetes server binaries (always the
// Go source build), Go itself for that build, the node image (pulled by digest or built)
// and the sandbox image (local build).
import { missingBinaries, type Toolchain } from '../../docker/toolchain/paths.ts';
import { SOURCE_LABEL, type ToolResolution } from '../../docker/toolchain/resolve.ts';
import type { LearnerTool } from '../../docker/toolchain/tool-version.ts';
import type { CommandResult } from './command.ts';
import { blocker, ok, warning, type Finding } from './finding.ts';

export function nodeFinding(version: string, minimum: string): Finding {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  const [wantMajor = 0, wantMinor = 0] = minimum.split('.').map(Number);
  const fits = major > wantMajor || (major === wantMajor && minor >= wantMinor);
  return fits ? ok('Node.js', version) : warning('Node.js', `${version} – älter als ${minimum}`, '"./werkbank" holt dann selbst ein passendes Node.');
}

/** `go env GOVERSION` → "go1.26.8"; Go is only needed while something is built from source. */
export function goFinding(result: CommandResult | null, needed: boolean): { finding: Finding; usable: boolean } {
  const version = result?.ok ? result.stdout.trim() : '';
  const match = /^go(\d+)\.(\d+)/.exec(version);
  const usable = !!match && (Number(match[1]) > 1 || Number(match[2]) >= 26);
  if (usable) return { finding: ok('Go', `${version.replace(/^go/, '')} (für den Bau aus Quellen)`), usable };
  const found = match ? `Go ${version.replace(/^go/, '')} ist zu alt (gebraucht: ≥ 1.26)` : 'Go fehlt';
  if (!needed) return { finding: ok('Go', `${found} – nicht gebraucht, alles Nötige ist schon gebaut`), usable };
  return { finding: warning('Go', `${found} – gebraucht, weil noch etwas aus Quellen gebaut werden muss.`, 'Installiere Go ≥ 1.26 (https://go.dev/dl/).'), usable };
}

/** One line per learner tool: the version and source in use, the binaries passed over
 * and why, or how the tool will get here. */
export function learnerToolFinding(resolution: ToolResolution, goUsable: boolean): Finding {
  const { tool, chosen, rejected } = resolution;
  const passedOver = rejected.map((candidate) => `nicht genommen: ${candidate.rejected}`).join('; ');
  const suffix = passedOver ? ` – ${passedOver}` : '';
  if (chosen) return ok(tool, `${chosen.version ?? '?'} ${SOURCE_LABEL[chosen.source]} (${chosen.path})${suffix}`);
  if (resolution.provide === 'download') return warning(tool, `fehlt noch – wird beim Start als Release heruntergeladen und per SHA-256 geprüft${suffix}`);
  const why = resolution.noDownloadReason ? ` (kein Download: ${resolution.noDownloadReason})` : '';
  if (goUsable) return warning(tool, `fehlt noch – wird beim Start aus Go-Quellen gebaut${why}${suffix}`);
  return blocker(tool, `fehlt, und ohne Go kann es nicht gebaut werden${why}${suffix}`, `Installiere ${tool} in passender Version in deinen PATH oder Go ≥ 1.26.`);
}

/** The Kubernetes server binaries, etcd and kwok: the node image is made from them. */
export function serverBinariesFinding(tools: Toolchain, goUsable: boolean): Finding {
  const topic = `Kubernetes ${tools.versions.kubernetes} (Server)`;
  const missing = missingBinaries(tools).filter((binary) => !['kind', 'kubectl', 'helm'].includes(binary));
  if (missing.length === 0) return ok(topic, `aus Go-Quellen gebaut (${tools.dir})`);
  const list = missing.slice(0, 4).join(', ') + (missing.length > 4 ? ` und ${missing.length - 4} weitere` : '');
  if (goUsable) return warning(topic, `${list} fehlen – werden beim Start aus Go-Quellen gebaut (etwa 10 Minuten).`);
  return blocker(topic, `${list} fehlen, und ohne Go können sie nicht gebaut werden.`, 'Installiere Go ≥ 1.26 (https://go.dev/dl/); gebraucht wird nur der Go-Modul-Proxy.');
}

export function imageFinding(label: string, image: string, present: boolean | null): Finding {
  if (present === null) return warning(label, `${image}: nicht geprüft (keine Docker-Engine).`);
  if (present) return ok(label, `${image} vorhanden (lokal gebaut)`);
  return warning(label, `${image} fehlt – wird beim Start lokal gebaut.`);
}

export interface NodeImageProbe {
  kubernetes: string;
  /** kindest/node:v<KIND_NODE_VERSION>, the tag a pulled node image gets. */
  upstreamTag: string;
  /** KIND_NODE_DIGEST (or WERKBANK_KIND_NODE_DIGEST) when it is a digest, else null. */
  digest: string | null;
  offline: boolean;
  /** The engine runs Werkbank's runc wrapper (no CAP_SYS_RESOURCE): only the local build
   * copes with that inside its nodes, so pull.sh refuses kind's image. */
  wrapperInUse: boolean;
  /** kindest/node:v… is here as that digest; null: no Docker engine to ask. */
  pulled: boolean | null;
  /** werkbank/kind-node:v… (the local build) is here. */
  built: boolean | null;
}

/** Where the kind node image comes from (docker/kind-node/pull.sh, else build.sh). */
export function nodeImageFinding({ kubernetes, upstreamTag, digest, offline, wrapperInUse, pulled, built }: NodeImageProbe): Finding {
  const label = 'Knoten-Image';
  if (pulled === null || built === null) return warning(label, 'nicht geprüft (keine Docker-Engine).');
  if (pulled && digest) return ok(label, `${upstreamTag} vorhanden (gezogen, ${digest.slice(0, 19)}…)`);
  if (built) return ok(label, `werkbank/kind-node:v${kubernetes} vorhanden (lokal gebaut)`);
  if (digest && !offline && !wrapperInUse) {
    return warning(label, `fehlt – wird beim Start als ${upstreamTag} (${digest.slice(0, 19)}…) gezogen (Docker Hub oder Spiegel der Engine), sonst lokal gebaut.`);
  }
  const why = offline
    ? 'WERKBANK_OFFLINE=1'
    : !digest
      ? 'kein Digest für kindest/node festgelegt (KIND_NODE_DIGEST)'
      : 'kindest/node läuft hier nicht: dem Rechner fehlt CAP_SYS_RESOURCE, das nur Werkbanks eigenes Node-Image ausgleicht';
  return warning(label, `werkbank/kind-node:v${kubernetes} fehlt – wird beim Start lokal gebaut (${why}).`);
}

export type LearnerToolResolutions = Record<LearnerTool, ToolResolution>;
