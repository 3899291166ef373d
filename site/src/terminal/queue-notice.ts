// While the course is full the terminal has no shell to show, and the dock's one-line
// status is cut off beside its buttons: the runner's answer ("Du bist auf Platz N der
// Warteliste …") goes into the empty terminal itself, where the learner looks. The next
// shell's `ready` resets the screen.
import type { Terminal } from '@xterm/xterm';

const YELLOW = '\x1b[33m';
const RESET = '\x1b[0m';

/** Why the terminal waits: a full course (a place in the queue) or the runner's preparation. */
export type WaitReason = 'queue' | 'preparation';

const CLOSING: Record<WaitReason, string> = {
  queue: 'Das Terminal verbindet sich von selbst, sobald du dran bist.',
  preparation: 'Das Terminal verbindet sich von selbst, sobald die Vorbereitung fertig ist.',
};

export function showQueueNotice(term: Terminal, message: string, reason: WaitReason = 'queue'): void {
  term.reset();
  term.write(`${YELLOW}${message.replaceAll('\n', '\r\n')}${RESET}\r\n\r\n${CLOSING[reason]}\r\n`);
}
