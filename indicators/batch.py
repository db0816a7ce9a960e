"""The indicators of many assessments at once: the same checked formulas, vectorised with pandas.

Inputs are a wide DataFrame (one row per assessment, one float column per
scalar input code, NaN when missing) and, for each table input, a long
DataFrame (``aid`` plus one column per table column). The statuses, missing
inputs and reasons follow the single-assessment engine exactly; the values are
floats (the single engine's are Decimals) and agree to floating-point precision.
"""

import ast
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from portal.models import IndustryType

from .engine import IndicatorSet, Status, is_applicable


@dataclass
class FrameResult:
    value: pd.Series  # float, NaN unless status is ok
    status: pd.Series  # Status values
    missing: pd.Series  # rows with status missing_input only: list of paths
    reason: pd.Series  # rows with status undefined only: why


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


def _table_holes(code, table, spec) -> pd.Series:
    """Per row with empty numeric cells in the table: the cell paths, row by row, column by column."""
    position = table.groupby("aid").cumcount()
    holes = [
        pd.DataFrame(
            {
                "aid": table.loc[mask, "aid"],
                "pos": position[mask],
                "col": column,
                "path": code + "[" + position[mask].astype(str) + "]." + column,
            }
        )
        for column in sorted(spec.table_numeric_columns(code))
        if (mask := table[column].isna()).any()
    ]
    if not holes:
        return pd.Series(dtype=object)
    cells = pd.concat(holes).sort_values(["aid", "pos", "col"])
    return cells.groupby("aid")["path"].agg(list)


def _missing_paths(compiled, scalars, tables, spec, index) -> pd.Series:
    """The missing input codes / table cells, in the single engine's order, for rows lacking any.

    Rows share few patterns of absent inputs, so paths are built once per pattern;
    only rows with empty table cells are assembled one by one.
    """
    order = compiled.input_order
    absent = np.zeros((len(index), len(order)), dtype=bool)
    holes = {}
    for j, code in enumerate(order):
        if code in spec.tables:
            absent[:, j] = ~index.isin(tables[code]["aid"].unique())
            found = _table_holes(code, tables[code], spec)
            if len(found):
                holes[code] = found
        else:
            absent[:, j] = scalars[code].isna().to_numpy()
    with_holes = index.isin(pd.Index([]).append([h.index for h in holes.values()]))
    pattern = absent.astype(np.int64) @ (1 << np.arange(len(order), dtype=np.int64))
    plain = (pattern > 0) & ~with_holes
    paths = {
        key: [code for j, code in enumerate(order) if key >> j & 1]
        for key in np.unique(pattern[plain]).tolist()
    }
    result = pd.Series(
        [paths[k] for k in pattern[plain].tolist()], index=index[plain], dtype=object
    )
    if with_holes.any():
        rows = {}
        for i in np.flatnonzero(with_holes):
            aid, row = index[i], []
            for j, code in enumerate(order):
                if absent[i, j]:
                    row.append(code)
                elif code in holes and aid in holes[code].index:
                    row.extend(holes[code][aid])
            rows[aid] = row
        result = pd.concat([result, pd.Series(rows, dtype=object)])
    return result


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
    results = {}
    for compiled in indicators.indicators:
        definition = compiled.definition
        applicable = industry_type.isin(
            [t for t in IndustryType.values if is_applicable(definition.applicability, t)]
        ).to_numpy()
        missing = _missing_paths(compiled, scalars, tables, spec, index)
        is_missing = index.isin(missing.index)
        evaluator = _FrameEvaluator(scalars, tables, index)
        value = evaluator.visit(compiled.formula.tree.body)
        undefined = (evaluator.reason != "").to_numpy() | value.isna().to_numpy()
        status = np.full(len(index), Status.OK.value, dtype=object)
        status[undefined] = Status.UNDEFINED.value
        status[is_missing] = Status.MISSING_INPUT.value
        status[~applicable] = Status.NOT_APPLICABLE.value
        status = pd.Series(status, index=index)
        ok = status == Status.OK.value
        results[definition.code] = FrameResult(
            value=value.where(ok, np.nan),
            status=status,
            missing=missing[(status[missing.index] == Status.MISSING_INPUT.value).to_numpy()],
            reason=evaluator.reason[status == Status.UNDEFINED.value],
        )
    return results


def improvement_frame(direction: str, base: FrameResult, current: FrameResult) -> pd.Series:
    """Vectorised ``engine.improvement``: the change in %, NaN where there is none."""
    both = (base.status == Status.OK.value) & (current.status == Status.OK.value)
    change = (current.value - base.value) / base.value.abs() * 100
    if direction != "higher":
        change = -change
    return change.where(both & (base.value != 0))
