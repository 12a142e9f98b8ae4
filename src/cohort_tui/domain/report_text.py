"""The facilitator's report as aligned plain text (80 columns) and as Markdown.

Pure formatting of a :class:`~cohort_tui.domain.metrics.CohortReport`: ``cohort report``
prints it and the Insights screen shows it, so it lives below both.
"""

from __future__ import annotations

import time
import unicodedata
from typing import TYPE_CHECKING

from cohort_tui.domain.stats import duration as duration  # the report's time format

if TYPE_CHECKING:
    from cohort_tui.domain.metrics import CohortReport, Rate


def count(n: int, noun: str) -> str:
    """``1 learner``, ``7 learners``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def cells(text: str) -> int:
    """Terminal cells ``text`` takes: wide characters two, combining marks none."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or char in "\u200b\u200c\u200d\ufe0f":
            continue
        width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return width


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` cells."""
    return text + " " * max(0, width - cells(text))


def utc_day(ms: int) -> str:
    """``2026-11-18`` (UTC)."""
    return time.strftime("%Y-%m-%d", time.gmtime(ms / 1000))


def utc_minute(ms: int) -> str:
    """``2026-11-18 14:05 UTC``."""
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(ms / 1000))


def percent(value: float) -> str:
    return f"{round(value * 100)}%"


def fraction(r: Rate) -> str:
    """``45 of 91 (49%)``, or ``none yet`` when there is nothing to count."""
    return f"{r.done} of {r.total} ({percent(r.rate)})" if r.total else "nothing to count yet"


def signed(value: float | None) -> str:
    return "-" if value is None else f"{value:+.2f}"


def last_active(ms: int | None, now: int) -> str:
    """``today``, ``3d ago`` or ``never``."""
    if ms is None:
        return "never"
    days = now // 86_400_000 - ms // 86_400_000
    return "today" if days <= 0 else f"{days}d ago"


def _clean(text: str, limit: int) -> str:
    from cohort_tui.domain.sanitize import clean_line, truncate

    return truncate(clean_line(text), limit)


def who(handle: str, name: str) -> str:
    """``@handle`` and a name in two aligned columns, 36 cells in all."""
    return pad(f"@{_clean(handle, 14)}", 16) + pad(_clean(name, 20), 20)


def text_report(report: CohortReport) -> str:
    """The report as aligned plain text; member text is sanitised."""
    r = report
    out = [
        f"Cohort report: {_clean(r.cohort_name or r.cohort or 'no cohort', 60)}",
        f"{utc_minute(r.generated_at)} · {count(r.learners, 'learner')}, "
        f"{count(r.members, 'member')}",
        "",
        "Completion",
        f"  lessons done        {fraction(r.lessons)}",
        f"  projects approved   {fraction(r.projects)}"
        + (f" ({r.team_projects} through a team)" if r.team_projects else ""),
        "",
        f"Review response (assignment to review; target {r.reviews.target_hours}h)",
    ]
    rv = r.reviews
    if rv.count:
        out += [
            f"  reviews    {rv.count}   median {duration(rv.median_ms)}   "
            f"p90 {duration(rv.p90_ms)}",
            f"  on target  {fraction(rv.within_target)}",
        ]
    else:
        out.append("  reviews    none yet")
    out += [f"  waiting    {rv.waiting}   ({rv.waiting_past_target} past the target)", ""]
    out += [*reviewer_lines(r), ""]
    out.append("Skill self-rating growth (1-5, before -> after)")
    if r.skills:
        ratings = sum(s.raters for s in r.skills)
        out.append(f"  overall    {signed(r.skill_growth)} over {ratings} rating pairs")
        out.append(f"  {pad('lesson', 34)} raters  before   after  growth")
        for s in r.skills:
            out.append(
                f"  {pad(_clean(s.title, 34), 34)} {s.raters:>6} {s.before:>7.2f} "
                f"{s.after:>7.2f} {signed(s.growth):>7}"
            )
    else:
        out.append("  no member has rated a lesson both before and after yet")
    out += ["", "Retention (learners active each week, UTC days)"]
    for w in r.retention:
        span = f"{utc_day(w.start_ms)} .. {utc_day(w.end_ms - 86_400_000)}"
        if not w.learners:
            out.append(f"  {span}   no learners yet")
            continue
        bar = "#" * round(w.rate * 10) + "." * (10 - round(w.rate * 10))
        out.append(f"  {span}   {w.active:>4} of {w.learners:<4} {bar} {percent(w.rate):>4}")
    out += ["", "Participation"]
    out.append(f"  {pad('member', 36)} posts  threads  reviews  last active")
    for p in r.participation:
        out.append(
            f"  {who(p.handle, p.name)} {p.posts:>5} {p.threads:>8} {p.reviews:>8}  "
            f"{last_active(p.last_active_ms, r.generated_at)}"
        )
    out += ["", f"At risk ({len(r.at_risk)})"]
    if not r.at_risk:
        out.append("  nobody: every learner is active and on track")
    for a in r.at_risk:
        out.append(f"  {who(a.handle, a.name).rstrip()}")
        out += [f"      {_clean(reason, 200)}" for reason in a.reasons]
    return "\n".join(out)


def reviewer_lines(report: CohortReport) -> list[str]:
    """The per-reviewer table of the text report (76 cells wide)."""
    out = [f"Reviewers (assignment to review; target {report.reviews.target_hours}h)"]
    if not report.reviewers:
        return [*out, "  nobody has been asked to review yet"]
    out.append(
        f"  {pad('reviewer', 16)}assigned  done  waiting   median      p90  on target  helpful"
    )
    for f in report.reviewers:
        share = percent(f.within_target.rate) if f.done else "-"
        out.append(
            f"  {pad('@' + _clean(f.handle, 14), 16)}{f.assigned:>8} {f.done:>5} {f.waiting:>8} "
            f"{duration(f.median_ms):>8} {duration(f.p90_ms):>8} {share:>10} {f.helpful:>8}"
        )
    return out


def _md(text: str, limit: int = 200) -> str:
    """Member text made safe for a Markdown table cell."""
    cleaned = _clean(text, limit)
    for char in "\\`*_[]<>|#":
        cleaned = cleaned.replace(char, "\\" + char)
    return cleaned


