"""AUTH002/AUTH003: the login route sets the JWT in an HttpOnly, Secure, SameSite cookie, never the body.

Shapes fixed, in the route handler that holds the finding's line:
- `return Token(access_token=...)` or `return {"access_token": ...}`: the token goes into
  `response.set_cookie(key="access_token", value=..., httponly=True, secure=settings.COOKIE_SECURE,
  samesite="lax", max_age=...)`, the body becomes `{"message": "logged in"}` (the `Token`
  response model and return annotation go with it), and a `response: Response` parameter is added;
- an existing `set_cookie(...)`: `httponly=True`, `secure=settings.COOKIE_SECURE` (instead of
  missing or `False`), `samesite="lax"` (instead of missing or `"none"`).
`COOKIE_SECURE: bool = True` is added to the settings. So that the app keeps working, the token
dependency then reads the cookie: a module-level `OAuth2PasswordBearer(...)` becomes
`APIKeyCookie(name="access_token")`. A token in a custom header is left to a person.
"""

from __future__ import annotations

import libcst as cst

from cynic.agents.fixers import _python as py
from cynic.agents.fixers import _settings
from cynic.agents.fixers._workspace import Unfixable, Workspace, locate
from cynic.models import Finding
from cynic.source import FileKind

COOKIE = "access_token"
TOKEN_KEYS = ("access_token", "token", "jwt", "id_token")


def fix(files: Workspace, finding: Finding) -> None:
    path, line = finding.path, locate(files, finding)
    module = py.load(files, path)
    function = module.at_line(line, cst.FunctionDef)
    if function is None:
        raise Unfixable(f"{path}:{line} is not inside a route handler")
    settings = _settings.settings_for(files, near=path)
    secure = _settings.ensure_field(files, settings, "cookie_secure", "{name}: bool = True\n", "true")
    flags = {"httponly": "True", "secure": f"{settings.instance}.{secure}", "samesite": '"lax"'}
    module = py.load(files, path)
    function = _same_function(module, function)
    token = _body_token(module, function)
    cookies = [c for c in module.nodes(cst.Call, _is_set_cookie) if module.enclosing(c, cst.FunctionDef) is function]
    if token is None and not cookies:
        raise Unfixable(f"no token in the body and no `set_cookie` in `{function.name.value}`: "
                        "a token sent in a header or by a helper needs a person to move it to a cookie")
    edited = function.visit(_CookieFlags(flags))
    if token is not None:
        sets_token = any(_cookie_value(module, c) == module.code(token[1]) for c in cookies)
        edited = _token_to_cookie(module, edited, token, flags, sets_token, _max_age(files, settings))
    if edited.deep_equals(function):
        return
    edited_module = module.replace(function, edited)
    model = _token_model(token)
    if model is not None:
        edited_module = _without_model_import(edited_module, model)
    py.save(files, path, edited_module)
    py.import_name(files, path, settings.path, settings.instance)
    if token is not None:
        py.add_import(files, path, "fastapi", "Response")
        _read_token_from_cookie(files)


def _same_function(module: py.PyFile, function: cst.FunctionDef) -> cst.FunctionDef:
    """The handler in a fresh parse (adding the settings field may have edited this very file)."""
    return next(f for f in module.nodes(cst.FunctionDef) if f.deep_equals(function))


def _token_model(token: tuple[cst.Return, cst.BaseExpression] | None) -> str | None:
    """`Token` for `return Token(access_token=...)`."""
    returned = token[0].value if token else None
    return py.last_name(returned.func) if isinstance(returned, cst.Call) else None


def _without_model_import(module: cst.Module, model: str) -> cst.Module:
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine) and isinstance(imported := statement.body[0], cst.ImportFrom):
            names = imported.names if not isinstance(imported.names, cst.ImportStar) else ()
            if imported.module is not None and not imported.relative and any(a.evaluated_name == model for a in names):
                return py.without_unused_import(module, py.dotted(imported.module) or "", model)
    return module


def _cookie_value(module: py.PyFile, call: cst.Call) -> str | None:
    """The code of the value a `set_cookie(key, value, ...)` call stores."""
    value = py.keyword(call, "value") or (call.args[1] if len(call.args) > 1 and call.args[1].keyword is None else None)
    return module.code(value.value) if value is not None else None


def _is_set_cookie(call: cst.Call) -> bool:
    return isinstance(call.func, cst.Attribute) and call.func.attr.value == "set_cookie"


class _CookieFlags(cst.CSTTransformer):
    """Gives every `set_cookie(...)` safe flags, keeping `secure=True` and `samesite="strict"`."""

    def __init__(self, flags: dict[str, str]) -> None:
        self.flags = flags

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        if not _is_set_cookie(updated):
            return updated
        httponly, secure, samesite = (py.keyword(updated, k) for k in ("httponly", "secure", "samesite"))
        if httponly is None or not _is_true(httponly.value):
            updated = py.set_keyword(updated, "httponly", self.flags["httponly"])
        if secure is None or _is_false(secure.value):
            updated = py.set_keyword(updated, "secure", self.flags["secure"])
        if samesite is None or not (py.is_string(samesite.value, "lax") or py.is_string(samesite.value, "strict")):
            updated = py.set_keyword(updated, "samesite", self.flags["samesite"])
        return updated


