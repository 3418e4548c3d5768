"""Languages PageGuard cannot judge are never passed as "ok" in silence."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.act.alerts import email_bytes
from chalicelib.detect.engine import get_detector
from chalicelib.detect.language import identify
from chalicelib.models import Label
from tests.fake_graph import FakeGraph
from tests.pipeline_kit import dm, fb_comment, graph_writes, hides, make_kit, messages

FRENCH_DISCLOSURE = ("Bonjour, je suis en dépression depuis des mois et mon médecin a changé mes médicaments, "
                     "est-ce que vous prenez des nouveaux patients?")
PORTUGUESE_DISCLOSURE = "Olá, eu tenho ansiedade e estou tomando sertralina, vocês atendem pelo plano?"
GERMAN_DISCLOSURE = "Ich habe seit Monaten Depressionen und brauche einen Termin bei Ihnen"


@pytest.mark.parametrize("text,code", [
    (FRENCH_DISCLOSURE, "fr"), (PORTUGUESE_DISCLOSURE, "pt"), (GERMAN_DISCLOSURE, "de"),
    ("Ciao, sono molto stanca e non dormo più, avete posto questa settimana?", "it"),
    ("my son's ADHD meds stopped working", "en"), ("Mi hija tiene ansiedad desde marzo", "es"),
    ("merci!", "en"), ("I loved the Paris workshop, merci beaucoup", "en"), ("¿atienden online?", "es"),
    # short Spanish without accents or function words of the old list
    ("llevo 3 meses sin consumir", "es"), ("Paso a dejar mi like", "es"), ("hoy me subieron a 100", "es"),
    ("I went to a meeting today", "en"),
])
def test_languages_are_told_apart(text: str, code: str) -> None:
    assert identify(text).code == code


@pytest.mark.parametrize("text", [FRENCH_DISCLOSURE, PORTUGUESE_DISCLOSURE, GERMAN_DISCLOSURE])
def test_an_unsupported_language_is_labelled_not_checked(text: str) -> None:
    verdict = get_detector().detect(text)
    assert verdict.label is Label.OK and verdict.unsupported_language
    assert "unsupported language" in verdict.reason


@pytest.mark.parametrize("text", [
    "Je veux mourir, je n'en peux plus, ce soir je vais en finir",
    "Eu quero morrer, não aguento mais",
    "Ich will nicht mehr leben",
    "Voglio morire, non ce la faccio più",
    "je suis désolée, I want to kill myself",
])
def test_crisis_wording_still_escalates_in_other_languages(text: str) -> None:
    assert get_detector().detect(text).label is Label.CRISIS


def test_an_unsupported_comment_is_alerted_not_hidden_and_recorded(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    event = fb_comment(FRENCH_DISCLOSURE)
    decision = kit.pipeline.handle(event)
    assert decision is not None and decision.verdict.unsupported_language
    assert hides(fake_graph, event.item_id) == [] and graph_writes(fake_graph) == []
    [alert] = kit.notifier.sent
    assert alert.kind == "unsupported_language" and alert.language == "fr" and not alert.urgent
    email = email_bytes(alert, "PageGuard <a@b.test>").decode()
    assert "French" in email and "cannot check" in email
    assert "dépression" not in email and "médicaments" not in email
    record = kit.store.get_audit(event.item_id)
    assert record.language == "fr" and "unsupported language" in record.note


def test_an_unsupported_dm_gets_the_contact_reply_and_an_alert(fake_graph: FakeGraph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    kit.pipeline.handle(dm(PORTUGUESE_DISCLOSURE))
    assert len(messages(fake_graph)) == 1
    [alert] = kit.notifier.sent
    assert alert.kind == "unsupported_language" and alert.language == "pt"
