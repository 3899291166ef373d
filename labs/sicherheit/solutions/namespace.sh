kubectl create namespace sicherheit
kubectl config set-context --current --namespace=sicherheit
kubectl label namespace sicherheit pod-security.kubernetes.io/enforce=restricted
# The unhardened pod must be refused.
if kubectl run test --image=werkbank/nginx:1; then echo "FEHLER: der Pod wurde zugelassen" >&2; false; fi
