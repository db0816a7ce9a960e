"""Synthetic assessments: realistic shapes, random values, a fixed seed."""

import random

from evaluation.computation import AssessmentData
from evaluation.synthetic import full_inputs

STATUSES = ["not_started", "planned", "in_progress", "implemented"]


def _inputs(rng: random.Random) -> dict:
    values = full_inputs(rng)
    for code in rng.sample(sorted(values), rng.randint(0, 4)):
        del values[code]  # some enterprises leave inputs blank
    return values


def assessment_data(rng: random.Random) -> AssessmentData:
    return AssessmentData(
        industry_type=rng.choice(["discrete", "process", "mixed"]),
        scenario_status={no: rng.choice(STATUSES) for no in range(1, 46)},
        support_status={no: rng.choice(STATUSES) for no in range(1, 9)},
        base_inputs=_inputs(rng),
        current_inputs=_inputs(rng),
    )


def snapshot_of(data: AssessmentData, enterprise: dict) -> dict:
    return {
        "enterprise": {**enterprise, "industry_type": data.industry_type},
        "scenarios": {str(k): {"status": v} for k, v in data.scenario_status.items()},
        "support_elements": {str(k): {"status": v} for k, v in data.support_status.items()},
        "base_inputs": data.base_inputs,
        "current_inputs": data.current_inputs,
    }
