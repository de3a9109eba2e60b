"""Text-mining pipeline for Chinese Party inspection (巡视/巡察) work reports."""

__version__ = "0.1.0"
