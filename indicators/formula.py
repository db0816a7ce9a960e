"""Indicator formulas: a whitelisted arithmetic language parsed with ``ast``, never ``eval``.

The language: numbers, input codes, ``+ - * /``, parentheses, unary minus, a
small constant power (``x ** 2``), and the aggregates ``mean(table, expr)``,
``sum(table, expr)`` and ``count(table)`` over a table input, where ``expr`` is
evaluated for each row with the row's columns as names (a date minus a date
gives days). Everything else is refused when the formula is checked: attribute
access, subscripts, calls to anything else, comprehensions, lambdas, names
that are not declared inputs, big exponents.

One checked formula is evaluated two ways with the same rules: on one
assessment's values with ``Decimal`` (exact), and on a whole batch with pandas
(vectorised over a DataFrame; see ``indicators.batch``).
"""

import ast
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, DivisionByZero, InvalidOperation

from django.utils.translation import gettext as _

AGGREGATES = ("mean", "sum", "count")
MAX_FORMULA_LENGTH = 500
MAX_DEPTH = 25
MAX_EXPONENT = 4

_BINARY = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
_UNARY = (ast.USub, ast.UAdd)


class FormulaError(ValueError):
    """The formula is not in the allowed language; the message says what is wrong."""


class Undefined(ArithmeticError):  # noqa: N818 - a result status, not a programming error
    """The value exists mathematically nowhere: a zero denominator, an empty table."""


@dataclass(frozen=True)
class Formula:
    source: str
    tree: ast.Expression
    inputs: frozenset[str]  # the top-level input codes it reads, tables included

    def evaluate(self, values: dict) -> Decimal:
        """Evaluate on one set of values (Decimal, or lists of row dicts for tables).

        Every input must be present; the caller reports missing ones first.
        Raises Undefined for a zero denominator or an empty table.
        """
        return _DecimalEvaluator(values).visit(self.tree.body)


def parse_formula(source: str, *, scalars: set[str], tables: dict[str, set[str]]) -> Formula:
    """Check a formula against the declared inputs and return it ready to evaluate.

    ``scalars`` are the numeric input codes; ``tables`` maps a table input's code
    to its column codes.
    """
    if not isinstance(source, str) or not source.strip():
        raise FormulaError(_("公式不能为空。"))
    if len(source) > MAX_FORMULA_LENGTH:
        raise FormulaError(_("公式过长（上限 %(n)d 个字符）。") % {"n": MAX_FORMULA_LENGTH})
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(_("公式语法错误：%(msg)s") % {"msg": exc.msg}) from exc
    checker = _Checker(scalars=scalars, tables=tables)
    checker.check(tree.body, depth=0, row_columns=None)
    return Formula(source=source.strip(), tree=tree, inputs=frozenset(checker.used))


