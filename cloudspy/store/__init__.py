"""The local DuckDB cache: connections, migrations, writes and named queries."""
