"""melody-to-lyrics: a Kedro pipeline that learns to write song lyrics for a melody."""

__version__ = "0.1.0"
