"""Facts about HTTP requests in one script: do they send the auth cookie?

`fetch` calls with their target (the app's own API, a third party, unknown) and credentials
mode, the same for the fetch wrappers ky and ofetch (`ky.get(url, options)`, instances from
`ky.create({prefixUrl, credentials})` / `ofetch.create({baseURL, credentials})`); axios instances, bare axios calls, and everything that turns credentials on elsewhere
(`axios.defaults.withCredentials = true`, an interceptor that sets `config.withCredentials`,
the generated client's `OpenAPI.WITH_CREDENTIALS`, `client.setConfig({credentials: "include"})`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cynic.lazy_pattern import lazy_compile
from cynic.parsing.tsjs import (
    Node, ScriptTree, arguments, descendants, dotted_name, has_spread, inside,
    line, object_keys, object_property, parameter_names, string_value, template_head, text, unwrap,
)
from cynic.project import Fact

OWN, THIRD_PARTY, UNKNOWN = "own", "third-party", "unknown"
_API_NAME = lazy_compile(r"api|base|backend|server|host|origin|endpoint", re.I)  # `url` alone says nothing
_LOCAL_HOST = lazy_compile(r"^(?:https?:)?//(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?:[:/]|$)", re.I)
_STATIC_ASSET = lazy_compile(r"\.(?:json|svg|png|jpe?g|gif|webp|md|txt|csv|wasm|xml|ya?ml|woff2?)(?:[?#]|$)", re.I)
_FETCH_NAMES = frozenset({"fetch", "window.fetch", "globalThis.fetch", "self.fetch", "ky", "ofetch"})
_FETCH_WRAPPERS = frozenset({"ky", "ofetch"})
_WRAPPER_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "raw"})
# Each request fact hangs on a callee or property name that is spelt out in the file's text.
_FETCH_WORDS = ("fetch", "ky")  # `fetch`, `window.fetch`, `ky`, `ofetch`
_AXIOS_WORDS = ("axios", "interceptors", "withCredentials", "WITH_CREDENTIALS")
_CLIENT_CONFIG_WORDS = ("OpenAPI", "setConfig", "createClient", "createConfig", "HttpLink")
_AXIOS_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "postForm", "putForm", "patchForm"})


class FetchCall(Fact):
    """A `fetch(...)`: its target and credentials mode ("include", "omitted", "delegated", a literal)."""

    line: int
    target: str
    credentials: str
    init_from_caller: bool


class FetchClient(Fact):
    """`const name = ky.create({...})` (or `ky.extend`, `ofetch.create`): a configured fetch wrapper."""

    library: str
    name: str
    line: int
    credentials: str
    target: str


class AxiosInstance(Fact):
    """`const name = axios.create({...})`; `with_credentials` is True, False or None (absent)."""

    name: str
    line: int
    with_credentials: bool | None
    target: str


class AxiosCall(Fact):
    """A call on the axios default instance (`axios.get(url)`, `axios({...})`)."""

    line: int
    target: str
    with_credentials: bool | None


class CredentialsSwitch(Fact):
    """Something that turns credentials on or off for a client: `kind` names it, `client` its name."""

    kind: str  # "axios-defaults", "axios-interceptor", "openapi", "client-config"
    client: str
    enabled: bool | None
    line: int


def classify_target(node: Node | None, tree: ScriptTree, depth: int = 3) -> str:
    """Is a URL expression the app's own API (relative, `${API_URL}/...`), a third party, or unknown?"""
    node = unwrap(node)
    if node is None or depth == 0:
        return UNKNOWN
    literal = string_value(node)
    if literal is not None:
        return _classify_literal(literal)
    if node.type == "template_string":
        head, first = template_head(node)
        if head:
            return _classify_literal(head)
        return OWN if first is not None and _API_NAME.search(text(first)) else UNKNOWN
    if node.type == "binary_expression":
        return classify_target(node.child_by_field_name("left"), tree, depth - 1)
    if node.type == "new_expression" and dotted_name(node.child_by_field_name("constructor")) == "URL":
        args = arguments(node)
        path = classify_target(args[0], tree, depth - 1) if args else UNKNOWN
        return classify_target(args[1], tree, depth - 1) if path == OWN and len(args) > 1 else path
    if node.type in ("identifier", "member_expression"):
        resolved = tree.resolve(node) if node.type == "identifier" else node
        if resolved is not None and resolved.type != node.type:
            return classify_target(resolved, tree, depth - 1)
        return OWN if _API_NAME.search(dotted_name(node).rpartition(".")[2]) else UNKNOWN
    return UNKNOWN


