kubectl scale deployment web --replicas=5
# Der Deployment-Controller meldet im Event, sobald er auf 5 skaliert hat.
for _ in $(seq 120); do
  messages=$(kubectl get events --field-selector involvedObject.name=web,reason=ScalingReplicaSet \
    -o jsonpath='{.items[*].message}')
  [[ "$messages" == *"from 3 to 5"* ]] && break
  sleep 1
done
# Flux setzt beim nächsten Abgleich zurück (spätestens nach einer Minute); sofort geht es so:
requested=$(date +%s)
kubectl annotate --overwrite kustomization app reconcile.fluxcd.io/requestedAt="$requested"
kubectl wait --for=jsonpath='{.status.lastHandledReconcileAt}'="$requested" kustomization/app --timeout=300s
kubectl wait --for=jsonpath='{.spec.replicas}'=3 deployment/web --timeout=60s
kubectl rollout status deployment/web --timeout=180s
kubectl get events --field-selector involvedObject.name=web,reason=ScalingReplicaSet
