"""List prices shipped with CloudSpy, each naming its source and date (see data/prices.json)."""
