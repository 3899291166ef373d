# The pod network agent (docker/kind-node/kindnet-lite): it writes the node's CNI
# configuration, runs `ip route` and applies NetworkPolicies with `nft`, so it needs
# iproute2 and nftables next to its binary.
ARG BASE=werkbank/debian-base:bookworm
FROM ${BASE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends iproute2 nftables \
 && rm -rf /var/lib/apt/lists/*
COPY kindnet-lite /usr/local/bin/kindnet-lite
ENTRYPOINT ["/usr/local/bin/kindnet-lite"]
