"""The aggregation engine: vendor accounts of every portal in, groups, roles and findings out. No Django."""
