"""Check: notes.py in the current folder saves and loads notes as JSON."""

import importlib.util
import json
import sys
import tempfile
from pathlib import Path

path = Path.cwd() / "notes.py"
if not path.exists():
    print(f"FAIL  {path} does not exist")
    print("      hint: run this check from the folder where you wrote notes.py")
    sys.exit(1)

spec = importlib.util.spec_from_file_location("learner_notes", path)
module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
try:
    spec.loader.exec_module(module)  # type: ignore[union-attr]
except SystemExit:
    print("FAIL  importing notes.py ran the program; guard it with if __name__ == '__main__':")
    sys.exit(1)
except Exception as exc:
    print(f"FAIL  importing notes.py raised {type(exc).__name__}: {exc}")
    sys.exit(1)

save, load = getattr(module, "save_notes", None), getattr(module, "load_notes", None)
if not callable(save) or not callable(load):
    print("FAIL  notes.py defines save_notes(path, notes) and load_notes(path)")
    sys.exit(1)
print("PASS  notes.py defines save_notes and load_notes")

failures = 0
with tempfile.TemporaryDirectory() as tmp:
    target = Path(tmp) / "notes.json"
    try:
        ok = load(target) == []
    except Exception as exc:
        ok = False
        print(f"      load_notes on a missing file raised {type(exc).__name__}: {exc}")
    print(f"{'PASS' if ok else 'FAIL'}  load_notes returns [] when the file is missing")
    failures += not ok
    notes = [{"text": "café at 10", "tags": ["social"]}, {"text": "ship it", "tags": []}]
    try:
        save(target, notes)
        round_trip = load(target)
        on_disk = json.loads(target.read_text(encoding="utf-8"))
        ok = round_trip == notes and on_disk == notes
    except Exception as exc:
        ok = False
        print(f"      saving and loading raised {type(exc).__name__}: {exc}")
    print(f"{'PASS' if ok else 'FAIL'}  saved notes are valid JSON and load back unchanged")
    failures += not ok
print()
print("All checks passed." if not failures else f"{failures} check(s) failed.")
sys.exit(1 if failures else 0)
