"""Every route of the URL resolver, with the HTTP methods its view handles.

A route is keyed by its URL name (the pattern when it has none). DRF's format-suffix
duplicates (``…\\.(?P<format>[a-z0-9]+)/?$``) share their route's name and view, so they are
folded into it. Methods come from the view itself: a DRF viewset's action map, an APIView's or a
class-based view's handlers, and ``require_http_methods`` (``require_GET``, ``require_POST``) on
a function view; a function view that does not restrict its methods handles both GET and POST.
Web pages are reached with GET and POST only (what a browser sends); the API with every method.
"""

import inspect
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

WEB_METHODS = ("GET", "POST")
API_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
FORMAT_SUFFIX = ("(?P<format>", "<drf_format_suffix:format>")

# Routes left out of the matrix, each with the reason it may be.
ALLOWLIST = {
    "admin/": "Django's admin site: staff only through its own login (is_staff), "
    "not one of the portal's roles; its many generated routes are Django's, not ours",
}


@dataclass(frozen=True)
class Route:
    key: str
    pattern: str
    methods: tuple[str, ...]
    callback: object

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")


def _restricted_methods(view) -> tuple[str, ...] | None:
    """The list given to ``require_http_methods`` somewhere in the view's decorators."""
    while view is not None:
        if inspect.isfunction(view):
            allowed = inspect.getclosurevars(view).nonlocals.get("request_method_list")
            if allowed is not None:
                return tuple(m.upper() for m in allowed)
        view = getattr(view, "__wrapped__", None)
    return None


def view_methods(callback, is_api: bool) -> tuple[str, ...]:
    universe = API_METHODS if is_api else WEB_METHODS
    if getattr(callback, "actions", None):  # a DRF viewset bound to its routes' actions
        handled = {m.upper() for m in callback.actions}
    elif hasattr(callback, "cls") or hasattr(callback, "view_class"):  # APIView, Django CBV
        view_class = getattr(callback, "cls", None) or callback.view_class
        handled = {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)}
    else:
        restricted = _restricted_methods(callback)
        handled = set(restricted) if restricted is not None else set(WEB_METHODS)
    return tuple(m for m in universe if m in handled)


def _walk(patterns, prefix=""):
    for entry in patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if any(pattern.startswith(allowed) for allowed in ALLOWLIST):
                continue
            yield from _walk(entry.url_patterns, pattern)
        elif isinstance(entry, URLPattern):
            yield pattern, entry


def all_routes() -> dict[str, Route]:
    """Every route but the allow-listed ones, by key; suffix duplicates folded away (each must
    have its plain route, which is checked)."""
    routes, suffixed = {}, []
    for pattern, entry in _walk(get_resolver().url_patterns):
        key = entry.name or pattern
        if any(marker in pattern for marker in FORMAT_SUFFIX):
            suffixed.append((key, pattern))
            continue
        is_api = pattern.startswith("api/")
        route = Route(key, pattern, view_methods(entry.callback, is_api), entry.callback)
        assert key not in routes, f"{pattern} and {routes[key].pattern} share the key {key!r}"
        routes[key] = route
    orphans = [pattern for key, pattern in suffixed if key not in routes]
    assert not orphans, f"format-suffix routes without their plain route: {orphans}"
    return routes
