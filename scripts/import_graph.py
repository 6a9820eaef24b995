"""Print which sochef_wagtail module imports which (migrations aside), then each module's importers.

Usage: python scripts/import_graph.py [package directory, default sochef_wagtail]
Reads the source with ast only: nothing is imported, so it runs without Django or a database.
"""

import ast
import sys
from collections import defaultdict
from pathlib import Path


def module_name(path, root):
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(tree, name, is_package, known):
    """The app's modules a module imports; `from pkg import sub` counts as importing pkg.sub."""
    package = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in known else base)
    # An import of a name the app does not hold (a typo, a third-party package) is not an edge.
    return {module for module in found if module in known and module != name}


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "sochef_wagtail").resolve()
    paths = [p for p in sorted(root.rglob("*.py")) if "migrations" not in p.relative_to(root).parts]
    names = {path: module_name(path, root) for path in paths}
    known = set(names.values())
    imports = {}
    for path, name in names.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        imports[name] = imported_modules(tree, name, path.name == "__init__.py", known)

    importers = defaultdict(set)
    for name, targets in imports.items():
        for target in targets:
            importers[target].add(name)

    print(f"# {len(known)} modules, {sum(map(len, imports.values()))} imports between them")
    print("\n## module -> the app's modules it imports")
    for name in sorted(imports):
        print(f"{name} -> {', '.join(sorted(imports[name])) or '-'}")
    print("\n## module <- modules importing it (most imported first)")
    for name in sorted(known, key=lambda n: (-len(importers[n]), n)):
        if importers[name]:
            print(f"{name} <- {len(importers[name])}: {', '.join(sorted(importers[name]))}")


if __name__ == "__main__":
    main()
