"""Kedro pipelines: each folder wires domain functions into nodes over catalog datasets."""
