"""Write path: load -> chunk -> embed -> store. Never imports ``rag``."""

from index.offline import ensure_offline

# Before any heavy library can be imported through this package.
ensure_offline()
