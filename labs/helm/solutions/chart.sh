kubectl create namespace helm-lab
kubectl config set-context --current --namespace=helm-lab
mkdir -p demo/templates
cat > demo/Chart.yaml <<'EOF'
apiVersion: v2
name: demo
description: Die Demo-App der Werkbank
version: 0.1.0
appVersion: "1"
EOF
cat > demo/values.yaml <<'EOF'
replicaCount: 2
image:
  repository: werkbank/demo-app
  tag: "1"
  pullPolicy: IfNotPresent
appVersion: v1
service:
  port: 80
EOF
cat > demo/templates/deployment.yaml <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels:
    app.kubernetes.io/name: {{ .Chart.Name }}
    app.kubernetes.io/instance: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      app.kubernetes.io/instance: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {{ .Chart.Name }}
        app.kubernetes.io/instance: {{ .Release.Name }}
    spec:
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          env:
            - name: APP_VERSION
              value: {{ .Values.appVersion | quote }}
          ports:
            - containerPort: 8080
          readinessProbe:
            httpGet:
              path: /healthz
              port: 8080
EOF
cat > demo/templates/service.yaml <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
spec:
  selector:
    app.kubernetes.io/instance: {{ .Release.Name }}
  ports:
    - port: {{ .Values.service.port }}
      targetPort: 8080
EOF
helm lint ./demo
helm template shop ./demo
