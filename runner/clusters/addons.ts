// The add-ons every learner cluster gets after it is ready (metrics-server, Traefik),
// applied through the API from the runner. They come after CoreDNS on purpose: on a
// small machine their pods would otherwise compete with it, and nothing a learner does
// first needs them.
import { existsSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import { applyManifest } from './manifests.ts';

/** Applies the manifests that exist; returns the paths that are missing (not built yet). */
export async function installAddons(config: KubeConfig, manifests: string[], clusterName: string, log: (message: string) => void): Promise<string[]> {
  const missing: string[] = [];
  for (const manifest of manifests) {
    if (!existsSync(manifest)) {
      missing.push(manifest);
      continue;
    }
    const applied = await applyManifest(config, manifest);
    // metrics-server is available only after its first scrapes (about 20 s); the
    // learner starts meanwhile, and `kubectl top` answers once its API is registered.
    applied.apiServices.catch((error: unknown) => log(`${clusterName}: APIService aus ${manifest} nicht registriert: ${String(error)}`));
  }
  if (missing.length > 0) log(`Add-on-Manifeste fehlen (docker/images/build.sh baut sie): ${missing.join(', ')}`);
  return missing;
}
