"""The ask command line: a question in, a (generated) answer citing the collection's passages.

    python -m core.ask QUESTION --collection NAME [--db DIR] [--generator extractive|openai|local]
        [--base-url URL] [--llm MODEL_NAME_OR_PATH] [--json]

The endpoint key comes from EE_LLM_API_KEY (or OPENAI_API_KEY), never from the command line.
"""

from __future__ import annotations

import argparse
import json
import sys

from core.errors import UserError
from core.retrieval.answer import ask
from core.retrieval.answerability import (
    BaselineCache,
    verdict_notes,
)
from core.retrieval.cli import (
    add_store_arguments,
    configure_logging,
    encoder_for,
    settings_from,
)
from core.retrieval.generate import GENERATORS, Generation, open_generator
from core.retrieval.search import hit_record
from core.retrieval.store import open_store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m core.ask",
        description="Answer a question from a collection, citing its passages as [n].",
    )
    parser.add_argument("question", help="the question")
    parser.add_argument(
        "--generator",
        choices=GENERATORS,
        help="who writes the answer (default: $EE_LLM_GENERATOR or extractive)",
    )
    parser.add_argument(
        "--base-url", help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1"
    )
    parser.add_argument(
        "--llm",
        metavar="MODEL_NAME_OR_PATH",
        help="the endpoint's model name, or a GGUF file / model folder for --generator local "
        "(default: $EE_LLM_MODEL; local: the bundled SmolLM2-135M demo)",
    )
    parser.add_argument("-k", type=int, default=5, help="how many passages (default 5)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    add_store_arguments(parser)
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    streamed = False
    try:
        settings = settings_from(args)
        store = open_store(settings)
        if store.collection_model(args.collection) is None:
            store.check_model(args.collection, args.model or settings.model)  # names what exists
        encoder = encoder_for(store, args.collection, args.model, settings)
        baseline = BaselineCache(settings.data_dir / "baselines").get(
            store, encoder, args.collection
        )
        # The verdict the app's extractive answer reaches, whichever generator writes it.
        answered = ask(store, encoder, args.collection, args.question, baseline, args.k)
        hits, verdict = list(answered.hits), answered.verdict
        generator = open_generator(
            args.generator or settings.llm_generator,
            encoder=encoder,
            base_url=args.base_url or settings.llm_base_url,
            model=args.llm or settings.llm_model,
            api_key=settings.llm_api_key,
            context_window=settings.llm_context,
            timeout=settings.llm_timeout,
        )
        generation = Generation(
            generator,
            args.question,
            hits,
            verdict,
            settings.llm_max_tokens,
            settings.llm_timeout,
        )
        for piece in generation:
            if not args.json:
                print(piece, end="", flush=True)
                streamed = True
        result = generation.result()
    except UserError as error:
        if streamed:
            print()
        print(f"error: {' '.join(str(error).split())}", file=sys.stderr)
        return 2
    if args.json:
        record = {"question": args.question, **result.record()}
        record["answerable"] = verdict.answerable
        record["confidence"] = round(verdict.confidence, 4)
        record["passage_floor"] = round(verdict.passage_floor, 4)  # the score a passage needs
        record["passage_floors"] = {key: round(value, 4) for key, value in verdict.floors.items()}
        record["missing_words"] = list(verdict.missing)  # found nowhere in the collection
        record["undated"] = verdict.undated  # asked when; no sentence found says when
        record["left_out"] = verdict.left_out  # the best sentence says the documents leave it out
        record["restates"] = verdict.restates  # the sentences found only repeat the question
        record["unmeasured"] = verdict.unmeasured or None  # the unit of an amount none gives
        record["unnamed"] = verdict.unnamed  # asked for a name; no sentence found gives one
        if not verdict.answerable and result.generator == "extractive":
            record["answer"] = ""  # nothing is extracted from passages that don't answer
        record["passages"] = [hit_record(hit) for hit in hits]
        print(json.dumps(record, ensure_ascii=False, indent=2))
        return 0
    print()
    if result.stopped:
        print(f"({result.stopped}: the answer is incomplete)")
    if result.declined:
        print("note: the model read the passages and found no answer in them.")
    if result.flagged:
        print("note: the answer cites none of the passages: treat it as unsupported.")
    for citation in result.citations:
        print(f"[{citation.n}] {citation.hit.chunk.where}")
    for note in verdict_notes(args.question, verdict):
        print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
