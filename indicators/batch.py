"""The indicators of many assessments at once: the same checked formulas, vectorised with pandas.

Inputs are a wide DataFrame (one row per assessment, one float column per
scalar input code, NaN when missing) and, for each table input, a long
DataFrame (``aid`` plus one column per table column). The statuses and the
details follow the single-assessment engine exactly; the values are floats
(the single engine's are Decimals) and agree to floating-point precision.
"""

import ast
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from portal.models import IndustryType

from .engine import DetailTexts, IndicatorSet, Status, is_applicable


@dataclass
class FrameResult:
    value: pd.Series  # float, NaN unless status is ok
    status: pd.Series  # Status values
    detail: pd.Series  # str
    missing: pd.Series  # list[str]


class _FrameEvaluator:
    """Evaluates a formula AST over Series; records why a row is undefined (first reason wins)."""

    def __init__(self, scalars: pd.DataFrame, tables: dict[str, pd.DataFrame], index):
        self.scalars = scalars
        self.tables = tables
        self.index = index
        self.reason = pd.Series("", index=index, dtype=object)

    def _note(self, mask: pd.Series, reason: str, target: pd.Series):
        fresh = mask & (target == "")
        target[fresh] = reason

    def visit(self, node, frame=None, reasons=None):
        frame = self.scalars if frame is None else frame
        reasons = self.reason if reasons is None else reasons
        match node:
            case ast.Constant(value=value):
                return pd.Series(float(value), index=frame.index)
            case ast.Name(id=name) if name in frame:
                return frame[name]
            case ast.Name(id=name):  # a scalar input used inside a table aggregate
                return pd.Series(
                    self.scalars[name].reindex(frame["aid"]).to_numpy(), index=frame.index
                )
            case ast.UnaryOp(op=ast.USub(), operand=operand):
                return -self.visit(operand, frame, reasons)
            case ast.UnaryOp(operand=operand):
                return self.visit(operand, frame, reasons)
            case ast.BinOp(left=left, op=op, right=right):
                a = self.visit(left, frame, reasons)
                b = self.visit(right, frame, reasons)
                return self._binary(op, a, b, right, reasons)
            case ast.Call(func=ast.Name(id=func), args=args):
                return self._aggregate(func, args)
        raise ValueError(type(node).__name__)

    def _binary(self, op, a, b, right_node, reasons):
        if pd.api.types.is_datetime64_any_dtype(a) and pd.api.types.is_datetime64_any_dtype(b):
            return (a - b).dt.days.astype(float)
        match op:
            case ast.Add():
                return a + b
            case ast.Sub():
                return a - b
            case ast.Mult():
                return a * b
            case ast.Div():
                zero = b == 0
                self._note(
                    zero, _("分母 %(expr)s 为 0") % {"expr": ast.unparse(right_node)}, reasons
                )
                return a / b.where(~zero)
            case ast.Pow():
                bad = (a == 0) & (b < 0)
                self._note(bad, _("0 的负数次方无定义"), reasons)
                return a.where(~bad) ** b
        raise ValueError(type(op).__name__)

    def _aggregate(self, func, args):
        table = self.tables[args[0].id]
        if func == "count":
            return table.groupby("aid").size().reindex(self.index, fill_value=0).astype(float)
        row_reasons = pd.Series("", index=table.index, dtype=object)
        per_row = self.visit(args[1], table, row_reasons)
        grouped = per_row.groupby(table["aid"])
        result = (grouped.sum() if func == "sum" else grouped.mean()).reindex(self.index)
        first_reason = row_reasons[row_reasons != ""].groupby(table["aid"]).first()
        undefined = pd.Series(False, index=self.index)
        undefined[first_reason.index] = True
        fresh = undefined & (self.reason == "")
        self.reason[fresh] = first_reason.reindex(self.index)[fresh]
        return result.where(~undefined)


