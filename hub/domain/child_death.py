"""Child death review: the notification, the reporting forms each involved agency completes, and the child
death overview panel's (CDOP) analysis, with the categories and modifiable factors of the national analysis
form, population statistics and the export for the national database.

The child death review partners are the local authority and the ICB; one CDOP covers several partnerships
(enough to see about 60 deaths a year). The panel analyses de-identified material: no name, NHS number or
date of birth, and the child's names struck from what agencies wrote.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from hub.domain.statistics import SUPPRESSED, suppress
from hub.errors import ValidationError

MAX_TEXT = 10_000
PER_CHILDREN = 100_000


class DeathCategory(StrEnum):
    """The ten categories of the national child death analysis form, in its order."""

    DELIBERATELY_INFLICTED_INJURY_ABUSE_OR_NEGLECT = "DELIBERATELY_INFLICTED_INJURY_ABUSE_OR_NEGLECT"
    SUICIDE_OR_DELIBERATE_SELF_INFLICTED_HARM = "SUICIDE_OR_DELIBERATE_SELF_INFLICTED_HARM"
    TRAUMA_AND_OTHER_EXTERNAL_FACTORS = "TRAUMA_AND_OTHER_EXTERNAL_FACTORS"
    MALIGNANCY = "MALIGNANCY"
    ACUTE_MEDICAL_OR_SURGICAL_CONDITION = "ACUTE_MEDICAL_OR_SURGICAL_CONDITION"
    CHRONIC_MEDICAL_CONDITION = "CHRONIC_MEDICAL_CONDITION"
    CHROMOSOMAL_GENETIC_AND_CONGENITAL_ANOMALIES = "CHROMOSOMAL_GENETIC_AND_CONGENITAL_ANOMALIES"
    PERINATAL_NEONATAL_EVENT = "PERINATAL_NEONATAL_EVENT"
    INFECTION = "INFECTION"
    SUDDEN_UNEXPECTED_UNEXPLAINED_DEATH = "SUDDEN_UNEXPECTED_UNEXPLAINED_DEATH"

    @property
    def number(self) -> int:
        return list(DeathCategory).index(self) + 1


class FactorDomain(StrEnum):
    CHILD = "CHILD"
    SOCIAL_ENVIRONMENT = "SOCIAL_ENVIRONMENT"
    SERVICE_DELIVERY = "SERVICE_DELIVERY"


class FactorContribution(StrEnum):
    """The panel's judgement of the factors in one domain (0, 1, 2 on the national form)."""

    NONE_IDENTIFIED = "NONE_IDENTIFIED"
    MAY_HAVE_CONTRIBUTED = "MAY_HAVE_CONTRIBUTED"
    PROVIDE_COMPLETE_EXPLANATION = "PROVIDE_COMPLETE_EXPLANATION"


class Modifiability(StrEnum):
    MODIFIABLE_FACTORS_IDENTIFIED = "MODIFIABLE_FACTORS_IDENTIFIED"
    NO_MODIFIABLE_FACTORS = "NO_MODIFIABLE_FACTORS"
    INSUFFICIENT_INFORMATION = "INSUFFICIENT_INFORMATION"


class DeathStatus(StrEnum):
    AWAITING_REPORTS = "AWAITING_REPORTS"
    ANALYSED = "ANALYSED"


class ReportStatus(StrEnum):
    REQUESTED = "REQUESTED"
    SUBMITTED = "SUBMITTED"


class AgeBand(StrEnum):
    """The national database's age groups."""

    UNDER_28_DAYS = "UNDER_28_DAYS"
    DAYS_28_TO_364 = "DAYS_28_TO_364"
    YEARS_1_TO_4 = "YEARS_1_TO_4"
    YEARS_5_TO_9 = "YEARS_5_TO_9"
    YEARS_10_TO_14 = "YEARS_10_TO_14"
    YEARS_15_TO_17 = "YEARS_15_TO_17"
    NOT_KNOWN = "NOT_KNOWN"


def age_band(born: date | None, died: date) -> AgeBand:
    if born is None or born > died:
        return AgeBand.NOT_KNOWN
    days = (died - born).days
    years = died.year - born.year - ((died.month, died.day) < (born.month, born.day))
    if days < 28:
        return AgeBand.UNDER_28_DAYS
    if years < 1:
        return AgeBand.DAYS_28_TO_364
    for limit, band in ((5, AgeBand.YEARS_1_TO_4), (10, AgeBand.YEARS_5_TO_9), (15, AgeBand.YEARS_10_TO_14)):
        if years < limit:
            return band
    return AgeBand.YEARS_15_TO_17


def check_text(value: str, field: str, what: str, minimum: int = 1) -> str:
    text = value.strip()
    if len(text) < minimum:
        raise ValidationError(what, field=field)
    if len(text) > MAX_TEXT:
        raise ValidationError(f"At most {MAX_TEXT} characters.", field=field)
    return text


@dataclass(frozen=True)
class DeathNotificationDraft:
    child_id: str
    date_of_death: date
    unexpected: bool
    place_of_death: str  # e.g. "hospital", "home"
    circumstances: str


