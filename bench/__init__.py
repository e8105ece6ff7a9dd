"""kdsite's benchmark harness: `python -m bench` (or `make bench`).

Builds the site into a temporary folder, serves it on 127.0.0.1, drives headless Chromium
through Playwright and prints a table; bench/results.json keeps every figure.

    site.py      snapshot the project, build it, find the pages with widgets, add the peer page
    server.py    serve it (kdsite.serve.make_server) and count the bytes sent
    browser.py   one fresh Chromium profile per load; page loads, slider and training
    *.js         the scripts run inside the pages (probe, naive peer, slider, training)
    builds.py    full and incremental build times in a temporary copy of the project
    stats.py     medians, ranges, percentiles and ratios
    report.py    the table, the targets, results.json
    __main__.py  the command line and the order of the runs
"""
