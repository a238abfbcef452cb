#!/usr/bin/env bash
# The project's test command (the README's: `Scripts/test.sh swift test`): runs the command it is given (default
# `swift test`), with the cluster engines' end-to-end tests enabled where
# they can run — a local single-node Slurm started here and stopped at the end (root, with Debian's slurm-wlm and
# munge installed; WINNOW_SLURM=1), and Ray through WINNOW_RAY_PYTHON (a Python with `ray` and `pip install ./python`).
# Without them those tests are skipped and say why.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${WINNOW_SLURM:-}" != 1 ] && [ "$(id -u)" = 0 ] && command -v slurmctld >/dev/null && command -v munged >/dev/null; then
  if Scripts/ops/local-slurm.sh start >/dev/null; then
    export WINNOW_SLURM=1
    trap 'Scripts/ops/local-slurm.sh stop' EXIT
  else
    echo "test.sh: the local Slurm did not start; its test is skipped"
  fi
fi
if [ $# -eq 0 ]; then set -- swift test; fi
"$@"