def _classify_literal(value: str) -> str:
    if _STATIC_ASSET.search(value):
        return THIRD_PARTY  # a static file served with the app, not an API call
    if _LOCAL_HOST.match(value) or not re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", value, re.I):
        return OWN
    return THIRD_PARTY


def fetch_calls(tree: ScriptTree) -> Iterator[FetchCall | FetchClient]:
    """`fetch(url, init)`, `ky.post(url, options)` and the fetch-wrapper instances a file creates."""
    if not tree.mentions(_FETCH_WORDS):
        return
    for call, name in tree.calls_naming(_FETCH_WORDS):
        if call.type != "call_expression":
            continue
        library, _, method = name.partition(".")
        args = arguments(call)
        if library in _FETCH_WRAPPERS and method in ("create", "extend"):
            yield _fetch_client(call, library, args[0] if args else None, tree)
        elif args and (name in _FETCH_NAMES or (library in _FETCH_WRAPPERS and method in _WRAPPER_METHODS)):
            credentials, from_caller = _fetch_credentials(call, args[1] if len(args) > 1 else None, tree)
            yield FetchCall(line(call), classify_target(args[0], tree), credentials, from_caller)


def _fetch_client(call: Node, library: str, options: Node | None, tree: ScriptTree) -> FetchClient:
    holder = call.parent
    name = text(holder.child_by_field_name("name")) if holder is not None and holder.type == "variable_declarator" else ""
    config = tree.resolve(options)
    base = object_property(config, "prefixUrl") or object_property(config, "prefix") or object_property(config, "baseURL")
    target = classify_target(base, tree) if base is not None else OWN
    credentials, _ = _fetch_credentials(call, options, tree) if options is not None else ("omitted", False)
    return FetchClient(library, name, line(call), credentials, OWN if target == UNKNOWN else target)


def _fetch_credentials(call: Node, init: Node | None, tree: ScriptTree) -> tuple[str, bool]:
    """The credentials mode a fetch sends, and whether its options come from the caller."""
    if init is None:
        return "omitted", False
    name = text(unwrap(init))
    # `request.credentials = config.CREDENTIALS` in the function around the call (looked for only
    # when the file assigns such a property: most do not)
    delegating = [a for a in tree.assignments_to(("credentials",)) if dotted_name(a.child_by_field_name("left")) == f"{name}.credentials"]
    if delegating and (function := tree.enclosing_function(call)) is not None and any(inside(a, function) for a in delegating):
        return "delegated", False
    resolved = tree.resolve(init)
    if resolved is not None and resolved.type == "object":
        value = object_property(resolved, "credentials")
        if value is not None:
            return string_value(value) or "delegated", False
        spreads = [s.named_children[0] for s in resolved.named_children if s.type == "spread_element" and s.named_children]
        for spread in spreads:
            mode, _ = _fetch_credentials(call, spread, tree)
            if mode != "omitted":
                return mode, False
        return "omitted", bool(spreads) and any(_from_parameter(s, call, tree) for s in spreads)
    return "omitted", _from_parameter(init, call, tree)


def _from_parameter(node: Node, call: Node, tree: ScriptTree) -> bool:
    function = tree.enclosing_function(call)
    return function is not None and text(unwrap(node)) in parameter_names(function)


def _with_credentials(config: Node | None, tree: ScriptTree) -> bool | None:
    value = object_property(tree.resolve(config), "withCredentials")
    if value is None:
        return None
    value = unwrap(value)
    return False if value.type == "false" else True  # `true` or a setting decided elsewhere


