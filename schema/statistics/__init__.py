"""De-identified partnership statistics (issue 5)."""
