"""Rules that derive values from printed ones, and parsers of printed cells.

Every derived column of every table is computed here, so the rule that derives it
is in one place; ``cadata.rules`` checks shipped data against the same functions.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction



def round_half_up(value: float) -> int:
    """Round to the nearest integer, halves away from zero (0.5 -> 1)."""
    return int(Decimal(repr(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def reports_from_share(share_pct: float, year_total: int) -> int:
    """Derived report count of a category: share_pct / 100 x the year's total, rounded half up."""
    return round_half_up(share_pct * year_total / 100)


def category_existed(year: int, created_year: int | None) -> bool:
    """Whether a hotline category existed in a year, given the year the text says it was created."""
    return created_year is None or year >= created_year


def parse_percent_cell(text: str) -> float | None:
    """A printed share such as ``"32,56 %"`` or ``"0,00"`` (decimal comma) as a number."""
    match = re.fullmatch(r"(\d+),(\d+)(?: %)?", text)
    return float(f"{match.group(1)}.{match.group(2)}") if match else None



#: Number words as printed in running text (any capitalisation).
NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        "none one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90})
#: Ordinal words, read as their rank ("second" is 2; the unit is rank).
ORDINAL_WORDS = {
    word: rank
    for rank, word in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth".split(), start=1)
}
#: Orders of magnitude in words, read as [low, high): "tens of thousands" is 10,000 to 100,000.
MAGNITUDE_WORDS = {
    "hundreds": (100, 1_000), "thousands": (1_000, 10_000), "tens of thousands": (10_000, 100_000),
    "hundreds of thousands": (100_000, 1_000_000), "millions": (1_000_000, 10_000_000),
}
#: "a century", "a month": one of the unit.
_ONE_OF = r"(?:(?:a|an|one) )?(?:century|decade|year|month|week|day)"


#: Fractions in words, read as fractions of one (``"half"`` is 0.5; in percent, 50).
FRACTION_WORDS = {
    "half": Fraction(1, 2), "a half": Fraction(1, 2), "one-half": Fraction(1, 2), "quarter": Fraction(1, 4),
    "a quarter": Fraction(1, 4), "one-quarter": Fraction(1, 4), "a third": Fraction(1, 3), "one-third": Fraction(1, 3),
    "two-thirds": Fraction(2, 3), "three-quarters": Fraction(3, 4),
}

