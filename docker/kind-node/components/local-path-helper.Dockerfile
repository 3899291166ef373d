# The helper image of kind's storage: local-path-provisioner runs its setup and
# teardown shell scripts (mkdir, rm) in it. Debian's static busybox is all it needs.
ARG BASE=werkbank/debian-base:bookworm
FROM ${BASE} AS busybox
RUN apt-get update \
 && apt-get install -y --no-install-recommends busybox-static \
 && rm -rf /var/lib/apt/lists/*

FROM scratch
COPY --from=busybox /usr/bin/busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
ENV PATH=/bin
CMD ["sh"]
