"""Cost and inventory sources, one package per provider (see :mod:`.registry`)."""
