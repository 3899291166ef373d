// Polling for cluster state in tests and fixtures: the runner's one way to wait, under the
// name the tests know. Errors thrown by the probe count as "not yet" (the API may still be
// starting); the last one is reported on timeout.
export { waitUntil as waitFor, type WaitOptions } from '../../runner/wait.ts';
