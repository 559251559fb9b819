"""Benchmark ``stackgraph extract``: quality on the labelled corpus and the seed article, and speed.

Prints precision / recall overall, per deal kind and per status, and status accuracy on the deals found, for the
development part and the held-out part of ``tests/extract_corpus``; with ``--seed FILE`` (the seed article,
e.g. ../shared/sources/000_ac66dd1d52036e7d.txt) recall and precision against the shipped graph's deals; then
sentences per second over the corpus repeated (spaCy's blank pipeline, no statistical model; start-up excluded).

    python bench/bench_extract.py [--seed ../shared/sources/000_ac66dd1d52036e7d.txt] [--sentences 5000]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from stackgraph.extract import Extractor, Source, read_article
from stackgraph.extract.document import article_from_text
from stackgraph.extract.evaluation import Score, load_corpus, score_against_loaded, score_corpus
from stackgraph.store import KnowledgeStore

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "extract_corpus"
SEED_TITLE = "SpaceX's $75 Billion IPO Signals Musk's Bigger Play: Building an AI Empire, Not Just a Space Company"


def report(name: str, score: Score) -> None:
    print(f"\n== {name}: {score.sentences} sentences, {score.labelled} labelled deals, {score.proposed} proposed")
    print(
        f"   precision {score.precision:.3f}  recall {score.recall:.3f}  "
        f"status accuracy on found {score.status_accuracy:.3f} ({score.status_right}/{score.found})"
    )
    for what in ("kind", "status"):
        print(f"   {'per ' + what:<18}{'found':>6}{'proposed':>10}{'labelled':>10}{'precision':>11}{'recall':>8}")
        for name_, found, proposed, labelled, p, r in score.table(what):
            print(f"   {name_:<18}{found:>6}{proposed:>10}{labelled:>10}{p:>11.3f}{r:>8.3f}")
    values = score.values
    print(
        "   values right on found deals: "
        + ", ".join(
            f"{v} {values[v + ' right']}/{values[v + ' labelled']}" for v in ("amount", "currency", "stake", "date")
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=Path, default=None, help="the seed article (plain text)")
    parser.add_argument("--sentences", type=int, default=5000, help="sentences to time (the corpus, repeated)")
    parser.add_argument("--mistakes", action="store_true", help="list misses, extras and wrong statuses")
    args = parser.parse_args()

    started = time.perf_counter()
    store = KnowledgeStore.with_shipped_graphs()
    extractor = Extractor.from_store(store)
    print(f"start-up (store, entity index, spaCy blank pipeline, matchers): {time.perf_counter() - started:.2f} s")

    texts = []
    for part in ("dev", "heldout"):
        items, article_date = load_corpus(CORPUS / f"{part}.toml")
        texts += [item["text"] for item in items]
        score = score_corpus(extractor, items, article_date=article_date)
        report(f"corpus {part}", score)
        if args.mistakes:
            for kind, lines in (("miss", score.misses), ("extra", score.extras), ("status", score.wrong_status)):
                for line in lines:
                    print(f"   {kind}: {line}")

    if args.seed is not None:
        extraction = extractor.extract(read_article(args.seed), Source(SEED_TITLE))
        seed = score_against_loaded(extraction.candidates, store, source="spacex-ipo-ai-empire")
        tesla = [c.parties() for c in extraction.candidates if "Tesla" in c.parties()]
        print(f"\n== seed article {args.seed.name}: {extraction.sentences} sentences")
        print(
            f"   against graphs/ai-stack.ttl (same class, parties and status): recall {seed.recall:.3f} "
            f"({seed.found}/{seed.labelled})  precision {seed.precision:.3f} ({seed.found}/{seed.proposed})"
        )
        print(f"   candidates naming Tesla: {len(tesla)}")
        for line in seed.misses + seed.extras:
            print(f"   not matched: {line}")

    body = " ".join(texts)
    per_article = max(1, len(texts))
    repeats = max(1, args.sentences // per_article)
    article = article_from_text("\n".join([body] * repeats))
    started = time.perf_counter()
    extraction = extractor.extract(article, Source("speed", date="2026-03-16"))
    elapsed = time.perf_counter() - started
    print(
        f"\n== speed: {extraction.sentences} sentences in {elapsed:.2f} s = "
        f"{extraction.sentences / elapsed:,.0f} sentences/s (blank spaCy pipeline, no statistical model)"
    )


if __name__ == "__main__":
    main()
