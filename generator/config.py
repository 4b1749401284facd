"""site_config.yml: the generator's settings, parsed once into typed records.

The file has a few top-level paths and one mapping per stage (`clean`, `group`,
`extract`, `resolve`, `site`). Each section is declared here as a dataclass, with its
defaults and a comment per key; `load_config` reads them all once into `Settings`,
and each stage receives only its own section's record (so a worker process gets a
few numbers, not the whole configuration).
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

import yaml

from generator.errors import ConfigError

DEFAULT_PATH = "site_config.yml"

T = TypeVar("T")


@dataclass
class CleanSettings:
    """The `clean` section of site_config.yml."""

    patterns: dict[str, str] = field(default_factory=dict)   # extra furniture regexes (name: regex); same name overrides a default
    disable_patterns: list[str] = field(default_factory=list)  # default pattern names to switch off
    pattern_max_chars: int = 220          # patterns only judge lines up to this length
    teaser_max_words: int = 16            # a line without sentence end and at most this many words is furniture
    recurring_min_articles: int = 3       # a line must recur in at least this many articles of one source...
    recurring_min_share: float = 0.3      # ...and in this share of them
    recurring_max_words: int = 25         # long paragraphs are never dropped for recurring (syndicated copy)
    near_duplicate_ratio: float = 0.9     # word-sequence similarity above which a paragraph is a repeat
    list_min_lines: int = 3               # this many short lines in a row inside the body are a list/table, kept


@dataclass
class GroupSettings:
    """The `group` section of site_config.yml."""

    neighbours: int = 10          # candidate links per article (sparse kNN)
    link_threshold: float = 0.08  # min average cosine (less lead penalties) between two clusters to merge them
    window_days: int = 3          # max publication-date gap inside one link
    signal_weight: float = 0.6    # weight of the entity/number/date block vs the text block
    max_features: int = 200_000   # TF-IDF vocabulary cap (memory bound at scale)
    undated_prefix: str = "undated"  # used in place of YYYY-MM-DD when no article has a date
    # Two articles that both name people/organisations/places must share one of them to
    # link: template stories (earnings, dividends, match reports) share words, not actors.
    require_shared_entity: bool = True
    # Two reports of one event open on the same people and figures; two events of one
    # kind (two fires, two arrests of two players of one team) share every other word.
    # The similarity of two articles is lowered by these amounts when both leads (first
    # `lead_sentences` sentences) name people (named twice in the article) and share no
    # surname, and when both give distinctive figures (decimals, durations, whole
    # numbers from 10, years aside) and share none. Chosen on ECB+ / Multi-News dev (README);
    # the person penalty re-chosen after names came to count only when said twice (.06 -> .08).
    lead_sentences: int = 2
    lead_person_penalty: float = 0.08
    lead_number_penalty: float = 0.06
    # After linking, an article still alone joins the story (or, with `attach_pairs`, the
    # other lone article) it is most similar to when the average cosine less the lead
    # penalties reaches this (same date window and shared-entity guard): another outlet's angle
    # on a story (a follow-up, a sidebar) shares less wording than two reports of it but
    # is still that story. 0 (off): at .04 with penalties and link bar .08 it gains on ECB+ /
    # Multi-News dev but joins unrelated wire briefs in Reuters-21578 (two companies'
    # quarterly results, an SEC speech and a bank's accounting): README, "Grouping".
    attach_threshold: float = 0.0
    attach_pairs: bool = True
    # A paragraph found in several articles whose other paragraphs share less than this
    # (content-word cosine) is page furniture of the corpus (an archive's crawl note, a
    # player's error line) and left out of the similarity; 0 turns it off. Chosen on
    # ECB+ / Multi-News dev (README).
    furniture_max_similarity: float = 0.1


@dataclass
class ExtractSettings:
    """The `extract` section of site_config.yml."""

    align_threshold: float = 0.17  # min average similarity for sentences to share a card
    signal_weight: float = 0.3      # share of entity/number overlap in that similarity
    min_cosine: float = 0.12        # word overlap needed before entity overlap counts
    min_words: int = 6              # shorter lines are teasers, captions or fragments
    max_words: int = 60             # longer "sentences" are usually run-together paragraphs
    clear_text: float = 0.7         # a card whose members all read less clearly takes a clear supporting sentence
    # Key points: cards taken (most outlets first) until at least `summary_min` are
    # chosen and their texts reach `summary_words` words, at most `summary_max`; only
    # cards that stand alone, so a story may have fewer. Chosen on the tune half of
    # Multi-News dev (README, "Stories and summaries").
    summary_min: int = 5
    summary_max: int = 7
    summary_words: int = 150
    summary_redundancy: float = 0.25  # max similarity between sentences of two summary cards
    # A card text that leans on the sentence before it may extend over that sentence
    # when it ends the previous paragraph (news sites break paragraphs after one or two
    # sentences). Chosen on Multi-News dev (README).
    extend_across_paragraphs: bool = True
    title_max_words: int = 18
    # A title cut from a card takes one that passes that reading, an article's lead
    # first (README, "Titles").
    title_strict: bool = True
    rank_centrality: float = 0.5     # card rank = outlets + these weights (each term in [0, 1])
    rank_position: float = 0.3
    rank_clarity: float = 0.2
    rank_support: float = 0.0        # weight in the rank of an outlet cited only through a supporting sentence
    max_sentences_per_article: int = 40  # news leads first: bounds the n*n alignment of huge stories
    # Core content (specific words, names, numbers; attribution left out) must back an alignment.
    attribution_weight: float = 0.2  # weight of the "X said"/"according to Y" part of a sentence
    min_core_shared: float = 0.15    # first pass: share of the pair's core that both carry
    support_threshold: float = 0.33  # second pass: share of a card's core a new sentence covers
    support_min_terms: int = 2       # ... through at least this many specific terms
    support_min_cosine: float = 0.08  # some word overlap with a member (also a cheap pre-filter)
    specific_share: float = 0.12     # a term in more of the story's sentences than this is generic
    support_per_member: bool = True  # a sentence covering one member's core supports the card
    # Figures must agree on a card: a cited sentence counting the same thing as the
    # card's text ("$", "%", hours, "people") with no value in common is listed as
    # "outlets differ", not as support. Chosen on ECB+ dev (README).
    figures_must_agree: bool = True
    # A cited sentence must name the card's participants: its speaker and whom they told
    # ("X told Y"), in its words or as the speaker of its quote; and it may not name only
    # other people (or other organisations) than the card. Chosen on ECB+ dev (README).
    participants_must_match: bool = True
    # A cited sentence must report the card's event: when both say what happened, they
    # share a predicate (or its noun), not only the people (`cards.other_event`, from
    # the parse's predicates and their doers and objects). See README for its measure.
    same_event: bool = False
    # Two sentences whose meanings are far apart (`nlp.meaning`: embedding cosine below
    # this) never align and never support each other, whatever words they share; -1
    # turns it off. Chosen on ECB+ dev (README, "Sentence meaning").
    meaning_gate: float = 0.25
    # Precision: a citation must state the card's event, not only name its people.
    min_content_shared: float = 0.1  # first pass: share of the pair's non-name core that both carry
    support_min_content: int = 1     # second pass: specific non-name terms (or numbers/dates) shared
    fragment_bar: float = 0.3        # a quote fragment joins only above this core share (first pass) ...
    fragment_support: float = 0.6    # ... and supports only above this coverage (second pass)
    multi_cited_bar: float = 0.36    # a sentence cited on several cards stays on its best-covering
                                     # card (its own card when it is a card's text), and on the
                                     # others only when it covers this much of them
    multi_cited_name_factor: float = 0.25  # names count this much in that coverage (a renaming
                                           # is a fact about names; shared people alone are not)
    # One card per fact (stories/extract/dedupe.py): two cards merge when one cites the
    # other's text and the texts are at least this alike; chosen on ECB+ dev (README).
    dedupe: bool = True
    duplicate_similarity: float = 0.0


@dataclass
class ResolveSettings:
    """The `resolve` section of site_config.yml."""

    min_contained_words: int = 6    # a shorter quote is not merged into a longer one containing it
    date_facts: bool = True         # give fact cards dates and the story a timeline


@dataclass
class SiteSettings:
    """The `site` section of site_config.yml."""

    title: str = "News Digest"
    description: str = "Stories grouped from many outlets; every fact cites the passages it comes from."
    home_limit: int = 20          # stories on the home page (newest first)
    feed_limit: int = 50          # stories in feed.xml / feed.json
    # A list of the whole corpus (stories, timeline, entities, an outlet's articles) longer
    # than this is split into pages by date or initial, each part split again while over it.
    list_rows: int = 300
    language: str = "en"


@dataclass
class Settings:
    """Every stage's settings, one record per section of site_config.yml."""

    clean: CleanSettings = field(default_factory=CleanSettings)
    group: GroupSettings = field(default_factory=GroupSettings)
    extract: ExtractSettings = field(default_factory=ExtractSettings)
    resolve: ResolveSettings = field(default_factory=ResolveSettings)
    site: SiteSettings = field(default_factory=SiteSettings)


