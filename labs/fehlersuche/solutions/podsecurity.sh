kubectl get deployment rechner -n fehlersuche-sicher
kubectl describe replicaset -n fehlersuche-sicher -l app=rechner | tail -n 5
kubectl get namespace fehlersuche-sicher --show-labels
# Not the label off the namespace: make the pods meet "restricted".
kubectl patch deployment rechner -n fehlersuche-sicher --type=strategic -p '
spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: app
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop: ["ALL"]
'
kubectl rollout status deployment/rechner -n fehlersuche-sicher --timeout=120s
