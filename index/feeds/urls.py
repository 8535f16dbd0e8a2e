"""URLs of feeds and articles: which we accept, the link we keep, and when two URLs are one article.

* `check_url` accepts absolute http(s) URLs with a host, no credentials, at most 2,048 characters.
* `clean_url` is the link an article keeps (and cites): scheme and host lower-cased, default port,
  fragment, tracking parameters (utm_*, fbclid, gclid, mc_cid, … — courlan's list) and AMP
  variants (`/amp`, `.amp`, `?amp=1`, `outputType=amp`) removed. The host is kept as served.
* `identity_key` is what makes two URLs the same article: `clean_url` without the scheme, without
  a `www.`, `amp.` or `m.` host prefix and without a trailing slash.
* `canonical_link` prefers the page's own `<link rel=canonical>` when it is on the same site.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from courlan.clean import clean_query

from index.feeds.errors import InvalidURLError

MAX_URL_CHARS = 2048
SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST_VARIANTS = ("www.", "amp.", "m.")
_AMP_PATH = re.compile(r"(?:/amp/?|\.amp)$", re.IGNORECASE)
_AMP_PARAMS = {"amp": {"", "1", "true"}, "outputtype": {"amp"}, "_amp": {"1", "true"}}
_UNSAFE = re.compile(r"[\x00-\x20\x7f]")


def check_url(url: str) -> str:
    """`url` stripped of surrounding blanks, or InvalidURLError saying what is wrong with it."""
    text = str(url).strip()
    shown = text[:200]
    if not text:
        raise InvalidURLError(shown or "(empty)", "no URL given; give an http:// or https:// address")
    if len(text) > MAX_URL_CHARS:
        raise InvalidURLError(shown + "…", f"the URL is {len(text):,} characters, over the limit of {MAX_URL_CHARS:,}")
    if _UNSAFE.search(text):
        raise InvalidURLError(shown, "the URL contains spaces or control characters; percent-encode them")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise InvalidURLError(shown, f"not a valid URL ({exc})") from None
    if parts.scheme.lower() not in SCHEMES:
        scheme = f"{parts.scheme}:" if parts.scheme else "no scheme"
        raise InvalidURLError(shown, f"only http:// and https:// URLs can be fetched (this one has {scheme})")
    if not parts.hostname:
        raise InvalidURLError(shown, "the URL has no host name")
    if parts.username is not None or parts.password is not None:
        raise InvalidURLError(shown, "URLs with a user name or password are not fetched; remove the 'user@' part")
    return text


def clean_url(url: str) -> str:
    """The link an article keeps: normalised, without tracking parameters, fragment or AMP variant."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    path = _AMP_PATH.sub("", parts.path) or "/"
    return urlunsplit((scheme, _netloc(scheme, parts), path, _clean_query(parts.query), ""))


def identity_key(url: str) -> str:
    """Two URLs with the same key are the same article (see the module's docstring)."""
    parts = urlsplit(clean_url(url))
    host = strip_host_variant(parts.hostname or "")
    host = f"[{host}]" if ":" in host else host
    port = f":{parts.port}" if parts.port else ""
    path = parts.path.rstrip("/")
    return f"{host}{port}{path}" + (f"?{parts.query}" if parts.query else "")


def same_site(a: str, b: str) -> bool:
    """Both URLs are on one site: the same host but for a www./amp./m. prefix, or one a subdomain of the other."""
    host_a, host_b = _site_host(a), _site_host(b)
    return bool(host_a and host_b) and (_within(host_a, host_b) or _within(host_b, host_a))


def speaks_for(feed_url: str, link: str) -> bool:
    """A feed at `feed_url` may give the text of the article at `link`: the link is on the feed's own host (but
    for a www./amp./m. prefix) or on one of its subdomains, with the same explicit port if either names one.
    Stricter than `same_site`: a feed on a subdomain does not speak for its parent domain (a feed on
    attacker.co.uk, or on blog.example.com, is no source for co.uk or example.com pages)."""
    feed_host, article_host = _site_host(feed_url), _site_host(link)
    if not feed_host or not article_host:
        return False
    try:
        feed_port, article_port = urlsplit(feed_url).port, urlsplit(link).port
    except ValueError:
        return False
    return (feed_port == article_port or not (feed_port or article_port)) and _within(article_host, feed_host)


def _site_host(url: str) -> str:
    return strip_host_variant(urlsplit(url).hostname or "")


def _within(host: str, site: str) -> bool:
    """`host` is `site` or one of its subdomains."""
    return host == site or host.endswith("." + site)


def canonical_link(fetched_url: str, declared: str | None) -> str:
    """The page's declared canonical URL when it is an http(s) URL on the same site, else the fetched one."""
    if declared:
        try:
            target = check_url(urljoin(fetched_url, declared))
        except InvalidURLError:
            target = ""
        if target and same_site(target, fetched_url):
            return clean_url(target)
    return clean_url(fetched_url)


def site_name(url: str) -> str:
    """The host of `url` without its www./amp./m. prefix, e.g. `news.example.com`."""
    return strip_host_variant(urlsplit(url).hostname or "") or url


def strip_host_variant(host: str) -> str:
    host = host.lower().rstrip(".")
    for prefix in _HOST_VARIANTS:
        if host.startswith(prefix) and "." in host[len(prefix):]:
            return host[len(prefix):]
    return host


def _netloc(scheme: str, parts) -> str:
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    return host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"


def _clean_query(query: str) -> str:
    """courlan's tracker-free, sorted query, without AMP switches."""
    if not query:
        return ""
    kept = [
        pair for pair in clean_query(query).split("&")
        if pair and pair.partition("=")[2].lower() not in _AMP_PARAMS.get(pair.partition("=")[0].lower(), ())
    ]
    return "&".join(kept)
