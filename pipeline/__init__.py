"""Text-mining pipeline for Chinese Party inspection (巡视/巡察) work reports."""

from pipeline.api import load, load_all, snapshot, tables

__version__ = "0.1.0"
__all__ = ["load", "load_all", "snapshot", "tables"]
