# registry.k8s.io/kube-proxy: kube-proxy programs iptables, so unlike the other
# components it needs the iptables tools (upstream uses distroless-iptables).
ARG BASE=werkbank/debian-base:bookworm
FROM ${BASE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends iptables nftables ipset conntrack kmod \
 && rm -rf /var/lib/apt/lists/*
COPY kube-proxy /usr/local/bin/kube-proxy.bin
COPY kube-proxy-iptables-mode /usr/local/bin/kube-proxy
RUN chmod 0755 /usr/local/bin/kube-proxy /usr/local/bin/kube-proxy.bin
