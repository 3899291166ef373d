// Image loaded into the cluster's nodes. Authoritative is the nodes' container runtime
// (e.g. crictl inside kind's node containers, via ctx.nodeRuntime); without it, the
// images each kubelet reports in node status.images, which lag behind and may be capped.
import { z } from 'zod';
import { defineCheck, fail, notYet, pass, type NodeImages } from '../core.ts';
import { q, quotedList, sentences } from '../format.ts';
import { canonicalImage, imageRepository, sameImage, shortImage } from '../images.ts';
import { imageReference } from '../params.ts';

export const imageLoaded = defineCheck({
  id: 'image-loaded',
  title: 'Image ist in die Knoten des Clusters geladen',
  params: z.strictObject({
    /** The image as the learner built and tagged it, e.g. "werkbank/shop:1.0". */
    image: imageReference,
    /** "all": on every node (what `kind load` does); "any": on at least one. */
    nodes: z.enum(['all', 'any']).default('all'),
  }),
  async run({ image, nodes: mode }, ctx) {
    let listing: NodeImages[] | undefined;
    let source: 'runtime' | 'node-status' = 'node-status';
    let sourceLabel = 'status.images der Knoten';
    let runtimeError: string | undefined;
    if (ctx.nodeRuntime) {
      try {
        listing = await ctx.nodeRuntime.listImages(ctx.signal);
        source = 'runtime';
        sourceLabel = ctx.nodeRuntime.source;
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        runtimeError = error instanceof Error ? error.message : String(error);
      }
    }
    if (!listing) {
      const nodes = (await ctx.kube.core.listNode()).items;
      listing = nodes.map((node) => ({
        node: node.metadata?.name ?? '?',
        images: (node.status?.images ?? []).flatMap((entry) => entry.names ?? []),
      }));
    }
    const short = shortImage(image);
    const repository = imageRepository(image);
    const perNode = listing.map(({ node, images }) => ({
      node,
      present: images.some((name) => sameImage(image, name)),
    }));
    const present = perNode.filter((n) => n.present).map((n) => n.node);
    const missing = perNode.filter((n) => !n.present).map((n) => n.node);
    const similar = [
      ...new Set(
        listing.flatMap(({ images }) =>
          images.filter((name) => !name.includes('@') && imageRepository(name) === repository && !sameImage(image, name)),
        ),
      ),
    ].map(shortImage);
    const data = {
      image,
      canonical: canonicalImage(image),
      source,
      sourceLabel,
      nodes: perNode,
      similar,
      ...(runtimeError ? { runtimeError } : {}),
    };
    const from = `(Quelle: ${sourceLabel}${runtimeError ? `, weil die Container-Runtime nicht antwortete: ${runtimeError}` : ''})`;

    if (perNode.length === 0) {
      return fail(`Im Cluster gibt es keine Knoten, auf denen das Image ${q(short)} liegen könnte ${from}.`, { data });
    }
    const enough = mode === 'all' ? missing.length === 0 : present.length > 0;
    if (enough) {
      const where =
        perNode.length === 1
          ? `auf dem Knoten ${q(present[0]!)}`
          : mode === 'all'
            ? `auf allen ${perNode.length} Knoten`
            : `auf ${present.length} von ${perNode.length} Knoten (${quotedList(present)})`;
      return pass(`Das Image ${q(short)} ist ${where} vorhanden ${from}.`, data);
    }
    const absence =
      present.length === 0
        ? perNode.length === 1
          ? `fehlt auf dem Knoten ${q(missing[0]!)}`
          : `liegt auf keinem der ${perNode.length} Knoten`
        : `fehlt auf ${missing.length === 1 ? 'dem Knoten' : 'den Knoten'} ${quotedList(missing)} (vorhanden auf ${quotedList(present)})`;
    const message = sentences(
      `Das Image ${q(short)} ${absence} ${from}`,
      similar.length > 0 && `Dort gibt es nur ${quotedList(similar)} – stimmt der Tag?`,
      `Tipp: Ein Image, das du mit „docker build“ gebaut hast, liegt nur im Docker deines Rechners. Lade es mit „kind load docker-image ${short}“ in den Cluster`,
    );
    const hint = 'Nachsehen: docker exec <knoten> crictl images';
    // The kubelet reports new images with its next status update; the runtime knows at once.
    return source === 'runtime' ? fail(message, { data, hint }) : notYet(message, { data, hint });
  },
});
