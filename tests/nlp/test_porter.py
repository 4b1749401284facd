"""The copied Porter stemmer (generator/nlp/porter.py) gives NLTK's stems, word for word.

Stems feed term keys, story TF-IDF and the build cache's outputs, so one differing stem
could change a built digest. The copy is compared with the installed nltk's
`PorterStemmer` (default mode) over every word form the terms module can stem: each
word lower-cased as found, and after the spelling rules of `term_stem`. Always run: the
project's own texts (lexicon word lists, README, theme and source); with the evaluation
data: every word of the Reuters-21578 bodies and of the Multi-News dev set.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.nlp import porter, terms

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT.parent / "shared" / "eval"
REUTERS = EVAL / "reuters21578" / "reuters21578.tar.gz"
MULTINEWS = EVAL / "multinews" / "dev.jsonl"

nltk_porter = pytest.importorskip("nltk.stem.porter", reason="nltk is not installed (requirements.lock has it)")


def forms(texts) -> set[str]:
    """Every form `stem` can receive from these texts (see terms.term_stem, stem_tokens)."""
    out: set[str] = set()
    for text in texts:
        for w in terms.words(text):
            low = w.lower()
            out.add(low)
            out.add(terms._spelling(low))
    return out


def differences(vocabulary: set[str]) -> list[tuple[str, str, str]]:
    ours, theirs = porter.PorterStemmer(), nltk_porter.PorterStemmer()
    return [(w, ours.stem(w), theirs.stem(w)) for w in sorted(vocabulary) if ours.stem(w) != theirs.stem(w)]


def test_same_stems_on_the_projects_own_texts():
    files = [*(ROOT / "generator" / "nlp" / "lexicon").glob("*.txt"), ROOT / "README.md",
             *(ROOT / "generator").rglob("*.py"), *(ROOT / "theme").rglob("*.html")]
    vocabulary = forms(f.read_text(encoding="utf-8") for f in files)
    # Words that reach each step's rules, the irregular forms and the short-word guard.
    vocabulary |= {"skies", "dying", "lying", "news", "innings", "proceed", "succeeded", "caresses",
                   "ponies", "agreed", "hopping", "filing", "happy", "relational", "conditional",
                   "generalization", "electrical", "revival", "adjustable", "controlling", "rate",
                   "is", "a", "ox", "generously", "hesitanci", "fluentli", "abli", "ration"}
    assert len(vocabulary) > 3000
    assert differences(vocabulary) == []


def test_the_terms_module_stems_with_the_copy_not_nltk():
    # Importing nltk's package costs seconds (it imports scipy.stats): the story stage
    # must get its stems without it.
    run = subprocess.run([sys.executable, "-c", "import sys; from generator.nlp import terms; "
                          "print(terms.stem('negotiations'), 'nltk' in sys.modules, 'scipy' in sys.modules)"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["negoti", "False", "False"]


@pytest.mark.skipif(not REUTERS.exists(), reason="evaluation data ../shared/eval/reuters21578 is absent")
def test_same_stems_on_every_word_of_reuters():
    from bench.scale import reuters_stories

    vocabulary = forms(f"{s.title or ''}\n{s.dateline or ''}\n{s.body}" for s in reuters_stories(REUTERS))
    assert len(vocabulary) > 30_000
    assert differences(vocabulary) == []


@pytest.mark.skipif(not MULTINEWS.exists(), reason="evaluation data ../shared/eval/multinews is absent")
def test_same_stems_on_every_word_of_multinews_dev():
    def texts():
        with open(MULTINEWS, encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                yield from (v for v in row.values() if isinstance(v, str))
    vocabulary = forms(texts())
    assert len(vocabulary) > 10_000
    assert differences(vocabulary) == []
