"""POST /c/{deploymentKey}/{channelKey}/requestToken — NLX voice credentials: 403 `not_offered`."""

from parley.dialogue.limits import MAX_BODY_BYTES
from parley.dialogue.voice import voice_credentials
from parley.http.bodies import check_body_size
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.problems import TURN_STYLE
from parley.observability import Observability
from parley.settings import Settings

settings = Settings.from_env()
observability = Observability(settings)
endpoint = Endpoint(settings, observability, TURN_STYLE)


def handle_request_voice_token(http: Request) -> Response:
    # The body (what NLX's SDK sends: language, ids, context) changes nothing; only its size is checked.
    check_body_size(http.body, MAX_BODY_BYTES)
    voice_credentials(http.path_parameter("deploymentKey"), http.path_parameter("channelKey"))


lambda_handler = observability.api_handler(endpoint(handle_request_voice_token))
