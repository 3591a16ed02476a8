"""`make bench`: cold starts and AWS calls per request of Parley's functions, against moto.

One module per section (``cold_start``, ``aws_calls``); ``common`` holds the runner's types and
helpers, ``stack`` the template, the functions it declares and the moto backing, ``run`` the entry
point that writes ``benchmarks/results.md`` and ``benchmarks/results.json``.
"""
