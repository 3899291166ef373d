// A command in a container, through the API server's exec subresource (what `kubectl
// exec` uses), for what only the workload itself knows: rows in a database, a file on a
// volume. The run's AbortSignal closes the stream, so a check's timeout really ends it.
import { Writable } from 'node:stream';
import { Exec, type KubeConfig, type V1Status } from '@kubernetes/client-node';

export interface ExecTarget {
  namespace: string;
  pod: string;
  container: string;
  command: readonly string[];
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export type PodExec = (target: ExecTarget) => Promise<ExecResult>;

/** Keeps at most the last `limit` characters: a chatty command must not fill memory. */
function collector(limit = 64 * 1024): { stream: Writable; text(): string } {
  let text = '';
  return {
    stream: new Writable({
      write(chunk: Buffer, _encoding, done) {
        text = (text + chunk.toString('utf8')).slice(-limit);
        done();
      },
    }),
    text: () => text,
  };
}

/** 0 for Success; otherwise the exit code the kubelet reports (-1 when it names none). */
function exitCodeOf(status: V1Status): number {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((item) => item.reason === 'ExitCode');
  const code = Number(cause?.message);
  return Number.isInteger(code) ? code : -1;
}

export function podExec(config: KubeConfig, signal: AbortSignal): PodExec {
  return ({ namespace, pod, container, command }) =>
    new Promise<ExecResult>((resolve, reject) => {
      signal.throwIfAborted();
      const stdout = collector();
      const stderr = collector();
      let status: V1Status | undefined;
      new Exec(config)
        .exec(namespace, pod, container, [...command], stdout.stream, stderr.stream, null, false, (received) => {
          status = received;
        })
        .then((socket) => {
          const abort = () => socket.close();
          signal.addEventListener('abort', abort, { once: true });
          // The status arrives before the socket closes; output written before it is complete then.
          socket.on('close', () => {
            signal.removeEventListener('abort', abort);
            if (signal.aborted) reject(signal.reason);
            else if (!status) reject(new Error(`Die Verbindung zu ${namespace}/${pod} brach ab, bevor der Befehl endete.`));
            else resolve({ exitCode: exitCodeOf(status), stdout: stdout.text(), stderr: stderr.text() });
          });
          if (signal.aborted) abort();
        }, reject);
    });
}
