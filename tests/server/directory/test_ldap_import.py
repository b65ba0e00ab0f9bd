"""The directory imported from a real LDAP server (R29): the test starts its own slapd
(Debian ``slapd``) on a free loopback port in a temporary folder, loaded with Swedish
names, imports from it, and stops it by its pid."""

import os
import selectors
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.server.auth.conftest import CHEAP_SETTINGS, PASSWORD, FakeClock
from tests.server.auth.test_api import Api
from vaxla_protocol import API_PREFIX, Role
from vaxla_protocol.directory import LdapImport
from vaxla_server.app import create_app
from vaxla_server.directory.imports import LdapUnavailable, read_ldap
from vaxla_server.directory.service import Directory, ImportRefused
from vaxla_server.store import open_store
from vaxla_server.store.events import EventKind

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SLAPADD = shutil.which("slapadd") or "/usr/sbin/slapadd"
pytestmark = pytest.mark.skipif(
    not Path(SLAPD).exists(), reason="slapd is not installed (tools/debian-packages.txt)"
)
BASE = "dc=example,dc=se"
ROOT = f"cn=admin,{BASE}"
SECRET = "hemligt"
START_TIMEOUT_S = 30.0

CONFIG = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 10485760
suffix "{base}"
rootdn "{root}"
rootpw {secret}
directory {folder}
"""


def person(uid: str, ou: str, **attributes: str) -> str:
    lines = [f"dn: uid={uid},ou={ou},{BASE}", "objectClass: inetOrgPerson", f"uid: {uid}"]
    lines += [f"{name}: {value}" for name, value in attributes.items()]
    return "\n".join(lines) + "\n"


ENTRIES = "\n".join([
    f"dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\no: Exempel AB\ndc: example\n",
    f"dn: ou=Staff,{BASE}\nobjectClass: organizationalUnit\nou: Staff\n",
    f"dn: ou=Bad,{BASE}\nobjectClass: organizationalUnit\nou: Bad\n",
    person("asa", "Staff", cn="Åsa Öberg", sn="Öberg", mail="asa@example.se",
           mobile="070-123 45 67", telephoneNumber="08-123 45 67", title="Controller",
           description="Tar samtal om fakturor"),
    person("orjan", "Staff", cn="Örjan Ärlig", sn="Ärlig", mobile="+46 70 765 43 21"),
    person("emile", "Staff", cn="Émile Zola", sn="Zola", mail="emile@example.se"),
    person("bo", "Bad", cn="Bo Bad", sn="Bad", mobile="12345"),
    person("cia", "Bad", cn="Cia Cool", sn="Cool", mail="cia@example.se"),
])  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def ldap_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A slapd of its own, loaded (``slapadd``) before it starts; stopped by its pid."""
    folder = tmp_path_factory.mktemp("slapd")
    (folder / "db").mkdir()
    config = folder / "slapd.conf"
    config.write_text(CONFIG.format(base=BASE, root=ROOT, secret=SECRET, folder=folder / "db"))
    (folder / "people.ldif").write_text(ENTRIES, encoding="utf-8")
    subprocess.run([SLAPADD, "-f", str(config), "-l", str(folder / "people.ldif")], check=True,
                   capture_output=True)  # fmt: skip
    url = f"ldap://127.0.0.1:{free_port()}"
    # -d keeps it in the foreground (its pid is ours); it says "slapd starting" once its
    # listener is open.
    command = [SLAPD, "-d", "32768", "-f", str(config), "-h", url]
    slapd = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        assert slapd.stderr is not None
        seen: list[str] = []
        with selectors.DefaultSelector() as selector:
            selector.register(slapd.stderr, selectors.EVENT_READ)
            deadline = time.monotonic() + START_TIMEOUT_S
            while not any("slapd starting" in line for line in seen):
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    pytest.fail(f"slapd did not start within {START_TIMEOUT_S} s: {seen}")
                line = slapd.stderr.readline()
                if not line:
                    pytest.fail(f"slapd ended ({slapd.wait()}): {seen}")
                seen.append(line)
        yield url
    finally:
        os.kill(slapd.pid, signal.SIGTERM)
        try:
            slapd.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(slapd.pid, signal.SIGKILL)
            slapd.wait()
        if slapd.stderr is not None:
            slapd.stderr.close()


