"""nbgrader's collect for an exchange where every student submits as their own system account (the
class hub: hub/class_config.py). nbgrader's own collect believes the submission folder's name: whose it
is and when it was handed in (``<student>+<assignment>+<time>+<random>``, chosen by the submitter) and
only warns when the folder's owner is somebody else. This one:

- **refuses** a submission whose folder, or any file in it, is not owned by the system account of the
  student it names (a submission forged in a classmate's name is never collected as theirs); on Zero to
  JupyterHub each user's pod runs as a uid of their own, computed from their name (``uid_from_name``);
- **times** a submission by the file system: the last change to anything in it (``st_ctime``, which
  the kernel sets and no user can move back), not the name or timestamp.txt the student wrote. A
  backdated submission is recorded at the time it was really made, so it is late if it was.

Each refused or re-timed submission is a warning in the collect's log and a line in
``exchange_report_<assignment>.md`` in the course folder (with what it claimed)."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import pwd

from nbgrader.exchange.default.collect import ExchangeCollect

from course_lib.core import settings


def observed_time(path: str) -> dt.datetime:
    """The last change to the folder or anything in it, by the file system's clock (UTC, naive, as nbgrader's)."""
    latest = os.lstat(path).st_ctime
    for folder, dirs, files in os.walk(path):
        for name in dirs + files:
            latest = max(latest, os.lstat(os.path.join(folder, name)).st_ctime)
    return dt.datetime.fromtimestamp(latest, dt.UTC).replace(tzinfo=None)


def not_plain(path: str) -> list[str]:
    """What in the submission is neither a folder nor a regular file (a link would be followed by the copy,
    with the teacher's rights: a file of theirs handed in, or a notebook still being edited after the deadline)."""
    import stat

    found = []
    for folder, dirs, files in os.walk(path):
        for name in dirs + files:
            mode = os.lstat(os.path.join(folder, name)).st_mode
            if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                found.append(os.path.relpath(os.path.join(folder, name), path))
    return found


def owners(path: str) -> set[int]:
    found = {os.lstat(path).st_uid}
    for folder, dirs, files in os.walk(path):
        found |= {os.lstat(os.path.join(folder, name)).st_uid for name in dirs + files}
    return found


class CheckedCollect(ExchangeCollect):
    """Collect only what the named student's account handed in, timed by the file system."""

    def _path_to_record(self, path):
        record = super()._path_to_record(path)
        full = os.path.join(self.inbound_path, record["filename"])
        record["claimed"] = record["timestamp"]
        record["timestamp"] = observed_time(full)
        uid = account_uid(record["username"])
        wrong = owners(full) - {uid}
        odd = not_plain(full)
        if odd:
            self._note(f"refused `{record['filename']}`: it holds links or special files ({', '.join(odd[:3])}), "
                       "which collect does not follow")
            record["refused"] = True
        elif uid is None or wrong:
            names = sorted(_name(u) for u in (wrong or owners(full)))
            self._note(f"refused `{record['filename']}`: it names {record['username']}, but "
                       f"{'no such account exists' if uid is None else 'it was written by ' + ', '.join(names)}")
            record["refused"] = True
        return record

    def init_src(self):
        """nbgrader's, less the refused submissions: the newest of each student's own (before the due
        date with --before-duedate), so a forged one never hides theirs."""
        import glob

        from nbgrader.api import Gradebook, MissingEntry
        from nbgrader.exchange.default.collect import groupby

        self._notes = []
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail(f"Course not found: {self.inbound_path}")
        student = self.coursedir.student_id or "*"
        pattern = os.path.join(self.inbound_path, f"{student}+{self.coursedir.assignment_id}+*")
        records = [r for r in map(self._path_to_record, glob.glob(pattern)) if not r.get("refused")]
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                self.duedate = gb.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                self.duedate = None
        self.src_records = []
        for mine in groupby(records, lambda r: r["username"]).values():
            mine = self._sort_by_timestamp(mine)
            on_time = [r for r in mine if self.duedate and r["timestamp"] <= self.duedate]
            self.src_records.append(on_time[0] if self.before_duedate and on_time else mine[0])

    def do_copy(self, src, dest):
        import shutil

        # links copied as links, never followed (one made after the check above stays a link, and grading
        # never reads through a link); a copy holding one is thrown away
        from nbgrader.utils import ignore_patterns

        size = self.get_size(src)
        if size > 1000 * self.coursedir.max_dir_size:
            raise RuntimeError(f"Directory size is too big. Size is {size}, maximum size is "
                               f"{1000 * self.coursedir.max_dir_size}")
        shutil.copytree(src, dest, symlinks=True, ignore=ignore_patterns(
            exclude=self.coursedir.ignore, include=self.coursedir.include,
            max_file_size=self.coursedir.max_file_size, log=self.log))
        if not_plain(dest):
            shutil.rmtree(dest)
            self._note(f"refused {src}: a link appeared in it while it was collected")
            return
        record = next(r for r in self.src_records if os.path.join(self.inbound_path, r["filename"]) == src)
        stamp = record["timestamp"].replace(tzinfo=dt.UTC).strftime(self.timestamp_format)
        with open(os.path.join(dest, "timestamp.txt"), "w") as f:   # what autograde reads for lateness
            f.write(stamp)
        if abs((record["claimed"] - record["timestamp"]).total_seconds()) > 120:
            self._note(f"re-timed {record['username']}'s submission: it claims {record['claimed']:%Y-%m-%d %H:%M} "
                       f"UTC, the exchange saw it at {record['timestamp']:%Y-%m-%d %H:%M} UTC (recorded)")

    def copy_files(self):
        super().copy_files()
        if self._notes:
            path = os.path.join(self.coursedir.root, f"exchange_report_{self.coursedir.assignment_id}.md")
            with open(path, "a") as f:
                f.write("".join(f"- {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC: {n}\n" for n in self._notes))

    def _note(self, text: str) -> None:
        self.log.warning(text)
        if not hasattr(self, "_notes"):
            self._notes = []
        self._notes.append(text)


def uid_from_name(name: str) -> int:
    """The uid a Zero to JupyterHub pod of user ``name`` runs as (hub/z2jh/values.yaml computes the same):
    each user their own, so the exchange's files say who wrote them."""
    return 200_000 + int(hashlib.sha256(name.encode()).hexdigest(), 16) % 2**30


def account_uid(name: str) -> int | None:
    """The uid of the student named ``name``: their system account's (one machine, the class hub), or
    with COURSE_EXCHANGE_ACCOUNTS=uid-from-name (Zero to JupyterHub) ``uid_from_name``."""
    if settings.get("COURSE_EXCHANGE_ACCOUNTS") == "uid-from-name":
        return uid_from_name(name)
    try:
        return pwd.getpwnam(name).pw_uid
    except KeyError:
        return None


def _name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"
