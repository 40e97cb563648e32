"""What the one reader of numbers (dashboard/numbers.py) knows of each language: its number words,
months, the words that make a number a year or a rank, and, for Chinese, the qualifier, status and
measure words the draft reads. A new language is a new `Language` table here (and, where its script
needs it, its own patterns in numbers.py); a new word is an entry in its table. No logic here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field


@dataclass(frozen=True, eq=False)
class Language:
    """What the reader knows of one language's way of writing numbers (see ENGLISH)."""

    units: dict[str, int]  # one..nine
    teens: dict[str, int]  # ten..nineteen
    tens: dict[str, int]  # twenty..ninety
    scales: dict[str, int]  # hundred, thousand: "two thousand five hundred" is one value
    other_cardinals: dict[str, int]  # zero
    ordinals: dict[str, int]
    multipliers: dict[str, int]  # "double" is a number word that counts nothing by itself
    months: frozenset[str]
    year_words: frozenset[str]  # "in 2018", "since 2012": a year, not a count
    rank_words: frozenset[str]  # "ranked 12": a position
    position_words: frozenset[str]  # "No. 1", "number 3"
    qualifier_words: frozenset[str]  # may stand between a rank word and its number
    after_a_position: frozenset[str]  # "the 1 1 in 2022": a position
    count_words: frozenset[str]  # "a total of 2000 firms": a count, though 2000 looks like a year
    comparison_words: frozenset[str]  # "compared with 2012 when": a year
    code_words: frozenset[str]  # "version 3.14": a name, not a quantity
    and_word: str
    or_word: str
    # What a language with no spaces between words marks with characters (CHINESE): empty in English.
    ordinal_marks: frozenset[str] = frozenset()  # 第五, 第2位: a position
    rank_endings: frozenset[str] = frozenset()  # 第2位, 第五名: part of the position as written
    year_marks: frozenset[str] = frozenset()  # 2022年: a year
    date_marks: frozenset[str] = frozenset()  # 4月, 12日: parts of a date
    measure_words: frozenset[str] = frozenset()  # 23家, 二十八条: a count, the measure word its unit
    scale_units: dict[str, int] = field(default_factory=dict)  # 1025.3亿元: part of the unit as stated
    money_words: frozenset[str] = frozenset()  # 元
    percent_words: frozenset[str] = frozenset()  # ％, 百分之八十
    range_marks: frozenset[str] = frozenset()  # 2至3家, 三至五个
    after_a_number: frozenset[str] = frozenset()  # 20多家, 二十余份: between a number and its unit
    plan_names: frozenset[str] = frozenset()  # "十四五": the name of a five-year plan, no number
    numeral_words: frozenset[str] = frozenset()  # 统一部署: a numeral inside a word, before a measure word
    # 黄河北岸: a place's name (河北) read across a word boundary (黄河 北岸); the draft finds no region there.
    across_place_names: frozenset[str] = frozenset()
    # The words that qualify a number and give a figure's status, each with the value it means
    # (schema.QUALIFIERS, schema.STATUSES): the draft reads them, the README lists them.
    qualifiers_before: dict[str, str] = field(default_factory=dict)
    qualifiers_after: dict[str, str] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)
    sentence_ends: str = ""
    clause_marks: str = ""

    @functools.cached_property
    def cardinals(self) -> dict[str, int]:
        return {**self.other_cardinals, **self.units, **self.teens, **self.tens, **self.scales}

    @functools.cached_property
    def number_words(self) -> dict[str, int]:
        return {**self.cardinals, **self.ordinals}


