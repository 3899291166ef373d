#!/bin/bash
# node-pty 1.1.0 on Linux opens each pty master without close-on-exec, so every shell
# spawned later inherits the masters of all earlier shells and could write into another
# learner's terminal. This wrapper closes every descriptor above stderr, then becomes
# the real shell.
for fd_path in /proc/self/fd/*; do
  fd=${fd_path##*/}
  if ((fd > 2)); then
    eval "exec ${fd}<&-" 2>/dev/null || true
  fi
done
exec "$@"
