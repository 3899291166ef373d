# Step 2 of the lesson: the image, built on the host's Docker.
mkdir -p shop && cd shop
cat > Dockerfile <<'DOCKERFILE'
FROM werkbank/demo-app:1
ENV APP_VERSION=shop-1.0
DOCKERFILE
docker build -t werkbank/shop:1.0 .
docker image ls werkbank/shop
cd ..
# Step 3: into the cluster.
kind load docker-image werkbank/shop:1.0
NODE=$(kubectl get nodes -o jsonpath='{.items[0].metadata.name}')
docker exec "$NODE" crictl images | grep shop
