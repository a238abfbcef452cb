#!/usr/bin/env bash
# A single-node Slurm on this machine for the cluster test: `local-slurm.sh start` writes slurm.conf (this host, its
# CPUs and memory as `slurmd -C` reports them), generates a munge key, and starts munged, slurmctld and slurmd;
# `local-slurm.sh stop` stops them. Needs root and Debian's slurm-wlm and munge packages.
set -euo pipefail
state=/var/lib/winnow-local-slurm
case "${1:-}" in
start)
  mkdir -p "$state" /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge /var/lib/munge /var/log/munge
  node="$(slurmd -C | head -1)"          # NodeName=host CPUs=… RealMemory=…
  host="$(hostname -s)"
  cat > /etc/slurm/slurm.conf <<CONF
ClusterName=winnow-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1024
SchedulerType=sched/backfill
ReturnToService=2
JobRequeue=1
MpiDefault=none
$node State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  if [ ! -s "$state/munge.key" ]; then
    dd if=/dev/urandom bs=1 count=1024 of="$state/munge.key" 2>/dev/null
  fi
  install -m 0400 -o munge -g munge "$state/munge.key" /etc/munge/munge.key 2>/dev/null || install -m 0400 "$state/munge.key" /etc/munge/munge.key
  chown -R munge:munge /run/munge /var/lib/munge /var/log/munge /etc/munge 2>/dev/null || true
  pgrep -x munged >/dev/null || { runuser -u munge -- munged 2>/dev/null || munged --force; }
  pgrep -x slurmctld >/dev/null || slurmctld
  pgrep -x slurmd >/dev/null || slurmd
  for _ in $(seq 60); do
    if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then sinfo; exit 0; fi
    sleep 1
  done
  echo "local-slurm: the node did not come up" >&2
  sinfo -N -l >&2 || true
  tail -20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
  exit 1
  ;;
stop)
  for daemon in slurmd slurmctld munged; do pkill -x "$daemon" 2>/dev/null || true; done
  for _ in $(seq 20); do
    pgrep -x slurmd >/dev/null || pgrep -x slurmctld >/dev/null || pgrep -x munged >/dev/null || exit 0
    sleep 0.5
  done
  ;;
*)
  echo "usage: $0 start|stop" >&2
  exit 2
  ;;
esac
