kubectl apply -f - <<'YAML'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: student-api
spec:
  ingressClassName: traefik
  rules:
    - host: studenten.werkbank.local
      http:
        paths:
          - path: /api
            pathType: Prefix
            backend:
              service:
                name: student-api
                port:
                  number: 80
YAML
kubectl get ingress student-api
