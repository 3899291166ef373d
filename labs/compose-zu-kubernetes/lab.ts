import { defineLab } from '../define.ts';

export default defineLab({
  id: 'compose-zu-kubernetes',
  title: 'Ein eigenes Image im eigenen Cluster',
  lesson: 'compose-zu-kubernetes',
  // A cluster of its own: Docker (`docker build`) and images loaded into the nodes (`kind load`).
  needs: 'cluster',
  namespace: 'shop',
  files: ['files/shop.yaml'],
  // Only for a cluster that ran this lab before: removes an earlier werkbank/shop image.
  setup: { script: 'setup/ohne-shop-image.sh' },
  steps: [
    {
      id: 'namespace',
      title: 'Einen Namespace anlegen',
      checks: [{ check: 'namespace-exists', params: { name: 'shop' } }],
      hint: 'kubectl create namespace shop, dann kubectl config set-context --current --namespace=shop.',
      solution: 'solutions/namespace.sh',
    },
    {
      id: 'image-laden',
      title: 'Das Image bauen und in den Cluster laden',
      checks: [{ check: 'image-loaded', params: { image: 'werkbank/shop:1.0' } }],
      hint: 'docker build -t werkbank/shop:1.0 . im Verzeichnis mit dem Dockerfile, dann kind load docker-image werkbank/shop:1.0.',
      solution: 'solutions/image-laden.sh',
    },
    {
      id: 'deployment',
      title: 'Das Deployment starten',
      checks: [
        { check: 'deployment-available', params: { name: 'shop', replicas: 2 } },
        { check: 'rollout-complete', params: { name: 'shop', image: 'werkbank/shop:1.0' } },
      ],
      hint: 'kubectl apply -f shop.yaml; bei ErrImagePull fehlt meist das kind load oder das Tag ist anders geschrieben.',
      solution: 'solutions/deployment.sh',
    },
    {
      id: 'ausprobieren',
      title: 'Die Anwendung fragen',
      checks: [{ check: 'service-endpoints', params: { name: 'shop', minReady: 2 } }],
      hint: 'kubectl expose deployment shop --port=80 --target-port=8080, dann aus einem Pod mit werkbank/toolbox:1 wget -qO- http://shop/.',
      solution: 'solutions/ausprobieren.sh',
    },
  ],
});
