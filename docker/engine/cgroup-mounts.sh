#!/usr/bin/env bash
# On a cgroup v1 host every enabled controller needs its hierarchy mounted under
# /sys/fs/cgroup: Docker hands containers only what the host has mounted, and the kubelet
# in a kind node does not start when one is missing ("cgroup [kubelet] has some missing
# paths: /sys/fs/cgroup/hugetlb/kubelet.slice"). Debian's cgroupfs-mount mounts them all
# when docker.io is installed; here hugetlb, net_cls, net_prio and perf_event vanished from
# the host during a test run (cause not found) and every new kind cluster failed until
# they were mounted again. This mounts whatever is missing; nothing when all are there.
# Controllers the kernel keeps in one hierarchy (net_cls and net_prio) are mounted
# together, as cgroupfs-mount's layout names them, with a link per controller.
set -euo pipefail

ROOT=${WERKBANK_CGROUP_ROOT:-/sys/fs/cgroup}

say() { printf '[docker] %s\n' "$*" >&2; }

[[ "$(stat -fc %T "$ROOT" 2>/dev/null)" == tmpfs ]] || exit 0 # cgroup v2, or no cgroups at all

# The super options of each mounted cgroup v1 file system, e.g. "rw,hugetlb".
mounted=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup") print $(i + 3); break } }' /proc/self/mountinfo)

declare -A missing=() # hierarchy → its controllers, comma-separated
while read -r name hierarchy _ enabled; do
  [[ "$name" == \#* || "$enabled" != 1 ]] && continue
  grep -Eq "(^|,)$name(,|$)" <<<"$mounted" && continue
  key=$hierarchy
  [[ "$hierarchy" == 0 ]] && key="0:$name" # not in any hierarchy yet: a hierarchy of its own
  missing[$key]+="${missing[$key]:+,}$name"
done </proc/cgroups

for controllers in "${missing[@]}"; do
  if [[ $(id -u) -ne 0 ]]; then
    say "Warnung: die cgroup-Hierarchie $controllers ist nicht eingehängt; kind-Cluster starten so nicht. Abhilfe (als root): mkdir -p $ROOT/$controllers && mount -t cgroup -o $controllers cgroup $ROOT/$controllers"
    continue
  fi
  mkdir -p "$ROOT/$controllers"
  mount -t cgroup -o "$controllers" cgroup "$ROOT/$controllers"
  if [[ "$controllers" == *,* ]]; then
    for name in ${controllers//,/ }; do
      [[ -e "$ROOT/$name" ]] || ln -s "$controllers" "$ROOT/$name"
    done
  fi
  say "cgroup-Hierarchie $controllers fehlte und ist jetzt eingehängt (kind braucht sie)."
done