#: Words before a number, and the qualifier code each stands for.
QUALIFIER_PHRASES: dict[str, str] = {
    "over": "over", "more than": "over", "upwards of": "over", "in excess of": "over",
    "at least": "at_least", "no fewer than": "at_least", "no less than": "at_least",
    "nearly": "nearly", "almost": "nearly", "close to": "nearly", "just under": "nearly",
    "about": "about", "around": "about", "approximately": "about", "roughly": "about",
    "some": "about", "an estimated": "about", "estimated": "about",
    "up to": "up_to", "as many as": "up_to", "as much as": "up_to", "no more than": "up_to",
    "not more than": "up_to",
    "less than": "less_than", "fewer than": "less_than", "under": "less_than",
}
#: Qualifier codes, and which bound the printed number gives.
QUALIFIERS = {"over": "low", "at_least": "low", "nearly": "both", "about": "both", "up_to": "high", "less_than": "high"}
_MULTIPLIERS = {"dozen": 12, "hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
#: Words for "two times", read as 2 (the unit is times).
TIMES_WORDS = {"twice": 2, "double": 2, "doubled": 2, "triple": 3, "tripled": 3}
_CURRENCY = r"(?:usd|us\$|\$|eur|\u20ac|euro|kgs|kzt|rub|uzs|tjs|gbp)\s*"
_AMOUNT = rf"(?:{_CURRENCY})?(\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)(?:\s*(dozen|hundred|thousand|million|billion))?"
_UNIT_SUFFIX = r"(?:\s*(?:%|percent|per cent)|[- ](?:kilometres?|kilometers?|km|kv))$"


def _amount(digits: str, multiplier: str | None) -> float:
    value = Decimal(digits.replace(",", "")) * _MULTIPLIERS.get(multiplier or "", 1)
    return int(value) if value == value.to_integral_value() else float(value)


def _number(value: Fraction) -> float:
    return int(value) if value.denominator == 1 else float(value)


def parse_estimate(text: str, percent: bool = False) -> tuple[float | None, float | None, str | None] | None:
    """A printed number, range or qualified number as (low, high, qualifier).

    ``"4,000"`` -> (4000, 4000, None); ``"7,000\u20139,000"``, ``"from 1,500 to 2,000"``,
    ``"between 2 and 3 million"`` -> (low, high, None); ``"nearly 1.9 million"`` ->
    (1900000, 1900000, "nearly"); ``"Over 1,000"``/``"at least 400"`` -> (n, None, code);
    ``"up to 500"``/``"no more than 500"`` -> (None, 500, "up_to"); ``"an estimated
    10,000\u201320,000"`` -> (10000, 20000, "about"); ``"-"`` -> (None, None, None). A comma
    followed by three digits separates thousands; a word glued to its number by the
    extraction (``"some3,000"``, ``"2million"``) is read as if spaced; a currency before
    the number (``"USD 198 million"``), a unit after it (``"%"``, ``"442-kilometre"``,
    ``"220 kV"``) and number words
    (``"seven"``, ``"all five"``, ``"two dozen"`` = 24, ``"level-two"`` = 2, ``"second"`` = 2,
    ``"a century"`` = 1), orders of magnitude (``"tens of thousands"`` -> (10000, 100000,
    None)), ``"twice"``, ``"tripled"`` and
    ``"almost double"`` (2, nearly) and fractions in words (``"less than half"`` -> (None,
    0.5, "less_than")) are read too (the unit is the schema's). With ``percent`` (the
    observation's unit is percent) a share in words is read on the 0-100 scale (``"less than
    half"`` -> (None, 50, "less_than"), ``"two-thirds"`` -> 66.66666666666667) and a comma
    is a decimal comma (``"28,935"`` is 28.935: a percent has no thousands). None for anything else.
    """
    text = " ".join(text.split())
    if text in ("-", "\u2013", "\u2014"):
        return (None, None, None)
    lowered = re.sub(_UNIT_SUFFIX, "", text.lower())
    qualifier = None
    for phrase in sorted(QUALIFIER_PHRASES, key=len, reverse=True):
        # the extraction sometimes glues a word to the number ("approximately400")
        glued = re.match(rf"{re.escape(phrase)}(?: |(?=\d))", lowered)
        if glued:
            qualifier = QUALIFIER_PHRASES[phrase]
            lowered = lowered[glued.end() :]
            break
    lowered = re.sub(r"^(?:all|level-)\s*", "", lowered)  # "all five" is five; "level-two" is level 2
    if lowered in MAGNITUDE_WORDS and qualifier is None:
        return (*MAGNITUDE_WORDS[lowered], None)
    if lowered in ORDINAL_WORDS:
        lowered = str(ORDINAL_WORDS[lowered])
    if re.fullmatch(_ONE_OF, lowered):
        lowered = "1"
    lowered = " ".join(str(NUMBER_WORDS[w]) if w in NUMBER_WORDS else w for w in lowered.split(" "))  # "two dozen"
    if lowered in TIMES_WORDS:
        lowered = str(TIMES_WORDS[lowered])
    if lowered in FRACTION_WORDS:
        fraction = _number(FRACTION_WORDS[lowered] * (100 if percent else 1))
        bound = QUALIFIERS.get(qualifier or "", "both")
        return (fraction if bound != "high" else None, fraction if bound != "low" else None, qualifier)
    comma = re.fullmatch(r"(\d+),(\d+)", lowered) if percent else None
    if comma:
        value = float(f"{comma.group(1)}.{comma.group(2)}")
        bound = QUALIFIERS.get(qualifier or "", "both")
        return (value if bound != "high" else None, value if bound != "low" else None, qualifier)
    single = re.fullmatch(_AMOUNT, lowered)
    if single:
        value = _amount(single.group(1), single.group(2))
        bound = QUALIFIERS.get(qualifier or "", "both")
        return (value if bound != "high" else None, value if bound != "low" else None, qualifier)
    if qualifier is not None and QUALIFIERS[qualifier] not in ("both", "low"):
        return None  # "up to 10-20" has no shape cadata keeps; "about 10-20" and "at least 2 or 3" do
    lowered = re.sub(r"^(?:somewhere )?(?:from|between) ", "", lowered)
    for word, times in TIMES_WORDS.items():
        lowered = re.sub(rf"\b{word}\b", str(times), lowered)  # "double or triple"
    rng = re.fullmatch(rf"{_AMOUNT}\s*(?:[\u2013\u2014-]|to|and|or)\s*{_AMOUNT}", lowered)
    if not rng:
        return None
    shared = rng.group(2) or rng.group(4)
    low = _amount(rng.group(1), rng.group(2) or shared)
    high = _amount(rng.group(3), rng.group(4))
    if qualifier is not None and QUALIFIERS[qualifier] == "low":
        return (low, None, qualifier)  # "at least two or three": at least the lower figure
    return (low, high, qualifier)


def parse_value(text: str) -> float | None:
    """A printed exact figure: ``"32,56 %"`` (decimal comma), ``"45%"``, ``"45 percent"``,
    ``"2,295"``, ``"1.9 million"``, or a number word (``"Seven"``, ``"none"`` = 0).
    None for a range, a qualified number or other text."""
    text = " ".join(text.split())
    if text.lower() in NUMBER_WORDS:
        return NUMBER_WORDS[text.lower()]
    percent = re.fullmatch(r"(.+?)\s*(?:%|percent|per cent)", text)
    if percent:
        text = percent.group(1)
        comma = parse_percent_cell(text)
        if comma is not None and not re.fullmatch(r"\d{1,3}(?:,\d{3})+", text):
            return comma
    if re.fullmatch(r"\d+,\d{1,2}", text):  # a decimal comma: two digits at most after it
        return float(text.replace(",", "."))
    parsed = parse_estimate(text)
    if parsed is None or parsed[2] is not None or parsed[0] is None or parsed[0] != parsed[1]:
        return None
    return parsed[0]


def read_bounds(text: str | None, percent: bool = False) -> tuple[float | None, float | None, str | None] | None:
    """(low, high, qualifier) of any printed figure: an estimate (``parse_estimate``) or an
    exact figure such as ``"32,56 %"`` (``parse_value``, low = high); (None, None, None)
    where nothing is printed; None if neither reads it. ``percent``: the unit is percent
    (see ``parse_estimate``). This is the one reader of every printed number."""
    if text is None or not text.strip():
        return (None, None, None)
    if (parsed := parse_estimate(text, percent)) is not None:
        return parsed
    value = parse_value(text)
    return None if value is None else (value, value, None)