def axios_facts(tree: ScriptTree) -> Iterator[AxiosInstance | AxiosCall | CredentialsSwitch]:
    """axios instances, default-instance calls, defaults and interceptors that set credentials."""
    if not tree.mentions(_AXIOS_WORDS):
        return
    for call, name in tree.calls_naming(_AXIOS_WORDS):
        if not name.startswith("axios") and ".interceptors." not in name:
            continue
        args = arguments(call)
        if name == "axios.create":
            config = args[0] if args else None
            holder = call.parent
            instance = text(holder.child_by_field_name("name")) if holder is not None and holder.type == "variable_declarator" else ""
            target = classify_target(object_property(tree.resolve(config), "baseURL"), tree) if config is not None else OWN
            yield AxiosInstance(instance, line(call), _with_credentials(config, tree), target if target != UNKNOWN else OWN)
        elif name == "axios" or (name.startswith("axios.") and name[6:] in _AXIOS_METHODS):
            url = object_property(tree.resolve(args[0]), "url") if args and name in ("axios", "axios.request") else (args[0] if args else None)
            configs = [a for a in args if unwrap(tree.resolve(a)) is not None and unwrap(tree.resolve(a)).type == "object"]
            enabled = next((v for v in (_with_credentials(c, tree) for c in configs) if v is not None), None)
            yield AxiosCall(line(call), classify_target(url, tree), enabled)
        elif name.endswith(".interceptors.request.use") and args:
            handler = tree.resolve(args[0])
            if handler is not None and _sets_with_credentials(handler, tree):
                yield CredentialsSwitch("axios-interceptor", name.removesuffix(".interceptors.request.use"), True, line(call))
    for assignment in tree.assignments_to(("withCredentials", "WITH_CREDENTIALS")):
        left = dotted_name(assignment.child_by_field_name("left"))
        right = unwrap(assignment.child_by_field_name("right"))
        enabled = None if right is None else {"true": True, "false": False}.get(right.type, string_value(right) == "include" or None)
        if left.endswith(".defaults.withCredentials"):
            yield CredentialsSwitch("axios-defaults", left.removesuffix(".defaults.withCredentials"), enabled, line(assignment))
        elif left.endswith(".WITH_CREDENTIALS"):
            yield CredentialsSwitch("openapi", left.removesuffix(".WITH_CREDENTIALS"), enabled, line(assignment))


def _sets_with_credentials(handler: Node, tree: ScriptTree) -> bool:
    """An interceptor that does `config.withCredentials = true` or returns `{...config, withCredentials: true}`."""
    for assignment in descendants(handler, "assignment_expression"):
        right = unwrap(assignment.child_by_field_name("right"))
        if dotted_name(assignment.child_by_field_name("left")).endswith(".withCredentials") and right is not None and right.type == "true":
            return True
    return any(_with_credentials(obj, tree) for obj in descendants(handler, "object"))


def generated_client_facts(tree: ScriptTree) -> Iterator[CredentialsSwitch]:
    """The generated OpenAPI client's config object and `client.setConfig/createClient({baseUrl})` calls."""
    if not tree.mentions(_CLIENT_CONFIG_WORDS):
        return
    for declarator in tree.nodes("variable_declarator"):
        value = unwrap(declarator.child_by_field_name("value"))
        if text(declarator.child_by_field_name("name")) == "OpenAPI" and value is not None and value.type == "object":
            flag = object_property(value, "WITH_CREDENTIALS")
            if flag is not None:
                yield CredentialsSwitch("openapi", "OpenAPI", unwrap(flag).type == "true", line(flag))
    for call, callee in tree.calls_naming(_CLIENT_CONFIG_WORDS):
        name = callee.rpartition(".")[2]
        if name not in ("setConfig", "createClient", "createConfig") and not name.endswith("HttpLink"):
            continue
        config = tree.resolve(next(iter(arguments(call)), None))
        if config is None or config.type != "object" or not {"baseUrl", "baseURL", "uri"} & set(object_keys(config)):
            continue
        mode = string_value(object_property(config, "credentials"))
        delegated = object_property(config, "credentials") is not None and mode is None
        enabled = mode == "include" or _with_credentials(config, tree) is True or delegated or has_spread(config)
        yield CredentialsSwitch("client-config", callee, enabled, line(call))