ENGLISH = Language(
    units={"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9},
    teens={"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
           "seventeen": 17, "eighteen": 18, "nineteen": 19},
    tens={"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
          "ninety": 90},
    scales={"hundred": 100, "thousand": 1000},
    other_cardinals={"zero": 0},
    ordinals={
        "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
        "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
        "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
        "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
        "hundredth": 100,
    },
    # "Multiplied" names no multiple, so it is none.
    multipliers={
        "double": 2, "doubled": 2, "twice": 2, "twofold": 2, "dual": 2, "triple": 3, "tripled": 3,
        "treble": 3, "thrice": 3, "threefold": 3, "trinity": 3, "quadruple": 4, "quadrupled": 4, "fourfold": 4,
        "fivefold": 5, "tenfold": 10,
    },
    months=frozenset("january february march april may june july august september october november december "
                     "jan feb mar apr jun jul aug sep sept oct nov dec".split()),
    year_words=frozenset("in since by from to until till through before after during of year years between".split()),
    rank_words=frozenset("rank ranks ranked ranking place placed position".split()),
    position_words=frozenset(("no.", "number")),
    qualifier_words=frozenset("about around nearly approximately roughly over under top more less than at least most"
                              .split()),
    after_a_position=frozenset("in of at on by for among with to and or from place position spot".split()),
    count_words=frozenset("total number sum count".split()),
    comparison_words=frozenset(("compared", "comparison")),
    code_words=frozenset(("version", "v", "v.", "release")),
    and_word="and",
    or_word="or",
)

# Chinese: numerals are read by cn2an (see _numeral_value); this table says which characters are
# numerals and what the characters around a number make it. Measured on the forms the issue lists
# (tests/test_numbers.py): cn2an's "normal" mode reads 十二, 二十八, 一百二十, 两, 〇, 二〇二二 and
# 一百零五 right, and is wrong on 两三 (23: it is "two or three") and has no reading of a lone
# 百 (近百个) or of 第五 and 百分之八十; those the reader decides itself.
CHINESE = Language(
    units={"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9},
    teens={}, tens={},
    scales={"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000},
    other_cardinals={"〇": 0, "零": 0},
    ordinals={}, multipliers={}, months=frozenset(), year_words=frozenset(), rank_words=frozenset(),
    position_words=frozenset(), qualifier_words=frozenset(), after_a_position=frozenset(), count_words=frozenset(),
    comparison_words=frozenset(), code_words=frozenset(), and_word="", or_word="",
    ordinal_marks=frozenset("第"),
    rank_endings=frozenset("位名"),
    year_marks=frozenset("年"),
    date_marks=frozenset("月日号"),
    measure_words=frozenset("家个项条件份所座名位种支台人次篇部处类套只"),
    scale_units={"万": 10_000, "亿": 100_000_000},
    money_words=frozenset("元"),
    percent_words=frozenset(("%", "％", "百分之")),
    range_marks=frozenset("至到~～"),
    after_a_number=frozenset("多余"),
    plan_names=frozenset(f"十{n}五" for n in "一二三四五六七八九"),
    numeral_words=frozenset("统一 唯一 同一 单一 划一 逐一 万一 之一 一次性 一条龙 三位一体 一揽子 一把手 一站式 一体化 "
                            "一系列 一流 一批 一些 一定 一致 一直 一起 一般 一带一路 一头 一线 一手".split()),
    # 其中国家级 ('of which national-level'), 发展中国家 ('developing countries'), a river's, lake's or
    # mountain's side (黄河北岸, 洞庭湖南岸, 太行山西麓), a street (中山东路): no 中国, 河北, 湖南, 山西, 山东.
    across_place_names=frozenset("其中国 发展中国家 河北岸 河南岸 湖北岸 湖南岸 山东麓 山西麓 中山东路 中山西路".split()),
    qualifiers_before={
        "约": "approx", "大约": "approx", "近": "approx", "将近": "approx", "接近": "approx",
        "超过": "more_than", "逾": "more_than", "突破": "more_than", "超": "more_than",
        "不少于": "at_least", "至少": "at_least", "不低于": "at_least",
        "不超过": "at_most", "最多": "at_most", "不高于": "at_most",
    },
    qualifiers_after={"左右": "approx", "多": "more_than", "余": "more_than", "以上": "at_least",
                      "以内": "at_most", "以下": "at_most"},
    statuses={"力争": "target", "将": "target", "计划": "target", "预计": "target", "目标": "target",
              "争取": "target", "确保": "target", "到…年": "target",
              "拟": "proposed", "建议": "proposed", "截至": "actual", "已": "actual"},
    sentence_ends="。！？；",
    clause_marks="，；：、",
)
