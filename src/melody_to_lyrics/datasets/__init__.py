"""Kedro datasets of this project: raw source folders and tables stored in parquet parts."""

from melody_to_lyrics.datasets.parquet_parts import ParquetPartsDataset
from melody_to_lyrics.datasets.raw_folder import RawFolderDataset

__all__ = ["ParquetPartsDataset", "RawFolderDataset"]
