# registry.k8s.io/pause: the sandbox container of every pod (pause.c from the
# Kubernetes sources, compiled statically with Debian's gcc).
FROM scratch
COPY pause /pause
USER 65535:65535
ENTRYPOINT ["/pause"]
