// The Docker engine as kind needs it: answering, its version and cgroup version, able to
// run privileged containers, and whether docker/engine/ensure.sh's runc wrapper (for
// machines without CAP_SYS_RESOURCE) is the default runtime.
import { z } from 'zod';
import type { CommandResult, RunCommand } from './command.ts';
import { blocker, ok, warning, type Finding } from './finding.ts';

/** The image docker/engine/ensure.sh makes from busybox for exactly this probe. */
export const PROBE_IMAGE = 'werkbank/probe:1';
export const WRAPPER_RUNTIME = 'werkbank-runc';

const infoSchema = z.object({
  ServerVersion: z.string().default(''),
  CgroupVersion: z.string().optional(),
  DefaultRuntime: z.string().optional(),
});

export interface DockerInfo {
  version: string;
  cgroupVersion: '1' | '2' | null;
  wrapperInUse: boolean;
}

/** `docker info --format '{{json .}}'` → the engine's facts, or a blocking finding. */
export function interpretDockerInfo(result: CommandResult, dockerHost: string | undefined): DockerInfo | Finding {
  const topic = 'Docker-Engine';
  if (result.missing) {
    return blocker(topic, 'Docker ist nicht installiert.', 'Installiere Docker Engine (Linux) oder Docker Desktop und starte es; als root richtet "./werkbank docker" es unter Debian ein.');
  }
  let parsed: z.infer<typeof infoSchema> | null = null;
  try {
    const json = infoSchema.safeParse(JSON.parse(result.stdout));
    parsed = json.success ? json.data : null;
  } catch {
    parsed = null;
  }
  if (!result.ok || !parsed || parsed.ServerVersion === '') {
    if (/permission denied/i.test(result.stderr)) {
      return blocker(topic, 'Docker läuft, aber du darfst den Docker-Socket nicht benutzen.', 'Füge dich der Gruppe docker hinzu (sudo usermod -aG docker $USER), melde dich neu an und rufe "./werkbank doctor" erneut auf.');
    }
    const where = dockerHost ? ` unter ${dockerHost} (DOCKER_HOST)` : '';
    return blocker(topic, `Die Docker-Engine antwortet nicht${where}.`, 'Starte Docker (z. B. "sudo systemctl start docker" oder Docker Desktop) oder als root "./werkbank docker" und rufe "./werkbank doctor" erneut auf.');
  }
  const cgroup = parsed.CgroupVersion === '1' || parsed.CgroupVersion === '2' ? parsed.CgroupVersion : null;
  return { version: parsed.ServerVersion, cgroupVersion: cgroup, wrapperInUse: parsed.DefaultRuntime === WRAPPER_RUNTIME };
}

export function engineFinding(info: DockerInfo): Finding {
  return ok('Docker-Engine', `läuft, Version ${info.version}`);
}

/** kind's nodes are privileged containers; `docker run --privileged` on the probe image
 * tells whether this engine allows them. `imagePresent` false: not probed. */
export function interpretPrivilegedRun(imagePresent: boolean, run: CommandResult | null, wrapperInUse: boolean): Finding {
  const topic = 'Privilegierte Container';
  const wrapper = wrapperInUse
    ? ' (mit dem runc-Wrapper von Werkbank als Standard-Laufzeit, weil hier CAP_SYS_RESOURCE fehlt)'
    : ' (ohne runc-Wrapper)';
  if (!imagePresent || !run) {
    return warning(topic, `nicht geprüft – das Probe-Image ${PROBE_IMAGE} fehlt${wrapperInUse ? wrapper : ''}.`, 'Als root legt "./werkbank docker" es an und prüft dabei privilegierte Container.');
  }
  if (run.ok) return ok(topic, `möglich${wrapper}`);
  const reason = run.stderr.trim().split('\n').at(-1) ?? '';
  return blocker(topic, `scheitern: ${reason}`, 'kind braucht privilegierte Container. Als root richtet "./werkbank docker" bei fehlendem CAP_SYS_RESOURCE den runc-Wrapper ein; in rootless Docker oder gesperrten Umgebungen gehen keine kind-Cluster.');
}

/** Kubernetes 1.35+ refuses cgroup v1; the pinned 1.34 still runs on it. */
export function cgroupFinding(version: '1' | '2' | null, kubernetesVersion: string): Finding {
  const topic = 'cgroup-Version';
  if (version === '2') return ok(topic, 'v2');
  if (version === '1') {
    return ok(topic, `v1 – Kubernetes ${kubernetesVersion} läuft darauf noch; ab 1.35 braucht Kubernetes cgroup v2`);
  }
  return warning(topic, 'unbekannt (die Engine nennt keine).', 'Prüfe mit "stat -fc %T /sys/fs/cgroup": cgroup2fs heißt v2.');
}

export interface DockerReport {
  findings: Finding[];
  info: DockerInfo | null;
}

export async function probeDocker(run: RunCommand, env: NodeJS.ProcessEnv, kubernetesVersion: string): Promise<DockerReport> {
  const info = interpretDockerInfo(await run('docker', ['info', '--format', '{{json .}}']), env.DOCKER_HOST);
  if ('topic' in info) return { findings: [info], info: null };
  const imagePresent = (await run('docker', ['image', 'inspect', '--format', '{{.Id}}', PROBE_IMAGE])).ok;
  const privileged = imagePresent
    ? await run('docker', ['run', '--rm', '--privileged', '--network', 'none', PROBE_IMAGE, '/bin/sh', '-c', 'exit 0'], 60_000)
    : null;
  return {
    info,
    findings: [engineFinding(info), interpretPrivilegedRun(imagePresent, privileged, info.wrapperInUse), cgroupFinding(info.cgroupVersion, kubernetesVersion)],
  };
}
