"""Paths into a profile (a JSON Resume document): ``basics.summary``, ``work[0].highlights[1]``.

Interview preparation cites its evidence by path and the match score names where each skill was found;
both use these two functions, so a path one produces the other accepts.
"""

import re
from typing import Any

_STEP = re.compile(r"\.?([A-Za-z_][\w-]*)|\[(\d+)\]")


def profile_leaves(value: Any, path: str = "") -> list[tuple[str, str]]:
    """``(path, text)`` for every string, number or boolean in the document, in document order."""
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in profile_leaves(item, f"{path}.{key}" if path else key)]
    if isinstance(value, list):
        return [leaf for index, item in enumerate(value) for leaf in profile_leaves(item, f"{path}[{index}]")]
    if value is None or value == "":
        return []
    return [(path, str(value))]


def profile_path_exists(profile: dict[str, Any], path: str) -> bool:
    """Whether ``path`` (a leading ``$.`` allowed) names a non-empty entry of ``profile``."""
    text = path.strip().removeprefix("$").lstrip(".")
    steps = list(_STEP.finditer(text))
    if not steps or "".join(step[0] for step in steps) != text:
        return False
    if any(step[1] is not None and not step[0].startswith(".") for step in steps[1:]):
        return False  # "work[0]name": a key must follow a dot
    node: Any = profile
    for step in steps:
        key, index = step[1], step[2]
        if key is not None and isinstance(node, dict) and key in node:
            node = node[key]
        elif index is not None and isinstance(node, list) and int(index) < len(node):
            node = node[int(index)]
        else:
            return False
    return node not in (None, "", [], {})
