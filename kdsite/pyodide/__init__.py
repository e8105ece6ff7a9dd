"""The Pyodide bundle: the pinned runtime, fetched and verified into a local cache (fetch), kdsite's
own browser wheel (wheel), everything precompiled to bytecode (bytecode), and all of it written
into a built site with its lock (bundle). Build-side only: the browser receives what it makes."""
