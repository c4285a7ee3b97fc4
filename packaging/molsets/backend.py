"""A PEP 517 backend whose wheel is molsets==0.3.1 from the index, less its Requires-Dist lines."""
import base64
import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile

REQUIREMENT = "molsets==0.3.1"


def _download(folder):
    # pip's build isolation hides the environment's own pip; the download runs outside it.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONNOUSERSITE")}
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--quiet",
                    "-d", folder, REQUIREMENT], check=True, env=env)
    return os.path.join(folder, next(f for f in os.listdir(folder) if f.endswith(".whl")))


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    with tempfile.TemporaryDirectory() as tmp:
        original = _download(tmp)
        target = os.path.join(wheel_directory, os.path.basename(original))
        with zipfile.ZipFile(original) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
            names = src.namelist()
            metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
            record = next(n for n in names if n.endswith(".dist-info/RECORD"))
            kept = b"".join(line for line in src.read(metadata).splitlines(keepends=True)
                            if not line.startswith(b"Requires-Dist:"))
            for name in names:
                if name == record:
                    lines = [_record_line(metadata, kept) if line.startswith(metadata + ",") else line
                             for line in src.read(record).decode().splitlines()]
                    dst.writestr(name, "\n".join(lines) + "\n")
                else:
                    dst.writestr(src.getinfo(name), kept if name == metadata else src.read(name))
    return os.path.basename(target)


def get_requires_for_build_wheel(config_settings=None):
    return []