class _Checker:
    def __init__(self, *, scalars, tables):
        self.scalars = set(scalars)
        self.tables = {k: set(v) for k, v in tables.items()}
        self.used: set[str] = set()

    def check(self, node, *, depth, row_columns):
        if depth > MAX_DEPTH:
            raise FormulaError(_("公式嵌套过深。"))
        match node:
            case ast.Constant(value=value) if isinstance(value, int | float) and not isinstance(
                value, bool
            ):
                return
            case ast.Name(id=name):
                if row_columns is not None and name in row_columns:
                    return
                if name in self.scalars:
                    self.used.add(name)
                    return
                if name in self.tables:
                    raise FormulaError(
                        _("明细表 %(name)s 只能在 mean/sum/count 中使用。") % {"name": name}
                    )
                raise FormulaError(_("未声明的输入代码：%(name)s") % {"name": name})
            case ast.BinOp(left=left, op=op, right=right) if isinstance(op, _BINARY):
                if isinstance(op, ast.Pow):
                    self._check_exponent(right)
                self.check(left, depth=depth + 1, row_columns=row_columns)
                self.check(right, depth=depth + 1, row_columns=row_columns)
                return
            case ast.UnaryOp(op=op, operand=operand) if isinstance(op, _UNARY):
                self.check(operand, depth=depth + 1, row_columns=row_columns)
                return
            case ast.Call(func=ast.Name(id=func), args=args, keywords=[]) if func in AGGREGATES:
                self._check_aggregate(func, args, depth=depth, row_columns=row_columns)
                return
            case ast.Call():
                raise FormulaError(_("只允许调用 mean、sum、count。"))
            case ast.Attribute():
                raise FormulaError(_("不允许访问属性（.）。"))
            case ast.Subscript():
                raise FormulaError(_("不允许下标（[]）。"))
        raise FormulaError(_("不允许的表达式：%(kind)s") % {"kind": type(node).__name__})

    def _check_exponent(self, node):
        exponent = node.operand if isinstance(node, ast.UnaryOp) else node
        if not (
            isinstance(exponent, ast.Constant)
            and isinstance(exponent.value, int)
            and not isinstance(exponent.value, bool)
            and abs(exponent.value) <= MAX_EXPONENT
        ):
            raise FormulaError(
                _("乘方的指数必须是绝对值不超过 %(n)d 的整数常量。") % {"n": MAX_EXPONENT}
            )

    def _check_aggregate(self, func, args, *, depth, row_columns):
        if row_columns is not None:
            raise FormulaError(_("聚合函数不能嵌套。"))
        expected = 1 if func == "count" else 2
        if len(args) != expected or not isinstance(args[0], ast.Name):
            raise FormulaError(
                _("%(func)s 的用法：%(usage)s")
                % {
                    "func": func,
                    "usage": "count(table)" if func == "count" else f"{func}(table, expression)",
                }
            )
        table = args[0].id
        if table not in self.tables:
            raise FormulaError(_("%(name)s 不是明细表输入。") % {"name": table})
        self.used.add(table)
        if expected == 2:
            self.check(args[1], depth=depth + 1, row_columns=self.tables[table])


class _DecimalEvaluator:
    def __init__(self, values, row=None):
        self.values = values
        self.row = row

    def visit(self, node) -> Decimal:
        match node:
            case ast.Constant(value=value):
                return Decimal(str(value))
            case ast.Name(id=name):
                value = (
                    self.row[name]
                    if self.row is not None and name in self.row
                    else self.values[name]
                )
                return value if isinstance(value, date) else Decimal(value)
            case ast.UnaryOp(op=ast.USub(), operand=operand):
                return -self.visit(operand)
            case ast.UnaryOp(operand=operand):
                return self.visit(operand)
            case ast.BinOp(left=left, op=op, right=right):
                return self._binary(op, self.visit(left), self.visit(right), right)
            case ast.Call(func=ast.Name(id=func), args=args):
                return self._aggregate(func, args)
        raise FormulaError(type(node).__name__)  # unreachable for a checked formula

    def _binary(self, op, left, right, right_node):
        if isinstance(left, date) or isinstance(right, date):
            if isinstance(op, ast.Sub) and isinstance(left, date) and isinstance(right, date):
                return Decimal((left - right).days)
            raise FormulaError(_("日期只能相减。"))
        match op:
            case ast.Add():
                return left + right
            case ast.Sub():
                return left - right
            case ast.Mult():
                return left * right
            case ast.Div():
                if right == 0:
                    raise Undefined(_("分母 %(expr)s 为 0") % {"expr": ast.unparse(right_node)})
                try:
                    return left / right
                except (DivisionByZero, InvalidOperation) as exc:
                    raise Undefined(str(exc)) from exc
            case ast.Pow():
                if left == 0 and right < 0:
                    raise Undefined(_("0 的负数次方无定义"))
                return left ** int(right)
        raise FormulaError(type(op).__name__)

    def _aggregate(self, func, args):
        rows = self.values[args[0].id]
        if func == "count":
            return Decimal(len(rows))
        if not rows:
            raise Undefined(_("明细表 %(name)s 没有数据") % {"name": args[0].id})
        total = sum(
            (_DecimalEvaluator(self.values, row).visit(args[1]) for row in rows), Decimal(0)
        )
        return total if func == "sum" else total / len(rows)
