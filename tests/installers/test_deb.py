"""The .deb: installed with apt on this machine, its app started under Xvfb, its tel:
handler named by xdg-mime, then purged leaving nothing."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.installers.conftest import Installers
from tests.installers.display import VirtualDisplay
from tests.installers.screenshots import assert_login_window, keep
from tests.installers.waiting import assert_running_app_takes_a_click
from tests.orphans import end_with_this_process

APT_DEADLINE_S = 300
APP_DEADLINE_S = 60
INSTALLED = (
    Path("/opt/vaxla"),
    Path("/usr/share/applications/vaxla.desktop"),
    Path("/etc/vaxla"),
)
POLICIES = Path("/etc/vaxla/policies.ini")
IT_SERVER = "https://vaxla.example.se:8780"
APP = "/opt/vaxla/bin/vaxla-desktop"


def apt(*arguments: str) -> None:
    done = subprocess.run(
        ["apt-get", "-y", "-q", "--no-install-recommends", *arguments],
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        capture_output=True, text=True, timeout=APT_DEADLINE_S, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def package_state() -> str:
    return subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", "vaxla"], capture_output=True, text=True
    ).stdout


@pytest.fixture
def system() -> None:
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip("installs a package on this machine: needs root and apt")
    if package_state():
        pytest.skip("a vaxla package is already installed here; the test leaves it alone")


@pytest.mark.usefixtures("system")
def test_the_deb_installs_with_apt_runs_handles_tel_and_purges_leaving_nothing(
    installers: Installers, display: VirtualDisplay, tmp_path: Path
) -> None:
    apt("install", str(installers.deb))
    try:
        assert package_state() == "install ok installed"
        entry = INSTALLED[1].read_text()
        assert "Exec=/opt/vaxla/bin/vaxla-desktop %u" in entry
        assert "MimeType=x-scheme-handler/tel;x-scheme-handler/sip;" in entry

        home = tmp_path / "home"
        home.mkdir()
        user = {**os.environ, "HOME": str(home), "DISPLAY": display.name}
        user.pop("QT_QPA_PLATFORM", None)
        handler = subprocess.run(
            ["xdg-mime", "query", "default", "x-scheme-handler/tel"],
            env=user, capture_output=True, text=True, check=True,
        )  # fmt: skip
        assert handler.stdout.strip() == "vaxla.desktop"

        # IT's policies in the file the package holds for them.
        POLICIES.write_text(
            f"[Desktop]\nServerUrl={IT_SERVER}\nLanguage=sv\nLocked=ServerUrl,Language\n"
        )
        screenshot, log = keep("deb-login.png"), tmp_path / "screenshot.log"
        app = subprocess.run(
            [APP, "--no-discovery", "--screenshot", str(screenshot), "--log-file", str(log)],
            env=user, capture_output=True, text=True, timeout=APP_DEADLINE_S, check=False,
        )  # fmt: skip
        assert app.returncode == 0, app.stderr
        assert_login_window(screenshot)
        assert f"server_url='{IT_SERVER}'" in log.read_text()

        # A tel: click while the app runs: the desktop entry's command hands the link
        # to the running app and ends.
        running_log = tmp_path / "running.log"
        running = subprocess.Popen(
            [APP, "--no-discovery", "--log-file", str(running_log)],
            env=user, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            preexec_fn=end_with_this_process(),
        )  # fmt: skip
        assert_running_app_takes_a_click(
            running,
            running_log,
            lambda link: subprocess.run(
                [APP, link],
                env=user,
                capture_output=True,
                text=True,
                timeout=APP_DEADLINE_S,
                check=False,
            ),
            APP_DEADLINE_S,
        )
        # Everything was compiled when the package was built: running it wrote nothing.
        owned = subprocess.run(
            ["dpkg-query", "-L", "vaxla"], capture_output=True, text=True, check=True
        ).stdout.splitlines()
        on_disk = {str(path) for path in Path("/opt/vaxla").rglob("*")}
        assert on_disk - set(owned) == set()
    finally:
        apt("purge", "vaxla")

    assert package_state() in {"", "unknown ok not-installed"}
    for path in INSTALLED:
        assert not path.exists(), path
    cache = Path("/usr/share/applications/mimeinfo.cache")
    assert not cache.exists() or "vaxla" not in cache.read_text()
