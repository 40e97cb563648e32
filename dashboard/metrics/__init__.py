"""Pure transforms of the validated dataset: DataFrame in, new DataFrame out, no Streamlit. One
module per job, in the order they build on each other:

- columns: the names of the columns enrichment adds, provenance labels, shared constants
- formatting: a figure's text as a reader sees it (values, bounds, dates, words)
- enrich: figures and events joined with their catalogues, and localised
- filters: which figures a view shows
- compare: regions side by side, honestly; coverage
- growth: time series, growth rates, events on a time axis
- documents: what the sources and figure pages ask (citations, documents, figures by id)
- tiles: the province map

Callers use one namespace, `from dashboard import metrics as mx`: this module re-exports each
job's public names (tests/test_layout.py fails naming any it leaves out). Inside the package a
module imports from the job module itself.
"""

from dashboard.metrics.columns import (
    AMBIGUOUS,
    BOUNDS,
    CATEGORY,
    CATEGORY_ZH,
    CENTRES_CATEGORY,
    CURATED,
    DEFAULT_REGIONS,
    DEFINITION,
    DEFINITION_ZH,
    DISPLAY,
    FILE,
    IS_BOUND,
    ISO_CODE,
    LABEL,
    LABEL_EN,
    LABEL_ZH,
    LOWER_IS_BETTER,
    NAME_ZH,
    PLOT_VALUE,
    PLOT_YEAR,
    PROVENANCE,
    PUBLISHED,
    PUBLISHER,
    REFERENCE,
    REGION_NAME,
    SERIES_KEY,
    SHORT,
    SOURCE_TITLE,
    UNCERTAIN_MARK,
    UNIT_SHOWN,
    UNIT_ZH,
    USER_UNVERIFIED,
    USER_VERIFIED,
    VALUE_TYPE,
)
from dashboard.metrics.compare import (
    Interval,
    compare_regions,
    comparison_caveats,
    coverage_matrix,
    describe_coverage,
    difference_text,
    figure_id_column,
    hidden_statuses,
    ratio_text,
    statuses_by_region,
)
from dashboard.metrics.documents import (
    cite_sources,
    document_labels,
    find_by_id,
    linked_document,
    rows_by_source,
    same_metric_by_region,
    source_overview,
    stated_together,
)
from dashboard.metrics.enrich import (
    enrich_events,
    enrich_observations,
    localise,
    region_names,
)
from dashboard.metrics.filters import (
    Filters,
    filter_observations,
    latest_observations,
    page_of,
    present_in_order,
    year_bounds,
)
from dashboard.metrics.formatting import (
    CURATOR_TEXT,
    ENGLISH_ORIGINAL,
    PROVENANCE_WORDS,
    QUALIFIER_MARKS,
    QUALIFIER_NAMES,
    QUALIFIER_TEMPLATES,
    STATUS_WORDS,
    date_text,
    format_number,
    format_value,
    in_english,
    is_uncertain,
    marked_english,
    number_text,
    provenance_word,
    qualified,
    reference_text,
    short_value,
    shown_unit,
    shown_value,
    singular_unit,
    stated_text,
    status_word,
    uncertain_text,
)
from dashboard.metrics.growth import (
    GROWTH_COLUMNS,
    describe_growth,
    events_on_timeline,
    growth_summary,
    time_series,
)
from dashboard.metrics.tiles import (
    HAS_FIGURE,
    IS_RANGE,
    LOWER_BOUNDS,
    TILE_COL,
    TILE_COLUMNS,
    TILE_LABEL,
    TILE_MARK,
    TILE_NAME,
    TILE_NAME_ZH,
    TILE_NOTE,
    TILE_ROW,
    TILE_VALUE,
    UPPER_BOUNDS,
    default_map_metric,
    figures_per_region,
    map_figures,
    map_years,
    national_regions,
    place_on_tiles,
    reference_dates_note,
    tile_figures,
    tile_layout,
    tile_table,
)