def _is_true(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "True"


def _is_false(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value in ("False", "None")


def _body_token(module: py.PyFile, function: cst.FunctionDef) -> tuple[cst.Return, cst.BaseExpression] | None:
    """The `return` of the handler that carries the token, and the token expression."""
    for returned in module.nodes(cst.Return, lambda r: module.enclosing(r, cst.FunctionDef) is function):
        value = returned.value
        if isinstance(value, cst.Call):
            arg = next((a for a in value.args if a.keyword and a.keyword.value in TOKEN_KEYS), None)
            if arg is not None:
                return returned, arg.value
        if isinstance(value, cst.Dict):
            element = next((e for e in value.elements if isinstance(e, cst.DictElement)
                            and isinstance(e.key, cst.SimpleString) and e.key.evaluated_value in TOKEN_KEYS), None)
            if element is not None:
                return returned, element.value
    return None


def _max_age(files: Workspace, settings: _settings.SettingsClass) -> str | None:
    minutes = _settings.field_matching(files, settings, r"access_token_expire_minutes")
    return f"{settings.instance}.{minutes} * 60" if minutes else None


def _token_to_cookie(module: py.PyFile, function: cst.FunctionDef, token: tuple[cst.Return, cst.BaseExpression],
                     flags: dict[str, str], sets_token: bool, max_age: str | None) -> cst.FunctionDef:
    returned, value = token
    response = next((p.name.value for p in function.params.params if py.annotation_text(p) == "Response"), None)
    statements: list[cst.BaseStatement] = []
    if not sets_token:
        response = response or "response"
        if not isinstance(value, cst.Name):
            statements.append(cst.parse_statement(f"{COOKIE} = {module.code(value)}\n"))
            value = cst.Name(COOKIE)
        arguments = [f'key="{COOKIE}"', f"value={module.code(value)}", *(f"{k}={v}" for k, v in flags.items())]
        arguments += [f"max_age={max_age}"] if max_age else []
        lines = "".join(f"    {argument},\n" for argument in arguments)
        statements.append(cst.parse_statement(f"{response}.set_cookie(\n{lines})\n"))
    statements.append(cst.parse_statement('return {"message": "logged in"}\n'))
    function = function.visit(_ReplaceReturn(returned, statements))
    if response == "response" and py.parameter(function, "response") is None:
        function = py.with_first_param(function, "response: Response")
    return _without_token_model(function, _token_model(token))


class _ReplaceReturn(cst.CSTTransformer):
    """Replaces the statement line holding one `return` with a few statements."""

    def __init__(self, target: cst.Return, statements: list[cst.BaseStatement]) -> None:
        self.target, self.statements = target, statements

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
                                  ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        if not any(s.deep_equals(self.target) for s in original.body):
            return updated
        first = self.statements[0].with_changes(leading_lines=original.leading_lines)
        return cst.FlattenSentinel([first, *self.statements[1:]])


def _without_token_model(function: cst.FunctionDef, model: str | None) -> cst.FunctionDef:
    """Drop `response_model=Token` and `-> Token` once the body no longer carries the token."""
    if model is None:
        return function
    if function.returns is not None and py.last_name(function.returns.annotation) == model:
        function = function.with_changes(returns=cst.Annotation(cst.parse_expression("dict[str, str]")))
    decorators = []
    for decorator in function.decorators:
        call = decorator.decorator
        response_model = py.keyword(call, "response_model") if isinstance(call, cst.Call) else None
        if isinstance(call, cst.Call) and response_model is not None and py.last_name(response_model.value) == model:
            decorator = decorator.with_changes(decorator=py.remove_keyword(call, "response_model"))
        decorators.append(decorator)
    return function.with_changes(decorators=decorators)


def _read_token_from_cookie(files: Workspace) -> None:
    """Make the token dependency read the cookie: `OAuth2PasswordBearer(...)` -> `APIKeyCookie(...)`."""
    for path in files.files(FileKind.PYTHON):
        if "OAuth2PasswordBearer(" not in files.read(path):
            continue
        module = py.load(files, path)
        for statement in module.module.body:
            if not isinstance(statement, cst.SimpleStatementLine) or not isinstance(statement.body[0], cst.Assign):
                continue
            value = statement.body[0].value
            if isinstance(value, cst.Call) and py.last_name(value.func) == "OAuth2PasswordBearer":
                new = cst.parse_expression(f'APIKeyCookie(name="{COOKIE}")')
                edited = py.with_import(module.module.deep_replace(value, new), "fastapi.security", "APIKeyCookie")  # type: ignore[arg-type]
                py.save(files, path, py.without_unused_import(edited, "fastapi.security", "OAuth2PasswordBearer"))
                break
