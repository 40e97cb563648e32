"""Three Chinese documents written for the tests (issue 19) and the figures each truly states: the
answer key a draft is scored against. Written before the reader learnt Chinese; the news item
(sichuan_news_zh.txt) was kept out of development, the "unseen" document of the issue.

A figure: (region, metric, value, unit as stated, qualifier, status, year or None). A document's
numbers that are no figure this dataset records (dates, section numbers, "十四五", counts of
universities or students, growth rates no metric holds) are not listed: a candidate for one
counts against precision."""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "documents"

# (file, published date, figures)
DOCUMENTS = {
    "plan": ("henan_plan_zh.txt", "2023-04-12", [
        ("Henan", "provincial_manufacturing_innovation_centres", 40, "家", "at_least", "target", 2025),
        ("Henan", "national_manufacturing_innovation_centres", 3, "家", "at_least", "target", 2025),
        ("Henan", "national_manufacturing_innovation_centres", 4, "家", "at_most", "target", 2025),
        ("Henan", "manufacturing_innovation_centres_in_cultivation", 20, "家", "approx", "target", 2025),
        ("Henan", "technology_contract_turnover", 1500, "亿元", "more_than", "target", 2025),
        ("Henan", "tech_transfer_pilot_test_bases", 30, "个", "exact", "target", 2025),
        ("Henan", "demonstration_factories", 100, "家", "exact", "target", 2025),
        ("Henan", "intelligent_manufacturing_digital_workshops", 500, "个", "at_least", "target", 2025),
        ("Henan", "key_industrial_chains", 28, "条", "exact", "actual", 2023),
        ("Henan", "industrial_chain_platforms_per_chain", 2, "个", "at_least", "target", None),
        ("Henan", "provincial_technology_innovation_centres", 2, "个", "at_least", "target", None),
        ("Henan", "provincial_technology_innovation_centres", 3, "个", "at_most", "target", None),
        ("Henan", "digital_transformation_demo_projects", 300, "个", "approx", "target", None),
        ("Henan", "lighthouse_factories", 3, "家", "exact", "target", None),
        ("Henan", "tech_transfer_transaction_platforms", 5, "个", "exact", "proposed", None),
    ]),
    "bulletin": ("anhui_bulletin_zh.txt", "2024-03-19", [
        ("Anhui", "technology_contract_turnover", 3015.6, "亿元", "exact", "actual", 2023),
        # 2023 opens the line, but ； ends the sentence before 8.2%: a quote cannot state the year
        # (quotes never cross a sentence), so a curator leaves it empty (corrected after the first run).
        ("Anhui", "key_laboratories_growth", 8.2, "percent", "exact", "actual", None),
        ("Anhui", "provincial_manufacturing_innovation_centres", 32, "家", "exact", "actual", 2023),
        ("Anhui", "national_manufacturing_innovation_centres", 2, "家", "exact", "actual", 2023),
        ("Anhui", "national_mic_rank", 5, "rank", "exact", "actual", 2023),
        ("Anhui", "national_st_awards", 16, "项", "exact", "actual", 2023),
        ("Anhui", "tech_transfer_enterprises", 1.8, "万家", "exact", "actual", 2023),
        ("Anhui", "provincial_technology_innovation_centres", 12, "个", "exact", "actual", 2023),
    ]),
    # The unseen document: not run against the draft until the reader and the draft were done.
    "news": ("sichuan_news_zh.txt", "2024-01-15", [
        ("Sichuan", "technology_contract_turnover", 1660.5, "亿元", "exact", "actual", 2023),
        ("Sichuan", "tech_transfer_demonstration_bases", 86, "个", "exact", "actual", 2024),
        ("Sichuan", "tech_transfer_pilot_test_bases", 70, "个", "more_than", "actual", 2023),
        ("Sichuan", "industrial_technology_innovation_alliances", 100, "个", "approx", "actual", 2023),
        ("Sichuan", "tech_transfer_policy_documents", 20, "份", "more_than", "actual", 2024),
        ("Sichuan", "technology_contract_turnover", 2000, "亿元", "more_than", "target", 2025),
        ("Sichuan", "provincial_manufacturing_innovation_centres", 10, "家", "approx", "target", 2025),
        ("Sichuan", "tech_transfer_transaction_platforms", 3, "个", "at_least", "proposed", None),
        ("Sichuan", "tech_transfer_transaction_platforms", 5, "个", "at_most", "proposed", None),
    ]),
}


def document_text(name: str) -> str:
    return (FOLDER / DOCUMENTS[name][0]).read_text(encoding="utf-8")
