"""The compliance score: per family, compliant sites / examined sites, weighted.

Rules count the sites they examine; the score is computed here once, so `score`,
`check --statistics`, JSON, Markdown and the baseline all show the same numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ssotlint.diagnostics import Diagnostic, Sites

FAMILIES = {
    "SOT1": "single definition (SOT101-SOT103)",
    "SOT2": "deprecations (SOT201-SOT202)",
    "SOT3": "test bases (SOT301)",
    "SOT4": "test hygiene (SOT401-SOT404)",
}


@dataclass(frozen=True)
class FamilyScore:
    family: str
    examined: int
    compliant: int
    weight: float

    @property
    def percent(self) -> float | None:
        if self.examined == 0:
            return None
        return 100.0 * self.compliant / self.examined


@dataclass(frozen=True)
class Score:
    families: tuple[FamilyScore, ...]
    value: float  # 0-100, one decimal
    top_packages: tuple[tuple[str, int], ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "score": self.value,
            "families": {
                f.family: {
                    "description": FAMILIES[f.family],
                    "examined": f.examined,
                    "compliant": f.compliant,
                    "percent": None if f.percent is None else round(f.percent, 1),
                    "weight": f.weight,
                }
                for f in self.families
            },
            "top_packages": [{"package": p, "violations": n} for p, n in self.top_packages],
        }

    def explain(self) -> list[str]:
        lines = []
        used = [f for f in self.families if f.percent is not None]
        for f in self.families:
            if f.percent is None:
                lines.append(f"{f.family}: no sites examined -> left out of the mean")
            else:
                lines.append(
                    f"{f.family}: {f.compliant} / {f.examined} = {f.percent:.2f}%  "
                    f"(weight {f.weight:g})"
                )
        if not used or sum(f.weight for f in used) == 0:
            lines.append("score = 100.0 (nothing examined)")
            return lines
        num = " + ".join(f"{f.weight:g} x {f.percent:.2f}" for f in used)
        den = " + ".join(f"{f.weight:g}" for f in used)
        lines.append(f"score = ({num}) / ({den}) = {self.value:.1f}")
        return lines


def package_of(path: str) -> str:
    parts = path.split("/")[:-1]
    return "/".join(parts[:3]) if parts else "."


def compute(
    sites: Mapping[str, Sites],
    diagnostics: Sequence[Diagnostic],
    weights: Mapping[str, float],
    top: int = 5,
) -> Score:
    families = []
    for family in FAMILIES:
        examined = sum(s.examined for code, s in sites.items() if code.startswith(family))
        compliant = sum(s.compliant for code, s in sites.items() if code.startswith(family))
        families.append(FamilyScore(family, examined, compliant, float(weights.get(family, 0.0))))
    used = [f for f in families if f.percent is not None and f.weight > 0]
    total_weight = sum(f.weight for f in used)
    if total_weight == 0:
        value = 100.0
    else:
        value = sum(f.weight * (f.percent or 0.0) for f in used) / total_weight
    counts = Counter(package_of(d.path) for d in diagnostics if d.code[:4] in FAMILIES)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return Score(tuple(families), round(value + 1e-9, 1), tuple(ranked))
