"""The Content-Security-Policy every generated page carries, in a <meta> tag."""

# Only the site's own files may run, load or be fetched; no inline script or style anywhere.
# 'wasm-unsafe-eval' allows compiling WebAssembly (not eval). Pyodide compiles in the Web
# Worker, which a <meta> policy does not reach, so it matters only if a host sends this policy
# as a header too. data: images are allowed to scripts and CSS; Markdown never emits them
# (kdsite/markdown.py refuses data: URLs). No frame-ancestors: a <meta> policy ignores it,
# and other sites embedding the widgets is a feature.
DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self' 'wasm-unsafe-eval'",
    "worker-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "frame-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'none'",
}
CONTENT_SECURITY_POLICY = "; ".join(f"{name} {value}" for name, value in DIRECTIVES.items())
