"""Throughput of the sandboxed grader, for docs/grading.md's table: ``python -m grading.measure`` from the
repository root (quick profile, COURSE_DATA set; takes ~15 min on 2 cores). Seconds per
notebook for one solved submission of each graded notebook, then 20 submissions (15 solved,
5 blank) of 01 and 02 at 1 and 2 workers. Writes measure.json."""
import json
import shutil
import tempfile
import time
from pathlib import Path

from .course import graded_assignments, make_course, solutions_of, submit
from .run import autograde


def course(tmp: Path, assignment: str, n: int) -> Path:
    tmp.mkdir(parents=True)
    c = make_course(tmp, assignment)
    solved = solutions_of(assignment)
    for i in range(n):
        submit(c, assignment, f"s{i:03d}", solved if i % 4 != 3 else {})
    return c


def main() -> None:
    out, base = {}, Path(tempfile.mkdtemp(prefix="measure-"))
    try:
        for a in graded_assignments() + ["09_quiz"]:
            sub = autograde(course(base / a, a, 1), a, workers=1, log=lambda *_: None)[0]
            out[a] = {"sandbox_s": sub.seconds, "score": sub.score, "auto_max": sub.auto_max}
            print(a, out[a], flush=True)
        for a in ["01_autoencoders", "02_variational_autoencoders"]:
            for workers in (1, 2):
                start = time.monotonic()
                subs = autograde(course(base / f"{a}-{workers}", a, 20), a, workers=workers, log=print)
                took = time.monotonic() - start
                out[f"{a} x20, {workers} workers"] = {"seconds": round(took, 1), "per_minute": round(1200 / took, 1),
                                                      "not ok": sum(s.status != "ok" for s in subs)}
                print(a, workers, out[f"{a} x20, {workers} workers"], flush=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    Path("measure.json").write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