def markdown_report(report: CohortReport) -> str:
    """The report as a Markdown document; member text is sanitised and escaped."""
    r, rv = report, report.reviews
    out = [
        f"# Cohort report: {_md(r.cohort_name or r.cohort or 'no cohort')}",
        "",
        f"{utc_minute(r.generated_at)} · {count(r.learners, 'learner')}, "
        f"{count(r.members, 'member')}",
        "",
        "## Completion",
        "",
        "| | done | of | rate |",
        "|---|---:|---:|---:|",
        f"| lessons | {r.lessons.done} | {r.lessons.total} | {percent(r.lessons.rate)} |",
        f"| projects (approved) | {r.projects.done} | {r.projects.total} | "
        f"{percent(r.projects.rate)} |",
        *([f"| of which by a team | {r.team_projects} | | |"] if r.team_projects else []),
        "",
        f"## Review response (target {rv.target_hours}h)",
        "",
        f"- reviews: {rv.count}",
        f"- median: {duration(rv.median_ms)}, p90: {duration(rv.p90_ms)}",
        f"- within the target: {fraction(rv.within_target)}",
        f"- waiting: {rv.waiting} ({rv.waiting_past_target} past the target)",
        "",
        "## Reviewers",
        "",
    ]
    if r.reviewers:
        out += [
            "| reviewer | assigned | done | waiting | handed on | median | p90 | within target "
            "| helpful |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        out += [
            f"| @{_md(f.handle)} | {f.assigned} | {f.done} | {f.waiting} | {f.handed_on} | "
            f"{duration(f.median_ms)} | {duration(f.p90_ms)} | "
            f"{percent(f.within_target.rate) if f.done else '-'} | {f.helpful} |"
            for f in r.reviewers
        ]
    else:
        out.append("Nobody has been asked to review yet.")
    out += [
        "",
        "## Skill self-rating growth",
        "",
    ]
    if r.skills:
        out += [
            f"Overall: {signed(r.skill_growth)}",
            "",
            "| lesson | raters | before | after | growth |",
            "|---|---:|---:|---:|---:|",
        ]
        out += [
            f"| {_md(s.title)} | {s.raters} | {s.before:.2f} | {s.after:.2f} | {signed(s.growth)} |"
            for s in r.skills
        ]
    else:
        out.append("No member has rated a lesson both before and after yet.")
    out += [
        "",
        "## Retention",
        "",
        "| week (UTC) | active | learners | rate |",
        "|---|---:|---:|---:|",
    ]
    out += [
        f"| {utc_day(w.start_ms)} to {utc_day(w.end_ms - 86_400_000)} | {w.active} | "
        f"{w.learners} | {percent(w.rate)} |"
        for w in r.retention
    ]
    out += [
        "",
        "## Participation",
        "",
        "| member | name | posts | threads | reviews | last active |",
        "|---|---|---:|---:|---:|---|",
    ]
    out += [
        f"| @{_md(p.handle)} | {_md(p.name)} | {p.posts} | {p.threads} | {p.reviews} | "
        f"{last_active(p.last_active_ms, r.generated_at)} |"
        for p in r.participation
    ]
    out += ["", f"## At risk ({len(r.at_risk)})", ""]
    out += [f"- @{_md(a.handle)} ({_md(a.name)}): {_md(a.reason, 400)}" for a in r.at_risk]
    if not r.at_risk:
        out.append("Nobody: every learner is active and on track.")
    return "\n".join(out)
