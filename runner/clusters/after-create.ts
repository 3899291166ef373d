// The provider-neutral end of making a kind cluster, after `kind create cluster` returned
// (the idea of kind's own create actions): lab images that are not baked into the node
// go in while CoreDNS starts, then readiness, then the add-ons. The host kind provider
// and the sandbox provider both end this way.
import type { KubeConfig } from '@kubernetes/client-node';
import { installAddons } from './addons.ts';
import type { ProgressTracker } from './progress.ts';
import type { ImageLoadResult } from './provider.ts';
import { waitUntilReady } from './readiness.ts';

export interface AfterCreateOptions {
  config: KubeConfig;
  progress: ProgressTracker;
  clusterName: string;
  /** Lab images the node image does not already hold. */
  imagesToLoad: string[];
  loadImages: (images: string[]) => Promise<ImageLoadResult>;
  addonManifests: string[];
  readyTimeoutMs: number;
  log: (message: string) => void;
}

export async function afterCreate(options: AfterCreateOptions): Promise<void> {
  const { config, progress } = options;
  // CoreDNS needs seconds after kind returns; the images go in meanwhile.
  const ready = waitUntilReady(config, { coreDns: true }, { timeoutMs: options.readyTimeoutMs });
  ready.catch(() => {}); // awaited below; a failed image load must not leave it unhandled
  if (options.imagesToLoad.length > 0) {
    progress.start('images', 'Lab-Images werden in den Cluster geladen');
    const images = await options.loadImages(options.imagesToLoad);
    progress.finish(images.missing.length > 0 ? `Nicht gebaut, daher nicht geladen: ${images.missing.join(', ')}` : undefined);
  }
  progress.start('ready', 'Warten auf Knoten, CoreDNS und StorageClass');
  await ready;
  progress.finish();
  progress.start('addons', 'Add-ons werden installiert (metrics-server, Traefik)');
  const missing = await installAddons(config, options.addonManifests, options.clusterName, options.log);
  progress.finish(missing.length > 0 ? `Fehlt: ${missing.join(', ')}` : undefined);
}
