"""Sub-command groups of the ``hub`` command line, one module each."""
