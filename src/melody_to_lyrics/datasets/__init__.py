"""Kedro datasets of this project: raw folders, tables in parquet parts, arrays, tokenizer, models."""

from melody_to_lyrics.datasets.arrays import ArraysDataset, ExampleSetDataset
from melody_to_lyrics.datasets.files import FilesDataset
from melody_to_lyrics.datasets.model import ModelDataset
from melody_to_lyrics.datasets.parquet_parts import ParquetPartsDataset
from melody_to_lyrics.datasets.raw_folder import RawFolderDataset
from melody_to_lyrics.datasets.tokenizer import TokenizerDataset

__all__ = [
    "ArraysDataset",
    "ExampleSetDataset",
    "FilesDataset",
    "ModelDataset",
    "ParquetPartsDataset",
    "RawFolderDataset",
    "TokenizerDataset",
]
