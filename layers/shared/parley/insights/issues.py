"""Problems in a conversation that sentiment alone misses ("it still does not work" is not very
negative words, but it is a complaint): phrase rules over the turns, in English and Spanish, each
issue pointing at the message it was found in.

Parley's own lines count too: an assistant line that says it did not understand (the deployments'
fallback and out-of-scope replies, in either language) is ``assistant_not_understood``, and one that
hands the conversation to a person is ``handed_off``.
"""

from __future__ import annotations

import re

from parley.insights.transcript import Transcript

EXCERPT_CHARS = 120
REPEAT_SIMILARITY = 0.6

COMPLAINT = re.compile(
    r"\b(?:(?:still|just|simply)\s+(?:does\s*n[o']?t|doesn't|isn't|is\s+not|won't|not)\b[^.?!]{0,30}"
    r"|(?:does\s+not|doesn't|do\s+not|don't|is\s+not|isn't|not)\s+work(?:ing|s)?"
    r"|broken|terrible|awful|horrible|worst|useless|unacceptable|ridiculous|disappointed|disappointing"
    r"|frustrat\w*|annoy\w*|waste\s+of\s+(?:time|money)|never\s+(?:arrived|came|got)|complain\w*"
    r"|refund|damaged|wrong\s+(?:item|order|size|colou?r)|too\s+late|(?:an?\s+)?error"
    # Spanish
    r"|sigue\s+sin\s+funcionar|(?:ya\s+)?no\s+(?:funciona|sirve|jala)|p[ée]sim[oa]|horrible|fatal|in[úu]til"
    r"|qu[ée]ja\w*|reembolso|da[ñn]ad[oa]|nunca\s+lleg[óo]|decepcion\w*|estafa|una\s+porquer[íi]a)\b",
    re.IGNORECASE,
)
HUMAN_REQUEST = re.compile(
    r"\b(?:(?:speak|talk|chat)\s+(?:to|with)\s+(?:a|an|some|your|the)?\s*"
    r"(?:human|person|people|agent|representative|someone|manager|operator|real\s+person)"
    r"|real\s+(?:person|human)|human\s+(?:agent|being)|customer\s+(?:service|support)|call\s+me(?:\s+back)?"
    r"|live\s+(?:agent|chat|person)|operator"
    # Spanish
    r"|hablar\s+con\s+(?:una?\s+)?(?:persona|humano|agente|asesor[a]?|alguien|ejecutiv[oa]|operador[a]?)"
    r"|persona\s+real|(?:p[áa]same|comun[íi]came)\s+con|atenci[óo]n\s+al\s+cliente|un\s+asesor)\b",
    re.IGNORECASE,
)
NOT_UNDERSTOOD = re.compile(
    r"\b(?:i\s+(?:do\s*n[o']?t|don't|did\s*n[o']?t|didn't)\s+(?:quite\s+)?(?:understand|get|catch)"
    r"|(?:i'm|i\s+am)\s+not\s+sure\s+what\s+you\s+mean|could\s+you\s+(?:please\s+)?rephrase"
    r"|(?:sorry,?\s+)?i\s+can(?:not|'t)\s+help\s+with\s+that|i\s+did\s*n[o']?t\s+catch\s+that"
    r"|not\s+sure\s+i\s+(?:follow|understand)"
    # Spanish
    r"|no\s+(?:te|le|lo)\s+entend[íi]|no\s+entend[íi]|con\s+eso\s+no\s+te\s+puedo\s+ayudar"
    r"|no\s+te\s+puedo\s+ayudar\s+con\s+eso|podr[íi]as\s+repetirlo)",
    re.IGNORECASE,
)
HANDED_OFF = re.compile(
    r"\b(?:passing\s+you\s+(?:to|over)|handing\s+you\s+over|connecting\s+you\s+(?:with|to)"
    r"|transferring\s+you|a\s+colleague\s+(?:will|from)|one\s+of\s+our\s+(?:advisers|advisors|agents)"
    # Spanish
    r"|te\s+(?:paso|comunico|transfiero)\s+con|uno\s+de\s+nuestros\s+asesores)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+|\d+")
_QUESTION_START = frozenset(
    "what when where which who whom whose why how can could do does is are will would "
    "que qué cuando cuándo donde dónde cual cuál quien quién por como cómo cuanto cuánto puedo pueden".split()
)
_STOP = frozenset(
    "a an the i you we to of and or is are do does can it my your me for on in at this that "
    "el la los las un una de del y o es son que en mi tu me para por con se lo".split()
)


def _excerpt(text: str, start: int, end: int) -> str:
    margin = max(0, (EXCERPT_CHARS - (end - start)) // 2)
    left = max(0, start - margin)
    piece = text[left : left + EXCERPT_CHARS].strip()
    return ("…" if left > 0 else "") + piece + ("…" if left + EXCERPT_CHARS < len(text) else "")


def _is_question(text: str) -> bool:
    words = _WORD.findall(text.lower())
    return text.rstrip().endswith("?") or bool(words and words[0] in _QUESTION_START)


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def _issue(kind: str, index: int, text: str, span: tuple[int, int]) -> dict[str, object]:
    return {"type": kind, "messageIndex": index, "excerpt": _excerpt(text, *span)}


def find_issues(transcript: Transcript) -> list[dict[str, object]]:
    issues: list[dict[str, object]] = []
    asked: list[set[str]] = []
    for index, turn in enumerate(transcript.turns):
        text = turn.content
        if not text.strip():
            continue
        if turn.role == "user":
            for kind, pattern in (("complaint", COMPLAINT), ("human_requested", HUMAN_REQUEST)):
                match = pattern.search(text)
                if match:
                    issues.append(_issue(kind, index, text, match.span()))
            if _is_question(text):
                words = _content_words(text)
                if words and any(
                    len(words & earlier) / len(words | earlier) >= REPEAT_SIMILARITY for earlier in asked
                ):
                    issues.append(_issue("repeated_question", index, text, (0, len(text))))
                asked.append(words)
        elif turn.role == "assistant":
            for kind, pattern in (("assistant_not_understood", NOT_UNDERSTOOD), ("handed_off", HANDED_OFF)):
                match = pattern.search(text)
                if match:
                    issues.append(_issue(kind, index, text, match.span()))
    return issues
