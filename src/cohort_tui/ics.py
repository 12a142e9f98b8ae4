"""iCalendar (RFC 5545) export of live sessions, for calendar apps."""

from __future__ import annotations

import time
from collections.abc import Iterable

from cohort_tui.domain.model import LiveSession
from cohort_tui.domain.sanitize import clean_text


def _stamp(ms: int) -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(ms / 1000))


def _escape(text: str) -> str:
    text = clean_text(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """Fold a content line at 75 octets, never splitting a UTF-8 character."""
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines start with a space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return [out[0], *(" " + part for part in out[1:])]


def sessions_to_ics(
    sessions: Iterable[LiveSession], *, cohort: str, cohort_name: str, now_ms: int
) -> str:
    """A VCALENDAR with one VEVENT per session (cancelled ones marked CANCELLED)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//cohort-tui//live sessions//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(cohort_name)}",
    ]
    for session in sessions:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{session.id}@{cohort}.cohort-tui",
            f"DTSTAMP:{_stamp(now_ms)}",
            f"DTSTART:{_stamp(session.start)}",
            f"DTEND:{_stamp(session.start + session.minutes * 60_000)}",
            f"SUMMARY:{_escape(session.title)}",
        ]
        if session.agenda:
            lines.append(f"DESCRIPTION:{_escape(session.agenda)}")
        if session.link:
            lines.append(f"URL:{_escape(session.link)}")
            lines.append(f"LOCATION:{_escape(session.link)}")
        lines.append(f"STATUS:{'CANCELLED' if session.cancelled else 'CONFIRMED'}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    folded = [part for line in lines for part in _fold(line)]
    return "\r\n".join(folded) + "\r\n"
