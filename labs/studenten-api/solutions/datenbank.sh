kubectl create namespace development
kubectl config set-context --current --namespace=development
kubectl create secret generic studenten-db \
  --from-literal=POSTGRES_USER=studenten \
  --from-literal=POSTGRES_PASSWORD='Stud-Geheim-2024' \
  --from-literal=POSTGRES_DB=studenten
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Service
metadata:
  name: postgres
spec:
  clusterIP: None
  selector:
    app: postgres
  ports:
    - port: 5432
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: postgres
spec:
  serviceName: postgres
  replicas: 1
  selector:
    matchLabels:
      app: postgres
  template:
    metadata:
      labels:
        app: postgres
    spec:
      containers:
        - name: postgres
          image: werkbank/postgres:15
          imagePullPolicy: IfNotPresent
          envFrom:
            - secretRef:
                name: studenten-db
          env:
            - name: PGDATA
              value: /var/lib/postgresql/data/pgdata
          ports:
            - containerPort: 5432
          readinessProbe:
            exec:
              command: ["sh", "-c", "pg_isready -h 127.0.0.1 -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\""]
            periodSeconds: 5
          volumeMounts:
            - name: daten
              mountPath: /var/lib/postgresql/data
  volumeClaimTemplates:
    - metadata:
        name: daten
      spec:
        accessModes: ["ReadWriteOnce"]
        storageClassName: standard
        resources:
          requests:
            storage: 1Gi
YAML
kubectl rollout status statefulset/postgres --timeout=240s
