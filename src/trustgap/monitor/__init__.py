"""Continuous monitoring: schedules (:mod:`.schedule`), snapshot jobs (:mod:`.jobs`), alerts (:mod:`.alerts`),
Type II over the stored snapshots (:mod:`.period`, over :mod:`trustgap.engine.timeline`), trend and forecast
(:mod:`.trend`) and collection on Celery workers (:mod:`.distributed`). Jobs call :mod:`trustgap.assessment`."""
