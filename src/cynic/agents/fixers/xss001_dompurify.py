"""XSS001: `dangerouslySetInnerHTML={{ __html: X }}` becomes `{{ __html: DOMPurify.sanitize(X) }}`.

The fix imports `DOMPurify from "dompurify"` when the file does not, and adds `dompurify` to the
`dependencies` of the project's package.json. An `__html` that is not an object property at the
finding's line (a prop spread, a variable holding the object) is left to a person.
"""

from __future__ import annotations

from cynic.agents.fixers import _tsjs as ts
from cynic.agents.fixers._dependencies import add_npm_dependency
from cynic.agents.fixers._workspace import Unfixable, Workspace, locate
from cynic.models import Finding


def fix(files: Workspace, finding: Finding) -> None:
    line = locate(files, finding)
    script = ts.load(files, finding.path)
    pair = script.at_line(line, "pair", lambda p: ts.property_key(script, p) == "__html")
    if pair is None:
        raise Unfixable(f"no `__html: ...` property at {finding.path}:{line}: sanitize the HTML with "
                        "`DOMPurify.sanitize(...)` where the object is built")
    value = pair.child_by_field_name("value")
    if value is None or script.text(value).startswith("DOMPurify.sanitize("):
        return
    edits = [ts.Edit(value.start_byte, value.end_byte, f"DOMPurify.sanitize({script.text(value)})")]
    quote = ts.quote_of(script.source)
    if b"import DOMPurify" not in script.source:
        edit = ts.add_import(script, f"import DOMPurify from {quote}dompurify{quote};")
        edits += [edit] if edit else []
    files.write(finding.path, script.apply(edits))
    add_npm_dependency(files, "dompurify")
