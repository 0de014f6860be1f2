"""Command groups of the ``jinshi`` CLI beyond the core ones in viewer.cli."""
