"""Run a Winnow pipeline's phases as Ray tasks.

`winnow plan` writes the plan (the inputs, their shards, the phases); each phase's tasks run in parallel as Ray
tasks, each one `winnow PHASE --work DIR --task N` command, and a phase starts when every task of the one before
it has finished. A task that fails is retried by Ray (`retries`); a finished task leaves `DIR/done/PHASE-N`, so
running the same plan again resumes it.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Iterable, List, Optional

import ray

__all__ = ["run", "run_phase", "WinnowTaskError"]


class WinnowTaskError(RuntimeError):
    """A `winnow` phase task exited with a failure; the message holds the command and the end of its log."""


def _run_task(winnow: str, phase: str, work: str, task: int, jobs: int) -> str:
    command = [winnow, phase, "--work", work, "--task", str(task), "--jobs", str(jobs)]
    log_path = Path(work) / "logs" / f"{phase}-{task}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        log.write(f"# {' '.join(command)} (ray node {ray.util.get_node_ip_address()}, pid {os.getpid()})\n".encode())
        log.flush()
        completed = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT)
    if completed.returncode != 0:
        tail = log_path.read_bytes()[-2000:].decode("utf-8", "replace")
        raise WinnowTaskError(f"{' '.join(command)} exited {completed.returncode}; end of {log_path}:\n{tail}")
    return log_path.read_bytes().decode("utf-8", "replace").strip().splitlines()[-1]


_remote_task = ray.remote(_run_task)


def run_phase(winnow: str, phase: str, work: str, tasks: Iterable[int], *, cpus_per_task: int = 1, retries: int = 3) -> List[str]:
    """Runs tasks of one phase as Ray tasks and waits for all of them; returns each task's last log line."""
    options = _remote_task.options(num_cpus=cpus_per_task, max_retries=retries, retry_exceptions=True)
    return ray.get([options.remote(winnow, phase, work, task, cpus_per_task) for task in tasks])


def run(pipeline: str, inputs: Iterable[str] = (), *, shards: int, work: str, buckets: int = 4, winnow: str = "winnow",
        cpus_per_task: int = 1, retries: int = 3, log=print) -> List[str]:
    """Plans the run and runs every phase; returns the output files in order (their concatenation is the output).

    Calls `ray.init()` with the defaults when Ray is not initialised yet.
    """
    if not ray.is_initialized():
        ray.init()
    work = os.path.abspath(work)
    planned = subprocess.run([winnow, "plan", pipeline, *inputs, "--shards", str(shards), "--buckets", str(buckets), "--work", work],
                             capture_output=True, text=True)
    if planned.returncode != 0:
        raise WinnowTaskError(f"winnow plan exited {planned.returncode}: {planned.stderr.strip()}")
    with open(os.path.join(work, "plan.json")) as file:
        plan = json.load(file)
    for phase in plan["phases"]:
        name, count = phase["name"], phase["tasks"]
        pending = [task for task in range(count) if not os.path.exists(os.path.join(work, "done", f"{name}-{task}"))]
        if not pending:
            log(f"winnow-ray: {name}: all {count} tasks already done")
            continue
        lines = run_phase(winnow, name, work, pending, cpus_per_task=cpus_per_task, retries=retries)
        log(f"winnow-ray: {name}: {len(pending)} task(s) done" + (f"; last: {lines[-1]}" if lines else ""))
    return [os.path.join(work, "out", f"{shard}.jsonl.gz") for shard in range(len(plan["shards"]))]
