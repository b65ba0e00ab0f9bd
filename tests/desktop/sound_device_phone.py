"""A softphone on PortAudio's real devices, for ``test_sound_devices.py``.

Run in its own process, because PortAudio reads the ALSA configuration and the sound
servers' addresses (the environment the test gives) when it starts. It chooses the
devices given on the command line, answers the one offer that comes, looks at its
devices every 100 ms as the app does every 2 s, and prints one line per event (``@@``
and JSON, as pjsua2 prints too): ``ready`` (its SIP address, the devices PortAudio
lists, whether the devices are open), ``woke`` and ``released`` (the devices opened and
let go), ``route`` (the devices in use, the open streams), ``ringing`` (where it rings),
``connected``, ``ended``. Exit 0 after the call.

    python sound_device_phone.py KEY MICROPHONE SPEAKER RINGER IDLE_S [--open] [--release]

``--open`` opens the devices at once, as the sound settings do (else the offer does);
``--release`` waits after the call until the devices are let go.
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
    idle_s = float(sys.argv[5])
    events: list[SoftphoneEvent] = []
    phone = Softphone(events.append, lambda: key, audio=True, sound_idle_s=idle_s)
    sound = phone._portaudio
    if sound is None:
        say("no-portaudio")
        phone.close()
        return 1
    say(
        "ready",
        address=phone.address,
        awake=sound.awake,
        devices=[d.key for d in phone.audio_devices()],
    )
    phone.use_audio(AudioChoice(microphone=microphone, speaker=speaker, ringer=ringer))
    if "--open" in sys.argv[6:]:
        phone.audio_devices(look_again=True)
    awake = sound.awake
    if awake:
        say("woke")
    deadline = time.monotonic() + 40
    next_check = 0.0
    ended_at: float | None = None
    while time.monotonic() < deadline:
        if ended_at is not None and (
            "--release" not in sys.argv[6:]
            or not sound.awake
            or time.monotonic() > ended_at + idle_s + 5
        ):
            break
        phone.pump(10)
        if time.monotonic() >= next_check:
            phone.check_audio_devices()
            next_check = time.monotonic() + 0.1
        if sound.awake != awake:
            awake = sound.awake
            say("woke" if awake else "released")
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
                ended_at = time.monotonic()
    phone.close()
    return 0 if ended_at is not None else 2


if __name__ == "__main__":
    sys.exit(main())
