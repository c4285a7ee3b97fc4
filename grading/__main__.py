"""python -m grading autograde <assignment> [<assignment> ...] [options]   (run from the course folder)
   python -m grading bundle <folder>   (what students get)

Exit status 0 when every submission was graded (a crashed or flagged submission is graded: it
is listed in the report), 1 when some could not be graded: each is listed with its reason."""
import argparse
import sys
from pathlib import Path

from .sandbox import GIB, Limits, bwrap_available


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grading", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    grade = sub.add_parser("autograde", help="grade every collected submission in sandboxes")
    grade.add_argument("assignments", nargs="+")
    grade.add_argument("--workers", type=int, default=None, help="local Dask workers (default: one per core)")
    grade.add_argument("--scheduler", help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786")
    grade.add_argument("--mem-gib", type=float, default=Limits.memory_bytes / GIB, help="memory cap per kernel")
    grade.add_argument("--cell-timeout", type=int, default=Limits.cell_timeout, help="seconds per cell")
    grade.add_argument("--notebook-timeout", type=int, default=Limits.notebook_timeout, help="seconds per notebook")
    grade.add_argument("--output-bytes", type=int, default=Limits.output_bytes, help="output kept per cell")
    grade.add_argument("--all-cells", action="store_true", help="run every cell, not only what grades depend on")
    grade.add_argument("--student", action="append", help="grade only these students (repeatable)")
    bundle = sub.add_parser("bundle", help="write what students get (notebooks, course_lib) to a folder")
    bundle.add_argument("folder")
    args = parser.parse_args(argv)
    if args.command == "bundle":
        from .bundle import build
        print(f"student bundle: {build(args.folder)}")
        return 0
    if not bwrap_available():
        print("grading: bubblewrap (bwrap) is missing: install it (Debian/Ubuntu: apt-get install bubblewrap). "
              "Without it student code would run with your rights, so this tool refuses to grade.", file=sys.stderr)
        return 2
    from .run import autograde

    limits = Limits(cell_timeout=args.cell_timeout, notebook_timeout=args.notebook_timeout,
                    memory_bytes=int(args.mem_gib * GIB), output_bytes=args.output_bytes)
    problems = []
    for assignment in args.assignments:
        try:
            subs = autograde(Path.cwd(), assignment, limits, workers=args.workers, scheduler=args.scheduler,
                             reduced=not args.all_cells, students=args.student)
        except Exception as error:  # noqa: BLE001 -- the next assignment is still graded
            problems.append(f"{assignment}: not graded: {type(error).__name__}: {error}")
            continue
        for s in subs:
            if s.status != "ok" or s.flags:
                print(f"  {assignment}/{s.student}/{s.notebook}: {s.status} {s.reason} "
                      f"{'FLAGGED ' + str(s.flags) if s.flags else ''}".rstrip())
        problems += [f"{assignment}/{s.student}/{s.notebook}: {s.reason}" for s in subs if s.status == "failed"]
        print(f"{assignment}: report in grading_report_{assignment}.md")
    if problems:
        print("Not graded:\n  " + "\n  ".join(problems), file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
