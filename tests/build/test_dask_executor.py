"""The Dask executor gives exactly the local executor's output (2-worker LocalCluster)."""
import pytest

distributed = pytest.importorskip("distributed")

from generator.build import executors  # noqa: E402
from generator.nlp import analyze  # noqa: E402
from generator.records import Analysis  # noqa: E402
from tests.scale_helpers import sample_articles  # noqa: E402


def _double_batch(batch):
    return [2 * x for x in batch]


@pytest.fixture(scope="module")
def dask_executor():
    ex = executors.DaskExecutor(jobs=2)
    yield ex
    ex.close()


def test_a_local_cluster_has_two_single_threaded_worker_processes(dask_executor):
    list(dask_executor.map(_double_batch, [1], 1))  # starts the cluster
    workers = dask_executor._client.scheduler_info()["workers"].values()
    assert len(workers) == 2
    assert all(w["nthreads"] == 1 for w in workers)


def test_results_come_back_in_input_order(dask_executor):
    assert list(dask_executor.map(_double_batch, range(50), 3)) == [2 * x for x in range(50)]


def test_dask_analysis_is_identical_to_the_local_run(dask_executor):
    articles = sample_articles()
    local = list(executors.SerialExecutor().map(analyze.analyze_batch, articles, 2))
    remote = list(dask_executor.map(analyze.analyze_batch, articles, 2))
    assert all(isinstance(a, Analysis) for a in remote)
    assert [a.to_dict() for a in remote] == [a.to_dict() for a in local]


def test_an_unreachable_scheduler_is_a_clear_error():
    from generator.errors import ConfigError

    ex = executors.DaskExecutor(jobs=1, scheduler="tcp://127.0.0.1:9", connect_timeout="1s")
    with pytest.raises(ConfigError, match="Dask scheduler"):
        list(ex.map(_double_batch, [1], 1))
    ex.close()


def _tree(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.yml"))}


def test_a_build_on_the_cluster_writes_exactly_what_the_local_build_writes(dask_executor, tmp_path):
    from generator.build import pipeline
    from generator.config import Config
    from tests.scale_helpers import INBOX, ROOT

    config = Config(root=ROOT, inputs=[str(INBOX)])
    local = pipeline.build(config, content_dir=tmp_path / "local", jobs=1, use_cache=False)
    remote = pipeline.build(config, content_dir=tmp_path / "dask", executor=dask_executor, use_cache=False)
    assert (remote.articles, remote.stories) == (local.articles, local.stories)
    assert remote.analyzed == local.analyzed == local.articles > 0
    assert remote.problems == local.problems
    local_tree, dask_tree = _tree(tmp_path / "local"), _tree(tmp_path / "dask")
    assert any(k.startswith("stories/") for k in local_tree)
    assert dask_tree == local_tree
