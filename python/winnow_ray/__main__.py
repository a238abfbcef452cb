"""`winnow-ray PIPELINE [INPUTS...] --shards N --work DIR`: a Winnow pipeline's phases as Ray tasks."""

import argparse
import sys

import ray

from . import WinnowTaskError, run


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="winnow-ray", description=__doc__)
    parser.add_argument("pipeline")
    parser.add_argument("inputs", nargs="*", help="files, directories or globs; none: the pipeline's input.paths")
    parser.add_argument("--shards", type=int, required=True, help="tasks of the map and reduce phases")
    parser.add_argument("--buckets", type=int, default=4, help="tasks of the buckets phase")
    parser.add_argument("--work", required=True, help="the work directory, on a filesystem every node sees")
    parser.add_argument("--winnow", default="winnow", help="the winnow binary the nodes run")
    parser.add_argument("--cpus-per-task", type=int, default=1)
    parser.add_argument("--retries", type=int, default=3, help="times Ray retries a failed task")
    parser.add_argument("--address", help="a running Ray cluster (ray.init(address=...)); default: a local Ray")
    parser.add_argument("--num-cpus", type=int, help="CPUs of the local Ray started when no --address is given")
    arguments = parser.parse_args(argv)
    if arguments.address:
        ray.init(address=arguments.address)
    else:
        ray.init(num_cpus=arguments.num_cpus)
    try:
        outputs = run(arguments.pipeline, arguments.inputs, shards=arguments.shards, work=arguments.work, buckets=arguments.buckets,
                      winnow=arguments.winnow, cpus_per_task=arguments.cpus_per_task, retries=arguments.retries,
                      log=lambda line: print(line, file=sys.stderr))
    except (WinnowTaskError, ray.exceptions.RayTaskError) as error:
        print(f"winnow-ray: {error}", file=sys.stderr)
        return 1
    print("\n".join(outputs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
