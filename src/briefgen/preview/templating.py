"""The preview's own pages from its packaged Jinja templates, escaped as the stdlib escapes HTML."""

from __future__ import annotations

import functools
import html
import json
from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:
    import jinja2


def render(name: str, **values: object) -> Markup:
    """The template `name` (in preview/templates) filled with `values`, every one escaped unless Markup."""
    return Markup(_environment().get_template(name).render(values))


def script_json(config: object) -> Markup:
    """`config` as JSON that may stand inside a <script> element: no `<`, `>` or `&` to end it early.

    Not Jinja's `tojson`, which sorts the keys: the preview's script reads them in the order given.
    """
    data = json.dumps(config).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(data)


def _escaped(value: object) -> object:
    # Autoescaping, in html.escape's spelling (&#x27;, &quot;) rather than markupsafe's (&#39;, &#34;),
    # so that the pages read as they did before they were templates. Markup passes through unchanged.
    if hasattr(value, "__html__"):
        return value
    return Markup(html.escape(str(value), quote=True))


@functools.cache
def _environment() -> jinja2.Environment:
    # Built once and never changed: the templates are the package's own, not the project's,
    # and nothing here is shared with the Jinja environments that render briefs.
    import jinja2

    environment = jinja2.Environment(
        # "site/…" names the packaged templates of the published site: the home page includes
        # the published index's filter script from there rather than keeping a copy.
        loader=jinja2.ChoiceLoader([jinja2.PackageLoader("briefgen.preview", "templates"),
                                    jinja2.PrefixLoader({"site": jinja2.PackageLoader("briefgen", "templates")})]),
        autoescape=True,
        finalize=_escaped,
        undefined=jinja2.StrictUndefined,
        # A template's line breaks fall after a tag (or before `{%-`): the pages are one line, as always.
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    environment.filters["script_json"] = script_json
    return environment
