// Image references the way container runtimes normalise them: "nginx:1.27" is
// "docker.io/library/nginx:1.27", "myapp" is "docker.io/library/myapp:latest". A learner
// writes the short form, nodes and crictl report the long one; checks compare both.

export interface ImageRef {
  /** Registry host, e.g. "docker.io", "registry.k8s.io", "localhost:5000". */
  registry: string;
  /** Repository path without registry, e.g. "library/nginx". */
  repository: string;
  /** Tag, or undefined when only a digest was given. */
  tag: string | undefined;
  /** "sha256:…", if given. */
  digest: string | undefined;
}

export function parseImage(reference: string): ImageRef {
  let rest = reference.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let registry = 'docker.io';
  let repository = rest;
  const firstSlash = rest.indexOf('/');
  if (firstSlash >= 0) {
    const first = rest.slice(0, firstSlash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      repository = rest.slice(firstSlash + 1);
    }
  }
  if (registry === 'index.docker.io') registry = 'docker.io';
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  if (tag === undefined && digest === undefined) tag = 'latest';
  return { registry, repository: repository.toLowerCase(), tag, digest };
}

/** The fully qualified name: "docker.io/library/nginx:1.27-alpine" (and "@sha256:…" if given). */
export function canonicalImage(reference: string): string {
  const ref = parseImage(reference);
  const name = `${ref.registry}/${ref.repository}`;
  return `${name}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** Registry and repository without tag or digest: "docker.io/library/nginx". */
export function imageRepository(reference: string): string {
  const ref = parseImage(reference);
  return `${ref.registry}/${ref.repository}`;
}

/**
 * Whether `actual` (what a node, runtime or Pod spec names) is the image `expected`
 * asks for. A digest in `expected` must match; a tag must match when `expected` has one.
 */
export function sameImage(expected: string, actual: string): boolean {
  const want = parseImage(expected);
  const have = parseImage(actual);
  if (want.registry !== have.registry || want.repository !== have.repository) return false;
  if (want.digest !== undefined) return want.digest === have.digest;
  return want.tag === have.tag;
}

/** The short form a learner typed or would type: "docker.io/library/nginx:1.27" → "nginx:1.27". */
export function shortImage(reference: string): string {
  return canonicalImage(reference)
    .replace(/^docker\.io\/library\//, '')
    .replace(/^docker\.io\//, '');
}
