kubectl create namespace registry
kubectl config set-context --current --namespace=registry
# bcrypt (-B) ist das einzige Format, das die Registry annimmt.
docker run --rm --entrypoint htpasswd werkbank/registry:v3.1.2 -Bbn lernende geheim123 > htpasswd
kubectl create secret generic registry-htpasswd --from-file=htpasswd
kubectl apply -f registry.yaml
kubectl rollout status statefulset/registry --timeout=240s
