import { defineLab } from '../define.ts';

const REGISTRY = 'localhost:5000';

export default defineLab({
  id: 'private-registry',
  title: 'Images aus der eigenen Registry',
  lesson: 'private-registry',
  // A cluster of its own: a registry on the node's network (hostNetwork) and Docker.
  needs: 'cluster',
  namespace: 'registry',
  files: ['files/registry.yaml', 'files/shop.yaml', 'files/vorschau.yaml'],
  steps: [
    {
      id: 'registry',
      title: 'Die Registry mit Passwort starten',
      checks: [{ check: 'statefulset-ready', params: { name: 'registry', replicas: 1 } }],
      hint: 'docker run --rm --entrypoint htpasswd werkbank/registry:v3.1.2 -Bbn lernende <passwort> > htpasswd, dann kubectl create secret generic registry-htpasswd --from-file=htpasswd und kubectl apply -f registry.yaml.',
      solution: 'solutions/registry.sh',
    },
    {
      id: 'push',
      title: 'Ein Image in die Registry schieben',
      checks: [
        {
          check: 'command-output',
          params: {
            pod: 'registry-0',
            command: ['cat', '/var/lib/registry/docker/registry/v2/repositories/shop/_manifests/tags/1.0/current/link'],
            expect: 'sha256:',
            shows: 'das Image ‚shop:1.0‘ in der Registry',
          },
        },
      ],
      hint: 'Den Tunnel im Hintergrund starten: kubectl port-forward statefulset/registry 5000:5000 &. Dann docker login localhost:5000, docker tag werkbank/demo-app:1 localhost:5000/shop:1.0 und docker push localhost:5000/shop:1.0.',
      solution: 'solutions/push.sh',
    },
    {
      id: 'zugang',
      title: 'Ohne Zugang – und das Secret dafür',
      checks: [{ check: 'registry-secret', params: { name: 'registry-zugang', registry: REGISTRY, username: 'lernende' } }],
      hint: 'kubectl create secret docker-registry registry-zugang --docker-server=localhost:5000 --docker-username=lernende --docker-password=<passwort> – ohne --docker-server gelten die Daten für Docker Hub.',
      solution: 'solutions/zugang.sh',
    },
    {
      id: 'pull-secret',
      title: 'Das Deployment zieht mit Zugangsdaten',
      checks: [{ check: 'image-from-registry', params: { name: 'shop', registry: REGISTRY, secret: 'registry-zugang', via: 'pod' } }],
      hint: 'Im Pod-Template von shop.yaml unter spec: „imagePullSecrets: - name: registry-zugang“ ergänzen, kubectl apply -f shop.yaml, dann kubectl rollout status deployment/shop.',
      solution: 'solutions/pull-secret.sh',
    },
    {
      id: 'serviceaccount',
      title: 'Zugangsdaten über den ServiceAccount',
      checks: [
        { check: 'image-from-registry', params: { name: 'vorschau', registry: REGISTRY, secret: 'registry-zugang', via: 'serviceAccount' } },
      ],
      hint: 'kubectl patch serviceaccount default -p \'{"imagePullSecrets":[{"name":"registry-zugang"}]}\', dann kubectl apply -f vorschau.yaml. Lief vorschau schon vorher, starte die Pods mit kubectl rollout restart deployment/vorschau neu.',
      solution: 'solutions/serviceaccount.sh',
    },
  ],
});