def _missing_paths(compiled, scalars, tables, spec, index) -> pd.Series:
    """Per row, the list of missing input codes / table cells, in the single engine's order."""
    n = len(index)
    any_missing = np.zeros(n, dtype=bool)
    checks = []  # (code, absent flags) or (None, per-row cell paths, has-holes flags)
    for code in compiled.input_order:
        if code not in spec.tables:
            absent = scalars[code].isna().to_numpy()
            checks.append((code, absent, None))
            any_missing |= absent
            continue
        table = tables[code]
        absent = ~index.isin(table["aid"].unique())
        checks.append((code, absent, None))
        any_missing |= absent
        position = table.groupby("aid").cumcount()
        holes = []
        for column in sorted(spec.table_numeric_columns(code)):
            mask = table[column].isna()
            if mask.any():
                holes.append(
                    pd.DataFrame(
                        {
                            "aid": table.loc[mask, "aid"],
                            "pos": position[mask],
                            "col": column,
                            "path": code + "[" + position[mask].astype(str) + "]." + column,
                        }
                    )
                )
        if holes:
            cells = pd.concat(holes).sort_values(["aid", "pos", "col"])
            per_row = cells.groupby("aid")["path"].agg(list).reindex(index)
            has = per_row.notna().to_numpy()
            checks.append((None, has, per_row.to_numpy()))
            any_missing |= has
    result = np.empty(n, dtype=object)
    result[:] = [()] * n
    for i in np.flatnonzero(any_missing):
        paths = []
        for code, flags, cells in checks:
            if flags[i]:
                if code is None:
                    paths.extend(cells[i])
                else:
                    paths.append(code)
        result[i] = tuple(paths)
    return pd.Series(result, index=index)


def compute_frame(
    indicators: IndicatorSet,
    scalars: pd.DataFrame,
    tables: dict[str, pd.DataFrame],
    industry_type: pd.Series,
) -> dict[str, FrameResult]:
    """Every indicator for every row of ``scalars``; keyed by indicator code."""
    index = scalars.index
    spec = indicators.spec
    scalars = scalars.reindex(columns=sorted(spec.scalars)).astype(float)
    tables = {
        code: tables.get(code, pd.DataFrame(columns=["aid", *spec.tables[code]]))
        for code in spec.tables
    }
    texts = DetailTexts()
    results = {}
    for compiled in indicators.indicators:
        definition = compiled.definition
        applicable = industry_type.isin(
            [t for t in IndustryType.values if is_applicable(definition.applicability, t)]
        )
        missing = _missing_paths(compiled, scalars, tables, spec, index)
        is_missing = pd.Series(missing.map(len).to_numpy() > 0, index=index)
        evaluator = _FrameEvaluator(scalars, tables, index)
        value = evaluator.visit(compiled.formula.tree.body)
        undefined = (evaluator.reason != "") | value.isna()
        status = pd.Series(Status.OK.value, index=index, dtype=object)
        status[undefined] = Status.UNDEFINED.value
        status[is_missing] = Status.MISSING_INPUT.value
        status[~applicable] = Status.NOT_APPLICABLE.value
        detail = pd.Series("", index=index, dtype=object)
        rows = status == Status.UNDEFINED.value
        detail[rows] = [texts.undefined % {"reason": r} for r in evaluator.reason[rows].tolist()]
        rows = status == Status.MISSING_INPUT.value
        detail[rows] = [
            texts.missing_inputs(paths, indicators.input_names) for paths in missing[rows].tolist()
        ]
        rows = status == Status.NOT_APPLICABLE.value
        detail[rows] = texts.not_applicable % {"scope": definition.get_applicability_display()}
        kept = missing.to_numpy().copy()
        cleared = np.flatnonzero(
            (status != Status.MISSING_INPUT.value).to_numpy() & is_missing.to_numpy()
        )
        kept[cleared] = [()] * len(cleared)
        missing = pd.Series(kept, index=index)
        results[definition.code] = FrameResult(
            value=value.where(status == Status.OK.value, np.nan),
            status=status,
            detail=detail,
            missing=missing,
        )
    return results


def improvement_frame(
    direction: str, base: FrameResult, current: FrameResult, texts: DetailTexts | None = None
) -> tuple[pd.Series, pd.Series]:
    """Vectorised ``engine.improvement``: (change in %, detail)."""
    both = (base.status == Status.OK.value) & (current.status == Status.OK.value)
    zero = both & (base.value == 0)
    change = (current.value - base.value) / base.value.abs() * 100
    if direction != "higher":
        change = -change
    change = change.where(both & ~zero)
    texts = texts or DetailTexts()
    detail = pd.Series(texts.incomplete, index=base.value.index, dtype=object)
    detail[zero] = texts.zero_base
    detail[both & ~zero] = ""
    detail[current.status == Status.NOT_APPLICABLE.value] = ""
    return change, detail
