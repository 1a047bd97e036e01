"""Running resources and their utilization: the normalized model, collection and store queries."""
