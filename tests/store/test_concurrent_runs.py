"""Several processes saving the same result at the same second into one store: every run is saved, each under
an id of its own (SQLite and PostgreSQL)."""

from __future__ import annotations

import multiprocessing as mp
from datetime import UTC, datetime

from tests.store.conftest import make_result

from trustgap.store.runs import RunStore

T0 = datetime(2026, 11, 22, 15, 30, 0, tzinfo=UTC)
WORKERS = 6


def _save(url: str, barrier: mp.synchronize.Barrier, out: mp.Queue) -> None:  # type: ignore[type-arg]
    with RunStore.open(url) as store:
        barrier.wait(timeout=60)
        try:
            out.put(store.save(make_result(), created_at=T0).id)
        except Exception as exc:  # reported to the test, which names it
            out.put(f"error: {exc}")


def test_concurrent_saves_all_stored_with_unique_ids(db_url: str) -> None:
    with RunStore.open(db_url) as store:  # the schema exists before the workers race
        store.list()
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(WORKERS), ctx.Queue()
    procs = [ctx.Process(target=_save, args=(db_url, barrier, out)) for _ in range(WORKERS)]
    for p in procs:
        p.start()
    ids = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert not [i for i in ids if i.startswith("error")], ids
    assert len(set(ids)) == WORKERS
    with RunStore.open(db_url) as store:
        assert sorted(r.id for r in store.list()) == sorted(ids)
