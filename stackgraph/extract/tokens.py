"""Sentences as the rules read them: spaCy tokens merged into units (names, money, stakes, dates, words).

spaCy's blank English pipeline gives the tokenizer and a rule-based sentencizer (no statistical model, nothing
downloaded). Its ``PhraseMatcher`` finds, in one pass per paragraph, the names of loaded entities, the deal
triggers and the status cues of :mod:`stackgraph.extract.lexicon`. Other names are found by their capitals (a run of
capitalised tokens, ``&`` and in-word hyphens, trimmed of sentence openers and titles); every name is linked
through :mod:`stackgraph.extract.linking`. Money, stakes and dates come from :mod:`stackgraph.extract.values`.
Each sentence then becomes a list of :class:`Unit` on which the rules search left and right.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stackgraph.extract.lexicon import COMMON_CAPITALISED, ORG_WORDS, STATUS_CUES, TRIGGERS, Trigger
from stackgraph.extract.linking import Linker, Mention
from stackgraph.extract.values import Amount, DateMention, Stake, find_amounts, find_dates, find_stakes

if TYPE_CHECKING:
    import datetime as dt

    from spacy.language import Language
    from spacy.tokens import Doc, Span

__all__ = ["Match", "Sentence", "SentenceReader", "Unit", "blank_pipeline"]

_FUTURE_WORDS = frozenset(
    {
        "will",
        "scheduled",
        "set",
        "plans",
        "plan",
        "upcoming",
        "next",
        "expected",
        "starting",
        "intends",
        "preparing",
        "later",
        "'ll",
    }
)


@dataclass
class Unit:
    """One reading unit of a sentence: a name, an amount, a stake, a date, a word or punctuation."""

    kind: str
    text: str
    start: int
    end: int
    space: bool = True
    value: Any = None

    @property
    def low(self) -> str:
        return self.text.lower()


@dataclass(frozen=True)
class Match:
    """A phrase found in a sentence, as unit positions ``[start, end)``; ``item`` is a trigger or cue phrase."""

    start: int
    end: int
    item: Any


@dataclass
class Sentence:
    """A sentence of the article: verbatim text, its offset, its units and the phrases found in it."""

    text: str
    offset: int
    units: list[Unit]
    body: int = 0
    question: bool = False
    headline: bool = False
    triggers: list[Match] = field(default_factory=list)
    cues: list[Match] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)

    def names(self) -> list[int]:
        """Unit positions of the names in the sentence's body."""
        return [i for i, u in enumerate(self.units) if u.kind == "name" and i >= self.body]


