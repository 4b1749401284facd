"""After a large analysis the idle workers import the story stage while the build process
groups; a re-run's few articles leave them alone."""
from generator.build import executors, pipeline
from generator.config import Config
from generator.stories import batch


class _Recording(executors.LocalExecutor):
    def __init__(self):
        super().__init__(jobs=2)
        self.sent = []

    def submit(self, fn, items):
        self.sent.append((fn, items))


def _report(analyzed: int) -> pipeline.BuildReport:
    report = pipeline.BuildReport()
    report.analyzed = analyzed
    return report


def test_each_worker_is_sent_the_warm_up_after_a_large_analysis():
    ex = _Recording()
    pipeline._warm_story_workers(ex, Config(), _report(pipeline.SMALL_WORK + 1))
    assert ex.sent == [(batch.warm_up, [True]), (batch.warm_up, [True])]


def test_no_warm_up_for_a_few_articles_or_one_process():
    ex = _Recording()
    pipeline._warm_story_workers(ex, Config(), _report(pipeline.SMALL_WORK))
    pipeline._warm_story_workers(executors.SerialExecutor(), Config(), _report(10_000))
    assert ex.sent == []


def test_the_meaning_model_is_loaded_only_when_the_gate_is_on():
    config = Config()
    config.settings.extract.meaning_gate = -1.0
    ex = _Recording()
    pipeline._warm_story_workers(ex, config, _report(1000))
    assert ex.sent[0] == (batch.warm_up, [False])


def test_warm_up_returns_no_results_and_loads_the_model():
    from generator.nlp import meaning

    assert batch.warm_up([True]) == []
    assert meaning.load_model.cache_info().currsize == 1