def test_people_are_imported_from_ldap_with_swedish_names(ldap_url: str, tmp_path: Path) -> None:
    request = LdapImport(url=ldap_url, base_dn=f"ou=Staff,{BASE}", bind_dn=ROOT, password=SECRET)
    items = read_ldap(request, users=["asa"])
    assert [item.name for item in items] == ["Åsa Öberg", "Émile Zola", "Örjan Ärlig"]
    åsa = items[0]
    assert (åsa.extension, åsa.mobile, åsa.other_numbers, åsa.email, åsa.title,
            åsa.notes) == ("asa", "+46701234567", ["+4681234567"], "asa@example.se",
                           "Controller", "Tar samtal om fakturor")  # fmt: skip
    assert items[1].extension is None  # uid emile is no Vaxla user
    with open_store(data_dir=tmp_path / "data") as store:
        directory = Directory(store.engine)
        now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
        assert directory.import_people(items, "ldap", by=(1, "admin"), now=now) == (3, 0)
        assert [p.item.name for p in directory.people("ärl")] == ["Örjan Ärlig"]
        logged: Any
        (logged,) = [e.event for e in store.events.read(kinds=[EventKind.DIRECTORY_IMPORTED])]
        assert (logged.source, logged.added) == ("ldap", 3)


def test_a_bad_entry_refuses_the_import_and_a_wrong_password_says_so(ldap_url: str) -> None:
    bad = LdapImport(url=ldap_url, base_dn=BASE, bind_dn=ROOT, password=SECRET)
    with pytest.raises(ImportRefused) as refused:
        read_ldap(bad, users=[])
    (problem,) = refused.value.problems
    assert "'12345' is not a telephone number" in problem.reason  # Bo Bad's mobile
    wrong = LdapImport(url=ldap_url, base_dn=BASE, bind_dn=ROOT, password="fel")
    with pytest.raises(LdapUnavailable, match="refused"):
        read_ldap(wrong, users=[])
    gone = LdapImport(url=f"ldap://127.0.0.1:{free_port()}", base_dn=BASE)
    with pytest.raises(LdapUnavailable):
        read_ldap(gone, users=[])


def test_an_administrator_imports_over_the_api(ldap_url: str, tmp_path: Path) -> None:
    clock = FakeClock()
    with open_store(data_dir=tmp_path / "data") as store:
        api = Api(create_app(store, auth_settings=CHEAP_SETTINGS, clock=clock))
        for name, role in (("admin", Role.ADMIN), ("reception", Role.OPERATOR)):
            api.auth.users.create(name, PASSWORD, role, now=clock())
        url = f"{API_PREFIX}/directory/import/ldap"
        body = {"url": ldap_url, "base_dn": f"ou=Staff,{BASE}", "bind_dn": ROOT,
                "password": SECRET}  # fmt: skip
        assert api.request("POST", url, json=body, token=api.token("reception")).status_code == 403
        done = api.request("POST", url, json=body, token=api.token("admin"))
        assert done.json() == {"added": 3, "replaced": 0}, done.text
        again = api.request("POST", url, json=body, token=api.token("admin"))
        assert again.json() == {"added": 0, "replaced": 3}  # the same people, by e-mail or name
        wrong = api.request("POST", url, json={**body, "password": "fel"}, token=api.token("admin"))
        assert wrong.status_code == 502 and "refused" in wrong.json()["detail"]
        bad = api.request("POST", url, json={**body, "base_dn": BASE}, token=api.token("admin"))
        assert bad.status_code == 422 and "'12345' is not a telephone number" in bad.text
        listed = api.request("GET", f"{API_PREFIX}/directory", token=api.token("admin")).json()
        assert [p["name"] for p in listed] == ["Émile Zola", "Åsa Öberg", "Örjan Ärlig"]
