"""kdsite's benchmark harness: `python -m bench` (or `make bench`).

Builds the site into a temporary folder, serves it on 127.0.0.1 beside two peer pages once per
network profile and compression mode, drives headless Chromium through Playwright and prints a
table; bench/results.json keeps every figure.

    profiles.py         the network profiles (local, mobile) and compression modes: data
    server.py           GitHub Pages' stand-in: gzip or not, cache headers, the emulated link, bytes by file
    guard.py            no request may leave 127.0.0.1: a refusing proxy and a watch on each browser context
    site.py             snapshot the project, build it, find the pages with widgets, write the peer pages
    pyscript_peer.py    the PyScript peer (npm @pyscript/core, pinned) on the site's own Pyodide
    pyscript_widget.py  the Python that page runs
    browser.py          one fresh Chromium profile per page; cold and warm loads, slider and training
    *.js                the scripts run inside the pages (probe, naive peer, slider, training)
    builds.py           full and incremental build times in a temporary copy of the project
    engines.py          `python -m bench.engines`: time to live per engine (Chromium, Firefox, WebKit),
                        served and from the unzipped offline copy, in one run
    stats.py            medians, ranges, percentiles and ratios
    report.py           the tables, the targets, results.json
    __main__.py         the command line, the matrix and the order of the runs
"""
