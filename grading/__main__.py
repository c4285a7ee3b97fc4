"""python -m grading autograde <assignment> [<assignment> ...] [options]   (run from the course folder)
   python -m grading bundle <folder> [--self-study]   (what students get)
   python -m grading release-answers [NN ...]   (students now get these assignments' answers)
   python -m grading quiz [--output PATH]   (rebuild solutions/09_quiz from quiz/*.yaml)
   python -m grading answers [--check]   (course_answers/ from the solution cells; --check: only say what is stale)
   python -m grading record NN [NN ...] | --check   (full-profile runs: the printed numbers the text may quote)
   python -m grading roster FILE.csv [--hub API]   (students into the gradebook: id, first, last, email, lms_id;
                                                    and hub accounts, given COURSE_HUB_TOKEN)
   python -m grading calendar   (course.yml's due dates and extensions into the gradebook)
   python -m grading grades --lms canvas|moodle [--output PATH]   (grades as the LMS imports them)

Exit status 0 when every submission has a recorded outcome (a crashed, flagged or unreadable
one is recorded, with the reason, and listed in the report), 1 when the run itself could not
grade some (a lost worker, an assignment it could not open): each is listed with its reason;
2 without bubblewrap."""
import argparse
import os
import sys
from pathlib import Path

from course_lib.core import settings

from .sandbox import GIB, Limits, bwrap_available

ROOT_SOLUTIONS = Path(__file__).resolve().parents[1] / "solutions"


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
    bundle = sub.add_parser("bundle", help="write what students get (notebooks, course_lib, released answers)")
    bundle.add_argument("folder")
    bundle.add_argument("--self-study", action="store_true", help="every answer, for learners on their own")
    release = sub.add_parser("release-answers", help="students get these assignments' answers from now on "
                                                     "(course.yml); without one, list what is released")
    release.add_argument("assignments", nargs="*", help="e.g. 02 or 02_variational_autoencoders")
    answers = sub.add_parser("answers", help="write course_answers/ from the solution cells (the one source)")
    answers.add_argument("--check", action="store_true", help="write nothing; exit 1 if a module is stale")
    record = sub.add_parser("record", help="run notebooks in the full profile and keep what they print (records/)")
    record.add_argument("notebooks", nargs="*", help="e.g. 05_dcgan; with --check, default: every record")
    record.add_argument("--check", action="store_true", help="run nothing; exit 1 if a record is stale")
    quiz = sub.add_parser("quiz", help="rebuild the classroom quiz's source notebook from quiz/*.yaml")
    quiz.add_argument("--output", help="where to write it (default: solutions/09_quiz/09_quiz.ipynb)")
    roster = sub.add_parser("roster", help="import students from a roster CSV (id, first, last, email, lms_id)")
    roster.add_argument("file")
    roster.add_argument("--hub", default=os.environ.get("JUPYTERHUB_API_URL"),
                        help="the class hub's API (default: the hub this server runs on); with COURSE_HUB_TOKEN, "
                             "an admin's token, the students also get hub accounts")
    sub.add_parser("calendar", help="write course.yml's due dates and extensions into the gradebook")
    export = sub.add_parser("grades", help="write every grade as your LMS imports it")
    export.add_argument("--lms", choices=["canvas", "moodle"], required=True)
    export.add_argument("--output", help="default: grades_<lms>.csv")
    args = parser.parse_args(argv)
    if args.command in ("roster", "calendar", "grades"):
        from . import classroom
        db_url, course_id = classroom.gradebook(Path.cwd())
        try:
            if args.command == "roster":
                ids = classroom.import_roster(args.file, db_url, course_id)
                print(f"{len(ids)} students in the gradebook")
                token = settings.get("COURSE_HUB_TOKEN")
                if args.hub and token:
                    new = classroom.hub_accounts(ids, args.hub, token)
                    print(f"hub accounts: {len(new)} created, {len(ids) - len(new)} there already")
            elif args.command == "calendar":
                print("\n".join(classroom.apply_calendar(Path.cwd(), db_url, course_id)) or "course.yml sets no due date")
            else:
                classroom.reprice_late_penalties(Path.cwd())   # on today's scores, manual grades included
                print(f"wrote {classroom.export(db_url, course_id, args.lms, args.output or f'grades_{args.lms}.csv')}")
        except (OSError, ValueError) as error:
            print(f"{args.command}: {error}", file=sys.stderr)
            return 2
        return 0
    if args.command == "record":
        from . import record as records
        names = [n if (ROOT_SOLUTIONS / n).is_dir() else next((p.name for p in ROOT_SOLUTIONS.glob(f"{n}_*")), n)
                 for n in args.notebooks]
        if args.check:
            problems = [p for n in names or sorted(p.stem for p in records.RECORDS.glob("*.json"))
                        if (p := records.stale(n))]
            print("\n".join(problems) or "every record is current", file=sys.stderr if problems else sys.stdout)
            return 1 if problems else 0
        for name in names:
            if not records.solution_path(name).exists():
                print(f"record: no notebook solutions/{name}/{name}.ipynb", file=sys.stderr)
                return 2
            print(f"wrote {records.write(name).relative_to(records.ROOT)}", flush=True)
        return 0
    if args.command == "answers":
        from .answers import write_all
        try:
            stale = write_all(check=args.check)
        except ValueError as error:
            print(f"answers: {error}", file=sys.stderr)
            return 2
        if args.check:
            print("course_answers/ is current" if not stale else
                  f"stale (run `python -m grading answers`): {', '.join(stale)}", file=sys.stderr if stale else sys.stdout)
            return 1 if stale else 0
        print(f"wrote {', '.join(stale)}" if stale else "course_answers/ was already current")
        return 0
    if args.command == "quiz":
        from .quiz import build_assignment
        print(f"wrote {build_assignment(args.output)}; then `make release`")
        return 0
    if args.command == "bundle":
        from .bundle import build, released
        print(f"student bundle: {build(args.folder, self_study=args.self_study)}")
        print(f"answers in it: {'all (self-study)' if args.self_study else ', '.join(released()) or 'none released yet'}")
        return 0
    if args.command == "release-answers":
        from .bundle import release_answers, released
        try:
            done = release_answers(args.assignments) if args.assignments else released()
        except ValueError as error:
            print(f"release-answers: {error}", file=sys.stderr)
            return 2
        print(f"answers released (course.yml): {', '.join(done) or 'none'}; `make student-bundle` hands them out")
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
