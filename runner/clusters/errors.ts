// Failures a learner can meet when their cluster is made, each with a German
// explanation and the next step; `code` lets the page pick the right button.
export type ClusterErrorCode =
  | 'docker-down'
  | 'kind-missing'
  | 'tool-missing'
  | 'node-image-missing'
  | 'create-failed'
  | 'low-memory'
  | 'low-disk'
  | 'not-supported'
  | 'internal';

export class ClusterError extends Error {
  readonly code: ClusterErrorCode;
  /** The last lines of the tool's output, shown under the message. */
  readonly output: string;
  /** Whether "Erneut versuchen" can help. */
  readonly retryable: boolean;

  constructor(code: ClusterErrorCode, message: string, options: { output?: string; retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ClusterError';
    this.code = code;
    this.output = options.output ?? '';
    this.retryable = options.retryable ?? true;
  }
}

export function dockerDown(output = ''): ClusterError {
  return new ClusterError(
    'docker-down',
    'Docker läuft nicht, deshalb kann kein Cluster entstehen. Starte Docker (z. B. "docker/engine/ensure.sh" oder "sudo systemctl start docker") und versuche es erneut.',
    { output },
  );
}

export function kindMissing(path: string): ClusterError {
  return new ClusterError(
    'kind-missing',
    `kind fehlt (${path}). Baue die Werkzeuge mit "./werkbank toolchain" und versuche es dann erneut.`,
  );
}

export function lowMemory(freeMiB: number, neededMiB: number): ClusterError {
  return new ClusterError(
    'low-memory',
    `Zu wenig freier Arbeitsspeicher für einen weiteren Cluster (frei: ${freeMiB} MiB, nötig: etwa ${neededMiB} MiB). Schließe andere Programme oder lösche nicht mehr gebrauchte Cluster und versuche es erneut.`,
  );
}

export function lowDisk(path: string, freeMiB: number, neededMiB: number): ClusterError {
  return new ClusterError(
    'low-disk',
    `Zu wenig freier Speicherplatz für einen weiteren Cluster (${path}: frei ${freeMiB} MiB, nötig etwa ${neededMiB} MiB). Lösche nicht mehr gebrauchte Images oder Cluster (z. B. "docker image prune") und versuche es erneut.`,
  );
}

export function createFailed(output: string, cause?: unknown): ClusterError {
  return new ClusterError(
    'create-failed',
    'Der Cluster ließ sich nicht erstellen. Die letzten Zeilen der Ausgabe stehen unten; meist hilft ein neuer Versuch.',
    { output, cause },
  );
}

/** A creation's error as a ClusterError: one of ours as it is, anything else (a command,
 * the API) as a failed creation with its text as the output. */
export function asCreateFailed(error: unknown): ClusterError {
  return error instanceof ClusterError ? error : createFailed(error instanceof Error ? error.message : String(error), error);
}

/** Any error as a ClusterError, so the page always gets a German message. */
export function asClusterError(error: unknown): ClusterError {
  if (error instanceof ClusterError) return error;
  const text = error instanceof Error ? error.message : String(error);
  return new ClusterError('internal', 'Beim Cluster ist ein unerwarteter Fehler aufgetreten. Versuche es erneut.', {
    output: text,
    cause: error,
  });
}
