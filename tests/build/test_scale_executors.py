import pytest

from generator.build import executors
from generator.nlp import analyze
from generator.errors import ConfigError, Problem
from generator.records import Analysis
from tests.scale_helpers import sample_articles


def _square_batch(batch):
    return [x * x for x in batch]


def _boom_on_three(batch):
    return [1 / (x - 3) for x in batch]


def test_batches_keep_every_item_in_order():
    assert list(executors.batches(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(executors.batches([], 3)) == []


@pytest.mark.parametrize("n,jobs", [(0, 2), (1, 2), (5, 2), (10_000, 2), (10_000, 8)])
def test_batch_size_is_bounded_and_spreads_small_inputs(n, jobs):
    size = executors.batch_size_for(n, jobs)
    assert 1 <= size <= 64
    if n >= jobs * 4:
        assert -(-n // size) >= jobs  # every worker gets a batch


def test_serial_and_process_executors_give_results_in_input_order():
    items = list(range(101))
    serial = list(executors.SerialExecutor().map(_square_batch, items, 7))
    with executors.LocalExecutor(2) as ex:
        local = list(ex.map(_square_batch, items, 7))
    assert serial == local == [x * x for x in items]


def test_a_worker_error_reaches_the_caller():
    with executors.LocalExecutor(2) as ex:
        with pytest.raises(ZeroDivisionError):
            list(ex.map(_boom_on_three, range(10), 2))


def test_make_executor_rejects_bad_settings():
    with pytest.raises(ConfigError):
        executors.make_executor("threads")
    with pytest.raises(ConfigError):
        executors.make_executor("local", jobs=0)
    with pytest.raises(ConfigError):
        executors.make_executor("local", scheduler="tcp://127.0.0.1:8786")
    assert isinstance(executors.make_executor("local", jobs=1), executors.SerialExecutor)
    assert executors.make_executor("local", jobs=3).jobs == 3


def test_analysis_in_two_processes_equals_analysis_in_this_one():
    articles = sample_articles(copies=2)
    serial = list(executors.SerialExecutor().map(analyze.analyze_batch, articles, 3))
    with executors.LocalExecutor(2) as ex:
        parallel = list(ex.map(analyze.analyze_batch, articles, 3))
    assert [a.article_id for a in parallel] == [a.id for a in articles]
    assert all(isinstance(a, Analysis) for a in parallel)
    assert parallel == serial
    for article, analysis in zip(articles, parallel):
        assert analysis.sentences
        for m in analysis.mentions:
            assert article.text[m.start:m.end] == m.text


def test_one_bad_article_becomes_a_problem_and_the_batch_goes_on():
    articles = sample_articles()[:3]
    articles[1].text = None  # spaCy cannot parse it
    out = analyze.analyze_batch(articles)
    assert [type(r) for r in out] == [Analysis, Problem, Analysis]
    assert out[1].source == articles[1].source_file
    assert out[0].article_id == articles[0].id and out[2].article_id == articles[2].id


def test_a_build_in_two_processes_writes_exactly_what_one_process_writes(tmp_path, monkeypatch):
    from generator.build import pipeline

    monkeypatch.setattr(pipeline, "SMALL_WORK", 0)  # really use the processes for 5 articles
    from generator.config import Config
    from tests.scale_helpers import INBOX, ROOT

    def tree(folder):
        return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.yml"))}

    config = Config(root=ROOT, inputs=[str(INBOX)])
    one = pipeline.build(config, content_dir=tmp_path / "one", jobs=1, use_cache=False)
    two = pipeline.build(config, content_dir=tmp_path / "two", jobs=2, use_cache=False)
    assert one.articles == two.articles == len(list(INBOX.glob("*.txt")))
    assert one.stories == two.stories > 0
    assert two.analyzed == one.analyzed == one.articles
    assert tree(tmp_path / "two") == tree(tmp_path / "one")


def test_a_few_new_articles_are_done_in_this_process():
    from generator.build import pipeline

    ex = executors.LocalExecutor(2)
    assert isinstance(pipeline._runner(ex, pipeline.SMALL_WORK), executors.SerialExecutor)
    assert pipeline._runner(ex, pipeline.SMALL_WORK + 1) is ex
    dask = executors.DaskExecutor(2)  # never started: the user asked for the cluster
    assert pipeline._runner(dask, 1) is dask
