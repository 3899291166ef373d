// The lab images and add-on manifests docker/images/build.sh makes, for code that puts
// them into clusters (tests, the runner's kind provider). build.sh is the one list.
import { runChecked } from '../../runner/process.ts';

const BUILD_SCRIPT = new URL('./build.sh', import.meta.url).pathname;

async function lines(flag: string): Promise<string[]> {
  const stdout = await runChecked('bash', [BUILD_SCRIPT, flag]);
  return stdout.split('\n').map((line) => line.trim()).filter(Boolean);
}

/** Every lab image, e.g. "werkbank/nginx:1", for `kind load docker-image`. */
export function labImages(): Promise<string[]> {
  return lines('--print');
}

/** Add-on manifests every learner cluster gets (metrics-server), as file paths. */
export function addonManifests(): Promise<string[]> {
  return lines('--manifests');
}
