"""`python -m cohort_tui` runs the same CLI as the `cohort` script."""

from cohort_tui.cli import main

raise SystemExit(main())
