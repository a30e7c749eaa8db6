"""Dependencies go one way: building blocks import no app, and the site's core never imports people or program.

People and program depend on the site's Edition; the modules that compose the three (the homepage,
the URL configuration, importers, the demo and commands) say so in their docstring.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("people", "program")
# Building blocks: no app at all, not even the site's models.
BUILDING_BLOCKS = ("esfomo/common", "esfomo/content/registry.py", "esfomo/content/writer.py")
SITE_MODELS = ("esfomo.models", "esfomo.admin", "esfomo.readiness", "esfomo.pages", "esfomo.serving")
# The modules that compose the site, the programme and the people (commands call them).
COMPOSERS = (
    "esfomo/urls.py",
    "esfomo/pages/homepage.py",
    "esfomo/pages/structured_data.py",
    "esfomo/pages/static_export.py",
    "esfomo/importers",
    "esfomo/demo",
)


def modules(*paths):
    for path in paths:
        path = ROOT / path
        yield from sorted(path.rglob("*.py")) if path.is_dir() else [path]


def imported(path: Path, module_level=True) -> set[str]:
    """The modules a file imports (at module level only, or anywhere)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if module_level else list(ast.walk(tree))
    names = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return names


def reaches(names: set[str], targets) -> set[str]:
    return {name for name in names if any(name == t or name.startswith(t + ".") for t in targets)}


@pytest.mark.parametrize("path", list(modules(*BUILDING_BLOCKS)), ids=lambda p: str(p.relative_to(ROOT)))
def test_building_blocks_import_no_app(path):
    assert not reaches(imported(path, module_level=False), (*APPS, *SITE_MODELS))


def site_core():
    composers = {ROOT / path for path in COMPOSERS}
    for path in modules("esfomo"):
        if "migrations" in path.parts or any(path == c or c in path.parents for c in composers):
            continue
        yield path


@pytest.mark.parametrize("path", list(site_core()), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_site_never_imports_people_or_program_not_even_late(path):
    assert not reaches(imported(path, module_level=False), APPS)


@pytest.mark.parametrize("composer", COMPOSERS)
def test_the_modules_that_compose_the_apps_say_so(composer):
    """A composing module says so in its docstring; a composing package in its __init__.py's."""
    path = ROOT / composer
    said = path if path.suffix == ".py" else path / "__init__.py"
    docstring = ast.get_docstring(ast.parse(said.read_text(encoding="utf-8"))) or ""
    assert any(reaches(imported(module), APPS) for module in modules(composer))
    assert "compose" in docstring.lower(), said
