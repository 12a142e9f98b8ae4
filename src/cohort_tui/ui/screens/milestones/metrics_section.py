"""The insights section: the cohort report, members at risk and reviewer figures, for
facilitators and mentors."""

from __future__ import annotations

from rich.text import Text

from cohort_tui.domain.metrics import CohortReport, cohort_report
from cohort_tui.ui import palette
from cohort_tui.ui.reviewer_text import figures_row, figures_text
from cohort_tui.ui.screens.milestones.section import TrackerSection
from cohort_tui.ui.text import member_line, plain
from cohort_tui.ui.widgets.row_list import Row


class MetricsSection(TrackerSection):
    """Cohort metrics; read only, so no keys of its own. The report needs the width."""

    SECTION_ID = "metrics"
    KEY = "i"
    TITLE = "Insights"

    def __init__(self) -> None:
        super().__init__(classes="-wide")

    def _report(self) -> CohortReport:
        return self.cohort_app.memo("report", lambda: cohort_report(self.state, self.now()))

    def rows(self) -> list[Row]:
        if not self.sees_figures():
            text = Text("Metrics are for facilitators and mentors.", style="italic")
            return [Row("none", text, selectable=False)]
        report = self._report()
        rows = [Row("report", Text("Cohort report (as `cohort report` prints it)", style="bold"))]
        rows.append(
            Row("heading", Text(f"At risk ({len(report.at_risk)})", style="bold"), selectable=False)
        )
        for risk in report.at_risk:
            rows.append(
                Row(
                    f"risk:{risk.member}",
                    plain(
                        member_line(f"@{risk.handle}", "bold"),
                        "  ",
                        member_line(risk.reason, palette.WARN, limit=70),
                    ),
                )
            )
        heading = Text(f"Reviewers ({len(report.reviewers)})", style="bold")
        rows.append(Row("heading:reviewers", heading, selectable=False))
        rows += [Row(f"reviewer:{f.member}", figures_row(f)) for f in report.reviewers]
        return rows

    def is_table(self, row_id: str) -> bool:
        # The report is laid out in columns: cut at the edge, as wrapped its rows broke
        # in two.
        return row_id == "report"

    def detail(self, row_id: str) -> Text:
        from cohort_tui.domain.report_text import text_report

        report = self._report()
        if row_id == "report":
            # Already sanitised and aligned for 80 columns: cut lines, never wrap them.
            return Text(text_report(report), no_wrap=True, overflow="ellipsis")
        if row_id.startswith("reviewer:"):
            figures = next((f for f in report.reviewers if f"reviewer:{f.member}" == row_id), None)
            who = member_line(f"@{figures.handle}  {figures.name}", "bold") if figures else None
            return figures_text(figures, report.reviews.target_hours, heading=who)
        member = row_id.removeprefix("risk:")
        risk = next((r for r in report.at_risk if r.member == member), None)
        if risk is None:
            return Text("")
        text = member_line(f"@{risk.handle}  {risk.name}", "bold")
        text.append(f"\ninactive {risk.inactive_days} days\n\n")
        for reason in risk.reasons:
            text.append_text(member_line(f"• {reason}"))
            text.append("\n")
        part = next((p for p in report.participation if p.member == member), None)
        if part is not None:
            text.append(
                f"\n{part.posts} posts · {part.threads} threads · {part.reviews} reviews",
                style="dim",
            )
        return text
