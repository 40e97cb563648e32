"""The names of the columns enrich_observations adds to the figures (what pages, charts and downloads
read), the provenance labels, and the constants every job shares.
"""

from __future__ import annotations

from dashboard.schema import Metrics as M
from dashboard.vocabularies import QUALIFIER

# Columns added by enrich_observations.
LABEL, CATEGORY, VALUE_TYPE, LOWER_IS_BETTER, DEFINITION = "label", "category", "value_type", "lower_is_better", "definition"
ISO_CODE, NAME_ZH = "iso_code", "name_zh"
# The catalogue's Chinese columns, and the English label kept for URLs and downloads whatever the
# reader's language (localise replaces LABEL with the reader's).
LABEL_ZH, CATEGORY_ZH, DEFINITION_ZH, UNIT_ZH, LABEL_EN = "label_zh", "category_zh", "definition_zh", "unit_zh", "label_en"
# What a reader sees, in their language (localise): the region's name, the value a chart plots and
# its unit. Money is plotted in 亿元 for Chinese readers; `value` and `unit` stay as stored.
REGION_NAME, PLOT_VALUE, UNIT_SHOWN = "region_name", "plot_value", "unit_shown"
SOURCE_TITLE, PUBLISHED, FILE, PUBLISHER = "source_title", "published", "file", "publisher"
DISPLAY, SHORT, REFERENCE, IS_BOUND, PLOT_YEAR = "display_value", "short_value", "reference", "is_bound", "plot_year"
PROVENANCE = "provenance"
CURATED, USER_VERIFIED, USER_UNVERIFIED = "curated", "user-supplied, quote verified", "user-supplied, unverified"
# A series is one region's metric of one status from one provenance: user rows never extend,
# replace or mix with curated ones.
SERIES_KEY = [M.region, M.metric, M.status, PROVENANCE]
BOUNDS = tuple(t.value for t in QUALIFIER.terms if t.bound)  # drawn hatched, never as exact figures
CENTRES_CATEGORY = "Manufacturing innovation centres"
# The regions the compare page starts with, and the first (strongest) colours of the palette.
DEFAULT_REGIONS = ("Shanxi", "Shandong")
# A figure whose text can be read two ways ('1 2': 12 or 1-2) carries this mark on bars and points,
# and its other reading wherever its value is written out in full.
AMBIGUOUS, UNCERTAIN_MARK = "ambiguous", " (?)"