def check_notification(draft: DeathNotificationDraft, today: date, born: date | None) -> DeathNotificationDraft:
    if draft.date_of_death > today:
        raise ValidationError("The date of death cannot be in the future.", field="dateOfDeath")
    if born is not None and draft.date_of_death < born:
        raise ValidationError("The date of death is before the child's date of birth.", field="dateOfDeath")
    return DeathNotificationDraft(draft.child_id, draft.date_of_death, draft.unexpected,
                                  check_text(draft.place_of_death, "placeOfDeath", "Say where the child died."),
                                  check_text(draft.circumstances, "circumstances", "Describe the circumstances.", 10))


@dataclass(frozen=True)
class ReportDraft:
    """An agency's reporting form: what it knew of the child and family, and its concerns."""

    involvement: str
    concerns: str | None = None


@dataclass(frozen=True)
class FactorJudgement:
    domain: FactorDomain
    contribution: FactorContribution
    factors: str | None = None  # what the factors were (required unless none were identified)


@dataclass(frozen=True)
class AnalysisDraft:
    category: DeathCategory
    factors: tuple[FactorJudgement, ...]
    learning: str
    sufficient_information: bool = True


def check_analysis(draft: AnalysisDraft) -> AnalysisDraft:
    domains = [judgement.domain for judgement in draft.factors]
    if sorted(domains) != sorted(FactorDomain):
        raise ValidationError("Judge each domain once: the child, the social environment and service delivery.",
                              field="factors")
    factors = []
    for judgement in sorted(draft.factors, key=lambda j: list(FactorDomain).index(j.domain)):
        text = (judgement.factors or "").strip() or None
        if judgement.contribution != FactorContribution.NONE_IDENTIFIED and text is None:
            raise ValidationError(f"Say which factors were identified in the {judgement.domain.lower()} domain.",
                                  field="factors")
        if text and len(text) > MAX_TEXT:
            raise ValidationError(f"At most {MAX_TEXT} characters.", field="factors")
        factors.append(FactorJudgement(judgement.domain, judgement.contribution, text))
    learning = check_text(draft.learning, "learning", "Record what the panel learned.", 10)
    return AnalysisDraft(draft.category, tuple(factors), learning, draft.sufficient_information)


def modifiability(analysis: AnalysisDraft) -> Modifiability:
    """Modifiable factors are those in any domain that may have contributed (the national form's rule)."""
    if not analysis.sufficient_information:
        return Modifiability.INSUFFICIENT_INFORMATION
    if any(j.contribution != FactorContribution.NONE_IDENTIFIED for j in analysis.factors):
        return Modifiability.MODIFIABLE_FACTORS_IDENTIFIED
    return Modifiability.NO_MODIFIABLE_FACTORS


def strike_names(text: str | None, names: Iterable[str]) -> str | None:
    """What an agency wrote, with the child's names struck out, for the panel's de-identified analysis."""
    if text is None:
        return None
    for name in sorted({n for n in names if n and len(n) > 1}, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", "[the child]", text, flags=re.IGNORECASE)
    return text


# -- views -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportView:
    agency_id: str
    status: ReportStatus
    involvement: str | None  # de-identified for the panel
    concerns: str | None
    submitted_by_name: str | None
    submitted_at: datetime | None


@dataclass(frozen=True)
class AnalysisView:
    category: DeathCategory
    factors: tuple[FactorJudgement, ...]
    modifiability: Modifiability
    learning: str
    analysed_by_name: str
    analysed_at: datetime


@dataclass(frozen=True)
class ChildDeathView:
    """A death as the panel sees it: a case number, never the child's identity."""

    id: str
    case_number: str
    cdop_id: str
    partnership_id: str
    age_band: AgeBand
    sex: str | None
    date_of_death: date
    unexpected: bool
    joint_agency_response: bool
    place_of_death: str
    circumstances: str | None  # de-identified
    status: DeathStatus
    reports: tuple[ReportView, ...]
    analysis: AnalysisView | None
    notified_at: datetime


# -- statistics --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RateCell:
    """A count and its rate per 100,000 children, both suppressed when the count is from 1 to 4."""

    label: str
    count: str
    rate_per_100k: str


def rate_cell(label: str, count: int, population: int) -> RateCell:
    shown = suppress(count)
    if shown == SUPPRESSED or population <= 0:
        return RateCell(label, shown, SUPPRESSED if shown == SUPPRESSED else "")
    return RateCell(label, shown, f"{count * PER_CHILDREN / population:.1f}")


@dataclass(frozen=True)
class DeathStatistics:
    cdop_id: str
    cdop_name: str
    period_start: date | None
    period_end: date | None
    child_population: int
    partnerships: tuple[str, ...]
    total: RateCell
    by_category: tuple[RateCell, ...]
    by_modifiability: tuple[RateCell, ...]
    by_factor_domain: tuple[RateCell, ...]  # deaths with factors that may have contributed, per domain
    by_partnership: tuple[RateCell, ...]


def category_counts(rows: Iterable[str | None]) -> Mapping[str, int]:
    counts = {str(category): 0 for category in DeathCategory}
    for category in rows:
        if category:
            counts[category] = counts.get(category, 0) + 1
    return counts
