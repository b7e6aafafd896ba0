"""The archive's rules, one module per concern: ``catalogue`` (numbering and filing),
``lending`` (the borrowing procedure), ``losses`` (a loss traced to borrower and keeper) and
``register`` (the printable lending register). Screens, jobs and the demo change rows only
through these."""
