"""Extract: sentences → indicator records with value, qualifier, modality and evidence."""

from pipeline.extract.stage import INDICATOR_COLUMNS, extract

__all__ = ["INDICATOR_COLUMNS", "extract"]
