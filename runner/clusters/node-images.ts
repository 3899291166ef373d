// Which image a new kind node starts from, shared by the kind and the sandbox provider:
// the first configured node image this machine has (or Docker can pull), with the lab
// images baked in once (lab-node-image.ts), else the plain node image.
import { ClusterError } from './errors.ts';
import type { CommandRunner } from './commands.ts';
import { labNodeImage, type LabNodeImage } from './lab-node-image.ts';

export interface NodeImagesOptions {
  /** Node images to try in order; the first present (or pullable) wins. */
  nodeImages: string[];
  /** Lab images to bake in; those missing on this machine are left out. */
  labImages: () => Promise<string[]>;
  /** false: never bake, every cluster loads the lab images itself. */
  bakeLabImages?: boolean;
  run: CommandRunner;
  log: (message: string) => void;
}

export class NodeImages {
  private readonly options: NodeImagesOptions;
  private chosen: Promise<string> | null = null;
  private baking: Promise<LabNodeImage> | null = null;

  constructor(options: NodeImagesOptions) {
    this.options = options;
  }

  async present(image: string): Promise<boolean> {
    const result = await this.options.run.run('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { timeoutMs: 30_000 });
    return result.code === 0;
  }

  /** The first configured node image this machine has, else the first one Docker can
   * pull (upstream kindest/node at home); remembered for the runner's lifetime. */
  nodeImage(): Promise<string> {
    this.chosen ??= (async () => {
      for (const image of this.options.nodeImages) if (await this.present(image)) return image;
      for (const image of this.options.nodeImages) {
        const pulled = await this.options.run.run('docker', ['pull', image], { timeoutMs: 600_000 });
        if (pulled.code === 0) return image;
      }
      throw new ClusterError(
        'node-image-missing',
        `Kein Node-Image für kind vorhanden (${this.options.nodeImages.join(', ')}) und keins ließ sich laden. Baue es mit "docker/kind-node/build.sh" und versuche es erneut.`,
      );
    })();
    this.chosen.catch(() => {
      this.chosen = null; // try again next time (Docker may be back)
    });
    return this.chosen;
  }

  /** The image clusters start from: the node image with the lab images baked in when
   * possible (built on first use, ~1 min), else the plain node image. */
  clusterImage(): Promise<LabNodeImage> {
    // Concurrent creations share one check/build; the next creation checks again, so
    // images rebuilt while the runner runs are picked up.
    this.baking ??= (async (): Promise<LabNodeImage> => {
      const base = await this.nodeImage();
      if (this.options.bakeLabImages === false) return { image: base, baked: [] };
      try {
        return (await labNodeImage(this.options.run, base, await this.options.labImages(), this.options.log)) ?? { image: base, baked: [] };
      } catch (error) {
        this.options.log(`Lab-Images ließen sich nicht ins Node-Image einbauen, sie werden je Cluster geladen: ${String(error)}`);
        return { image: base, baked: [] };
      }
    })().finally(() => {
      this.baking = null;
    });
    return this.baking;
  }
}
