"""Generated subresources for the Lighthouse comparison: CSS and JS of a given size made from varied
token streams (so gzip compresses them about as much as real minified code), real decodable JPEG,
WebP and PNG images of given pixel dimensions and approximate byte sizes (ImageMagick), and real
WOFF2 fonts subset from DejaVu (fonttools). Everything is deterministic for a given seed and cached
under the work folder, so a second run makes nothing again."""

import hashlib
import os
import random
import shutil
import subprocess

# Debian's ImageMagick (another `convert` may come first on PATH).
CONVERT = "/usr/bin/convert" if os.path.exists("/usr/bin/convert") else "convert"

WORDS = (
    "product price cart checkout button image gallery slider item list grid card title label value "
    "header footer nav menu link icon badge rating review stars stock size color variant option "
    "select input form field error message modal overlay close open toggle active hidden visible "
    "primary secondary small large medium wrapper container inner outer content body section row "
    "col left right top bottom center start end flex block inline width height margin padding "
    "border radius shadow font weight line spacing opacity transform transition animation hover "
    "focus disabled checked selected loading lazy thumb zoom swatch promo banner hero teaser "
    "delivery shipping refund payment account login search filter sort page count total amount "
    "currency discount sale novel tag category brand model sku quantity add remove update submit "
    "track event analytics consent cookie storage session user token request response data state "
    "config module render mount effect callback handler listener observer queue buffer cache"
).split()

JS_KEYWORDS = ["var", "let", "const", "return", "if", "else", "for", "while", "function", "new", "typeof"]


def _rng(seed):
    return random.Random(int(hashlib.sha256(str(seed).encode()).hexdigest()[:16], 16))


def _ident(r):
    a = r.choice(WORDS)
    if r.random() < 0.6:
        b = r.choice(WORDS)
        a = a + b[0].upper() + b[1:]
    if r.random() < 0.25:
        a += str(r.randint(0, 99))
    return a


def _js_expr(r, depth=0):
    k = r.random()
    if depth > 2 or k < 0.25:
        return r.choice([_ident(r), str(r.randint(0, 9999)), '"%s"' % r.choice(WORDS), "null", "!0", "!1"])
    if k < 0.5:
        return "%s%s%s" % (_js_expr(r, depth + 1), r.choice(["+", "-", "*", "&&", "||", "===", "!==", "<", ">"]),
                           _js_expr(r, depth + 1))
    if k < 0.7:
        return "%s.%s(%s)" % (_ident(r), _ident(r), ",".join(_js_expr(r, depth + 1) for _ in range(r.randint(0, 3))))
    if k < 0.85:
        return "{%s}" % ",".join("%s:%s" % (_ident(r), _js_expr(r, depth + 1)) for _ in range(r.randint(1, 4)))
    return "[%s]" % ",".join(_js_expr(r, depth + 1) for _ in range(r.randint(1, 5)))


def _js_stmt(r, depth=0):
    k = r.random()
    if depth < 2 and k < 0.15:
        return "if(%s){%s}else{%s}" % (_js_expr(r), _js_stmt(r, depth + 1), _js_stmt(r, depth + 1))
    if depth < 2 and k < 0.25:
        v = r.choice("ijkn")
        return "for(var %s=0;%s<%s.length;%s++){%s}" % (v, v, _ident(r), v, _js_stmt(r, depth + 1))
    if k < 0.55:
        return "var %s=%s;" % (_ident(r), _js_expr(r))
    if k < 0.8:
        return "%s.%s=%s;" % (_ident(r), _ident(r), _js_expr(r))
    return "return %s;" % _js_expr(r)


