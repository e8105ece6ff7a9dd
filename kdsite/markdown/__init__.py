"""The Markdown extensions: kdsite's markdown-it plugins, one concern per module.

`parser.make_markdown` assembles them. Each plugin records what it finds in the page's
`kdsite.model.PageRecord`, the one entry of markdown-it's env.
"""
