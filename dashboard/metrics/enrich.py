"""The figures joined with their metric, region and source, with the text a reader needs
(enrich_observations, enrich_events), and that text in the reader's language (localise).
"""

from __future__ import annotations

import pandas as pd

from dashboard import i18n
from dashboard.data import Dataset
from dashboard.metrics.columns import (
    AMBIGUOUS,
    BOUNDS,
    CURATED,
    DEFINITION,
    DEFINITION_ZH,
    DISPLAY,
    IS_BOUND,
    LABEL,
    LABEL_EN,
    LABEL_ZH,
    NAME_ZH,
    PLOT_VALUE,
    PROVENANCE,
    REFERENCE,
    REGION_NAME,
    SHORT,
    SOURCE_TITLE,
    UNCERTAIN_MARK,
    UNIT_SHOWN,
    UNIT_ZH,
    USER_UNVERIFIED,
    USER_VERIFIED,
)
from dashboard.metrics.formatting import (
    format_value,
    reference_text,
    short_value,
    shown_unit,
    shown_value,
    uncertain_text,
)
from dashboard.schema import MetricCatalogue as C
from dashboard.schema import Metrics as M
from dashboard.schema import Regions as R
from dashboard.schema import Sources as S


def enrich_observations(dataset: Dataset, metrics: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every figure with its metric's label and type, its region's code, its source's title and date.

    `metrics` defaults to the curated figures; pass a user's validated upload to enrich it the same
    way. Its rows are labelled in `provenance`: quote verified when they name a shipped document
    (and so passed the quote checks), unverified otherwise, which their source title also says.
    """
    with i18n.speaking(i18n.DEFAULT_LANGUAGE):  # shared by every reader: localise() translates
        return _enrich(dataset, metrics)


def _enrich(dataset: Dataset, metrics: pd.DataFrame | None) -> pd.DataFrame:
    user_supplied = metrics is not None
    metrics = dataset.metrics if metrics is None else metrics
    catalogue = dataset.catalogue[[C.metric, C.label, C.category, C.value_type, C.lower_is_better, C.definition,
                                   C.label_zh, C.category_zh, C.definition_zh, C.unit_zh]]
    catalogue = catalogue.assign(**{LABEL_EN: catalogue[C.label]})
    regions = dataset.regions[[R.region, R.iso_code, R.name_zh]]
    sources = dataset.sources[[S.source_id, S.title, S.published, S.file, S.publisher]].rename(
        columns={S.title: SOURCE_TITLE}
    )
    obs = (
        metrics.merge(catalogue, on=M.metric, how="left", validate="many_to_one")
        .merge(regions, on=M.region, how="left", validate="many_to_one")
        .merge(sources, on=M.source_id, how="left", validate="many_to_one")
    )
    if user_supplied:
        shipped = obs[M.source_id].isin(dataset.sources[S.source_id])
        obs[PROVENANCE] = [USER_VERIFIED if s else USER_UNVERIFIED for s in shipped]
        named = [f"{USER_UNVERIFIED}: {s}" if isinstance(s, str) else f"{USER_UNVERIFIED} (no source named)" for s in obs[M.source_id]]
        obs[SOURCE_TITLE] = obs[SOURCE_TITLE].where(shipped, pd.Series(named, index=obs.index))
    else:
        obs[PROVENANCE] = CURATED
    obs[DISPLAY] = _per_distinct(obs, [M.value, M.qualifier, M.unit], format_value)
    obs[SHORT] = _per_distinct(obs, [M.value, M.qualifier], short_value)
    uncertain = obs[M.reading] == AMBIGUOUS  # few rows: their text is written out one by one
    if uncertain.any():
        rows = obs.loc[uncertain]
        obs.loc[uncertain, DISPLAY] = [uncertain_text(d, AMBIGUOUS, n) for d, n in zip(rows[DISPLAY], rows[M.reading_note], strict=True)]
        obs.loc[uncertain, SHORT] = [f"{s}{UNCERTAIN_MARK}" for s in rows[SHORT]]
    obs[REFERENCE] = _per_distinct(obs, [M.year, M.year_basis, M.as_of], reference_text)
    obs[IS_BOUND] = obs[M.qualifier].isin(BOUNDS)
    obs[REGION_NAME] = obs[M.region]
    obs[PLOT_VALUE] = obs[M.value].astype(float)
    obs[UNIT_SHOWN] = obs[M.unit]
    return obs


def localise(obs: pd.DataFrame) -> pd.DataFrame:
    """Enriched observations with what a reader sees in the active language: region names, metric
    labels and definitions from the catalogues' Chinese columns, values ('超过20个', '约3.5亿元'),
    reference dates, and money plotted in 亿元. English is the enriched frame itself.

    Ids, stored values and units, categories (filters match them) and the English label stay; so
    does every quote and source title, which are evidence. Call it once per data version and
    language (session_data.derived): it writes every row's text."""
    if i18n.active() == i18n.DEFAULT_LANGUAGE or obs.empty:
        return obs
    zh = lambda column, fallback: obs[column].where(obs[column].notna(), obs[fallback])
    local = obs.assign(**{REGION_NAME: zh(NAME_ZH, M.region), LABEL: zh(LABEL_ZH, LABEL),
                          DEFINITION: zh(DEFINITION_ZH, DEFINITION)})
    local[PLOT_VALUE] = _per_distinct(local, [M.value, M.unit], shown_value)
    local[UNIT_SHOWN] = _per_distinct(local, [M.unit, UNIT_ZH], shown_unit)
    local[DISPLAY] = _per_distinct(local, [M.value, M.qualifier, M.unit, UNIT_ZH, M.reading, M.reading_note],
                                   lambda v, q, u, z, r, n: uncertain_text(format_value(v, q, u, z), r, n))
    local[SHORT] = _per_distinct(local, [PLOT_VALUE, M.qualifier, M.reading], short_value)
    local[REFERENCE] = _per_distinct(local, [M.year, M.year_basis, M.as_of], reference_text)
    return local


def _per_distinct(frame: pd.DataFrame, columns: list[str], fn) -> pd.Series:
    """fn(*row) for every row, computed once per distinct combination of `columns`."""
    keys = frame[columns]
    distinct = keys.drop_duplicates()
    distinct = distinct.assign(_result=[fn(*row) for row in distinct.itertuples(index=False, name=None)])
    # A left merge keeps the rows' order; missing keys match missing keys.
    return pd.Series(keys.merge(distinct, on=columns, how="left")["_result"].to_numpy(), index=frame.index)


def enrich_events(dataset: Dataset) -> pd.DataFrame:
    """Events with their source's title, date, publisher and file, and their region's ISO code, for
    hover text, source lines, citations and downloads."""
    sources = dataset.sources[[S.source_id, S.title, S.published, S.publisher, S.file]].rename(columns={S.title: SOURCE_TITLE})
    regions = dataset.regions[[R.region, R.iso_code, R.name_zh]]
    events = (dataset.events.merge(sources, on="source_id", how="left", validate="many_to_one")
              .merge(regions, on=R.region, how="left", validate="many_to_one"))
    return events.assign(**{REGION_NAME: region_names(events)})


def region_names(frame: pd.DataFrame) -> pd.Series:
    """Each row's region as the reader's language names it (regions.csv's name_zh in Chinese)."""
    if i18n.active() == "zh" and NAME_ZH in frame:
        return frame[NAME_ZH].where(frame[NAME_ZH].notna(), frame[M.region])
    return frame[M.region]