def js_text(size, seed):
    """Valid JavaScript of exactly `size` bytes: functions that are defined and never called, inside an
    IIFE, so the browser parses and compiles it but runs almost nothing."""
    r = _rng(("js", seed))
    tag = hashlib.sha256(str(seed).encode()).hexdigest()[:12]
    head, tail = "/*! generated bundle %s */\n(function(){\n" % tag, "})();\n"
    parts, n = [], len(head) + len(tail)
    while n < size:
        f = "function %s(%s){%s}\n" % (_ident(r), ",".join(_ident(r) for _ in range(r.randint(0, 3))),
                                       "".join(_js_stmt(r) for _ in range(r.randint(1, 6))))
        parts.append(f)
        n += len(f)
    body = "".join(parts)
    body = body[: max(0, size - len(head) - len(tail))]
    # Cutting mid-function would break the syntax: cut at the last whole function and pad with a comment.
    cut = body.rfind("}\n")
    body = body[: cut + 2] if cut >= 0 else ""
    pad = size - len(head) - len(tail) - len(body)
    if pad >= 5:
        filler = ""
        while len(filler) < pad - 5:
            filler += r.choice(WORDS) + " "
        body += "/*" + filler[: pad - 5] + "*/\n"
    elif pad > 0:
        body += "\n" * pad
    return head + body + tail


CSS_PROPS = [
    ("display", ["block", "flex", "grid", "none", "inline-block"]),
    ("color", ["#222", "#333333", "#2f5d50", "#fff", "rgba(0,0,0,.6)", "#c0392b"]),
    ("background-color", ["#fff", "#f5f5f5", "#eee", "transparent", "#2f5d50"]),
    ("margin", ["0", "0 auto", "8px 0", "1rem", "4px 8px"]),
    ("padding", ["0", "8px", "12px 16px", ".5rem 1rem", "2px"]),
    ("font-size", ["12px", "14px", "1rem", "1.25rem", ".875rem", "18px"]),
    ("font-weight", ["400", "600", "700", "bold"]),
    ("line-height", ["1.2", "1.4", "1.5", "20px"]),
    ("border", ["0", "1px solid #ddd", "1px solid #ccc", "2px solid currentColor"]),
    ("border-radius", ["0", "2px", "4px", "8px", "50%"]),
    ("width", ["100%", "auto", "50%", "240px", "33.333%"]),
    ("position", ["relative", "absolute", "static", "sticky"]),
    ("transition", ["opacity .2s ease", "transform .3s", "all .15s linear"]),
    ("text-align", ["left", "center", "right"]),
    ("justify-content", ["space-between", "center", "flex-start"]),
    ("align-items", ["center", "flex-start", "stretch"]),
]


def css_text(size, seed, prefix=""):
    """Valid CSS of exactly `size` bytes (after `prefix`): rules with varied selectors and declarations."""
    r = _rng(("css", seed))
    out = [prefix, "/*! generated stylesheet %s */\n" % hashlib.sha256(str(seed).encode()).hexdigest()[:12]]
    n = sum(len(p) for p in out)
    while n < size:
        sel = ",".join(".%s-%s%s" % (r.choice(WORDS), r.choice(WORDS),
                                     r.choice(["", " ." + r.choice(WORDS), ">" + r.choice(["a", "span", "li", "div"]),
                                               ":hover", "::before"]))
                       for _ in range(r.randint(1, 3)))
        decl = ";".join("%s:%s" % (p, r.choice(v)) for p, v in r.sample(CSS_PROPS, r.randint(2, 6)))
        rule = "%s{%s}\n" % (sel, decl)
        if r.random() < 0.04:
            rule = "@media (min-width:%dpx){%s}\n" % (r.choice([480, 768, 1024]), rule.strip())
        out.append(rule)
        n += len(rule)
    text = "".join(out)
    text = text[: text.rfind("}\n", 0, size) + 2] if n > size else text
    pad = size - len(text)
    if pad >= 5:
        filler = ""
        while len(filler) < pad - 5:
            filler += r.choice(WORDS) + " "
        text += "/*" + filler[: pad - 5] + "*/\n"
    elif pad > 0:
        text += "\n" * pad
    return text


def text_words(r, n):
    """`n` words of shop-like prose."""
    return " ".join(r.choice(WORDS) for _ in range(n))


