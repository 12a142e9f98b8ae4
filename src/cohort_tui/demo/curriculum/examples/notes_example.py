"""notes: a small notes CLI (the calibration example: good, not perfect)."""

import argparse
import json
import os
from datetime import datetime
from pathlib import Path

STORE = Path(os.environ.get("NOTES_FILE", Path.home() / ".notes.json"))


def load():
    if not STORE.exists():
        return []
    return json.loads(STORE.read_text())


def save(notes):
    STORE.write_text(json.dumps(notes, indent=2))


def main():
    parser = argparse.ArgumentParser(prog="notes")
    sub = parser.add_subparsers(dest="cmd", required=True)
    add = sub.add_parser("add")
    add.add_argument("text")
    add.add_argument("--tag", action="append", default=[])
    lst = sub.add_parser("list")
    lst.add_argument("--tag")
    done = sub.add_parser("done")
    done.add_argument("n", type=int)
    args = parser.parse_args()

    notes = load()
    if args.cmd == "add":
        notes.append(
            {
                "text": args.text,
                "tags": args.tag,
                "done": False,
                "at": datetime.now().isoformat(timespec="seconds"),
            }
        )
        save(notes)
    elif args.cmd == "list":
        for i, note in enumerate(notes, 1):
            if args.tag and args.tag not in note["tags"]:
                continue
            mark = "x" if note["done"] else " "
            print(f"{i:3} [{mark}] {note['text']}")
    else:
        notes[args.n - 1]["done"] = True
        save(notes)


if __name__ == "__main__":
    main()
