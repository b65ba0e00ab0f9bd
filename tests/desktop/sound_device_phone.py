"""A softphone on PortAudio's real devices, for ``test_sound_devices.py``.

Run in its own process, because PortAudio reads the ALSA configuration and the sound
servers' addresses (the environment the test gives) when it starts. It chooses the
devices given on the command line, answers the one offer that comes, looks at its
devices every 100 ms as the app does every 2 s, and prints one line per event (``@@``
and JSON, as pjsua2 prints too): ``ready`` (its SIP address, the devices PortAudio
lists), ``route`` (the devices in use, the open streams), ``ringing`` (where it rings),
``connected``, ``ended``. Exit 0 after the call.

    python sound_device_phone.py SESSION_KEY MICROPHONE SPEAKER RINGER
"""

import dataclasses
import json
import sys
import time

from vaxla_desktop.sip.audio import AudioChoice
from vaxla_desktop.sip.softphone import (
    AudioRouteChanged,
    Connected,
    Ended,
    Ringing,
    Softphone,
    SoftphoneEvent,
)


def say(kind: str, **fields: object) -> None:
    print("@@", json.dumps({"kind": kind, **fields}), flush=True)


def main() -> int:
    key = sys.argv[1]
    microphone, speaker, ringer = sys.argv[2:5]
    events: list[SoftphoneEvent] = []
    phone = Softphone(events.append, lambda: key, audio=True)
    sound = phone._portaudio
    if sound is None:
        say("no-portaudio")
        phone.close()
        return 1
    say("ready", address=phone.address, devices=[d.key for d in phone.audio_devices()])
    phone.use_audio(AudioChoice(microphone=microphone, speaker=speaker, ringer=ringer))
    deadline = time.monotonic() + 30
    next_check = 0.0
    done = False
    while not done and time.monotonic() < deadline:
        phone.pump(10)
        if time.monotonic() >= next_check:
            phone.check_audio_devices()
            next_check = time.monotonic() + 0.1
        while events:
            event = events.pop(0)
            if isinstance(event, AudioRouteChanged):
                say("route", **dataclasses.asdict(event), open=list(sound.open_devices))
            elif isinstance(event, Ringing):
                phone.set_ringing(True)
                say("ringing", open=list(sound.open_devices), ringer=sound.ringing_on)
                # Ring for two seconds (the ringer plays), then answer.
                ring_until = time.monotonic() + 2.0
                while time.monotonic() < ring_until:
                    phone.pump(10)
                phone.set_ringing(False)
                phone.answer(event.call)
            elif isinstance(event, Connected):
                say("connected", open=list(sound.open_devices))
            elif isinstance(event, Ended):
                say("ended", code=event.code)
                done = True
    phone.close()
    return 0 if done else 2


if __name__ == "__main__":
    sys.exit(main())
