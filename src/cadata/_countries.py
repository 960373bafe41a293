"""ISO 3166-1 alpha-3 codes of the countries named in the curated tables."""

from __future__ import annotations

ISO3 = {
    "Afghanistan": "AFG",
    "Kazakhstan": "KAZ",
    "Kyrgyzstan": "KGZ",
    "Tajikistan": "TJK",
    "Turkmenistan": "TKM",
    "Uzbekistan": "UZB",
}
