// One line of `./werkbank doctor`: what was looked at, how it stands, what to do.

/** ok: fine. warnung: works, but something is slow, limited or will be made at start.
 * blockiert: learner clusters cannot start until this is fixed (doctor exits non-zero). */
export type Status = 'ok' | 'warnung' | 'blockiert';

export interface Finding {
  /** Short German name of the thing looked at, e.g. "Docker-Engine". */
  topic: string;
  status: Status;
  /** What was found, German. */
  detail: string;
  /** What to do about it, German; only where something is not ok. */
  hint?: string;
}

export const ok = (topic: string, detail: string): Finding => ({ topic, status: 'ok', detail });
export const warning = (topic: string, detail: string, hint?: string): Finding => ({ topic, status: 'warnung', detail, hint });
export const blocker = (topic: string, detail: string, hint?: string): Finding => ({ topic, status: 'blockiert', detail, hint });