class ImageMaker:
    """Makes images with ImageMagick's plasma fractal (photo-like, seeded), at a quality found by
    bisection so the file comes near the requested byte size. Cached by (w, h, format, target, seed)."""

    def __init__(self, cache_dir):
        self.cache = cache_dir
        os.makedirs(os.path.join(cache_dir, "base"), exist_ok=True)
        os.makedirs(os.path.join(cache_dir, "img"), exist_ok=True)

    def _base(self, w, h, seed):
        p = os.path.join(self.cache, "base", "%dx%d-%d.miff" % (w, h, seed))
        if not os.path.exists(p):
            tmp = p + ".tmp.miff"
            subprocess.run(["nice", CONVERT, "-seed", str(seed), "-size", "%dx%d" % (w, h), "plasma:", tmp], check=True)
            os.replace(tmp, p)
        return p

    def _encode(self, base, out, fmt, q, extra=()):
        subprocess.run(["nice", CONVERT, base, *extra, "-depth", "8", "-strip", "-quality", str(q), out], check=True)
        return os.path.getsize(out)

    def make(self, w, h, fmt, target, seed=1):
        w, h = max(8, int(w)), max(8, int(h))
        key = "%dx%d-%d-%d.%s" % (w, h, int(target), seed, fmt)
        out = os.path.join(self.cache, "img", key)
        if os.path.exists(out):
            return out
        base = self._base(w, h, seed % 7)
        tmp = out + ".tmp." + fmt
        best = None
        if fmt == "png":
            # PNG is lossless: steer the size with the number of colours instead of a quality.
            for colors in (4, 8, 16, 32, 64, 128, 256, 0):
                extra = ("-colors", str(colors)) if colors else ()
                size = self._encode(base, tmp, fmt, 95, extra)
                if best is None or abs(size - target) < abs(best[0] - target):
                    best = (size, extra)
                if size > target:
                    break
            self._encode(base, tmp, fmt, 95, best[1])
        else:
            lo, hi = 5, 95
            for _ in range(6):
                q = (lo + hi) // 2
                size = self._encode(base, tmp, fmt, q)
                if best is None or abs(size - target) < abs(best[0] - target):
                    best = (size, q)
                if abs(size - target) <= 0.05 * target:
                    break
                if size < target:
                    lo = q + 1
                else:
                    hi = q - 1
                if lo > hi:
                    break
            self._encode(base, tmp, fmt, best[1])
        os.replace(tmp, out)
        return out


def place(src, dst):
    """Puts a cached file at dst (a hard link when possible)."""
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if os.path.exists(dst):
        os.remove(dst)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


FONT_SOURCES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
]
# Latin-1 plus a few more blocks for the larger variants: real web fonts are 15-120 KB.
FONT_RANGES = ["U+0020-007E", "U+0020-00FF", "U+0020-024F", "U+0020-024F,U+0370-03FF,U+0400-04FF"]


def font_file(cache_dir, index):
    """A real WOFF2 font: a DejaVu face subset to a Unicode range by pyftsubset (python3-fonttools,
    brotli from python3-brotli). Falls back to the TTF itself when fonttools is missing."""
    src = FONT_SOURCES[index % len(FONT_SOURCES)]
    if not os.path.exists(src):
        src = FONT_SOURCES[0]
    rng = FONT_RANGES[(index // len(FONT_SOURCES)) % len(FONT_RANGES)]
    out = os.path.join(cache_dir, "font", "%d.woff2" % index)
    if os.path.exists(out):
        return out
    os.makedirs(os.path.dirname(out), exist_ok=True)
    tmp = out + ".tmp"
    r = subprocess.run(["nice", "/usr/bin/python3", "-m", "fontTools.subset", src, "--unicodes=" + rng, "--flavor=woff2", "--output-file=" + tmp],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if r.returncode != 0:
        raise RuntimeError("pyftsubset failed for %s (install python3-fonttools python3-brotli)" % src)
    os.replace(tmp, out)
    return out
