# registry.k8s.io/coredns/coredns: kubeadm's CoreDNS Deployment passes only arguments.
FROM scratch
COPY coredns /coredns
EXPOSE 53 53/udp
ENTRYPOINT ["/coredns"]
