"""cohort milestones / sessions, and the iCalendar export."""

from __future__ import annotations

import json
from pathlib import Path

import icalendar

from cohort_tui.domain.model import LiveSession
from cohort_tui.ics import sessions_to_ics
from tests.unit.conftest import CliRunner


def test_milestones_json(cli: CliRunner, demo: Path) -> None:
    code, out, _ = cli("milestones", "--json", "--store", str(demo))
    rows = json.loads(out)
    assert code == 0 and [r["id"] for r in rows] == ["week-1", "week-2", "week-3", "week-4"]
    week1 = rows[0]
    assert week1["met"] and week1["learners"] == 7 and 0 < week1["cohort_met"] <= 7
    code, out, _ = cli("milestones", "--store", str(demo))
    assert "✓ met" in out and "Toolbox ready" in out


def test_sessions_json_and_rsvps(cli: CliRunner, demo: Path) -> None:
    code, out, _ = cli("sessions", "--json", "--store", str(demo))
    rows = json.loads(out)
    assert code == 0
    week3 = next(r for r in rows if r["id"] == "live-week-3")
    assert week3["my_rsvp"] == "yes" and week3["rsvps"]["m_tomas"] == "no"


def test_ics_file_parses_with_a_standard_parser(cli: CliRunner, demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "pod.ics"
    code, out, _ = cli("sessions", "--ics", str(target), "--store", str(demo))
    assert code == 0 and "wrote 4 session(s)" in out
    raw = target.read_bytes()
    assert b"\r\n" in raw and all(len(line) <= 75 for line in raw.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(raw)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 4
    first = events[0]
    assert str(first["SUMMARY"]).startswith("Week 1 live")
    assert (first.decoded("DTEND") - first.decoded("DTSTART")).total_seconds() == 3600


def test_ics_escapes_and_folds_hostile_long_text() -> None:
    session = LiveSession(
        id="s1",
        title="Q&A; part 1, \x1b[2J with \u202e",
        start=0,
        minutes=30,
        agenda="line one\nline two, " + "é" * 200,
    )
    raw = sessions_to_ics([session], cohort="c", cohort_name="Pod", now_ms=0).encode()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    event = next(iter(icalendar.Calendar.from_ical(raw).walk("VEVENT")))
    assert str(event["SUMMARY"]) == "Q&A; part 1,  with ⟪U+202E⟫"
    assert str(event["DESCRIPTION"]).startswith("line one\nline two, éé")
    assert "\x1b" not in raw.decode()


def test_ics_write_error_is_one_line(cli: CliRunner, demo: Path) -> None:
    code, _, err = cli("sessions", "--ics", "/nonexistent/dir/x.ics", "--store", str(demo))
    assert code == 1 and "cannot write" in err and len(err.strip().splitlines()) == 1
