#!/usr/bin/env python3
"""Builds the site the Lighthouse comparison serves: the demo shop copied as it is, synthetic pages
that span light to very heavy, few to many render-blocking resources and small to large hero images,
and real product pages from ../shared/corpora/product-pages with every subresource replaced by a
generated file of a plausible size. Writes SITE/ and SITE/pages.json (the list of pages to audit).

Usage: make_pages.py --site DIR --cache DIR [--demo DIR] [--corpus DIR] [--corpus-pages N]"""

import argparse
import glob
import gzip
import hashlib
import json
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import assets  # noqa: E402

# --------------------------------------------------------------------------------------------------
# Synthetic pages. Each entry: name, description, and the resources it loads.
#   css: sizes of render-blocking stylesheets (bytes, uncompressed); js: sizes of synchronous scripts
#   in the head; defer_js: deferred scripts; hero: (w, h, fmt, bytes) or None; hero_css: the hero is a
#   CSS background; imgs: (count, w, h, fmt, bytes) below the fold; lazy: those images are lazy;
#   fonts: number of web fonts; html_words: words of body text.
# --------------------------------------------------------------------------------------------------
K = 1024
SYNTHETIC = [
    dict(name="text-only", desc="tiny page, text only, nothing render-blocking", html_words=150),
    dict(name="light", desc="one small stylesheet, small hero", css=[8 * K], hero=(480, 360, "jpg", 25 * K), html_words=300),
    dict(name="no-blocking-big-hero", desc="no render-blocking resources, 1600x1000 JPEG hero ~400 KB",
         hero=(1600, 1000, "jpg", 400 * K), html_words=300),
    dict(name="rb2", desc="2 stylesheets, medium hero", css=[30 * K, 12 * K], hero=(800, 600, "jpg", 90 * K),
         html_words=400),
    dict(name="rb6", desc="3 stylesheets + 3 head scripts", css=[40 * K, 15 * K, 6 * K], js=[60 * K, 25 * K, 8 * K],
         hero=(800, 600, "webp", 60 * K), html_words=400),
    dict(name="rb12", desc="6 stylesheets + 6 head scripts", css=[50 * K, 30 * K, 20 * K, 10 * K, 8 * K, 4 * K],
         js=[90 * K, 60 * K, 40 * K, 20 * K, 10 * K, 5 * K], hero=(800, 600, "jpg", 100 * K), html_words=500),
    dict(name="rb20", desc="8 stylesheets + 12 head scripts (tag-manager style)", css=[30 * K] * 8,
         js=[25 * K] * 12, hero=(600, 600, "jpg", 60 * K), html_words=500),
    dict(name="heavy-js-sync", desc="2 stylesheets, 4 synchronous scripts of 300 KB", css=[60 * K, 20 * K],
         js=[300 * K] * 4, hero=(800, 800, "jpg", 120 * K), html_words=400),
    dict(name="heavy-js-defer", desc="1 stylesheet, 5 deferred scripts of 200 KB", css=[40 * K],
         defer_js=[200 * K] * 5, hero=(800, 800, "jpg", 120 * K), html_words=400),
    dict(name="png-hero", desc="1200x1200 PNG hero ~1.2 MB", css=[20 * K], hero=(1200, 1200, "png", 1200 * K),
         html_words=300),
    dict(name="css-bg-hero", desc="hero as a CSS background image (LCP found through the stylesheet)",
         css=[25 * K], hero=(1200, 800, "jpg", 200 * K), hero_css=True, html_words=300),
    dict(name="fonts", desc="3 web fonts via @font-face, text LCP", css=[30 * K], fonts=3, html_words=600),
    dict(name="many-images", desc="hero + 24 below-the-fold images of 60 KB", css=[30 * K, 10 * K], js=[40 * K],
         hero=(800, 800, "jpg", 110 * K), imgs=(24, 400, 400, "jpg", 60 * K), html_words=500),
    dict(name="lazy-images", desc="hero + 30 lazy images of 80 KB", css=[30 * K], js=[40 * K],
         hero=(800, 800, "webp", 80 * K), imgs=(30, 500, 500, "webp", 80 * K), lazy=True, html_words=500),
    dict(name="big-html", desc="400 KB of HTML text, one stylesheet", css=[20 * K], hero=(600, 400, "jpg", 50 * K),
         html_words=60000),
    dict(name="very-heavy", desc="~6 MB: 10 stylesheets and scripts, 1.6 MB hero, 30 images, 3 fonts",
         css=[120 * K, 80 * K, 40 * K, 30 * K, 20 * K], js=[400 * K, 250 * K, 120 * K, 60 * K, 30 * K],
         defer_js=[300 * K, 200 * K], hero=(2000, 1500, "jpg", 1600 * K), imgs=(30, 600, 600, "jpg", 90 * K),
         fonts=3, html_words=1500),
]


