#!/bin/sh
# Makes the empty repository on first start (the volume at /srv/git may be new), then
# serves until stopped.
set -eu
repo=/srv/git/app.git
if [ ! -d "$repo" ]; then
  git init -q --bare -b main "$repo"
  # Pushes over HTTP without a user name: no one outside the cluster reaches this server.
  git -C "$repo" config http.receivepack true
fi
exec lighttpd -D -f /etc/lighttpd/git.conf
