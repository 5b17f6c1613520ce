"""Read path (retrieve -> answer -> cite -> verify) and the public Python API."""
