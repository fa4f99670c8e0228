"""The public surface: `cynic.__all__` is sorted, and every name in it is importable and public."""

from __future__ import annotations

import pytest

import cynic


def test_all_is_sorted_and_every_member_resolves() -> None:
    assert cynic.__all__ == sorted(cynic.__all__)
    for name in cynic.__all__:
        member = getattr(cynic, name)
        module = getattr(member, "__module__", "cynic")
        assert module.startswith("cynic"), f"cynic.{name} comes from {module}"


def test_the_library_entry_points_are_exported() -> None:
    assert {"audit", "AuditResult", "Finding", "Severity", "Confidence", "__version__"} <= set(cynic.__all__)
    assert cynic.audit.__module__ == "cynic.audit"
    assert cynic.Severity("high") is cynic.Severity.HIGH


def test_importing_the_engine_module_keeps_audit_the_function() -> None:
    import cynic.audit  # noqa: F401  (binds nothing over the function)
    from cynic.audit import analyze_file

    assert callable(cynic.audit) and cynic.audit.__name__ == "audit"
    assert analyze_file.__module__ == "cynic.audit"


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        cynic.no_such_name  # noqa: B018
