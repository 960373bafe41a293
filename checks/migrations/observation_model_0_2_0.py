"""One-off migration of curated/ and schemas/ to the observation model (version 0.2.0).

Kept for review: it records, table by table, how each 0.1.0 column became a column of
the observation model (docs/observation_model.md). It was run once on the 0.1.0 inputs;
it reads the 0.1.0 inputs from git (commit BASE), so running it again gives the same result.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
from cadata.observation import OBSERVATION_FIELDS, PROVENANCE_FIELDS  # noqa: E402

CUR = ROOT / "curated"
SCH = ROOT / "schemas"
PROV = ["note", "paper_id", "page", "line", "quote"]
OBS_CURATED = ["indicator", "low", "high", "qualifier", "as_printed", "place", "iso3", "period", "year_start",
               "year_end", "attributed_to", "footnote"]

# --- units --------------------------------------------------------------------------------
UNITS = [
    # unit, label, kind, currency
    ("persons", "persons", "count", ""),
    ("countries", "countries", "count", ""),
    ("organizations", "organizations", "count", ""),
    ("reports", "reports", "count", ""),
    ("percent", "percent (0-100)", "percent", ""),
    ("years", "years (a duration)", "duration", ""),
    ("centuries", "centuries (a duration)", "duration", ""),
    ("decades", "decades (a duration)", "duration", ""),
    ("months", "months (a duration)", "duration", ""),
    ("days", "days (a duration)", "duration", ""),
    ("hours", "hours (a duration)", "duration", ""),
    ("calendar_year", "calendar year (a date)", "date", ""),
    ("eur", "euros", "currency", "EUR"),
    ("usd", "US dollars", "currency", "USD"),
    ("usd_per_month", "US dollars per month", "currency_rate", "USD"),
    ("kgs_per_day", "Kyrgyzstani som per day", "currency_rate", "KGS"),
    ("times", "times (a ratio)", "ratio", ""),
    ("times_per_day", "times per day", "frequency", ""),
    ("km", "kilometres", "length", ""),
    ("kv", "kilovolts", "voltage", ""),
    ("level", "level (an ordinal rank)", "rank", ""),
    ("interviews", "interviews", "count", ""),
    ("items", "items (things of the kind the indicator names)", "count", ""),
]


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in header})
    path.write_text(buffer.getvalue(), encoding="utf-8")


#: The 0.1.0 commit whose inputs the migration reads (so it can be re-run while it is reviewed).
BASE = "68ee586"


def old_text(rel: str) -> str:
    import subprocess

    return subprocess.run(["git", "show", f"{BASE}:{rel}"], cwd=ROOT, check=True, capture_output=True, text=True).stdout


def read_csv(rel: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(old_text(rel), newline="")))


def old_schema(name: str) -> dict:
    return json.loads(old_text(f"schemas/{name}.json"))


def years(text: str) -> tuple[str, str]:
    """First and last four-digit year printed in a period ('' if none)."""
    found = re.findall(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)", text or "")
    return (found[0], found[-1]) if found else ("", "")


def lowhigh(row: dict[str, str]) -> tuple[str, str, str]:
    """(low, high, qualifier) of a 0.1.0 row: its bounds, or its exact value as both bounds."""
    if "low" in row or "high" in row:
        return row.get("low", ""), row.get("high", ""), row.get("qualifier", "")
    value = row.get("value", "")
    return value, value, row.get("qualifier", "")


#: Fraction-of-one values of 0.1.0 that are percent on 0-100 in 0.2.0 (the words stay in as_printed).
def percent_of(text: str) -> str:
    from fractions import Fraction

    if not text:
        return ""
    number = Fraction(text) * 100
    return str(int(number)) if number.denominator == 1 else repr(float(number))


# indicator code -> (label, description, unit); the themed tables' indicators
INDICATORS: dict[str, tuple[str, str, str]] = {
    "hotline_reports": ("Hotline reports", "Reports of illegal online content received in a year by Kazakhstan's hotline (the Internet Association of Kazakhstan's safekaznet.kz).", "reports"),
    "hotline_report_share": ("Hotline report share", "Share of one category in all reports received by Kazakhstan's hotline in a year.", "percent"),
    "foreign_fighters": ("Foreign fighters", "Fighters from a country, people or region (place, iso3) who went to fight in armed conflicts abroad (the theatre: Syria, Iraq, Afghanistan and others).", "persons"),
    "foreign_fighters_killed": ("Foreign fighters killed", "Fighters from a country who were killed in the armed conflicts in Iraq and Syria.", "persons"),
    "foreign_fighters_returned": ("Foreign fighters returned", "Fighters from a country who returned from the armed conflicts in Iraq and Syria.", "persons"),
    "foreign_fighters_convicted": ("Foreign fighters convicted", "People from a country convicted for participation in military operations in Iraq and Syria.", "persons"),
    "armed_group_fighters": ("Fighters of an armed group in a country", "Fighters of a terrorist organization present in a country or region (place, iso3 name where they are, not where they come from).", "persons"),
    "fighters_relocated": ("Fighters relocated", "Fighters said to have moved from one theatre to another (to Afghanistan, or from Afghanistan and Pakistan to Syria and Iraq); place and iso3 name who moved where the text says so, else the destination.", "persons"),
    "fighters_recruited_among_migrants": ("Fighters recruited among labour migrants", "Uzbek labour migrants recruited in Russia to fight in Syria.", "persons"),
    "fighters_recruited_at_home": ("Fighters recruited in their home country", "Citizens recruited in their home country to fight in Syria and Iraq.", "persons"),
    "nato_programme_participants": ("Central Asian states in a NATO programme", "Central Asian states taking part in a NATO partnership programme; a row for one country records its participation and holds no number.", "countries"),
    "conference_expert_countries": ("Countries represented among the conference's experts", "Countries represented among the experts of the conference the volume records, by OSCE status.", "countries"),
    "osce_unified_budget": ("OSCE Unified Budget", "The OSCE Unified Budget of a year.", "eur"),
    "osce_field_operations_budget_share": ("Field operations' share of the OSCE Unified Budget", "Share of the OSCE Unified Budget spent on field operations.", "percent"),
    "osce_post_soviet_presences_share": ("Post-Soviet presences' share of OSCE field operations", "Share of the OSCE field operations' budget spent on the presences in the post-Soviet space.", "percent"),
    "osce_field_presence_budget": ("Budget of OSCE field presences", "Budget of one OSCE field presence or a group of them (item) in a year.", "eur"),
    "osce_field_presences": ("OSCE field presences", "Number of OSCE field presences in a group (item).", "items"),
    "hotline_founding_year": ("Year the hotline was created", "Year in which Kazakhstan's hotline for illegal content was created.", "calendar_year"),
    "inhope_membership_year": ("Year the hotline joined INHOPE", "Year from which Kazakhstan's hotline is a member of the INHOPE Foundation.", "calendar_year"),
    "prosecutor_memorandum_year": ("Year of the memorandum with the General Prosecutor's Office", "Year in which the hotline's memorandum with the General Prosecutor's Office was signed.", "calendar_year"),
    "hotline_staff": ("Hotline staff", "People working for Kazakhstan's hotline.", "persons"),
    "hotline_analysts": ("Hotline analysts", "Analysts among the staff of Kazakhstan's hotline.", "persons"),
    "inhope_members": ("INHOPE members", "Member hotlines of the INHOPE Foundation (the network as a whole).", "organizations"),
    "inhope_member_countries": ("INHOPE member countries", "Countries of the INHOPE Foundation's members.", "countries"),
    "internet_users_share": ("Internet users, share of the population", "Internet users as a share of a country's population.", "percent"),
    "internet_users_incl_mobile_share": ("Internet users including mobile Internet, share of the population", "Internet users, counting mobile Internet users, as a share of a country's population.", "percent"),
    "pew_violence_against_civilians_justified": ("Muslims saying violence against civilians in defence of Islam is justified", "Share of a country's Muslims who say that violence against civilians in defence of Islam is often or sometimes justified (Pew Research Center).", "percent"),
    "pew_favour_sharia_official_law": ("Muslims favouring sharia as official law", "Share of a country's Muslims who favour making sharia the official law (Pew Research Center).", "percent"),
    "ucc_websites_crashed": ("Websites crashed by DDoS attacks (UCC claim)", "Websites the United Cyber Caliphate claimed to have crashed by DDoS attacks in a period.", "items"),
    "ucc_websites_disrupted": ("Websites disrupted (UCC claim)", "Websites whose work the United Cyber Caliphate claimed to have disrupted in a period.", "items"),
    "ucc_social_media_accounts_hacked": ("Social media accounts hacked (UCC claim)", "Social media accounts the United Cyber Caliphate claimed to have hacked in a period.", "items"),
    "project_bridges": ("Bridges of an infrastructure project", "Bridges built or repaired by an infrastructure project.", "items"),
    "project_length": ("Length of an infrastructure project", "Length of a road, railway or power line.", "km"),
    "project_voltage": ("Voltage of a power line", "Voltage of a power line.", "kv"),
    "project_cost": ("Cost of an infrastructure project", "Cost of an infrastructure project.", "usd"),
    "study_interviews": ("Interviews of a study", "Interviews conducted for a study.", "interviews"),
    "study_interviewees": ("People interviewed for a study", "People interviewed for a study.", "persons"),
    "islamic_specialized_secondary_schools": ("Specialized Islamic secondary schools", "Specialized secondary schools of Islamic education.", "items"),
    "islamic_specialized_higher_schools": ("Specialized Islamic higher schools", "Specialized higher schools of Islamic education.", "items"),
    "islamic_masters_programmes": ("Master's degree programmes in Islamic studies", "Master's degree programmes of an Islamic education institution.", "items"),
    "labour_migrants": ("Labour migrants", "Labour migrants from a country (iso3) working in a destination country (destination).", "persons"),
    "kg_study_fighter_age": ("Age of the fighters in Dronzina's study", "Ages of the Kyrgyzstani fighters whose life stories Dronzina's field study recreated (statistic says which).", "years"),
    "kg_study_fighters": ("Fighters in Dronzina's study, by profile", "Kyrgyzstani fighters in Dronzina's field study in one category of a profile dimension.", "persons"),
    "kg_study_life_stories": ("Life stories in Dronzina's study, by source", "Life stories of Kyrgyzstani fighters that Dronzina's field study recreated, by the source they came from.", "persons"),
    "kg_study_fieldwork_year": ("Year of Dronzina's field study", "Year in which Dronzina's field study in Kyrgyzstan was conducted.", "calendar_year"),
    "kg_study_conclusions_year": ("Year Dronzina's conclusions were first made public", "Year in which the conclusions of Dronzina's study were first made public in Kyrgyzstan.", "calendar_year"),
    "kg_study_data_collection_ways": ("Ways of collecting data in Dronzina's study", "Ways in which Dronzina's study collected its empirical data.", "items"),
    "kg_study_process_stages": ("Stages of Dronzina's study", "Stages of the research process of Dronzina's study.", "items"),
    "kg_study_variable_groups": ("Groups of variables in Dronzina's study", "Groups of variables by which Dronzina's study described the fighters.", "items"),
    "kg_study_control_questions": ("Control questions on religious literacy in Dronzina's study", "Control questions by which Dronzina's study defined religious literacy.", "items"),
    "kg_study_twitter_accounts": ("Twitter accounts monitored in Dronzina's study", "Twitter accounts of European women who travelled to Syria that Dronzina's study monitored.", "items"),
    "sfcg_study_report_year": ("Year of the SFCG study's report", "Year of the analytical report of Search for Common Ground's study of youth radicalization and media in Kyrgyzstan.", "calendar_year"),
    "sfcg_study_interviews": ("Structured interviews of the SFCG study", "Structured interviews with social media users and influencers conducted by the SFCG study.", "interviews"),
    "sfcg_study_regions": ("Regions covered by the SFCG study", "Regions of Kyrgyzstan covered by the SFCG study.", "items"),
    "sfcg_study_respondent_age": ("Age of the SFCG study's respondents", "Age range on which the SFCG study's sample of respondents was based.", "years"),
    "sfcg_study_field_researchers": ("Field researchers of the SFCG study", "Local field researchers trained for the SFCG study.", "persons"),
    "sfcg_study_evaluation_indicators": ("Indicators of the SFCG study", "Indicators by which the SFCG study evaluated its findings.", "items"),
    "sfcg_study_respondents_share": ("Share of the SFCG study's respondents", "Share of the respondents of the SFCG study with a finding (result says which).", "percent"),
}


def obs(row: dict[str, str], indicator: str, *, place: str = "", iso3: str = "", period: str | None = None,
        year: tuple[str, str] | None = None, attributed_to: str | None = None, percent: bool = False) -> dict[str, str]:
    """The observation columns of a migrated row (the row's own bounds, provenance and note kept)."""
    low, high, qualifier = lowhigh(row)
    if percent:  # a share of one printed in words: read it again, in percent, by the one reader
        from cadata.derive import read_bounds

        bounds = read_bounds(row["as_printed"], percent=True)
        assert bounds is not None, row
        low, high = ("" if b is None else repr(b) if isinstance(b, float) else str(b) for b in bounds[:2])
    if period is None:
        period = row.get("period", "")
    if year is None:
        start, end = row.get("period_start", ""), row.get("period_end", "")
        year = (start, end) if start or end else years(period)
    attributed = row.get("attributed_to", "") if attributed_to is None else attributed_to
    if attributed == "not stated":
        attributed = ""
    out = {
        "indicator": indicator, "low": low, "high": high, "qualifier": qualifier, "as_printed": row.get("as_printed", ""),
        "place": place, "iso3": iso3, "period": period, "year_start": year[0], "year_end": year[1],
        "attributed_to": attributed, "footnote": row.get("footnote", ""),
    }
    out.update({k: row[k] for k in PROV})
    return out


THEATRE_COUNTRY = {"syria": ("Syria", "SYR"), "yemen": ("Yemen", "YEM"), "somalia": ("Somalia", "SOM"),
                   "libya": ("Libya", "LBY"), "egypt": ("Egypt", "EGY"), "russia": ("Russia", "RUS"),
                   "afghanistan": ("Afghanistan", "AFG")}
TABLE1 = {"fighters_open_sources": ("foreign_fighters", "open sources"),
          "fighters_intelligence_services": ("foreign_fighters", "intelligence services"),
          "killed": ("foreign_fighters_killed", ""), "returned": ("foreign_fighters_returned", ""),
          "convicted": ("foreign_fighters_convicted", "")}
FIGHTER_MEASURES = {"relocated": "fighters_relocated", "recruits_labour_migrants": "fighters_recruited_among_migrants",
                    "recruits_from_home_country": "fighters_recruited_at_home"}


def t_fighter_estimates(r: dict[str, str]) -> dict[str, str]:
    if r["measure"] == "fighters":
        indicator = "foreign_fighters" if (r["origin"] or r["origin_iso3"]) else "armed_group_fighters"
    else:
        indicator = FIGHTER_MEASURES[r["measure"]]
    place, iso3 = r["origin"], r["origin_iso3"]
    if not place and r["theatre"] in THEATRE_COUNTRY:
        place, iso3 = THEATRE_COUNTRY[r["theatre"]]
        if r["estimate_id"] == "ergashev-7768-1":
            place = "northern Afghanistan"
    attributed = {"author": ""}.get(r["attributed_to"], r["attributed_to"])
    out = {"estimate_id": r["estimate_id"], "theatre": r["theatre"], "organization": r["organization"]}
    out.update(obs(r, indicator, place=place, iso3=iso3, attributed_to=attributed))
    out["source_table"] = r["source_table"]
    return out


OSCE_BUDGET = {("unified_budget", "amount"): "osce_unified_budget",
               ("field_operations", "share_of_unified_budget"): "osce_field_operations_budget_share",
               ("post_soviet_presences", "share_of_field_operations"): "osce_post_soviet_presences_share",
               ("post_soviet_presences", "presences"): "osce_field_presences"}
ORGANISATION = {"hotline_created": "hotline_founding_year", "inhope_member_since": "inhope_membership_year",
                "prosecutor_memorandum_signed": "prosecutor_memorandum_year", "staff": "hotline_staff",
                "analysts": "hotline_analysts", "inhope_members": "inhope_members",
                "inhope_member_countries": "inhope_member_countries"}
KG_DESIGN = {"fieldwork_year": "kg_study_fieldwork_year", "data_collection_ways": "kg_study_data_collection_ways",
             "process_stages": "kg_study_process_stages", "variable_groups": "kg_study_variable_groups",
             "religious_literacy_control_questions": "kg_study_control_questions",
             "twitter_accounts_monitored_women": "kg_study_twitter_accounts",
             "conclusions_first_public_year": "kg_study_conclusions_year"}
SFCG_DESIGN = {"report_year": "sfcg_study_report_year", "structured_interviews": "sfcg_study_interviews",
               "regions": "sfcg_study_regions", "respondent_age_range": "sfcg_study_respondent_age",
               "field_researchers": "sfcg_study_field_researchers", "evaluation_indicators": "sfcg_study_evaluation_indicators"}
PEW = {"violence_against_civilians_justified": "pew_violence_against_civilians_justified",
       "sharia_official_law": "pew_favour_sharia_official_law"}
UCC = {"websites_crashed_ddos": "ucc_websites_crashed", "websites_disrupted": "ucc_websites_disrupted",
       "social_media_accounts_hacked": "ucc_social_media_accounts_hacked"}
PROJECTS = {"bridges_built_and_repaired": "project_bridges", "length_km": "project_length", "voltage_kv": "project_voltage",
            "cost_usd": "project_cost"}
ISLAMIC = {"specialized_secondary_schools": "islamic_specialized_secondary_schools",
           "specialized_higher_schools": "islamic_specialized_higher_schools",
           "masters_degree_programmes": "islamic_masters_programmes"}
KZ_INTERNET = {"users_share_of_population": "internet_users_share",
               "users_incl_mobile_share_of_population": "internet_users_incl_mobile_share"}


def share(numerator: str, denominator: str) -> str:
    """numerator / denominator in percent, computed exactly then rounded to a float once."""
    from fractions import Fraction

    if not numerator:
        return ""
    number = Fraction(int(numerator) * 100, int(denominator))
    return str(int(number)) if number.denominator == 1 else repr(float(number))


def d(**columns: str) -> dict[str, str]:
    return dict(columns)


# table -> (dimension columns, extra columns after the observation columns, primary key, transform)
THEMED = {
    "kz_hotline_reports": ([], [], ["year_start"], lambda r: obs(
        {**r, "low": r["reports"], "high": r["reports"]}, "hotline_reports", iso3="KAZ", period=r["year"], year=(r["year"], r["year"]))),
    "kz_hotline_report_shares": (["category"], ["category_label", "category_existed", "reports_derived"], ["year_start", "category"],
        lambda r: {"category": r["category"], **obs({**r, "low": r["share_pct"], "high": r["share_pct"]}, "hotline_report_share",
                                                   iso3="KAZ", period=r["year"], year=(r["year"], r["year"]))}),
    "ca_fighter_estimates": (["table_column"], [], ["iso3", "table_column"], lambda r: {
        "table_column": r["indicator"], **obs(r, TABLE1[r["indicator"]][0], place=r["country"], iso3=r["iso3"],
                                              attributed_to=TABLE1[r["indicator"]][1])}),
    "fighter_estimates": (["estimate_id", "theatre", "organization"], ["source_table"], ["estimate_id"], t_fighter_estimates),
    "ca_nato_partnership_participation": (["programme", "programme_as_printed"], ["participation_as_printed"], ["programme", "place"],
        lambda r: {"programme": r["programme"], "programme_as_printed": r["programme_as_printed"],
                   **obs(r, "nato_programme_participants", place=r["country"], iso3=r["iso3"]),
                   "participation_as_printed": r["participation_as_printed"]}),
    "osce_conference_expert_countries": (["category", "category_as_printed"], [], ["category"], lambda r: {
        "category": r["category"], "category_as_printed": r["category_as_printed"],
        **obs(r, "conference_expert_countries", place=r["country"], iso3=r["iso3"])}),
    "osce_field_operations_budget_2017": (["item"], [], ["item", "indicator"], lambda r: {
        "item": r["item"], **obs(r, OSCE_BUDGET.get((r["item"], r["measure"]), "osce_field_presence_budget"), place=r["country"],
                                 iso3=r["iso3"], period="2017", year=("2017", "2017"),
                                 percent=r["unit"] == "fraction")}),
    "kz_hotline_organisation": ([], ["month"], ["indicator"], lambda r: {
        **obs(r, ORGANISATION[r["figure"]], iso3="" if r["figure"].startswith("inhope_members") or r["figure"] == "inhope_member_countries" else "KAZ",
              period="As of June 2018" if r["figure"] in ("inhope_members", "inhope_member_countries") else "",
              year=(r["year"], r["year"])), "month": r["month"]}),
    "kz_internet_users": ([], [], ["year_start", "indicator"], lambda r: obs(
        r, KZ_INTERNET[r["measure"]], place="Kazakhstan", iso3="KAZ", period=r["year"], year=(r["year"], r["year"]))),
    "pew_muslim_attitudes": (["question_as_printed", "answer"], [], ["iso3", "indicator"], lambda r: {
        "question_as_printed": r["question_as_printed"], "answer": r["answer"],
        **obs(r, PEW[r["question"]], place=r["country"], iso3=r["iso3"])}),
    "united_cyber_caliphate_claims": (["target"], ["date_start", "date_end", "published"], ["indicator"], lambda r: {
        "target": r["target"], **obs(r, UCC[r["claim"]], period="", year=(r["period_start"][:4], r["period_end"][:4])),
        "date_start": r["period_start"], "date_end": r["period_end"], "published": r["published"]}),
    "uz_afghanistan_infrastructure_projects": (["project", "project_status"], [], ["project", "indicator"], lambda r: {
        "project": r["project"], "project_status": r["project_status"], **obs(r, PROJECTS[r["measure"]], iso3="AFG")}),
    "uz_fighter_source_interviews": (["study", "study_as_printed", "interviewees", "places"], [], ["study"], lambda r: {
        "study": r["study"], "study_as_printed": r["study_as_printed"], "interviewees": r["interviewees"], "places": r["places"],
        **obs(r, "study_interviews" if r["unit"] == "interviews" else "study_interviewees")}),
    "uz_islamic_education_institutions": (["institution", "status"], [], ["institution", "indicator"], lambda r: {
        "institution": r["institution"], "status": r["status"], **obs(r, ISLAMIC[r["measure"]], iso3="UZB")}),
    "uz_labour_migrants": (["destination", "destination_iso3", "status"], [], ["destination", "status"], lambda r: {
        "destination": r["destination"], "destination_iso3": r["destination_iso3"], "status": r["status"],
        **obs(r, "labour_migrants", iso3="UZB", year=(r["year"], r["year"]))}),
    "kg_fighter_study_age": (["statistic", "item"], [], ["statistic", "item"], lambda r: {
        "statistic": r["statistic"], "item": r["item"], **obs(r, "kg_study_fighter_age", iso3="KGZ", year=("2015", "2015"))}),
    "kg_fighter_study_design": ([], ["described_as", "quantity_words"], ["indicator"], lambda r: {
        **obs(r, KG_DESIGN[r["parameter"]], iso3="KGZ", year=("2015", "2015")),
        "described_as": r["described_as"], "quantity_words": r["quantity_words"]}),
    "kg_fighter_study_profile": (["dimension", "category", "category_label"], ["quantity_words"], ["dimension", "category"], lambda r: {
        "dimension": r["dimension"], "category": r["category"], "category_label": r["category_label"],
        **obs(r, "kg_study_fighters", iso3="KGZ", year=("2015", "2015")), "quantity_words": r["quantity_words"]}),
    "kg_fighter_study_sample": (["source", "source_label"], [], ["source"], lambda r: {
        "source": r["source"], "source_label": r["source_label"],
        **obs(r, "kg_study_life_stories", iso3="KGZ", year=("2015", "2015"))}),
    "kg_youth_media_study_design": ([], ["described_as"], ["indicator"], lambda r: {
        **obs(r, SFCG_DESIGN[r["parameter"]], iso3="KGZ",
              year=("2017", "2017") if r["parameter"] == "report_year" else ("", "")),
        "described_as": r["described_as"]}),
    "kg_youth_media_study_results": (["result", "respondents", "finding"], ["figure"], ["result"], lambda r: {
        "result": r["result"], "respondents": r["respondents"], "finding": r["finding"],
        **obs({**r, "low": share(r["numerator_low"], r["denominator"]), "high": share(r["numerator_high"], r["denominator"])},
              "sfcg_study_respondents_share", iso3="KGZ"), "figure": r["figure"]}),
}


# 0.1.0 tables of a few unrelated figures, merged into facts: table -> key column -> key -> (indicator, place, iso3, years)
MERGED: dict[str, tuple[str, dict[str, tuple[str, str, str, tuple[str, str]]]]] = {
    "af_isil_presence": ("measure", {
        "districts_present": ("isil_districts_present", "northern Afghanistan", "AFG", ("2016", "2017")),
        "provinces_present": ("isil_provinces_present", "northern Afghanistan", "AFG", ("2016", "2017")),
        "foreign_fighters_percent": ("isil_foreign_fighters_share", "northern Afghanistan", "AFG", ("", "")),
    }),
    "al_qaeda_network_reach": ("measure", {
        "franchises": ("al_qaeda_franchises", "", "", ("", "")),
        "countries_with_autonomous_cells": ("al_qaeda_cell_countries", "", "", ("2017", "2017")),
    }),
    "ca_muslim_religiosity": ("measure", {
        "muslims_regularly_performing_salah": ("muslims_praying_regularly_share", "Central Asia", "", ("", "")),
        "muslim_share_of_population": ("muslim_population_share", "Central Asia", "", ("", "")),
    }),
    "cybercrime_convention_states_2005": ("status", {
        "signed_and_ratified": ("cybercrime_convention_ratifying_states", "", "", ("2005", "2005")),
        "signed_not_ratified": ("cybercrime_convention_signatories_not_ratified", "", "", ("2005", "2005")),
    }),
    "isil_media_network": ("component", {
        "media_units": ("isil_media_units", "", "", ("2014", "2015")),
        "media_offices": ("isil_media_offices", "", "", ("2014", "2015")),
    }),
    "kg_facebook_users": ("indicator", {
        "median_user_age": ("facebook_median_user_age", "Kyrgyzstan", "KGZ", ("", "")),
        "users": ("facebook_users", "Kyrgyzstan", "KGZ", ("", "")),
        "daily_visitor_share": ("facebook_daily_visitors_share", "Kyrgyzstan", "KGZ", ("", "")),
    }),
    "kz_information_society_programme": ("figure", {
        "internet_use_target": ("internet_use_target_share", "Kazakhstan", "KAZ", ("2007", "2009")),
        "internet_users_share_by_2011": ("internet_users_share", "Kazakhstan", "KAZ", ("2011", "2011")),
        "information_society_level_by_2011": ("information_society_level", "Kazakhstan", "KAZ", ("2011", "2011")),
    }),
    "kz_recruitment_risk_figures": ("figure", {
        "people_knowing_only_kazakh": ("kazakh_only_speakers", "Kazakhstan", "KAZ", ("", "")),
        "university_graduates": ("university_graduates", "Kazakhstan", "KAZ", ("2017", "2017")),
    }),
    "uz_population": ("measure", {
        "population": ("population", "Uzbekistan", "UZB", ("", "")),
        "share_under_30_percent": ("population_share_under_30", "Uzbekistan", "UZB", ("", "")),
    }),
    "isil_al_qaeda_propaganda_indicators": ("indicator", {
        "isil_revenue_fall": ("isil_revenue_fall", "", "", ("2015", "")),
        "al_qaeda_leader_speeches": ("al_qaeda_leader_speeches", "", "", ("2018", "2018")),
        "al_qaeda_affiliates_underdog_framing": ("underdog_framing_ratio", "", "", ("", "")),
        "isil_peaceful_life_vs_military_material": ("isil_peaceful_vs_military_material_ratio", "", "", ("2015", "2015")),
    }),
}
MERGED_INDICATORS: dict[str, tuple[str, str, str]] = {
    "isil_districts_present": ("Districts where ISIL is present", "Districts of a region in which ISIL (Wilayah Khorasan) is present.", "items"),
    "isil_provinces_present": ("Provinces where ISIL is present", "Provinces of a region in which ISIL (Wilayah Khorasan) is present.", "items"),
    "isil_foreign_fighters_share": ("Foreigners' share of ISIL fighters", "Share of foreign fighters among ISIL's fighters in a region.", "percent"),
    "al_qaeda_franchises": ("Al-Qaeda franchises", "Franchises in al-Qaeda's network.", "organizations"),
    "al_qaeda_cell_countries": ("Countries with al-Qaeda cells", "Countries in which al-Qaeda has autonomous undercover cells.", "countries"),
    "muslims_praying_regularly_share": ("Muslims who regularly perform salah", "Share of Muslims who regularly perform salah (the daily prayers).", "percent"),
    "muslim_population_share": ("Muslim share of the population", "Muslims as a share of a population.", "percent"),
    "cybercrime_convention_ratifying_states": ("States that signed and ratified the Convention on Cybercrime", "Countries that had signed and ratified the Council of Europe Convention on Cybercrime.", "countries"),
    "cybercrime_convention_signatories_not_ratified": ("States that signed but had not ratified the Convention on Cybercrime", "Countries that had signed the Council of Europe Convention on Cybercrime without ratifying it.", "countries"),
    "isil_media_units": ("ISIL media units", "Media units of ISIL's media network, each specializing in one kind of content.", "items"),
    "isil_media_offices": ("ISIL media offices", "ISIL's \"media offices\" around the globe.", "items"),
    "facebook_median_user_age": ("Median age of Facebook users", "Median age of a country's Facebook users.", "years"),
    "facebook_users": ("Facebook users", "Facebook users from a country.", "persons"),
    "facebook_daily_visitors_share": ("Facebook users who visit daily", "Share of a country's Facebook users who visit the site daily.", "percent"),
    "internet_use_target_share": ("Target share of the population using the Internet", "Share of the population a government programme set out to bring to effective Internet use.", "percent"),
    "information_society_level": ("Level of information society", "The level of information society a country had reached, as a rank (level two is 2).", "level"),
    "kazakh_only_speakers": ("People who know only Kazakh", "People in Kazakhstan who know only the Kazakh language.", "persons"),
    "university_graduates": ("University graduates", "University graduates of a year.", "persons"),
    "population": ("Population", "Population of a country.", "persons"),
    "population_share_under_30": ("Population under 30", "Share of a country's population under 30 years old.", "percent"),
    "isil_revenue_fall": ("Fall in ISIL's revenues", "Fall in ISIL's revenues since a year, as a share of the earlier revenues.", "percent"),
    "al_qaeda_leader_speeches": ("Speeches of al-Qaeda's leader", "Speeches published by al-Qaeda's leader in a period.", "items"),
    "underdog_framing_ratio": ("How much likelier al-Qaeda's affiliates depict themselves as underdogs", "How many times as likely al-Qaeda's affiliates are as ISIS to depict themselves as underdogs.", "times"),
    "isil_peaceful_vs_military_material_ratio": ("ISIL's propaganda on \"peaceful\" life against military themes", "The amount of ISIL's propaganda material devoted to \"peaceful\" life, in times the amount of military-themed material.", "times"),
}


FK = [
    {"fields": "paper_id", "reference": {"resource": "papers", "fields": "paper_id"}},
    {"fields": "indicator", "reference": {"resource": "indicators", "fields": "indicator"}},
    {"fields": "unit", "reference": {"resource": "units", "fields": "unit"}},
    {"fields": "footnote", "reference": {"resource": "footnotes", "fields": "footnote"}},
]
RENAMED_FIELDS = {("ca_fighter_estimates", "table_column"): "indicator",
                  ("united_cyber_caliphate_claims", "date_start"): "period_start",
                  ("united_cyber_caliphate_claims", "date_end"): "period_end"}
FIELD_TEXT = {
    ("ca_fighter_estimates", "table_column"): ("Column of Table 1", "The column of Ergashev's Table 1 the cell is in: fighters according to open sources, according to intelligence services, killed, returned, convicted for participation in military operations in Iraq and Syria."),
    ("united_cyber_caliphate_claims", "date_start"): ("First day", "First day of the period the claim covers (ISO 8601 date)."),
    ("united_cyber_caliphate_claims", "date_end"): ("Last day", "Last day of the period the claim covers (ISO 8601 date)."),
}


def field_of(name: str, column: str) -> dict:
    old = {f["name"]: f for f in old_schema(name)["fields"]}
    field = dict(old[RENAMED_FIELDS.get((name, column), column)])
    field["name"] = column
    field.pop("unit", None)
    if (name, column) in FIELD_TEXT:
        field["title"], field["description"] = FIELD_TEXT[(name, column)]
    if column == "source_table":
        field["constraints"] = {"enum": ["ca_fighter_estimates"]}
        field["description"] = ("The table that holds this row's number: ca_fighter_estimates for the cells of Ergashev's "
                                "Table 1 (added here by the build, in this table's shape); empty for the text's estimates.")
    if column in ("date_start", "date_end", "published"):
        field["type"] = "string"
        field["constraints"] = {"required": True, "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    return field


def schema_for(name: str, dims: list[str], extras: list[str], key: list[str]) -> dict:
    old = old_schema(name)
    fields = [field_of(name, c) for c in dims] + [dict(f) for f in OBSERVATION_FIELDS]
    fields += [field_of(name, c) for c in extras] + [dict(f) for f in PROVENANCE_FIELDS]
    return {"fields": fields, "primaryKey": key, "missingValues": old.get("missingValues", ["", "nan"]), "foreignKeys": FK}


def dump(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def migrate_themed() -> None:
    for name, (dims, extras, key, transform) in THEMED.items():
        rows = [transform(r) for r in read_csv(f"curated/{name}.csv")]
        schema = schema_for(name, dims, extras, key)
        derived = {f["name"] for f in schema["fields"] if f.get("derived")} | ({"category_label"} if name == "kz_hotline_report_shares" else set())
        header = [f["name"] for f in schema["fields"] if f["name"] not in derived]
        write_csv(CUR / f"{name}.csv", header, rows)
        dump(SCH / f"{name}.json", schema)


ERRATA_KEYS = {"kg_youth_media_study_design:report_year": "kg_youth_media_study_design:sfcg_study_report_year",
               "kz_hotline_organisation:inhope_member_since": "kz_hotline_organisation:inhope_membership_year",
               "kz_hotline_organisation:prosecutor_memorandum_signed": "kz_hotline_organisation:prosecutor_memorandum_year"}


def migrate_errata() -> None:
    text = old_text("curated/errata.csv")
    for old, new in ERRATA_KEYS.items():
        text = text.replace(old, new)
    (CUR / "errata.csv").write_text(text, encoding="utf-8")


def migrate_date_table() -> None:
    name = "osce_field_presence_events"
    text = old_text(f"curated/{name}.csv")
    header, _, rest = text.partition("\n")
    (CUR / f"{name}.csv").write_text(header.replace(",qualifier,", ",year_qualifier,") + "\n" + rest, encoding="utf-8")
    schema = old_schema(name)
    for field in schema["fields"]:
        if field["name"] == "qualifier":
            field["name"] = "year_qualifier"
            field["title"] = "Year qualifier"
    dump(SCH / f"{name}.json", schema)


def main() -> None:
    migrate_errata()
    migrate_date_table()
    added = migrate_facts()
    clash = {k for k in added if k in INDICATORS or k in MERGED_INDICATORS}
    write_registers({**added, **INDICATORS, **MERGED_INDICATORS})
    migrate_themed()
    facts_schema()
    for name in MERGED:
        for suffix in ("csv", "yaml"):
            (CUR / f"{name}.{suffix}").unlink(missing_ok=True)
        (SCH / f"{name}.json").unlink(missing_ok=True)
        (ROOT / "datasets" / f"{name}.parquet").unlink(missing_ok=True)
    print("indicators named both by the facts and the tables (the tables' text wins):", sorted(clash))



UNIT_KINDS = ["count", "percent", "duration", "date", "currency", "currency_rate", "ratio", "frequency", "length", "voltage", "rank"]
ALL_PAPERS = ["szabo_welcome", "imanaliev", "dunay", "akimbekov", "knyazev", "spinghar", "sikorskaia", "sabirov", "karatayeva",
              "dronzina", "ergashev", "osce_office"]


def write_registers(indicators: dict[str, tuple[str, str, str]]) -> None:
    write_csv(CUR / "units.csv", ["unit", "label", "kind", "currency"],
              [dict(zip(["unit", "label", "kind", "currency"], u)) for u in UNITS])
    write_csv(CUR / "indicators.csv", ["indicator", "label", "description", "unit"],
              [{"indicator": k, "label": v[0], "description": v[1], "unit": v[2]} for k, v in sorted(indicators.items())])
    code = {"required": True, "pattern": "^[a-z][a-z0-9_]*$"}
    dump(SCH / "units.json", {
        "fields": [
            {"name": "unit", "type": "string", "title": "Unit", "description": "Code of the unit, as the unit columns of every table hold it.", "constraints": {**code, "unique": True}},
            {"name": "label", "type": "string", "title": "Label", "description": "The unit in words.", "constraints": {"required": True}},
            {"name": "kind", "type": "string", "title": "Kind", "description": "What kind of quantity the unit measures: count, percent (always 0-100), duration, date (a calendar year), currency, currency_rate (money per time), ratio (times), frequency, length, voltage, rank.", "constraints": {"required": True, "enum": UNIT_KINDS}},
            {"name": "currency", "type": "string", "title": "Currency (ISO 4217)", "description": "For money: the ISO 4217 code of the currency; empty otherwise.", "constraints": {"pattern": "^[A-Z]{3}$"}},
        ],
        "primaryKey": ["unit"], "missingValues": ["", "nan"],
    })
    dump(SCH / "indicators.json", {
        "fields": [
            {"name": "indicator", "type": "string", "title": "Indicator", "description": "Code of the quantity, as the indicator column of every table and of facts holds it.", "constraints": {**code, "unique": True}},
            {"name": "label", "type": "string", "title": "Label", "description": "The quantity in a few words.", "constraints": {"required": True, "maxLength": 120}},
            {"name": "description", "type": "string", "title": "Description", "description": "What is counted or measured, as a user needs it to compare figures.", "constraints": {"required": True}},
            {"name": "unit", "type": "string", "title": "Unit", "description": "The unit every observation of the indicator is in: a unit of the units register.", "constraints": code},
        ],
        "primaryKey": ["indicator"], "missingValues": ["", "nan"],
        "foreignKeys": [{"fields": "unit", "reference": {"resource": "units", "fields": "unit"}}],
    })
    (CUR / "units.yaml").write_text(f"""title: Units of the catalog
description: >-
  Every unit a number of the catalog is in, as a small fixed vocabulary: its code, its
  label, its kind and, for money, the ISO 4217 currency. Every share is percent on a 0-100
  scale, whatever the words printed ("half" is 50).
row: One unit.
unit: not applicable (a vocabulary)
population: The units of the numbers of the volume.
period: Not applicable.
paper_id: [{", ".join(ALL_PAPERS)}]
caveats:
  - A unit is a unit of measurement, never a description; what is counted is said by the indicator.
""", encoding="utf-8")
    (CUR / "indicators.yaml").write_text(f"""title: Indicators of the catalog
description: >-
  Every quantity the catalog's numbers measure, once: its code, label, description and unit.
  The same quantity has the same code in every table and in facts, so that facts can be
  grouped by indicator, place and year, and estimates of one quantity from different papers
  compared.
row: One indicator (a quantity the volume gives at least one number for).
unit: not applicable (a vocabulary)
population: The quantities of the volume.
period: Not applicable.
paper_id: [{", ".join(ALL_PAPERS)}]
caveats:
  - Many indicators have a single number in the volume; they are kept so that every number has one.
""", encoding="utf-8")


FACT_COLUMNS = ["fact_id", *OBS_CURATED, "measure", "note", "paper_id", "page", "line", "quote"]
FRACTION_UNITS = {"fraction", "fraction_of_users", "fraction of the population"}


def merged_facts(taken: dict[tuple[str, str], int]) -> tuple[list[dict[str, str]], dict[str, list[str]]]:
    """The rows of the merged tables as text facts, and each merged table's fact ids."""
    rows, ids = [], {}
    for name, (column, spec) in MERGED.items():
        ids[name] = []
        for r in read_csv(f"curated/{name}.csv"):
            indicator, place, iso3, year = spec[r[column]]
            unit = {**INDICATORS, **MERGED_INDICATORS}[indicator][2]
            fact = obs(r, indicator, place=place or r.get("place", ""), iso3=iso3 or r.get("iso3", ""), year=year,
                       percent=r.get("unit", "") in FRACTION_UNITS, period=r.get("period") or r.get("as_of", "") or (r.get("year", "")))
            if unit == "percent" and r.get("unit", "") not in FRACTION_UNITS:
                pass  # printed in percent already
            key = (r["paper_id"], r["line"])
            taken[key] = taken.get(key, 0) + 1
            fact["fact_id"] = f"{r['paper_id']}-{r['line']}-{taken[key]}"
            fact["measure"] = r.get("described_as") or {**INDICATORS, **MERGED_INDICATORS}[indicator][0]
            rows.append(fact)
            ids[name].append(fact["fact_id"])
    return rows, ids


def facts_schema() -> None:
    old = {f["name"]: f for f in old_schema("facts")["fields"]}
    source_table = dict(old["table"], name="source_table", title="Themed table")
    source_table["description"] = ("The themed table that holds this number; empty for a number only the text holds. "
                                   "Derived: the build adds one fact per printed number of every themed table.")
    fields = [old["fact_id"], *[dict(f) for f in OBSERVATION_FIELDS], old["measure"], source_table, old["row_key"],
              *[dict(f) for f in PROVENANCE_FIELDS]]
    dump(SCH / "facts.json", {"fields": fields, "primaryKey": ["fact_id"], "missingValues": ["", "nan"], "foreignKeys": FK})


def migrate_facts() -> dict[str, tuple[str, str, str]]:
    """facts.csv in the observation model; returns the indicators its text facts add."""
    model_path = ROOT / "checks" / "migrations" / "facts_model.csv"
    model = {r["fact_id"]: r for r in csv.DictReader(model_path.open(encoding="utf-8"))}
    added = {r["indicator"]: (r["label"], r["description"], r["unit"])
             for r in csv.DictReader((ROOT / "checks" / "migrations" / "facts_indicators.csv").open(encoding="utf-8"))}
    rows, taken = [], {}
    for r in read_csv("curated/facts.csv"):
        m = model[r["fact_id"]]
        paper, line, n = r["fact_id"].rsplit("-", 2)
        taken[(paper, line)] = max(taken.get((paper, line), 0), int(n))
        percent = r["unit"] == "fraction"
        fact = obs(r, m["indicator"], place=r["place"], iso3=m["iso3"], period=r["period"], year=(m["year_start"], m["year_end"]),
                   percent=percent)
        fact["fact_id"], fact["measure"] = r["fact_id"], r["measure"]
        rows.append(fact)
    merged, ids = merged_facts(taken)
    write_csv(CUR / "facts.csv", FACT_COLUMNS, rows + merged)
    dump(ROOT / "src" / "cadata" / "deprecated.json", {
        name: {"since": "0.2.0", "replacement": "facts", "fact_ids": fact_ids} for name, fact_ids in ids.items()})
    return added


if __name__ == "__main__":
    main()
