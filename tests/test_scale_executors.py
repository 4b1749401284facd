import pytest

from generator import executors
from generator.errors import ConfigError
from generator.records import Analysis, ReadProblem
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
    with executors.LocalExecutor(2, warm_up=False) as ex:
        local = list(ex.map(_square_batch, items, 7))
    assert serial == local == [x * x for x in items]


def test_a_worker_error_reaches_the_caller():
    with executors.LocalExecutor(2, warm_up=False) as ex:
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
    serial = list(executors.SerialExecutor().map(executors.analyze_batch, articles, 3))
    with executors.LocalExecutor(2) as ex:
        parallel = list(ex.map(executors.analyze_batch, articles, 3))
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
    out = executors.analyze_batch(articles)
    assert [type(r) for r in out] == [Analysis, ReadProblem, Analysis]
    assert out[1].source_file == articles[1].source_file
    assert out[0].article_id == articles[0].id and out[2].article_id == articles[2].id
