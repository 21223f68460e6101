"""Readers for the raw sources: MIDI/KAR files, aligned .npy files, plain lyric text."""
