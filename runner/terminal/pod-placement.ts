// A learner's shell in their session pod (the chart's mode "namespace"): `kubectl exec
// -it` runs under the runner's node-pty, the way `docker exec -it` does for a sandbox.
// The pty stays in front of the exec stream, so the existing acknowledgement flow control
// holds: when the browser falls behind, the session pauses the pty, kubectl blocks on
// its output and stops reading the stream, and the API server's stream flow control
// holds the shell back. kubectl also passes terminal resizes on (SIGWINCH → exec resize).
import type { ExecTarget, PodExec } from '../../checks/exec.ts';

/** Where the shell records its process id, so a hang-up reaches it and its children. */
const SESSIONS_DIR = '/tmp/werkbank-sessions';
const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;

// $$ is the shell that `exec` then turns into the login shell (same process, and with a
// terminal the session leader of everything the learner starts).
const START_SCRIPT = `mkdir -p ${SESSIONS_DIR} && echo $$ >"${SESSIONS_DIR}/$1" && exec bash --login`;
const HANG_UP_SCRIPT = `pid=$(cat "${SESSIONS_DIR}/$1" 2>/dev/null) && pkill -HUP -s "$pid"; rm -f "${SESSIONS_DIR}/$1"`;

export interface PodPlacementOptions {
  /** kubectl and a kubeconfig with the runner's rights (pods/exec in the sessions namespace). */
  kubectl: string;
  kubeconfigPath: string;
  namespace: string;
  pod: string;
  container: string;
  /** Runs a command in the pod through the exec API (checks/exec.ts), for the hang-up. */
  exec: PodExec;
}

function checkedSession(session: string): string {
  if (!SESSION_ID.test(session)) throw new Error(`Ungültige Sitzungskennung: ${session}`);
  return session;
}

/** The command node-pty runs for one terminal session in the pod. */
export function podShellCommand(options: PodPlacementOptions, session: string): string[] {
  return [
    options.kubectl, '--kubeconfig', options.kubeconfigPath,
    'exec', '--stdin', '--tty', '--quiet',
    '--namespace', options.namespace, options.pod, '--container', options.container,
    '--', 'bash', '-c', START_SCRIPT, 'werkbank-shell', checkedSession(session),
  ];
}

/** Ends a shell started with podShellCommand and everything it started: the exec stream
 * closing does not end the process in the pod, as with `docker exec`. */
export async function hangUpPodShell(options: PodPlacementOptions, session: string): Promise<void> {
  const target: ExecTarget = {
    namespace: options.namespace,
    pod: options.pod,
    container: options.container,
    command: ['sh', '-c', HANG_UP_SCRIPT, 'sh', checkedSession(session)],
  };
  await options.exec(target);
}

/** What TerminalSessions' placeShell returns for a session in the pod. */
export function podPlacement(options: PodPlacementOptions, session: string): { command: string[]; hangUp: () => Promise<void> } {
  return { command: podShellCommand(options, session), hangUp: () => hangUpPodShell(options, session) };
}
