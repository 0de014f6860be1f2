"""exhibits package."""
