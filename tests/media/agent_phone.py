"""A test agent's softphone: pjsua2 as a UAS in its own process.

``python tests/media/agent_phone.py --key KEY --record OUT.wav`` listens on a free UDP
port and prints one JSON object per line on stdout: ``ready`` (with ``address``),
``refused`` (an INVITE without a valid ``X-Vaxla-Offer`` for KEY, answered 403),
``ringing`` (with ``offer_id``), ``early_media`` (a call it made has audio before the
answer: 183 with SDP), ``answered``, ``ended`` (``by``: local or remote). It answers
valid offers at once (with ``--no-answer`` it only rings: 180) and records what it hears
to OUT.wav once answered, and what it hears before, as early media, to OUT.early.wav.
Commands on stdin:
``hangup`` (hang up the call), ``hold`` (re-INVITE sendonly; ``held`` once done),
``unhold`` (re-INVITE sendrecv; ``resumed``), ``credentials REALM USERNAME PASSWORD``
(what answers the SIP front's challenge from now on; ``credentials_set``), ``dial URI
[SESSION]`` (an outbound call to URI, with ``X-Vaxla-Session: SESSION`` when given;
``answered`` once it is, ``ended`` with the final SIP ``code`` and ``reason``), ``play
WAV`` (send the WAV file once into the call, as the agent's voice, as soon as the phone
hears the other side, as a person answers a caller it hears; ``playing``), ``quit``.
Closing stdin quits too.
"""

import argparse
import json
import re
import select
import sys
import time
from pathlib import Path
from typing import Any

import pjsua2 as pj

from vaxla_protocol.offers import OFFER_HEADER, InvalidOfferToken, verify_offer_header
from vaxla_protocol.outbound import SESSION_HEADER

_HEADER = re.compile(rf"^{re.escape(OFFER_HEADER)}[ \t]*:[ \t]*(.*?)\r?$", re.I | re.M)


HEARD_LEVEL = 5
"""The received signal level (pjmedia's 0 to 255) above which the phone hears someone."""


def say(event: str, **fields: object) -> None:
    print(json.dumps({"event": event, **fields}), flush=True)


class Phone:
    def __init__(self, key: str, record: str, answer: bool) -> None:
        self.key = key
        self.answer = answer
        self.record = record
        self.call: _Call | None = None
        self.refused: list[_Call] = []
        self.recorder: Any = None
        self.early: Any = None  # the recorder of early media, until the answer
        self.early_record = str(Path(record).with_suffix(".early.wav"))
        self.holding = False
        self.finished: list[_Call] = []
        self.player: Any = None  # what ``play`` sends into the call
        self.to_play = ""  # the file ``play`` sends once the other side is heard


class _Call(pj.Call):  # type: ignore[misc]
    def __init__(self, phone: Phone, account: Any, call_id: int) -> None:
        super().__init__(account, call_id)
        self.phone = phone
        self.local_hangup = False

    def onCallState(self, prm: Any) -> None:
        info = self.getInfo()
        if info.state == pj.PJSIP_INV_STATE_CONFIRMED and self.phone.early is not None:
            # Answered after early media: the same audio goes on (no new SDP).
            for index, media in enumerate(info.media):
                active = media.status == pj.PJSUA_CALL_MEDIA_ACTIVE
                if media.type == pj.PJMEDIA_TYPE_AUDIO and active:
                    self._answered(index)
                    return
        if info.state != pj.PJSIP_INV_STATE_DISCONNECTED:
            return
        if self in self.phone.refused:
            self.phone.refused.remove(self)
            return
        if self.phone.call is self:
            self.phone.call = None
            self.phone.finished.append(self)  # not deleted inside its own callback
            self.phone.recorder = None
            self.phone.to_play = ""
            self.phone.early = None
            say(
                "ended",
                by="local" if self.local_hangup else "remote",
                code=int(info.lastStatusCode),
                reason=str(info.lastReason),
            )

    def onCallMediaState(self, prm: Any) -> None:
        info = self.getInfo()
        for index, media in enumerate(info.media):
            if (
                media.type == pj.PJMEDIA_TYPE_AUDIO
                and media.status == pj.PJSUA_CALL_MEDIA_LOCAL_HOLD
            ):
                say("held")
                return
            if media.type == pj.PJMEDIA_TYPE_AUDIO and media.status == pj.PJSUA_CALL_MEDIA_ACTIVE:
                if self.phone.holding:
                    self.phone.holding = False
                    self.getAudioMedia(index).startTransmit(self.phone.recorder)
                    say("resumed")
                if self.phone.recorder is None and info.state == pj.PJSIP_INV_STATE_EARLY:
                    if self.phone.early is None:
                        early = pj.AudioMediaRecorder()
                        early.createRecorder(self.phone.early_record)
                        self.getAudioMedia(index).startTransmit(early)
                        self.phone.early = early
                        say("early_media")
                elif self.phone.recorder is None:
                    self._answered(index)
                return

    def _answered(self, index: int) -> None:
        if self.phone.recorder is not None:
            return
        media = self.getAudioMedia(index)
        if self.phone.early is not None:
            media.stopTransmit(self.phone.early)
            self.phone.early = None  # the early recording is complete
        recorder = pj.AudioMediaRecorder()
        recorder.createRecorder(self.phone.record)
        media.startTransmit(recorder)
        self.phone.recorder = recorder
        say("answered")


