"""The MSI: what it holds, its signature, and a silent install, run and uninstall under
wine as IT would do it on Windows."""

import importlib.util
import shutil
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

from tests.installers.conftest import ROOT, Installers
from tests.installers.display import VirtualDisplay
from tests.installers.screenshots import assert_login_window, keep
from tests.installers.wine import WinePrefix

POLICIES = r"HKLM\Software\Policies\Vaxla"
INSTALLED_KEYS = (
    POLICIES,
    r"HKLM\Software\Classes\Vaxla.Url",
    r"HKLM\Software\Vaxla",
)
APP_DEADLINE_S = 120


def msi_table(msi: Path, table: str) -> list[list[str]]:
    exported = subprocess.run(
        ["msiinfo", "export", str(msi), table], capture_output=True, text=True, check=True
    ).stdout
    # The first three lines are the column names, their types and the table's keys.
    return [line.split("\t") for line in exported.splitlines()[3:]]


def build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build", ROOT / "installers" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_msi_holds_the_runtime_the_launcher_and_no_wine_standin(
    installers: Installers,
) -> None:
    names = {row[2].split("|")[-1].lower() for row in msi_table(installers.msi, "File")}
    assert {"vaxla.exe", "python311.dll", "python311._pth", "msvcp140.dll"} <= names
    assert "_pjsua2.cp311-win_amd64.pyd" in names
    assert not names & {"icuuc.dll", "bcryptprimitives.dll"}

    properties = dict(row[:2] for row in msi_table(installers.msi, "Property"))
    assert properties["ALLUSERS"] == "1"
    assert properties["UpgradeCode"] == "{37bbe46b-dc49-4d6d-8c2a-5c47817a08b4}"
    assert {"SERVERURL", "AUTOANSWER", "MINIMIZED", "LANGUAGE", "LOCKED"} <= set(
        properties["SecureCustomProperties"].split(";")
    )
    conditions = {row[0]: row[2] for row in msi_table(installers.msi, "Condition")}
    assert conditions["ServerUrlPolicy"] == "NOT SERVERURL"
    shortcuts = msi_table(installers.msi, "Shortcut")
    assert [(row[1], row[2]) for row in shortcuts] == [("ProgramMenuFolder", "Vaxla")]


def test_the_msi_is_signed_when_a_certificate_is_given(
    installers: Installers, tmp_path: Path
) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=Vaxla test signing", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    msi = tmp_path / installers.msi.name
    shutil.copy(installers.msi, msi)

    build_script().sign(msi, cert, key)

    verified = subprocess.run(
        ["osslsigncode", "verify", "-CAfile", str(cert), "-in", str(msi)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "Vaxla test signing" in verified.stdout


@pytest.fixture
def wine(tmp_path: Path) -> WinePrefix:
    if shutil.which("wine") is None:
        pytest.skip("wine missing: `make setup` installs it (Debian's wine and wine64)")
    return WinePrefix(tmp_path / "wine")


def test_the_msi_installs_silently_with_policies_runs_and_uninstalls_leaving_nothing(
    installers: Installers, wine: WinePrefix, display: VirtualDisplay
) -> None:
    with wine:
        msi = wine.windows_path(installers.msi)
        wine.run(
            "msiexec", "/i", msi, "/qn", "SERVERURL=https://vaxla.example.se:8780",
            "AUTOANSWER=1", "MINIMIZED=1", "LANGUAGE=sv", "LOCKED=ServerUrl,Language",
        )  # fmt: skip

        policies = wine.registry(POLICIES + r"\Desktop")
        assert policies is not None
        values = {tuple(line.split(maxsplit=2)) for line in policies.splitlines()[2:] if line}
        assert values == {
            ("ServerUrl", "REG_SZ", "https://vaxla.example.se:8780"),
            ("AutoAnswer", "REG_SZ", "1"),
            ("StartMinimized", "REG_SZ", "1"),
            ("Language", "REG_SZ", "sv"),
            ("Locked", "REG_SZ", "ServerUrl,Language"),
        }
        capabilities = wine.registry(r"HKLM\Software\Vaxla\Desktop\Capabilities")
        assert capabilities is not None and "tel    REG_SZ    Vaxla.Url" in capabilities
        registered = wine.registry(r"HKLM\Software\RegisteredApplications")
        assert registered is not None and r"Software\Vaxla\Desktop\Capabilities" in registered
        program = wine.drive_c / "Program Files" / "Vaxla"
        assert (program / "vaxla.exe").is_file()
        # Wine puts an all-users install's shortcuts in the user's Start menu (Windows in
        # ProgramData's); either way there is one.
        assert list(wine.drive_c.rglob("Start Menu/Programs/Vaxla.lnk"))

        screenshot = keep("msi-login.png")
        app = wine.run(
            r"C:\Program Files\Vaxla\vaxla.exe", "--no-discovery", "--screenshot",
            wine.windows_path(screenshot), display=display.name, timeout=APP_DEADLINE_S,
        )  # fmt: skip
        assert app.returncode == 0, app.stderr
        assert_login_window(screenshot)

        # A tel: click: the shell runs the registered command with the link for %1.
        handler = wine.registry(r"HKLM\Software\Classes\Vaxla.Url\shell\open\command")
        assert handler is not None
        assert r'"C:\Program Files\Vaxla\vaxla.exe" "%1"' in handler
        clicked = wine.run(
            r"C:\Program Files\Vaxla\vaxla.exe", "tel:+46-8-123 456 78", "--no-discovery",
            "--screenshot", wine.windows_path(keep("msi-tel.png")), display=display.name,
            timeout=APP_DEADLINE_S,
        )  # fmt: skip
        assert clicked.returncode == 0, clicked.stderr

        wine.run("msiexec", "/x", msi, "/qn")

        assert not program.exists()
        assert not list(wine.drive_c.rglob("Start Menu/Programs/Vaxla.lnk"))
        for key in INSTALLED_KEYS:
            assert wine.registry(key) is None, key
        registered = wine.registry(r"HKLM\Software\RegisteredApplications")
        assert registered is None or "Vaxla" not in registered
