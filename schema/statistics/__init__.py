"""De-identified partnership statistics."""
