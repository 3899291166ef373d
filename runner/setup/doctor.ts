// `./werkbank doctor`: every probe in one report, German, long or as the short form that
// `./werkbank start` prints.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, parseEnvFile, toolchain, upstreamNodeImage } from '../../docker/toolchain/paths.ts';
import { resolveLearnerTools, type ResolveOptions } from '../../docker/toolchain/resolve.ts';
import { LEARNER_TOOLS } from '../../docker/toolchain/tool-version.ts';
import { runCommand, type RunCommand } from './command.ts';
import type { Finding } from './finding.ts';
import { probeDocker } from './probe-docker.ts';
import { availableMemoryBytes, diskFinding, freeDiskBytes, inotifyFinding, memoryFinding, readInotify } from './probe-host.ts';
import { goFinding, imageFinding, learnerToolFinding, nodeFinding, nodeImageFinding, serverBinariesFinding } from './probe-tools.ts';

export interface Section {
  title: string;
  findings: Finding[];
}

export interface DoctorReport {
  sections: Section[];
  /** Something keeps learner clusters from starting. */
  blocked: boolean;
}

export interface DoctorOptions {
  env?: NodeJS.ProcessEnv;
  run?: RunCommand;
  resolve?: ResolveOptions;
  nodeMinVersion?: string;
}

const pins = () => parseEnvFile(readFileSync(join(import.meta.dirname, '..', '..', 'docker', 'versions.env'), 'utf8'));

function pinnedNodeMinimum(): string {
  return pins().NODE_MIN_VERSION ?? '22.12.0';
}

async function goVersion(run: RunCommand) {
  const onPath = await run('go', ['env', 'GOVERSION']);
  if (onPath.ok || !onPath.missing) return onPath;
  // build.sh looks there too: the official tarball's place, often not on PATH.
  return run('/usr/local/go/bin/go', ['env', 'GOVERSION']);
}

export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const env = options.env ?? process.env;
  const run = options.run ?? runCommand;
  const tools = toolchain({ env });
  const kubernetes = tools.versions.kubernetes;

  const [docker, disk] = await Promise.all([probeDocker(run, env, kubernetes), freeDiskBytes(cacheDir(env))]);
  const host = [inotifyFinding(readInotify()), diskFinding(disk, cacheDir(env)), memoryFinding(availableMemoryBytes())];

  const resolutions = resolveLearnerTools({ env, ...options.resolve });
  const needsGo =
    LEARNER_TOOLS.some((tool) => !resolutions[tool].chosen && resolutions[tool].provide === 'source') ||
    serverBinariesFinding(tools, true).status !== 'ok';
  const go = goFinding(await goVersion(run), needsGo);

  const imagePresent = async (image: string) =>
    docker.info ? (await run('docker', ['image', 'inspect', '--format', '{{.Id}}', image])).ok : null;
  const upstream = upstreamNodeImage({ env });
  const { digest } = upstream;
  const pulledNodeImage = async () => {
    if (!docker.info) return null;
    if (!digest) return false;
    const inspected = await run('docker', ['image', 'inspect', '--format', '{{range .RepoDigests}}{{println .}}{{end}}', upstream.tag]);
    return inspected.ok && inspected.stdout.split('\n').includes(`kindest/node@${digest}`);
  };
  const [pulled, built, sandboxImage] = await Promise.all([
    pulledNodeImage(),
    imagePresent(`werkbank/kind-node:v${kubernetes}`),
    imagePresent(`werkbank/sandbox:v${kubernetes}`),
  ]);

  const sections: Section[] = [
    { title: 'Docker', findings: docker.findings },
    { title: 'Rechner', findings: host },
    {
      title: 'Werkzeuge',
      findings: [
        nodeFinding(process.version, options.nodeMinVersion ?? pinnedNodeMinimum()),
        go.finding,
        ...LEARNER_TOOLS.map((tool) => learnerToolFinding(resolutions[tool], go.usable)),
        serverBinariesFinding(tools, go.usable),
      ],
    },
    {
      title: 'Images',
      findings: [
        nodeImageFinding({ kubernetes, upstreamTag: upstream.tag, digest, offline: env.WERKBANK_OFFLINE === '1', wrapperInUse: docker.info?.wrapperInUse ?? false, pulled, built }),
        imageFinding('Sandbox-Image', `werkbank/sandbox:v${kubernetes}`, sandboxImage),
      ],
    },
  ];
  return { sections, blocked: sections.some((section) => section.findings.some((finding) => finding.status === 'blockiert')) };
}

const MARK = { ok: '✓', warnung: '!', blockiert: '✗' } as const;

export function formatReport(report: DoctorReport): string {
  const lines: string[] = ['Werkbank – Prüfung dieses Rechners', ''];
  for (const section of report.sections) {
    lines.push(section.title);
    for (const finding of section.findings) {
      lines.push(`  ${MARK[finding.status]} ${finding.topic}: ${finding.detail}`);
      if (finding.hint && finding.status !== 'ok') lines.push(`      → ${finding.hint}`);
    }
    lines.push('');
  }
  lines.push(
    report.blocked
      ? 'Ergebnis: Lab-Cluster können so nicht starten (✗ oben). Der Kurs selbst läuft trotzdem.'
      : 'Ergebnis: Lab-Cluster können starten.',
  );
  return lines.join('\n');
}

/** One or two lines for `./werkbank start`. */
export function formatShort(report: DoctorReport): string {
  const all = report.sections.flatMap((section) => section.findings);
  const engine = all.find((finding) => finding.topic === 'Docker-Engine');
  const tools = all
    .filter((finding) => (LEARNER_TOOLS as readonly string[]).includes(finding.topic))
    .map((finding) => `${finding.topic} ${finding.status === 'ok' ? finding.detail.split(' (')[0] : 'fehlt'}`);
  const first = `Prüfung: Docker ${engine?.status === 'ok' ? engine.detail.replace('läuft, Version ', '') : 'nicht bereit'}; ${tools.join(', ')}.`;
  const problems = all.filter((finding) => finding.status !== 'ok');
  const blockers = problems.filter((finding) => finding.status === 'blockiert');
  if (problems.length === 0) return first;
  const named = (blockers.length > 0 ? blockers : problems).map((finding) => finding.topic).join(', ');
  const second = blockers.length > 0
    ? `Lab-Cluster blockiert durch: ${named} – Einzelheiten: ./werkbank doctor`
    : `Hinweise zu: ${named} – Einzelheiten: ./werkbank doctor`;
  return `${first}\n${second}`;
}
