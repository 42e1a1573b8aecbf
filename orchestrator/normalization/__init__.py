"""Values read from job pages and model answers, normalised with the libraries made for them.

One module per kind of value: ``places`` (countries, ISO 3166-1), ``money`` (currencies, ISO 4217, and
amounts in a page's locale), ``languages`` (ISO 639-1 and the locale of a page), ``dates`` (calendar dates
and the partial dates of a CV), ``text`` (HTML to text, URLs, e-mail addresses, "N/A"). Every function
takes any JSON value and answers the normalised value or ``None``: a value that cannot be normalised is
null, never a guess and never an exception.
"""
