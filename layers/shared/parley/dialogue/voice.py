"""Voice: NLX's SDK asks ``POST …/requestToken`` for voice credentials (``getVoiceCredentials()``,
the Touchpoint widget's voice mode). Parley's deployments are text chat; the answer is a clear
refusal the client can show, not a missing route."""

from __future__ import annotations

from typing import NoReturn

from parley.errors import NotOffered


def voice_credentials(deployment_key: str, channel_key: str) -> NoReturn:
    raise NotOffered(
        f"Deployment {deployment_key!r} offers text chat only on {channel_key!r}: there is no voice "
        "channel to connect to. Use text turns (POST /c/{deploymentKey}/{channelKey}).",
        title="Voice is not offered",
    )
