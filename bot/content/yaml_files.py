"""Reading our YAML files (data/, flows/, locales/): libyaml's parser where PyYAML has it, and a
memo of parsed documents for this process.

PyYAML builds Python objects in Python even with libyaml (~0.25 s for all locales and flows), and
every bot built in a process reads them again (a live reload, the tests' hundreds of bots). The
memo is keyed by the file's bytes, so an edited file is always parsed afresh, and each caller gets
its own copy of the document (unpickled), so changing a result never changes the memo.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from pathlib import Path
from typing import Any

import yaml

_BASE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SafeLoader(_BASE_LOADER):  # type: ignore[misc, valid-type]  # CSafeLoader or SafeLoader, chosen at import
    """yaml.safe_load that also rejects a key given twice in one mapping: two steps or two
    strings with one id would otherwise silently keep only the last."""


def _no_duplicate_keys(loader: SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep)


SafeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicate_keys)
SAFE_LOADER: type[yaml.SafeLoader] = SafeLoader

_memo: dict[tuple[type, bytes], bytes] = {}
_memo_lock = threading.Lock()
_MEMO_LIMIT = 256  # documents; ours are ~40 files, a live-edited one adds a version per edit


def parse_yaml(raw: bytes, loader: type[yaml.SafeLoader] = SAFE_LOADER) -> Any:
    """The document in `raw` (UTF-8). Raises yaml.YAMLError as yaml.load does."""
    key = (loader, hashlib.blake2b(raw, digest_size=20).digest())
    with _memo_lock:
        pickled = _memo.get(key)
    if pickled is not None:
        return pickle.loads(pickled)
    document = yaml.load(raw.decode("utf-8"), Loader=loader)
    with _memo_lock:
        if len(_memo) >= _MEMO_LIMIT:
            _memo.clear()
        _memo[key] = pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL)
    return document


def read_yaml(path: Path, loader: type[yaml.SafeLoader] = SAFE_LOADER) -> Any:
    """The parsed document of a file. Raises OSError, UnicodeDecodeError or yaml.YAMLError."""
    return parse_yaml(path.read_bytes(), loader)