class _Account(pj.Account):  # type: ignore[misc]
    def __init__(self, phone: Phone) -> None:
        super().__init__()
        self.phone = phone

    def onIncomingCall(self, prm: Any) -> None:
        call = _Call(self.phone, self, prm.callId)
        answer = pj.CallOpParam(True)
        head = str(prm.rdata.wholeMsg).split("\r\n\r\n", 1)[0]
        match = _HEADER.search(head)
        try:
            offer_id = verify_offer_header(self.phone.key, match.group(1) if match else None)
        except InvalidOfferToken as error:
            self.phone.refused.append(call)
            answer.statusCode = 403
            call.answer(answer)
            say("refused", reason=str(error))
            return
        self.phone.call = call
        say("ringing", offer_id=offer_id, at=time.time())  # wall clock: to order by
        answer.statusCode = 200 if self.phone.answer else 180
        call.answer(answer)


def play_when_heard(phone: Phone) -> None:
    """Start ``play``'s file once the answered call's audio carries the other side's
    voice (the levels of its conference port, both ways: nothing else is sent into it
    before). No player or call is left in main's locals: one alive after libDestroy
    aborts."""
    call = phone.call
    if call is None or phone.recorder is None:
        return
    media = call.getAudioMedia(-1)
    if max(media.getRxLevel(), media.getTxLevel()) <= HEARD_LEVEL:
        return
    phone.player = pj.AudioMediaPlayer()
    phone.player.createPlayer(phone.to_play, pj.PJMEDIA_FILE_NO_LOOP)
    phone.player.startTransmit(media)
    phone.to_play = ""
    say("playing")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--key", required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--no-answer", action="store_true")
    parser.add_argument(
        "--rtp-port", type=int, default=0, help="the first of 10 RTP ports (0: pjsua's 4000 on)"
    )
    args = parser.parse_args()
    phone = Phone(args.key, args.record, answer=not args.no_answer)
    endpoint = pj.Endpoint()
    endpoint.libCreate()
    config = pj.EpConfig()
    config.uaConfig.threadCnt = 0
    config.uaConfig.mainThreadOnly = True
    config.uaConfig.maxCalls = 32
    config.logConfig.level = 1
    config.logConfig.consoleLevel = 1
    endpoint.libInit(config)
    transport_config = pj.TransportConfig()
    transport_config.boundAddress = "127.0.0.1"
    transport = endpoint.transportCreate(pj.PJSIP_TRANSPORT_UDP, transport_config)
    endpoint.audDevManager().setNullDev()
    endpoint.libStart()
    address = endpoint.transportGetInfo(transport).localName
    account_config = pj.AccountConfig()
    account_config.idUri = f"sip:agent@{address}"
    if args.rtp_port:  # its own ports: pjsua's default range is every pjsua process's
        account_config.mediaConfig.transportConfig.port = args.rtp_port
        account_config.mediaConfig.transportConfig.portRange = 10
        account_config.mediaConfig.transportConfig.boundAddress = "127.0.0.1"
    account = _Account(phone)
    account.create(account_config, True)
    say("ready", address=address)
    running = True
    while running:
        endpoint.libHandleEvents(10)
        phone.finished.clear()
        if phone.call is None and phone.player is not None:
            phone.player = None  # its call is over (never deleted inside a callback)
        if phone.to_play:
            play_when_heard(phone)
        if select.select([sys.stdin], [], [], 0)[0]:
            command = sys.stdin.readline().strip()
            if command in ("", "quit"):
                running = False
            elif command.startswith("credentials "):
                realm, username, password = command.split()[1:]
                account_config.sipConfig.authCreds.clear()
                account_config.sipConfig.authCreds.append(
                    pj.AuthCredInfo("digest", realm, username, 0, password)
                )
                account.modify(account_config)
                say("credentials_set")
            elif command.startswith("dial ") and phone.call is None:
                uri, *session = command.split()[1:]
                param = pj.CallOpParam(True)
                for value in session:
                    header = pj.SipHeader()
                    header.hName = SESSION_HEADER
                    header.hValue = value
                    param.txOption.headers.append(header)
                # No local name for the call: a Call alive after libDestroy aborts.
                phone.call = _Call(phone, account, pj.PJSUA_INVALID_ID)
                try:
                    phone.call.makeCall(uri, param)
                except pj.Error as error:
                    phone.call = None
                    say("ended", by="local", code=0, reason=str(error.info()))
                else:
                    say("dialled", uri=uri)
            elif command.startswith("play ") and phone.call is not None:
                phone.to_play = command.split(maxsplit=1)[1]
            elif command == "hangup" and phone.call is not None:
                phone.call.local_hangup = True
                phone.call.hangup(pj.CallOpParam(True))
            elif command == "hold" and phone.call is not None:
                phone.holding = True
                phone.call.setHold(pj.CallOpParam(True))
            elif command == "unhold" and phone.call is not None:
                unhold = pj.CallOpParam(True)
                unhold.opt.flag = pj.PJSUA_CALL_UNHOLD
                phone.call.reinvite(unhold)
    if phone.call is not None:
        phone.call.local_hangup = True
        phone.call.hangup(pj.CallOpParam(True))
    for _ in range(100):
        if phone.call is None and not phone.refused:
            break
        endpoint.libHandleEvents(10)
    phone.call = None
    phone.refused.clear()
    phone.finished.clear()  # a Call still alive after libDestroy aborts the process
    phone.recorder = None
    phone.player = None
    phone.early = None
    account.shutdown()
    del account
    endpoint.libDestroy()


if __name__ == "__main__":
    main()
