// Registry host names as the kubelet compares them: a pull secret's `auths` key may be
// written "localhost:5000", "http://localhost:5000" or "https://localhost:5000/v1/"; an
// image "localhost:5000/shop:1.0" names its registry before the first slash.
import { z } from 'zod';

/** A registry as an image names it: host with an optional port, e.g. "localhost:5000". */
export const registryHost = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?$/i, 'ist kein Registry-Name wie „localhost:5000“ oder „registry.example.com“');

const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** "https://index.docker.io/v1/" → "docker.io", "http://localhost:5000" → "localhost:5000". */
export function normalizeRegistry(key: string): string {
  const host = key.trim().replace(/^[a-z]+:\/\//i, '').split('/')[0]!.toLowerCase();
  return DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}

/** The registry an image is pulled from: "localhost:5000/shop:1.0" → "localhost:5000",
 * "werkbank/demo-app:1" → "docker.io" (what the runtime fills in). */
export function imageRegistry(image: string): string {
  const slash = image.indexOf('/');
  const first = slash === -1 ? '' : image.slice(0, slash);
  // Only a first part with a dot, a port or "localhost" is a registry; otherwise it is a
  // Docker Hub organisation ("werkbank/…").
  if (first === 'localhost' || /[.:]/.test(first)) return normalizeRegistry(first);
  return DOCKER_HUB;
}
