"""RATE001: slowapi wired into the app, with a default limit and a stricter one on auth routes.

The fix creates `limiter.py` beside the app module (`Limiter(key_func=get_remote_address,
default_limits=["100/minute"])`) unless the project has a `Limiter` already; after `app =
FastAPI(...)` it sets `app.state.limiter`, the `RateLimitExceeded` handler and
`SlowAPIMiddleware`; every login, register, token and password route gets
`@limiter.limit("5/minute")` under its route decorator and the `request: Request` parameter
slowapi needs. `slowapi` is added to the project's dependency files. A route whose `request`
parameter is not a `Request` is left to a person (slowapi reads that parameter).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

import libcst as cst

from cynic.agents.fixers import _python as py
from cynic.agents.fixers._dependencies import add_python_dependency
from cynic.agents.fixers._workspace import Unfixable, Workspace, locate
from cynic.models import Finding
from cynic.source import FileKind

AUTH_ROUTE = re.compile(r"log_?in|register|sign_?up|token|password|recover|reset", re.I)
LIMITER_MODULE = '''"""The rate limiter: a default limit on every route, a stricter one on authentication routes."""

from slowapi import Limiter
from slowapi.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=["100/minute"])
'''
WIRING = (
    "{app}.state.limiter = limiter\n",
    "{app}.add_exception_handler(RateLimitExceeded, _rate_limit_exceeded_handler)\n",
    "{app}.add_middleware(SlowAPIMiddleware)\n",
)
IMPORTS = (
    ("slowapi", "_rate_limit_exceeded_handler"),
    ("slowapi.errors", "RateLimitExceeded"),
    ("slowapi.middleware", "SlowAPIMiddleware"),
)


def fix(files: Workspace, finding: Finding) -> None:
    line = locate(files, finding)
    module = py.load(files, finding.path)
    apps = module.nodes(cst.Assign, lambda a: isinstance(a.value, cst.Call) and py.last_name(a.value.func) == "FastAPI")
    app = module.at_line(line, cst.Assign, lambda a: a in apps) or (apps[0] if apps else None)
    if app is None:
        raise Unfixable(f"no `app = FastAPI(...)` in {finding.path} to attach a rate limiter to")
    limiter_path = _limiter_module(files, finding.path)
    _wire(files, finding.path, module, app)
    py.import_name(files, finding.path, limiter_path, "limiter")
    skipped = [route for path in files.files(FileKind.PYTHON) for route in _limit_auth_routes(files, path, limiter_path)]
    add_python_dependency(files, "slowapi")
    if skipped:
        routes = f"route {skipped[0]} takes" if len(skipped) == 1 else f"routes {', '.join(skipped)} take"
        raise Unfixable(f"rate limiting is wired in, but the auth {routes} a `request` that is not a `Request`: "
                        "rename it and add `@limiter.limit(\"5/minute\")`", keep_edits=True)


def _limiter_module(files: Workspace, app_path: str) -> str:
    for path in files.files(FileKind.PYTHON):
        if "Limiter(" in files.read(path) and py.binds_name(py.load(files, path).module, "limiter"):
            return path
    folder = PurePosixPath(app_path).parent
    path = "limiter.py" if str(folder) == "." else f"{folder}/limiter.py"
    files.write(path, LIMITER_MODULE)
    return path


def _wire(files: Workspace, path: str, module: py.PyFile, app: cst.Assign) -> None:
    name = module.code(app.targets[0].target)
    if f"{name}.state.limiter" in module.module.code:
        return
    statement = module.statement_of(app)
    index = module.module.body.index(statement)  # type: ignore[arg-type]
    wiring = [cst.parse_statement(code.format(app=name)) for code in WIRING]
    body = [*module.module.body[: index + 1], *wiring, *module.module.body[index + 1 :]]
    edited = module.module.with_changes(body=body)
    for source, name_ in IMPORTS:
        edited = py.with_import(edited, source, name_)
    py.save(files, path, edited)


def _limit_auth_routes(files: Workspace, path: str, limiter_path: str) -> list[str]:
    """Add the stricter limit to every auth route of one module; the routes it had to skip."""
    module = py.load(files, path)
    routes = [f for f in module.nodes(cst.FunctionDef) if _is_auth_route(f) and "limiter.limit" not in module.code(f)]
    skipped = [f"`{f.name.value}`" for f in routes if _request_is_not_a_request(f)]
    routes = [f for f in routes if not _request_is_not_a_request(f)]
    if not routes:
        return skipped
    edited = module.module
    for route in routes:
        edited = edited.deep_replace(route, _limited(route))  # type: ignore[assignment]
    py.save(files, path, py.with_import(edited, "fastapi", "Request"))
    py.import_name(files, path, limiter_path, "limiter")
    return skipped


def _is_auth_route(function: cst.FunctionDef) -> bool:
    decorator = py.route_decorator(function)
    if decorator is None:
        return False
    call = decorator.decorator
    route = call.args[0].value if isinstance(call, cst.Call) and call.args else None
    route_path = str(route.evaluated_value) if isinstance(route, cst.SimpleString) else ""
    return bool(AUTH_ROUTE.search(function.name.value) or AUTH_ROUTE.search(route_path))


def _request_is_not_a_request(function: cst.FunctionDef) -> bool:
    request = py.parameter(function, "request")
    return request is not None and py.annotation_text(request) not in ("Request", "starlette.requests.Request",
                                                                       "fastapi.Request")


def _limited(function: cst.FunctionDef) -> cst.FunctionDef:
    decorators = list(function.decorators)
    route = decorators.index(py.route_decorator(function))  # type: ignore[arg-type]
    limit = cst.Decorator(decorator=cst.parse_expression('limiter.limit("5/minute")'))
    decorators.insert(route + 1, limit)
    function = function.with_changes(decorators=decorators)
    if py.parameter(function, "request") is None:
        function = py.with_first_param(function, "request: Request")
    return function
