"""The server's contract with its clients, held against files kept in the repository:
the HTTP API (the OpenAPI document) and the event catalogue (the JSON schema of every
event the log holds). A change to either must be deliberate: regenerate the files with
``VAXLA_WRITE_CONTRACT=1 pytest tests/server/test_contract.py`` and commit them with the
change that needs it."""

import json
import os
from pathlib import Path
from typing import Any

import pytest

from vaxla_server.app import create_app
from vaxla_server.store import open_store
from vaxla_server.store.events import EVENT_ADAPTER

CONTRACT = Path(__file__).parent / "contract"


def _held(name: str, now: dict[str, Any]) -> None:
    path = CONTRACT / name
    text = json.dumps(now, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("VAXLA_WRITE_CONTRACT") == "1":
        path.write_text(text, encoding="utf-8")
    kept = json.loads(path.read_text(encoding="utf-8"))
    if kept != now:
        changed = sorted(
            key
            for key in set(kept.get("paths", kept)) | set(now.get("paths", now))
            if kept.get("paths", kept).get(key) != now.get("paths", now).get(key)
        )
        pytest.fail(f"{name} differs from the kept contract; changed: {changed or 'schemas'}")


def test_the_http_api_is_the_kept_openapi_document(tmp_path: Path) -> None:
    with open_store(data_dir=tmp_path / "data") as store:
        schema = create_app(store).openapi()
    schema["info"].pop("version")  # the package's version moves on every release
    _held("openapi.json", schema)


def test_the_event_catalogue_is_the_kept_one() -> None:
    _held("events.json", EVENT_ADAPTER.json_schema())
