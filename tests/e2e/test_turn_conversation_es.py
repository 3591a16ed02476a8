"""A whole Spanish conversation over HTTP against the local gateway, on the demo deployment's
``web-es-MX`` channel: every message in Spanish, Spanish numbers and counts, a correction, a
digression that resumes the task, fulfilment, and insights read with a Spanish lexicon."""

import time

import pytest
import requests

pytestmark = pytest.mark.e2e

TURN = "/c/furniture-shop/web-es-MX"


def _say(gateway, body: dict) -> dict:
    response = requests.post(
        f"{gateway.url}{TURN}", json=body, headers={"nlx-api-key": gateway.demo_key}, timeout=30
    )
    assert response.status_code == 200, response.text
    return response.json()


def _text(gateway, text: str, conversation_id: str | None = None) -> dict:
    body: dict = {"request": {"unstructured": {"text": text}}}
    if conversation_id:
        body["conversationId"] = conversation_id
    return _say(gateway, body)


def _texts(body: dict) -> list[str]:
    return [m["text"] for m in body["messages"]]


def test_a_spanish_conversation_is_in_spanish_from_start_to_end(gateway) -> None:
    # Given a visitor on the Spanish channel who greets
    hola = _text(gateway, "Hola")
    conversation_id = hola["conversationId"]
    assert _texts(hola) == ["¡Hola! Soy el asistente de Terrace & Table.", "¿En qué te puedo ayudar?"]
    assert hola["messages"][-1]["choices"][0]["choiceText"] == "Buscar una mesa de exterior"

    # When they ask for a table the way people write it
    mesa = _text(gateway, "Busco una mesa para mi terraza", conversation_id)
    assert mesa["metadata"]["incomprehension"] is False
    assert _texts(mesa) == ["¿Qué presupuesto tienes en mente para la mesa?"]
    assert mesa["messages"][-1]["choices"][0] == {"choiceId": "under-500", "choiceText": "Menos de 500 €"}

    presupuesto = _text(gateway, "menos de 500 euros", conversation_id)
    assert presupuesto["payload"]["slots"] == {"budget": "under-500"}

    # And ask about delivery in the middle of it
    envio = _text(gateway, "¿hacen envíos a Monterrey?", conversation_id)
    assert _texts(envio) == [
        "Entregamos en Monterrey en 5 a 7 días hábiles; el envío es gratis a partir de 500 €.",
        "Ahora sí, sigamos donde nos quedamos.",
        "¿Para cuántas personas debe ser la mesa?",
    ]

    personas = _text(gateway, "somos mi esposa, yo y nuestros tres hijos", conversation_id)
    assert personas["payload"]["slots"] == {"budget": "under-500", "seating": "6"}

    # And correct the budget
    premium = _text(gateway, "espera, mejor premium", conversation_id)
    assert _texts(premium)[0] == "Entendido, lo cambié a Más de 2000 €."

    # Then it fulfils, in Spanish
    listo = _text(gateway, "de aluminio", conversation_id)
    assert _texts(listo) == [
        "Esta es nuestra selección de mesas de aluminio para 6 personas, de más de 2000 €. "
        "Ya te la envié a tu carrito."
    ]
    assert listo["payload"]["language"] == "es"
    assert not any(
        body["metadata"]["incomprehension"]
        for body in (hola, mesa, presupuesto, envio, personas, premium, listo)
    )

    # And its insights have Spanish topics and no issue
    auth = {"Authorization": f"Bearer {gateway.demo_key}"}
    url = f"{gateway.url}/api/v1/conversations/{conversation_id}/insights"
    deadline = time.monotonic() + 30
    insights = requests.get(url, headers=auth, timeout=30)
    while insights.status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
        insights = requests.get(url, headers=auth, timeout=30)
    assert insights.status_code == 200, insights.text
    body = insights.json()
    assert body["issues"] == []
    assert "terraza" in body["topics"]
    assert not any(word in topic for topic in body["topics"] for word in ("euros", "menos", "somos"))


def test_three_misunderstandings_in_a_row_hand_off_by_the_deployments_policy(gateway) -> None:
    first = _text(gateway, "Busco una mesa para mi terraza")
    conversation_id = first["conversationId"]

    once = _text(gateway, "blorp", conversation_id)
    twice = _text(gateway, "qwerty asdf", conversation_id)
    thrice = _text(gateway, "zzz zzz", conversation_id)

    assert once["metadata"]["incomprehension"] is True and once["metadata"]["escalation"] is False
    assert _texts(once)[0] == "Perdón, no te entendí bien."
    assert twice["metadata"]["escalation"] is False
    assert thrice["metadata"]["escalation"] is True
    assert _texts(thrice) == [
        "Te paso con una persona de nuestro equipo; te responderá aquí en unos minutos."
    ]
