"""The parts of the review screen (:mod:`cohort_tui.ui.screens.review_view`), by what
they show or do.

- :mod:`.subject`: the submission (or calibration example) under review, the revision
  shown, and the reviewer's unsent draft; the screen's base class.
- :mod:`.facts`: the header facts above the code and the hidden-character banner.
- :mod:`.code_pane`: the code of a revision or the changes since the one before.
- :mod:`.thread`: the reviews and comment threads shown with the code; replying and
  marking a review helpful.
- :mod:`.verdict`: line comments, the rubric and the verdict a reviewer sends;
  calibration on a rubric's example.
- :mod:`.details`: a submission's facts in the inbox's details pane.

None of them imports the inbox (:mod:`~cohort_tui.ui.screens.reviews`) or the review
screen, so neither imports the other through them.
"""
