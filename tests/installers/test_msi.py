"""The MSI: what it holds, its signature, and a silent install, run and uninstall under
wine as IT would do it on Windows."""

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.installers.conftest import BUILD_DEADLINE_S, ROOT, Installers
from tests.installers.display import VirtualDisplay
from tests.installers.screenshots import assert_login_window, keep
from tests.installers.waiting import assert_running_app_takes_a_click
from tests.installers.wine import WinePrefix

POLICIES = r"HKLM\Software\Policies\Vaxla"
INSTALLED_KEYS = (
    POLICIES,
    r"HKLM\Software\Classes\Vaxla.Url",
    r"HKLM\Software\Vaxla",
)
APP_DEADLINE_S = 120
APP = r"C:\Program Files\Vaxla\vaxla.exe"
IT_SERVER = "https://vaxla.example.se:8780"
PROPERTIES = (
    f"SERVERURL={IT_SERVER}", "AUTOANSWER=1", "MINIMIZED=1", "LANGUAGE=sv",
    "LOCKED=ServerUrl,Language",
)  # fmt: skip
USER_SETTINGS = r"HKCU\Software\Vaxla\Vaxla desktop\login"
UNINSTALL = r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall"


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
    folder_of = {row[0]: row[2] for row in msi_table(installers.msi, "Component")}
    folders: dict[str, set[str]] = {}
    for row in msi_table(installers.msi, "File"):
        folders.setdefault(row[2].split("|")[-1].lower(), set()).add(folder_of[row[1]])
    assert {"vaxla.exe", "python311._pth", "_pjsua2.cp311-win_amd64.pyd"} <= folders.keys()
    # pjsua2's C++ runtime beside python311.dll, where Windows looks for it.
    assert folders["python311.dll"] & folders.get("msvcp140.dll", set())
    assert not folders.keys() & {"icuuc.dll", "bcryptprimitives.dll"}

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


def test_the_msi_installs_silently_with_policies_runs_upgrades_and_uninstalls_cleanly(
    installers: Installers, wine: WinePrefix, display: VirtualDisplay, tmp_path: Path
) -> None:
    # The next version, to upgrade to: the same packages under another version number.
    build = subprocess.run(
        [sys.executable, str(ROOT / "installers" / "build.py"), "--msi", "--version", "0.1.1",
         "--out", str(tmp_path / "next")],
        capture_output=True, text=True, timeout=BUILD_DEADLINE_S, check=False,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr
    with wine:
        msi = wine.windows_path(installers.msi)
        wine.run("msiexec", "/i", msi, "/qn", *PROPERTIES)

        assert policy_values(wine) == {
            ("ServerUrl", "REG_SZ", IT_SERVER),
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

        # The installed app starts, reaches its login window and reads the policies.
        screenshot, log = keep("msi-login.png"), tmp_path / "screenshot.log"
        app = wine.run(
            APP, "--no-discovery", "--screenshot", wine.windows_path(screenshot),
            "--log-file", wine.windows_path(log), display=display.name, timeout=APP_DEADLINE_S,
        )  # fmt: skip
        assert app.returncode == 0, app.stderr
        assert_login_window(screenshot)
        assert f"server_url='{IT_SERVER}'" in log.read_text()

        # A tel: click while the app runs: the shell runs the registered command, which
        # hands the link to the running app and ends.
        handler = wine.registry(r"HKLM\Software\Classes\Vaxla.Url\shell\open\command")
        assert handler is not None and f'"{APP}" "%1"' in handler
        running_log = tmp_path / "running.log"
        running = wine.start(
            APP, "--no-discovery", "--log-file", wine.windows_path(running_log),
            display=display.name,
        )  # fmt: skip
        assert_running_app_takes_a_click(
            running,
            running_log,
            lambda link: wine.run(APP, link, timeout=APP_DEADLINE_S),
            APP_DEADLINE_S,
        )

        # An upgrade in place: one Vaxla installed, the new one; the user's own settings
        # (HKCU) kept; the policies as the new install's properties say.
        wine.run("reg", "add", USER_SETTINGS, "/v", "server", "/d", "https://mine.example", "/f")
        upgrade = wine.windows_path(tmp_path / "next" / "vaxla-0.1.1-x64.msi")
        wine.run("msiexec", "/i", upgrade, "/qn", "SERVERURL=https://new.example.se")
        uninstall_entries = wine.registry(UNINSTALL) or ""
        assert uninstall_entries.count("DisplayName    REG_SZ    Vaxla") == 1
        assert "DisplayVersion    REG_SZ    0.1.1" in uninstall_entries
        assert (program / "vaxla.exe").is_file()
        assert "https://mine.example" in (wine.registry(USER_SETTINGS) or "")
        assert policy_values(wine) == {("ServerUrl", "REG_SZ", "https://new.example.se")}

        wine.run("msiexec", "/x", upgrade, "/qn")

        assert not program.exists()
        assert not list(wine.drive_c.rglob("Start Menu/Programs/Vaxla.lnk"))
        for key in INSTALLED_KEYS:
            assert wine.registry(key) is None, key
        assert "Vaxla" not in (wine.registry(r"HKLM\Software\RegisteredApplications") or "")
        assert "Vaxla" not in (wine.registry(UNINSTALL) or "")


def policy_values(wine: WinePrefix) -> set[tuple[str, ...]]:
    policies = wine.registry(POLICIES + r"\Desktop") or ""
    return {tuple(line.split(maxsplit=2)) for line in policies.splitlines()[2:] if line}
