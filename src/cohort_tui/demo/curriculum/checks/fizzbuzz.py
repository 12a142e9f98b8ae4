"""Check: fizzbuzz.py in the current folder defines fizzbuzz(n) -> list[str]."""

import importlib.util
import sys
from pathlib import Path


def expected(n: int) -> list[str]:
    out = []
    for i in range(1, n + 1):
        word = ("Fizz" if i % 3 == 0 else "") + ("Buzz" if i % 5 == 0 else "")
        out.append(word or str(i))
    return out


path = Path.cwd() / "fizzbuzz.py"
if not path.exists():
    print(f"FAIL  {path} does not exist")
    print("      hint: run this check from the folder where you wrote fizzbuzz.py")
    sys.exit(1)

spec = importlib.util.spec_from_file_location("learner_fizzbuzz", path)
module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
try:
    spec.loader.exec_module(module)  # type: ignore[union-attr]
except Exception as exc:  # the learner's file may raise anything
    print(f"FAIL  importing fizzbuzz.py raised {type(exc).__name__}: {exc}")
    sys.exit(1)

function = getattr(module, "fizzbuzz", None)
if not callable(function):
    print("FAIL  fizzbuzz.py defines a function called fizzbuzz")
    print("      hint: def fizzbuzz(n): ...")
    sys.exit(1)
print("PASS  fizzbuzz.py defines fizzbuzz")

failures = 0
for n in (1, 3, 5, 15, 31):
    try:
        got = function(n)
    except Exception as exc:
        print(f"FAIL  fizzbuzz({n}) raised {type(exc).__name__}: {exc}")
        failures += 1
        continue
    if list(got or []) == expected(n):
        print(f"PASS  fizzbuzz({n})")
    else:
        failures += 1
        print(
            f"FAIL  fizzbuzz({n})[-1]: expected {expected(n)[-1]!r}, got {list(got or [])[-1:]!r}"
        )
        if isinstance(got, list) and len(got) == n - 1:
            print("      hint: range(1, n) stops before n; try range(1, n + 1)")
print()
print("All checks passed." if not failures else f"{failures} check(s) failed.")
sys.exit(1 if failures else 0)
