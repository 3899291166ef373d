kubectl config set-context --current --namespace=gitops-lab
# Der Git-Server ist nur im Cluster erreichbar: eine Portweiterleitung, solange das Skript läuft.
kubectl rollout status deployment/git -n flux-system --timeout=180s
kubectl port-forward -n flux-system svc/git 8080:80 >/dev/null &
forward=$!
trap 'kill $forward 2>/dev/null || true' EXIT
for _ in $(seq 60); do git ls-remote http://localhost:8080/git/app.git >/dev/null 2>&1 && break; sleep 1; done

rm -rf app
git clone http://localhost:8080/git/app.git app
cp web.yaml alt.yaml app/
git -C app config user.email lernende@werkbank.local
git -C app config user.name Lernende
git -C app add web.yaml alt.yaml
git -C app commit -m "web und alt"
git -C app push origin HEAD:main

kubectl rollout status deployment/source-controller -n flux-system --timeout=180s
kubectl apply -f quelle.yaml
kubectl wait --for=condition=Ready gitrepository/app --timeout=180s
kubectl get gitrepository app
