"""The prompts panel wired (R6, R31): the prompt names and custom files from the server,
an administrator's upload or text sent as background work, a prompt's audio fetched and
played on this computer; a refusal or a missing sound device is said in words."""

import asyncio
import logging
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject

from vaxla_desktop.acting import act
from vaxla_desktop.api import ServerError
from vaxla_desktop.api.prompts import PromptsApi
from vaxla_desktop.background import BackgroundWork
from vaxla_desktop.session import Session
from vaxla_desktop.settings import DesktopSettings
from vaxla_desktop.sip.wav_player import PlaybackError, play_wav
from vaxla_desktop.ui.messages import describe
from vaxla_desktop.ui.prompts_panel import PromptsPanel
from vaxla_protocol.config import Language, PromptCall

log = logging.getLogger(__name__)
POLL_S = 1.0


class PromptsDesk(QObject):
    def __init__(
        self,
        session: Session,
        panel: PromptsPanel,
        parent: QObject | None = None,
        settings: DesktopSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.panel = panel
        self._settings = settings
        panel.last_phone = (settings.prompt_phone if settings else None) or ""
        self.poll_s = POLL_S
        """How often a call recording a prompt is asked about."""
        self.api = PromptsApi(session.client)
        self._work = BackgroundWork(log, "prompt work")
        self.loaded = asyncio.Event()
        self.uploaded = asyncio.Event()
        panel.sig_language_chosen.connect(lambda _language: self.load())
        panel.sig_play_requested.connect(self._on_play)
        panel.sig_upload_requested.connect(self._on_upload)
        panel.sig_speak_requested.connect(self._on_speak)
        panel.sig_recording_ready.connect(self._on_recording)
        panel.sig_take_listen.connect(self._on_take_listen)
        panel.sig_phone_record_requested.connect(self._on_phone)

    def load(self) -> None:
        self._work.spawn(self._load(Language(self.panel.language)))

    async def stop(self) -> None:
        await asyncio.gather(*self._work.cancel(), return_exceptions=True)

    async def _load(self, language: Language) -> None:
        try:
            names = await self.api.names(language)
            custom = {item.name for item in await self.api.custom() if item.language is language}
        except ServerError as error:
            self.panel.show_error(describe(error))
            return
        if self.panel.language == language.value:
            self.panel.show_prompts(names, custom)
        self.loaded.set()

    def _on_play(self, language: str, name: str) -> None:
        async def play() -> None:
            await self._play(name, await self.api.audio(Language(language), name))

        self._act(play())

    def _on_take_listen(self, data: bytes) -> None:
        self._act(self._play(self.tr("the recording"), data))

    async def _play(self, name: str, data: bytes) -> None:
        self.panel.show_status(self.tr("Playing {0}…").format(name))
        try:
            seconds = await asyncio.to_thread(play_wav, data)
        except PlaybackError as error:
            self.panel.show_status("")
            self.panel.show_error(self.tr("Cannot play {0}: {1}").format(name, error))
            return
        self.panel.show_status(self.tr("Played {0} ({1:.1f} s)").format(name, seconds))

    def _on_recording(self, language: str, name: str, data: bytes) -> None:
        async def upload() -> None:
            self.uploaded.clear()
            await self.api.upload_data(Language(language), name, data)
            self.panel.show_status(self.tr("{0} now plays your recording").format(name))
            await self._load(Language(language))
            self.uploaded.set()

        self._act(upload())

    def _on_upload(self, language: str, name: str, path: str) -> None:
        async def upload() -> None:
            try:
                await self.api.upload(Language(language), name, Path(path))
            except (ValueError, OSError) as error:
                self.panel.show_error(str(error))
                return
            self.panel.show_status(self.tr("{0} now plays {1}").format(name, Path(path).name))
            await self._load(Language(language))

        self._act(upload())

    def _on_speak(self, language: str, name: str, text: str) -> None:
        async def speak() -> None:
            await self.api.speak(Language(language), name, text)
            self.panel.show_status(self.tr("{0} now says your text").format(name))
            await self._load(Language(language))

        self._act(speak())

    def _on_phone(self, language: str, name: str, phone: str) -> None:
        self.panel.last_phone = phone
        if self._settings is not None:
            self._settings.remember_prompt_phone(phone)

        async def record() -> None:
            call = await self.api.record_by_phone(Language(language), name, phone)
            while True:
                self._show_call(call)
                if call.state in ("saved", "failed"):
                    break
                await asyncio.sleep(self.poll_s)
                call = await self.api.prompt_call(name, call.id)
            if call.state == "saved":
                await self._load(Language(language))

        self._act(record())

    def _show_call(self, call: PromptCall) -> None:
        if call.state == "calling":
            text = self.tr("Calling {0} to record {1}…").format(call.phone, call.name)
        elif call.state == "recording":
            text = self.tr("Recording {0}: speak after the tone, press # when done").format(
                call.name
            )
        elif call.state == "saved":
            text = self.tr("{0} now plays the recording from {1} ({2:.1f} s)").format(
                call.name, call.phone, call.seconds or 0.0
            )
        else:
            text = ""
            self.panel.show_error(
                self.tr("Recording {0} by phone failed: {1}").format(call.name, call.reason)
            )
        self.panel.show_status(text)

    def _act(self, work: Coroutine[Any, Any, None]) -> None:
        act(self._work, self.panel, work)
