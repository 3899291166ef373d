// The node image from a registry instead of the local build: on an engine with no images
// whose Docker Hub pulls go to a mirror on 127.0.0.1 (docker/kind-node/mirror-engine.ts),
// how long the node image step (docker/kind-node/pull.sh, kindest/node by digest) takes,
// then `kind create cluster` until the node is Ready, then CoreDNS available: the part of
// "start → first cluster ready" that issue 16 wants under 3 min when images are pullable
// (the course itself is served ~3 s after start, bench/serve-first.ts). Putting the image
// into the registry is set-up and not counted.
//
//   node bench/node-image-pull.ts
import { runPullStep, startMirrorEngine } from '../docker/kind-node/mirror-engine.ts';

const seconds = (since: number) => (performance.now() - since) / 1000;
let started = performance.now();
const engine = await startMirrorEngine((line) => console.log(`  ${line}`));
console.log(`Aufbau (Engine, Registry, Image hineingelegt; nicht gezählt): ${seconds(started).toFixed(1)} s`);
try {
  const begin = performance.now();
  started = begin;
  const pulled = await runPullStep(engine, engine.digest);
  if (pulled.code !== 0) throw new Error(`Pull-Schritt fehlgeschlagen:\n${pulled.stderr}`);
  const pullSeconds = seconds(started);
  console.log(`Node-Image-Schritt (kindest/node@${engine.digest.slice(0, 19)}… über den Spiegel): ${pullSeconds.toFixed(1)} s`);

  started = performance.now();
  const created = await engine.exec(['kind', 'create', 'cluster', '--name', 'bench', '--image', engine.image, '--wait', '300s'], { timeoutMs: 600_000 });
  if (created.code !== 0) throw new Error(`kind create fehlgeschlagen:\n${created.stderr}`);
  const createSeconds = seconds(started);
  console.log(`kind create cluster bis Node Ready: ${createSeconds.toFixed(1)} s`);

  started = performance.now();
  const dns = await engine.exec(['kubectl', '--context', 'kind-bench', '-n', 'kube-system', 'wait', 'deployment/coredns', '--for=condition=Available', '--timeout=300s'], { timeoutMs: 320_000 });
  if (dns.code !== 0) throw new Error(`CoreDNS nicht bereit:\n${dns.stderr}`);
  console.log(`danach CoreDNS verfügbar: ${seconds(started).toFixed(1)} s`);

  const total = seconds(begin);
  console.log(`Node-Image gezogen → erster Cluster bereit: ${total.toFixed(1)} s (Ziel < 180 s) ${total < 180 ? '✓' : '✗'}`);
} finally {
  await engine.close();
}