@functools.cache
def blank_pipeline() -> Language:
    """spaCy's blank English pipeline with the rule-based sentencizer (built once; no model is loaded)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


@functools.cache
def _trigger_table() -> dict[str, list[Trigger]]:
    table: dict[str, list[Trigger]] = {}
    for trigger in TRIGGERS:
        table.setdefault(trigger.phrase, []).append(trigger)
    return table


class SentenceReader:
    """Turns paragraphs into :class:`Sentence` objects, with one linker and one set of phrase matchers."""

    def __init__(self, linker: Linker) -> None:
        from spacy.matcher import PhraseMatcher

        self.nlp = blank_pipeline()
        self.linker = linker
        self._phrases = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        for phrase in _trigger_table():
            self._phrases.add("T|" + phrase, [self.nlp.make_doc(phrase)])
        for cue in STATUS_CUES:
            self._phrases.add("C|" + cue, [self.nlp.make_doc(cue)])
        self._names = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        patterns = [self.nlp.make_doc(name) for name in linker.names()]
        if patterns:
            self._names.add("N", patterns)

    def read(self, texts: Iterable[tuple[str, int]], article_date: dt.date | None) -> list[Sentence]:
        """Return the sentences of paragraphs given as ``(text, offset in the article)``."""
        items = list(texts)
        sentences: list[Sentence] = []
        for doc, (_text, offset) in zip(self.nlp.pipe(t for t, _ in items), items, strict=True):
            strings = self.nlp.vocab.strings
            found = [(strings[key], start, end) for key, start, end in self._phrases(doc)]
            names = [(start, end) for _key, start, end in self._names(doc)] if len(self._names) else []
            for sent in doc.sents:
                sentences.append(self._sentence(doc, sent, offset, found, names, article_date))
        return sentences

    def _sentence(
        self,
        doc: Doc,
        sent: Span,
        offset: int,
        found: Sequence[tuple[str, int, int]],
        names: Sequence[tuple[int, int]],
        article_date: dt.date | None,
    ) -> Sentence:
        text = sent.text
        base = sent.start_char
        headline = _is_headline(sent)
        future = any(t.lower_ in _FUTURE_WORDS for t in sent)
        spans: list[tuple[int, int, str, Any]] = []
        spans += [(a.start, a.end, "money", a) for a in find_amounts(text)]
        spans += [(s.start, s.end, "stake", s) for s in find_stakes(text)]
        dates = find_dates(text, article_date, future=future)
        spans += [(d.start, d.end, "date", d) for d in dates]
        tokens = list(sent)
        for start, end in names:
            if sent.start <= start and end <= sent.end:
                span = doc[start:end]
                mention = self.linker.link(span.text, _around(tokens, span))
                if mention is not None:
                    spans.append((span.start_char - base, span.end_char - base, "name", mention))
        if not headline:
            spans += self._capitalised(tokens, sent, base)
        chosen = _without_overlaps(spans)
        units = _units(sent, base, chosen)
        body = _body_start(units)
        sentence = Sentence(
            text, offset + base, units, body=body, question=text.rstrip().endswith("?"), headline=headline, dates=dates
        )
        starts = {u.start: i for i, u in enumerate(units) if u.kind in ("word", "punct")}
        ends = {u.end: i for i, u in enumerate(units) if u.kind in ("word", "punct")}
        for key, start, end in found:
            if not (sent.start <= start and end <= sent.end):
                continue
            first, last = doc[start].idx - base, doc[end - 1].idx + len(doc[end - 1]) - base
            if first not in starts or last not in ends:
                continue
            i, j = starts[first], ends[last] + 1
            kind, phrase = key.split("|", 1)
            if kind == "T":
                sentence.triggers += [Match(i, j, trigger) for trigger in _trigger_table()[phrase]]
            else:
                sentence.cues.append(Match(i, j, phrase))
        return sentence

    def _capitalised(self, tokens: list[Any], sent: Span, base: int) -> list[tuple[int, int, str, Any]]:
        out = []
        run: list[Any] = []
        for k, token in enumerate([*tokens, None]):
            if token is not None and (_name_token(token) or (run and _connector(token, tokens, k))):
                run.append(token)
                continue
            while run and (
                run[-1].text in "&-"
                or (run[-1].lower_ in COMMON_CAPITALISED and not (len(run) > 1 and run[-1].lower_ in ORG_WORDS))
            ):
                run.pop()
            while run and (run[0].lower_ in COMMON_CAPITALISED or run[0].text in "&-"):
                run.pop(0)
            if run and not _not_a_name(run, sent):
                start, end = run[0].idx - base, run[-1].idx + len(run[-1]) - base
                name = sent.text[start:end]
                out.append((start, end, "name", self.linker.mention(name, _around(tokens, run))))
            run = []
        return out


def _name_token(token: Any) -> bool:
    text = token.text
    if not text[:1].isalpha() and not text[:1].isdigit():
        return False
    if text[:1].isdigit():
        return any(c.isupper() for c in text) and text[:1].isdigit() and len(text) > 1 and text.isalnum()
    return text[0].isupper() or any(c.isupper() for c in text[1:])


def _connector(token: Any, tokens: Sequence[Any], k: int) -> bool:
    if token.text == "&":
        return k + 1 < len(tokens) and _name_token(tokens[k + 1])
    if token.text == "-" and k > 0 and not tokens[k - 1].whitespace_ and not token.whitespace_:
        return k + 1 < len(tokens) and _name_token(tokens[k + 1])
    if token.text[:1].isdigit() and k > 0 and token.text.isalnum():
        return True
    return token.lower_ in ("co.", "inc.", "corp.", "ltd.")


def _not_a_name(run: Sequence[Any], sent: Span) -> bool:
    text = " ".join(t.text for t in run)
    if text.lower() in COMMON_CAPITALISED:
        return True
    first = run[0]
    if len(run) == 1:
        if first.i == sent.start or (first.i > sent.start and first.doc[first.i - 1].text in ":-\u2013\u2014\"'"):
            low = first.lower_
            return first.is_stop or (low.endswith(("ing", "ed", "ly", "s")) and low not in ORG_WORDS)
        before = first.doc[first.i - 1].lower_ if first.i > 0 else ""
        if before in ("in", "near", "across", "throughout") and first.lower_ not in ORG_WORDS:
            return True
    return False


def _around(tokens: Sequence[Any], run: Sequence[Any]) -> tuple[list[str], list[str]]:
    first = run[0].i - tokens[0].i
    last = run[-1].i - tokens[0].i
    return [t.lower_ for t in tokens[max(0, first - 3) : first]], [t.lower_ for t in tokens[last + 1 : last + 5]]


def _is_headline(sent: Span) -> bool:
    """Title case: four words or more, three in four capitalised, and no lower-case word longer than four letters."""
    words = [t for t in sent if t.is_alpha]
    capitals = sum(1 for t in words if not t.text.islower())
    return len(words) >= 4 and capitals >= 0.75 * len(words) and not any(t.text.islower() and len(t) > 4 for t in words)


def _without_overlaps(spans: list[tuple[int, int, str, Any]]) -> list[tuple[int, int, str, Any]]:
    order = {"money": 0, "stake": 1, "date": 2, "name": 3}
    chosen: list[tuple[int, int, str, Any]] = []
    for span in sorted(spans, key=lambda s: (order[s[2]], -(s[1] - s[0]), s[0])):
        if all(span[1] <= c[0] or c[1] <= span[0] for c in chosen):
            chosen.append(span)
    return sorted(chosen)


def _units(sent: Span, base: int, spans: Sequence[tuple[int, int, str, Any]]) -> list[Unit]:
    units: list[Unit] = []
    pending = list(spans)
    for token in sent:
        start = token.idx - base
        end = start + len(token)
        while pending and pending[0][1] <= start:
            pending.pop(0)
        if pending and pending[0][0] <= start < pending[0][1]:
            span = pending[0]
            if units and units[-1].start == span[0] and units[-1].kind == span[2]:
                units[-1].end = max(units[-1].end, end)
                units[-1].space = bool(token.whitespace_)
            else:
                units.append(
                    Unit(span[2], sent.text[span[0] : span[1]], span[0], span[1], bool(token.whitespace_), span[3])
                )
            continue
        kind = "punct" if token.is_punct else "word"
        units.append(Unit(kind, token.text, start, end, bool(token.whitespace_)))
    return units


def _body_start(units: Sequence[Unit]) -> int:
    """Skip a heading label ("Nvidia GPU Procurement: ...") at the start of a sentence."""
    for i, unit in enumerate(units[:10]):
        if unit.text == ":" and i > 0:
            words = [u for u in units[:i] if u.kind in ("word", "name")]
            if words and all(u.text[:1].isupper() for u in words):
                return i + 1
            return 0
    return 0


# Public aliases for the values a unit may carry.
UnitValue = Mention | Amount | Stake | DateMention
