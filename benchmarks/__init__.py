"""textrepair's benchmark: ``python -m benchmarks`` (``--quick`` for a smoke run).

Builds its corpora deterministically from ``seeds/`` and ``tests/data``,
measures throughput (MB/s of UTF-8 input) of ``repair()`` under both backends,
of every stage in ``textrepair.pipeline.STAGES`` alone, of ``ftfy.fix_text``
and of a bare UTF-8 encode+decode round trip, side by side in one run, and
writes ``benchmarks/results/latest.json`` and ``benchmarks/RESULTS.md``.
"""
