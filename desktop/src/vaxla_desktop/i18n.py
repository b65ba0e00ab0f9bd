"""The UI language: Swedish or English, Swedish when the system locale is Swedish.

The texts are Qt translation files: ``translations/vaxla_sv.ts`` is the source,
edited with Qt Linguist (or by hand) after ``pyside6-lupdate``; ``vaxla_sv.qm`` is
what ``pyside6-lrelease`` (in PySide6-Essentials) compiles from it, kept in git
beside it so the package needs no build step; a test checks the two agree.
"""

from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

TRANSLATIONS_DIR = Path(__file__).parent / "translations"


class Language(StrEnum):
    SWEDISH = "sv"
    ENGLISH = "en"


def system_language(locale: QLocale | None = None) -> Language:
    locale = locale or QLocale.system()
    if locale.language() == QLocale.Language.Swedish:
        return Language.SWEDISH
    return Language.ENGLISH


class MissingTranslation(Exception):
    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"cannot load the translation {path}")


def install_translation(app: QCoreApplication, language: Language) -> list[QTranslator]:
    """Install the app's and Qt's own texts for ``language``; return the translators.

    English is the source language and needs none. The translators must live as long
    as the application, so the caller keeps the returned list.
    """
    if language is Language.ENGLISH:
        return []
    translators = []
    ours = QTranslator(app)
    path = TRANSLATIONS_DIR / f"vaxla_{language.value}.qm"
    if not ours.load(str(path)):
        raise MissingTranslation(path)
    translators.append(ours)
    # Qt's own dialogs and context menus ("Copy", "Select All").
    qt = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt.load(f"qtbase_{language.value}", qt_dir) or qt.load(f"qt_{language.value}", qt_dir):
        translators.append(qt)
    for translator in translators:
        app.installTranslator(translator)
    return translators
