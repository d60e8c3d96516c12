"""Is a DPIA required? Art. 35(3) triggers, the WP248 count and the national lists involved."""

from __future__ import annotations

from ._catalogue import Catalogue, Criterion
from ._context import Context
from ._report import Reason, ScreeningResult

__all__ = ["screen"]


def _fired(criteria: tuple[Criterion, ...], context: Context, involved: set[str]) -> list[Reason]:
    reasons = []
    for criterion in criteria:
        if not criterion.in_force(context.as_of):
            continue
        if criterion.jurisdictions and not involved.intersection(criterion.jurisdictions):
            continue
        if context.holds(criterion.when):
            text = criterion.title
            if criterion.rationale:
                text = (
                    f"{criterion.title}: {context.reason('', 'finding', criterion.rationale).text}"
                )
            reasons.append(
                context.reason(
                    criterion.id, "finding", "", criterion.legal, condition=criterion.when
                ).model_copy(update={"text": text})
            )
    return reasons


def screen(catalogue: Catalogue, context: Context, involved: set[str]) -> ScreeningResult:
    rules = catalogue.screening
    art35_3 = _fired(rules.art35_3, context, involved)
    wp248 = _fired(rules.wp248, context, involved)
    national = _fired(rules.national_lists, context, involved)
    count = len(wp248)
    because: list[Reason] = []
    if art35_3:
        because.append(
            Reason(
                rule="art35_3",
                axis="finding",
                text="an Art. 35(3) case applies",
                legal=context.cited(("GDPR Art. 35(3)",)),
            )
        )
    if national:
        because.append(
            Reason(
                rule="national_lists",
                axis="finding",
                text="the processing is on a supervisory authority's DPIA list",
                legal=context.cited(("GDPR Art. 35(4)",)),
            )
        )
    if count >= rules.wp248_required_at:
        because.append(
            Reason(
                rule="wp248",
                axis="finding",
                text=f"{count} of the nine WP248 criteria are met "
                f"({rules.wp248_required_at} or more make a DPIA required)",
                legal=context.cited(("WP248 rev.01",)),
            )
        )
    if because:
        verdict = "required"
    elif count >= 1:
        verdict = "likely"
        because.append(
            Reason(
                rule="wp248",
                axis="finding",
                text=f"{count} WP248 criterion is met; one can be enough, so a DPIA is likely "
                "needed and a decision not to do one must be justified",
                legal=context.cited(("WP248 rev.01",)),
            )
        )
    else:
        verdict = "not_required"
        because.append(
            Reason(
                rule="wp248",
                axis="finding",
                text="no Art. 35(3) case, national-list entry or WP248 criterion applies",
                legal=context.cited(("GDPR Art. 35(1)",)),
            )
        )
    return ScreeningResult(
        dpia_required=verdict,
        art35_3=tuple(art35_3),
        wp248=tuple(wp248),
        national_lists=tuple(national),
        because=tuple(because),
    )