def _font_face_css(fonts_urls):
    names = ["Shop Sans", "Shop Sans Bold", "Shop Serif", "Shop Mono"]
    return "".join('@font-face{font-family:"%s";src:url(%s) format("woff2");font-display:swap}\n' % (names[i % 4], u)
                   for i, u in enumerate(fonts_urls))


def make_synthetic(spec, site, cache, imgmaker):
    name = spec["name"]
    d = os.path.join(site, "fx", name)
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)
    r = assets._rng(("page", name))
    head, body = [], []
    font_urls = []
    for i in range(spec.get("fonts", 0)):
        assets.place(assets.font_file(cache, i * 5 + 1), os.path.join(d, "font%d.woff2" % i))
        font_urls.append("/fx/%s/font%d.woff2" % (name, i))
    hero = spec.get("hero")
    hero_url = None
    if hero:
        w, h, fmt, size = hero
        hero_url = "/fx/%s/hero.%s" % (name, fmt)
        assets.place(imgmaker.make(w, h, fmt, size, seed=1), os.path.join(d, "hero." + fmt))
    for i, size in enumerate(spec.get("css", [])):
        prefix = ""
        if i == 0 and font_urls:
            prefix = _font_face_css(font_urls) + "body{font-family:\"Shop Sans\",sans-serif}h1,h2{font-family:\"Shop Sans Bold\"}\n"
        if i == 0 and spec.get("hero_css"):
            prefix += ".hero-bg{background:url(%s) center/cover no-repeat;width:100%%;aspect-ratio:3/2}\n" % hero_url
        with open(os.path.join(d, "s%d.css" % i), "w") as f:
            f.write(assets.css_text(size, "%s-css%d" % (name, i), prefix))
        head.append('<link rel="stylesheet" href="/fx/%s/s%d.css">' % (name, i))
    for i, size in enumerate(spec.get("js", [])):
        with open(os.path.join(d, "h%d.js" % i), "w") as f:
            f.write(assets.js_text(size, "%s-js%d" % (name, i)))
        head.append('<script src="/fx/%s/h%d.js"></script>' % (name, i))
    for i, size in enumerate(spec.get("defer_js", [])):
        with open(os.path.join(d, "d%d.js" % i), "w") as f:
            f.write(assets.js_text(size, "%s-djs%d" % (name, i)))
        head.append('<script defer src="/fx/%s/d%d.js"></script>' % (name, i))
    if font_urls and not spec.get("css"):
        head.append("<style>%s</style>" % _font_face_css(font_urls))
    body.append('<header><a href="/">Shop</a> <nav><a href="/c/x">Shoes</a> <a href="/cart">Cart</a></nav></header>')
    body.append("<main><h1>%s</h1>" % assets.text_words(r, 6).title())
    if hero_url:
        w, h = hero[0], hero[1]
        if spec.get("hero_css"):
            body.append('<div class="hero-bg" role="img" aria-label="product"></div>')
        else:
            body.append('<img class="hero" src="%s" width="%d" height="%d" alt="product" '
                        'style="width:100%%;height:auto">' % (hero_url, w, h))
    body.append('<p class="price">129.90 EUR</p><button>Add to cart</button>')
    words = spec.get("html_words", 200)
    for _ in range(max(1, words // 80)):
        body.append("<p>%s.</p>" % assets.text_words(r, 80).capitalize())
    imgs = spec.get("imgs")
    if imgs:
        n, w, h, fmt, size = imgs
        body.append('<section class="more">')
        for i in range(n):
            assets.place(imgmaker.make(w, h, fmt, size, seed=2 + i % 5), os.path.join(d, "i%d.%s" % (i, fmt)))
            lazy = ' loading="lazy"' if spec.get("lazy") else ""
            body.append('<p>%s</p><img src="/fx/%s/i%d.%s" width="%d" height="%d" alt="more"%s '
                        'style="width:100%%;height:auto">' % (assets.text_words(r, 30), name, i, fmt, w, h, lazy))
        body.append("</section>")
    body.append("</main><footer>%s</footer>" % assets.text_words(r, 20))
    html = ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<title>%s</title>\n%s\n</head><body>\n%s\n</body></html>\n"
            % (name, "\n".join(head), "\n".join(body)))
    with open(os.path.join(d, "index.html"), "w") as f:
        f.write(html)
    return {"name": "fx/" + name, "path": "/fx/%s/index.html" % name, "kind": "synthetic", "desc": spec["desc"]}


# --------------------------------------------------------------------------------------------------
# Corpus pages
# --------------------------------------------------------------------------------------------------
JS_TYPES = ("", "text/javascript", "application/javascript", "module", "text/ecmascript")
DROP_LINK_RELS = {"preconnect", "dns-prefetch", "prefetch", "prerender", "manifest", "modulepreload", "next",
                  "search", "pingback", "serviceworker"}
IMG_EXT = {"jpg": "jpg", "jpeg": "jpg", "png": "png", "webp": "webp", "gif": "png", "avif": "webp", "svg": "png",
           "ico": "png"}


def _attr(tag, name):
    m = re.search(r'\s%s\s*=\s*("([^"]*)"|\'([^\']*)\'|([^\s>]+))' % re.escape(name), tag, re.I)
    if not m:
        return None
    return next(g for g in (m.group(2), m.group(3), m.group(4)) if g is not None)


def _set_attr(tag, name, value):
    pat = r'(\s)%s\s*=\s*("[^"]*"|\'[^\']*\'|[^\s>]+)' % re.escape(name)
    if value is None:
        return re.sub(pat, r"\1", tag, flags=re.I)
    return re.sub(pat, lambda m: '%s%s="%s"' % (m.group(1), name, value), tag, count=1, flags=re.I)


def _int(v, default):
    try:
        n = int(float(re.sub(r"[^0-9.]", "", v or "")))
        return n if 8 <= n <= 4000 else default
    except ValueError:
        return default


class CorpusPage:
    """Rewrites one real page: every URL the browser would fetch becomes a local generated file."""

    def __init__(self, key, html, site, cache, imgmaker):
        self.key, self.html, self.cache, self.img = key, html, cache, imgmaker
        self.dir = os.path.join(site, "corpus", key)
        self.url = "/corpus/%s" % key
        self.r = assets._rng(("corpus", key))
        self.n = 0
        self.seen = {}

    def _new(self, kind, ext):
        self.n += 1
        return "%s/%s%d.%s" % (self.url, kind, self.n, ext), os.path.join(self.dir, "%s%d.%s" % (kind, self.n, ext))

    def _lognormal(self, median, lo, hi):
        v = median * (2.718281828 ** self.r.gauss(0, 0.9))
        return int(min(hi, max(lo, v)))

    def js(self, orig):
        if orig in self.seen:
            return self.seen[orig]
        url, path = self._new("s", "js")
        with open(path, "w") as f:
            f.write(assets.js_text(self._lognormal(30 * K, 2 * K, 400 * K), (self.key, orig)))
        self.seen[orig] = url
        return url

    def css(self, orig):
        if orig in self.seen:
            return self.seen[orig]
        url, path = self._new("c", "css")
        with open(path, "w") as f:
            f.write(assets.css_text(self._lognormal(25 * K, 2 * K, 250 * K), (self.key, orig)))
        self.seen[orig] = url
        return url

    def font(self, orig):
        if orig in self.seen:
            return self.seen[orig]
        url, path = self._new("f", "woff2")
        assets.place(assets.font_file(self.cache, self.r.randint(0, 15)), path)
        self.seen[orig] = url
        return url

    def image(self, orig, w=None, h=None):
        if orig.startswith("data:") or orig.startswith("#"):
            return orig
        if orig in self.seen:
            return self.seen[orig]
        m = re.search(r"\.([a-zA-Z]{3,4})(?:$|[?#])", orig)
        fmt = IMG_EXT.get(m.group(1).lower(), "jpg") if m else "jpg"
        # Pool the pixel sizes into a few buckets so the cache stays small across pages.
        w = min(2000, max(16, w or 600))
        h = min(2000, max(16, h or w))
        bucket = lambda v: min((16, 32, 64, 100, 150, 200, 300, 400, 500, 600, 800, 1000, 1200, 1600, 2000),
                               key=lambda b: abs(b - v))
        w, h = bucket(w), bucket(h)
        per_px = {"jpg": 0.15, "webp": 0.10, "png": 0.6}[fmt]
        target = max(600, int(w * h * per_px))
        url, path = self._new("i", fmt)
        assets.place(self.img.make(w, h, fmt, target, seed=1 + len(self.seen) % 4), path)
        self.seen[orig] = url
        return url

    def _srcset(self, v, w, h):
        out = []
        for part in v.split(","):
            bits = part.strip().split()
            if not bits:
                continue
            desc = bits[1:]
            ww = w
            if desc and desc[0].endswith("w"):
                ww = _int(desc[0][:-1], w)
            out.append(" ".join([self.image(bits[0], ww, int(ww * (h or ww) / (w or ww)) if w else ww)] + desc))
        return ", ".join(out)

    def _css_urls(self, text):
        def rep(m):
            u = m.group(2).strip()
            if u.startswith("data:") or u.startswith("#"):
                return m.group(0)
            low = u.lower().split("?")[0]
            if low.endswith((".woff2", ".woff", ".ttf", ".otf", ".eot")):
                return "url(%s)" % self.font(u)
            if low.endswith(".css"):
                return "url(%s)" % self.css(u)
            return "url(%s)" % self.image(u, 200, 200)
        text = re.sub(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)""", rep, text, flags=re.I)
        return re.sub(r"""@import\s+(['"])([^'"]+)\1""", lambda m: '@import "%s"' % self.css(m.group(2)), text)

    def build(self):
        if os.path.isdir(self.dir):
            shutil.rmtree(self.dir)
        os.makedirs(self.dir)
        html = self.html

        def script(m):
            attrs, body = m.group(1), m.group(2)
            typ = (_attr("<x" + attrs, "type") or "").strip().lower()
            if typ not in JS_TYPES:
                return m.group(0)  # JSON-LD, templates: inert, kept as they are
            tag = "<script" + attrs + ">"
            src = _attr(tag, "src")
            if src is not None:
                tag = _set_attr(_set_attr(_set_attr(tag, "src", self.js(src)), "integrity", None), "nonce", None)
                return tag + "</script>"
            # Inline code: replaced by generated code of the same length (the same HTML weight, harmless).
            n = len(body.encode("utf-8"))
            return tag + (assets.js_text(n, (self.key, "inline", m.start())) if n > 40 else "") + "</script>"

        html = re.sub(r"<script\b([^>]*)>(.*?)</script\s*>", script, html, flags=re.I | re.S)
        # Nothing else may run or navigate: no <base>, no meta refresh, no service-worker hints.
        html = re.sub(r"<base\b[^>]*>", "", html, flags=re.I)
        html = re.sub(r"<meta\b[^>]*http-equiv\s*=\s*['\"]?refresh[^>]*>", "", html, flags=re.I)
        # Inline event handlers (onload=...) and javascript: would run page code: drop them.
        html = re.sub(r"""(<[a-zA-Z][^>]*?)\son[a-z]+\s*=\s*("[^"]*"|'[^']*')""",
                      lambda m: m.group(1), html)

        def link(m):
            tag = m.group(0)
            rel = (_attr(tag, "rel") or "").lower().split()
            href = _attr(tag, "href")
            if href is None:
                return tag
            if DROP_LINK_RELS & set(rel):
                return ""
            tag = _set_attr(tag, "integrity", None)
            as_ = (_attr(tag, "as") or "").lower()
            if "stylesheet" in rel or ("preload" in rel and as_ == "style"):
                return _set_attr(tag, "href", self.css(href))
            if "preload" in rel:
                if as_ == "script":
                    return _set_attr(tag, "href", self.js(href))
                if as_ == "font":
                    return _set_attr(tag, "href", self.font(href))
                if as_ == "image":
                    tag = _set_attr(tag, "imagesrcset", None)
                    return _set_attr(tag, "href", self.image(href, 800, 800))
                return ""
            if "icon" in rel or "apple-touch-icon" in rel or "shortcut" in rel:
                return _set_attr(tag, "href", self.image(href, 32, 32))
            return tag  # canonical, alternate...: not fetched

        html = re.sub(r"<link\b[^>]*>", link, html, flags=re.I)

        def img(m):
            tag = m.group(0)
            w, h = _int(_attr(tag, "width"), None), _int(_attr(tag, "height"), None)
            src = _attr(tag, "src")
            if src is not None:
                tag = _set_attr(tag, "src", self.image(src, w, h))
            ss = _attr(tag, "srcset")
            if ss is not None:
                tag = _set_attr(tag, "srcset", self._srcset(ss, w, h))
            return tag

        html = re.sub(r"<(?:img|source|input)\b[^>]*>", img, html, flags=re.I)
        # Frames, media and plugins would load other documents: emptied.
        html = re.sub(r"<(iframe|video|audio|embed|object|track)\b[^>]*>",
                      lambda m: _set_attr(_set_attr(_set_attr(m.group(0), "src", None), "poster", None), "data", None),
                      html, flags=re.I)
        html = re.sub(r"<style\b([^>]*)>(.*?)</style\s*>",
                      lambda m: "<style%s>%s</style>" % (m.group(1), self._css_urls(m.group(2))), html,
                      flags=re.I | re.S)
        html = re.sub(r"""(\sstyle\s*=\s*)("[^"]*"|'[^']*')""",
                      lambda m: m.group(1) + self._css_urls(m.group(2)), html, flags=re.I)
        # SVG <image href>/<use href> to another file.
        html = re.sub(r"<(?:image|use)\b[^>]*>",
                      lambda m: re.sub(r"""(\s(?:xlink:)?href\s*=\s*)(["'])(?!#|data:)[^"']*\2""", r"\1\2#\2",
                                       m.group(0)), html, flags=re.I)
        with open(os.path.join(self.dir, "index.html"), "w", encoding="utf-8") as f:
            f.write(html)
        return {"name": "corpus/" + self.key[:12], "path": self.url + "/index.html", "kind": "corpus",
                "desc": "%s (%d KB HTML, %d subresources)" % (self.key[:12], len(html.encode()) // K, len(self.seen))}


def pick_corpus(corpus, n):
    """n pages spread over the corpus sorted by HTML size (so light and heavy pages are both in)."""
    files = sorted(glob.glob(os.path.join(corpus, "html", "*.html.gz")))
    if not files or n <= 0:
        return []
    sized = sorted((os.path.getsize(f), f) for f in files)
    step = len(sized) / n
    return [sized[int(i * step + step / 2)][1] for i in range(min(n, len(sized)))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--site", required=True)
    ap.add_argument("--cache", required=True)
    ap.add_argument("--demo", default=None)
    ap.add_argument("--corpus", default=None)
    ap.add_argument("--corpus-pages", type=int, default=12)
    a = ap.parse_args()
    os.makedirs(a.site, exist_ok=True)
    imgmaker = assets.ImageMaker(a.cache)
    pages = []
    if a.demo:
        root = os.path.join(a.demo, "site")
        for sub in os.listdir(root):
            s, d = os.path.join(root, sub), os.path.join(a.site, sub)
            if os.path.isdir(d):
                shutil.rmtree(d)
            (shutil.copytree if os.path.isdir(s) else shutil.copyfile)(s, d)
        with open(os.path.join(a.demo, "pages.txt")) as f:
            for line in f:
                p = line.strip()
                if p and not p.startswith("#"):
                    pages.append({"name": "demo" + p, "path": p, "kind": "demo", "desc": "demo shop " + p})
    for spec in SYNTHETIC:
        print("make_pages: fx/%s" % spec["name"], file=sys.stderr)
        pages.append(make_synthetic(spec, a.site, a.cache, imgmaker))
    if a.corpus and os.path.isdir(a.corpus):
        for f in pick_corpus(a.corpus, a.corpus_pages):
            key = os.path.basename(f).split(".")[0]
            print("make_pages: corpus/%s" % key[:12], file=sys.stderr)
            html = gzip.open(f).read().decode("utf-8", "replace")
            pages.append(CorpusPage(key, html, a.site, a.cache, imgmaker).build())
    else:
        print("make_pages: no corpus at %s: corpus pages skipped" % a.corpus, file=sys.stderr)
    with open(os.path.join(a.site, "pages.json"), "w") as f:
        json.dump(pages, f, indent=1)
    print("make_pages: %d pages in %s" % (len(pages), a.site), file=sys.stderr)


if __name__ == "__main__":
    main()
