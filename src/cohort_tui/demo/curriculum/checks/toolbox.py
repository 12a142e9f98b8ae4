"""Check: is this machine ready for the course? Python 3.11+, venv and git."""

import shutil
import subprocess
import sys

failures = 0


def report(ok: bool, what: str, hint: str = "") -> None:
    global failures
    print(f"{'PASS' if ok else 'FAIL'}  {what}")
    if not ok:
        failures += 1
        if hint:
            print(f"      hint: {hint}")


version = sys.version_info
report(
    version >= (3, 11),
    f"Python {version.major}.{version.minor} (need 3.11 or newer)",
    "install a newer Python, e.g. from python.org or your package manager",
)

try:
    import venv  # noqa: F401

    report(True, "the venv module is available")
except ImportError:
    report(False, "the venv module is available", "on Debian/Ubuntu: sudo apt install python3-venv")

git = shutil.which("git")
if git is None:
    report(False, "git is installed", "install git: https://git-scm.com/downloads")
else:
    try:
        out = subprocess.run([git, "--version"], capture_output=True, text=True, timeout=10)
        report(out.returncode == 0, f"git works ({out.stdout.strip()})")
    except (OSError, subprocess.TimeoutExpired) as exc:
        report(False, "git works", f"running git failed: {exc}")

print()
print("All good: your toolbox is ready." if not failures else f"{failures} problem(s) to fix.")
sys.exit(1 if failures else 0)