@dataclass
class Config:
    path: Path | None = None                 # the file it came from, None for defaults
    root: Path = field(default_factory=Path.cwd)  # project root: relative paths start here
    inputs: list[str] = field(default_factory=lambda: ["content/inbox"])
    content: str = "content"
    cache: str = ".cache/generator"
    sections: dict[str, dict] = field(default_factory=dict)

    @property
    def settings(self) -> Settings:
        """The typed settings of every section (parsed on first use, then kept)."""
        cached = self.__dict__.get("_settings")
        if cached is None or cached[0] != repr(self.sections):
            parsed = Settings(**{f.name: section(self, f.name, _SECTION_TYPES[f.name]) for f in fields(Settings)})
            cached = self.__dict__["_settings"] = (repr(self.sections), parsed)
        return cached[1]

    def resolve(self, p: str | Path) -> Path:
        p = Path(p)
        return p if p.is_absolute() else self.root / p


TOP_LEVEL = {"inputs", "content", "cache"}


def load_config(path: str | Path | None = None) -> Config:
    """Read site_config.yml; a missing default file gives the defaults."""
    p = Path(path or DEFAULT_PATH)
    if not p.exists():
        if path is None:
            return Config()
        raise ConfigError(f"{p}: no such file")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{p}: expected a mapping at the top level")
    cfg = Config(path=p.resolve(), root=p.resolve().parent)
    for key in TOP_LEVEL:
        if key in data:
            setattr(cfg, key, data[key])
    if isinstance(cfg.inputs, str):
        cfg.inputs = [cfg.inputs]
    cfg.sections = {k: v for k, v in data.items() if k not in TOP_LEVEL and isinstance(v, dict)}
    cfg.settings  # unknown keys fail here, before any work starts
    return cfg


_SECTION_TYPES = {"clean": CleanSettings, "group": GroupSettings, "extract": ExtractSettings,
                  "resolve": ResolveSettings, "site": SiteSettings}


def section(config: Config | None, name: str, cls: type[T]) -> T:
    """Build a stage's settings dataclass from its section; unknown keys are an error."""
    raw: dict[str, Any] = (config.sections.get(name) if config else None) or {}
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    unknown = set(raw) - known
    if unknown:
        where = config.path if config and config.path else DEFAULT_PATH
        raise ConfigError(f"{where}: unknown setting(s) in '{name}': {', '.join(sorted(unknown))}")
    return cls(**raw)
