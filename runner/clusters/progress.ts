// Turns a provider's phases into the German steps the page shows: a step starts, the
// previous one is done; a failure marks the running step failed.
import type { ProgressCallback, ProgressStep } from './provider.ts';

export class ProgressTracker {
  private current: ProgressStep | null = null;
  private readonly onProgress: ProgressCallback;
  private readonly now: () => number;

  constructor(onProgress: ProgressCallback, now: () => number = Date.now) {
    this.onProgress = onProgress;
    this.now = now;
  }

  /** Follows `kind create cluster`'s stderr: each step kind starts becomes ours. */
  readonly followKind = (line: string): void => {
    const phase = kindPhaseOf(line);
    if (phase) this.start(phase.id, phase.label);
  };

  start(id: string, label: string, detail?: string): void {
    if (this.current?.id === id) return;
    this.finish();
    this.current = { id, label, state: 'running', startedAt: this.now(), ...(detail ? { detail } : {}) };
    this.onProgress({ ...this.current });
  }

  /** Ends the running step as done, optionally with a note (e.g. missing images). */
  finish(detail?: string): void {
    if (!this.current) return;
    const done: ProgressStep = { ...this.current, state: 'done', endedAt: this.now(), ...(detail ? { detail } : {}) };
    this.current = null;
    this.onProgress(done);
  }

  fail(detail?: string): void {
    if (!this.current) return;
    const failed: ProgressStep = { ...this.current, state: 'failed', endedAt: this.now(), ...(detail ? { detail } : {}) };
    this.current = null;
    this.onProgress(failed);
  }
}

/** kind's phases (its status lines " • Starting control-plane 🕹️  ...") in German. */
const KIND_PHASES: { match: string; id: string; label: string }[] = [
  { match: 'Ensuring node image', id: 'node-image', label: 'Node-Image wird bereitgestellt' },
  { match: 'Preparing nodes', id: 'nodes', label: 'Knoten-Container wird gestartet' },
  { match: 'Writing configuration', id: 'config', label: 'Konfiguration wird geschrieben' },
  { match: 'Starting control-plane', id: 'control-plane', label: 'Control Plane startet (kubeadm)' },
  { match: 'Installing CNI', id: 'network', label: 'Pod-Netzwerk wird eingerichtet' },
  { match: 'Installing StorageClass', id: 'storage', label: 'Speicher (StorageClass) wird eingerichtet' },
  { match: 'Joining more control-plane nodes', id: 'join-control-plane', label: 'Weitere Control-Plane-Knoten treten bei' },
  { match: 'Joining worker nodes', id: 'join-workers', label: 'Worker-Knoten treten bei' },
  { match: 'Waiting ≤', id: 'wait', label: 'Warten auf den Knoten' },
];

/** The step a line of kind's stderr starts, or null for any other line. */
export function kindPhaseOf(line: string): { id: string; label: string } | null {
  // Only the start lines (" • … ..."); the "✓"/"✗" lines repeat the same text.
  if (!line.includes('•')) return null;
  const phase = KIND_PHASES.find((candidate) => line.includes(candidate.match));
  return phase ? { id: phase.id, label: phase.label } : null;
}
