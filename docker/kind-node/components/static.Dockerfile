# A component image that holds one static binary and nothing else, like the distroless
# images upstream publishes. Built by docker/kind-node/build.sh for each control-plane
# component, CoreDNS, the storage provisioner and the pod network; the binary comes
# from the build context (built from source into the werkbank cache).
FROM scratch
ARG BINARY
COPY ${BINARY} /usr/local/bin/${BINARY}
# kubeadm's static pods and kind's manifests name the command without a path.
ENV PATH=/usr/local/bin
