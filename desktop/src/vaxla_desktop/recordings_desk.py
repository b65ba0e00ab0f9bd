"""The recordings panel wired (R27): the recordings the user may read searched on the
server, one fetched and played on this computer or exported to a WAV, MP3 or Ogg Vorbis
file (checked first: a WAV against the SHA-256 stored, an encoded file against the one
the server gives for it and for the WAV it was made from), tags added and removed, the
keep mark set. A refusal, a damaged download or a missing sound device is said in
words."""

import asyncio
import hashlib
import logging
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject

from vaxla_desktop.acting import act
from vaxla_desktop.api import ServerError
from vaxla_desktop.api.recordings import RecordingsApi
from vaxla_desktop.background import BackgroundWork
from vaxla_desktop.session import Session
from vaxla_desktop.sip.wav_player import PlaybackError, play_wav
from vaxla_desktop.ui.recordings_panel import RecordingsPanel
from vaxla_protocol.recording import AudioFormat, RecordingChange

log = logging.getLogger(__name__)


class RecordingsDesk(QObject):
    def __init__(self, session: Session, panel: RecordingsPanel, parent: QObject | None = None):
        super().__init__(parent)
        self.panel = panel
        self.api = RecordingsApi(session.client)
        self._work = BackgroundWork(log, "recordings work")
        self.loaded = asyncio.Event()
        panel.sig_search_requested.connect(self.load)
        panel.sig_play_requested.connect(self._on_play)
        panel.sig_export_requested.connect(self._on_export)
        panel.sig_tag_requested.connect(self._on_tag)
        panel.sig_keep_requested.connect(self._on_keep)

    def load(self) -> None:
        self._act(self._load())

    async def stop(self) -> None:
        await asyncio.gather(*self._work.cancel(), return_exceptions=True)

    async def _load(self) -> None:
        since = datetime.now(UTC) - timedelta(days=self.panel.days.value())
        found = await self.api.search(
            since=since,
            queue=self.panel.queue_edit.text().strip(),
            tag=self.panel.tag_filter.text().strip(),
        )
        self.panel.show_recordings(found)
        self.loaded.set()

    async def _checked_audio(
        self, recording_id: int, audio_format: AudioFormat = AudioFormat.WAV
    ) -> bytes | None:
        """The recording's bytes in ``audio_format``, if they are what the server sent
        and made from the WAV with the SHA-256 it stored (an encoded file's own checksum
        comes with it)."""
        sent = await self.api.audio(recording_id, audio_format)
        listed = next((r for r in self.panel.model.rows if r.id == recording_id), None)
        whole = hashlib.sha256(sent.data).hexdigest() == sent.sha256
        from_stored = listed is None or sent.recording_sha256 == listed.sha256
        if not (whole and from_stored):
            self.panel.show_error(
                self.tr("The recording arrived damaged (its checksum differs); try again")
            )
            return None
        return sent.data

    def _on_play(self, recording_id: int) -> None:
        async def play() -> None:
            data = await self._checked_audio(recording_id)
            if data is None:
                return
            self.panel.show_status(self.tr("Playing the recording…"))
            try:
                seconds = await asyncio.to_thread(play_wav, data)
            except PlaybackError as error:
                self.panel.show_status("")
                self.panel.show_error(self.tr("Cannot play the recording: {0}").format(error))
                return
            self.panel.show_status(self.tr("Played the recording ({0:.1f} s)").format(seconds))

        self._act(play())

    def _on_export(self, recording_id: int, path: str, audio_format: str) -> None:
        kind = AudioFormat(audio_format)

        async def export() -> None:
            if kind is not AudioFormat.WAV:
                self.panel.show_status(self.tr("Making the {0} file…").format(kind.name))
            try:
                data = await self._checked_audio(recording_id, kind)
            except ServerError:
                self.panel.show_status("")
                raise
            if data is None:
                self.panel.show_status("")
                return
            target = Path(path)
            if target.suffix.lower() != f".{kind.value}":
                target = target.with_name(f"{target.name}.{kind.value}")
            try:
                await asyncio.to_thread(target.write_bytes, data)
            except OSError as error:
                self.panel.show_status("")
                self.panel.show_error(
                    self.tr("Cannot write {0}: {1}").format(target, error.strerror or error)
                )
                return
            self.panel.show_status(self.tr("Exported to {0}").format(target))

        self._act(export())

    def _on_tag(self, recording_id: int, tag: str, add: bool) -> None:
        change = RecordingChange(add_tags=[tag]) if add else RecordingChange(remove_tags=[tag])
        self._change(recording_id, change, self.tr("Tag added") if add else self.tr("Tag removed"))

    def _on_keep(self, recording_id: int, keep: bool) -> None:
        done = self.tr("Kept: it is never purged") if keep else self.tr("No longer kept")
        self._change(recording_id, RecordingChange(keep=keep), done)

    def _change(self, recording_id: int, change: RecordingChange, done: str) -> None:
        async def send() -> None:
            await self.api.change(recording_id, change)
            await self._load()
            self.panel.show_status(done)

        self._act(send())

    def _act(self, work: Coroutine[Any, Any, None]) -> None:
        act(self._work, self.panel, work)
